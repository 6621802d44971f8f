// auto-a11y serve: the HTTP API (DESIGN.md section 4) with workers in the same process.
// SIGTERM/SIGINT stop it gracefully: the server finishes its requests, then the workers
// give their jobs the grace period (see Worker::Shutdown).
#include <cstdlib>
#include <iostream>

#include "auth/authenticator.h"
#include "cli/cli_common.h"
#include "http/api.h"
#include "http/events.h"
#include "http/server.h"
#include "jobs/worker.h"
#include "websites/website_manager.h"

namespace a11y::cli {
namespace {

struct ServeArgs {
  http::ServerOptions server;
  int workers = 4;
  bool secure_cookies = false;
  CrawlerArgs crawler;
};

// The first start of an empty database creates "admin", with the password from
// AUTO_A11Y_ADMIN_PASSWORD or a generated one printed here once.
Status EnsureAdmin(auth::Authenticator& authenticator) {
  std::optional<std::string> password;
  if (const char* given = std::getenv("AUTO_A11Y_ADMIN_PASSWORD"); given && *given) {
    password = given;
  }
  auto generated = authenticator.EnsureInitialAdmin(password);
  if (!generated.ok()) return generated.status();
  if (*generated) {
    std::cout << "created the first user: admin, password " << **generated
              << "\n  (shown once; set AUTO_A11Y_ADMIN_PASSWORD to choose it yourself)"
              << std::endl;
  }
  return Status::Ok();
}

}  // namespace

void AddServeCommand(CLI::App& app, const GlobalOptions& options, int* exit_code) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd =
      app.add_subcommand("serve", "Serve the HTTP API, with workers, until SIGTERM or SIGINT");
  cmd->add_option("--listen", args->server.listen, "Address to listen on, host:port")
      ->capture_default_str();
  cmd->add_option("--workers", args->workers,
                  "Job slots run in this process (0: API only, with separate `worker` processes)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--io-threads", args->server.io_threads, "Threads serving HTTP")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_flag("--secure-cookies", args->secure_cookies,
                "Mark the session cookie Secure (when served behind HTTPS)");
  AddCrawlerOptions(cmd, &args->crawler);
  cmd->callback([&options, exit_code, args] {
    BlockStopSignals();
    auto session = OpenSession(options, exit_code);
    if (!session) return;
    Env* env = Env::Default();
    DomainStore& domain = session->store->domain();
    auth::Authenticator authenticator(&domain, env);
    if (Status admin = EnsureAdmin(authenticator); !admin.ok()) {
      *exit_code = Fail(options, admin);
      return;
    }
    WebsiteManager websites(&domain, env);
    http::EventHub events(session->store.get());
    http::ApiContext context;
    context.jobs = session->manager.get();
    context.websites = &websites;
    context.auth = &authenticator;
    context.events = &events;
    context.env = env;
    context.secure_cookies = args->secure_cookies;
    http::Router router;
    http::RegisterRoutes(router, context);
    http::HttpServer server(args->server, &router);
    context.server_metrics = [&server] { return server.PrometheusText(); };

    HandlerRegistry handlers;
    if (Status registered = RegisterHandlers(args->crawler, &handlers); !registered.ok()) {
      *exit_code = Fail(options, registered);
      return;
    }
    std::unique_ptr<Worker> worker;
    if (args->workers > 0) {
      WorkerOptions worker_options;
      worker_options.concurrency = args->workers;
      worker = std::make_unique<Worker>(session->manager.get(), &handlers, worker_options);
      if (Status started = worker->Start(); !started.ok()) {
        *exit_code = Fail(options, started);
        return;
      }
    }
    if (Status started = server.Start(); !started.ok()) {
      if (worker) worker->Shutdown();
      *exit_code = Fail(options, started);
      return;
    }
    if (options.json) {
      PrintJson(Json{{"event", "serving"}, {"url", server.base_url()}, {"workers", args->workers}});
    } else {
      std::cout << "auto-a11y serving " << server.base_url() << " on " << options.database
                << " with " << args->workers << " worker slots\n"
                << "  log in: POST " << server.base_url()
                << "/api/v1/auth/login {\"username\": \"admin\", \"password\": ...}\n"
                << "  Ctrl-C stops it" << std::endl;
    }
    WaitForStopSignal();
    server.Stop();
    if (worker) worker->Shutdown();
  });
}

}  // namespace a11y::cli
