#include "cli/cli_common.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace a11y::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk: return kExitOk;
    case Status::Code::kInvalidArgument: return kExitUsage;
    case Status::Code::kNotFound: return kExitNotFound;
    case Status::Code::kAlreadyExists:
    case Status::Code::kFailedPrecondition:
    case Status::Code::kLeaseLost: return kExitConflict;
    default: return kExitError;
  }
}

int Fail(const GlobalOptions& options, const Status& status) {
  if (options.json) {
    PrintJson(Json{{"error", {{"code", Status::CodeName(status.code())},
                              {"message", status.message()}}}});
  } else {
    std::cerr << "auto-a11y: " << status.ToString() << "\n";
  }
  return ExitCodeFor(status);
}

// Flushed: whoever watches a long-running command's events (an operator's pipe, a test)
// reads each line as it happens, not when the process exits.
void PrintJson(const Json& value) { std::cout << value.dump() << std::endl; }

std::unique_ptr<Session> OpenSession(const GlobalOptions& options, int* exit_code,
                                     JobManagerOptions manager_options) {
  if (options.database.rfind("sqlite:", 0) == 0) {
    // Create the folder of the default database on first use; report what fails.
    const std::string path = options.database.substr(7, options.database.find('?') - 7);
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
      std::filesystem::create_directories(parent, ec);
      if (ec) {
        *exit_code = Fail(options, Status::IoError("cannot create folder '" + parent.string() +
                                                   "': " + ec.message()));
        return nullptr;
      }
    }
  }
  auto store = OpenJobStore(options.database, Env::Default());
  if (!store.ok()) {
    *exit_code = Fail(options, store.status());
    return nullptr;
  }
  Status migrated = (*store)->Migrate();
  if (!migrated.ok()) {
    *exit_code = Fail(options, migrated);
    return nullptr;
  }
  auto session = std::make_unique<Session>();
  session->store = std::move(store).value();
  session->manager =
      std::make_unique<JobManager>(session->store.get(), Env::Default(), manager_options);
  return session;
}

void AddMigrateCommand(CLI::App& app, const GlobalOptions& options, int* exit_code) {
  auto* cmd = app.add_subcommand("migrate", "Create or upgrade the database schema");
  cmd->callback([&options, exit_code] {
    auto session = OpenSession(options, exit_code);
    if (!session) return;
    auto version = session->store->SchemaVersion();
    if (!version.ok()) {
      *exit_code = Fail(options, version.status());
      return;
    }
    if (options.json) {
      PrintJson(Json{{"backend", session->store->BackendName()}, {"schema_version", *version}});
    } else {
      std::cout << "database " << options.database << " (" << session->store->BackendName()
                << ") is at schema version " << *version << "\n";
    }
  });
}

namespace {
sigset_t StopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}
}  // namespace

void BlockStopSignals() {
  const sigset_t signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

void WaitForStopSignal() {
  const sigset_t signals = StopSignals();
  int signal_number = 0;
  sigwait(&signals, &signal_number);
}

}  // namespace a11y::cli
