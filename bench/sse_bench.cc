// Live-progress benchmark: many Server-Sent Events subscribers following running jobs on
// a running `auto-a11y serve`. Creates `--jobs` sleep jobs for the token's user directly
// in the server's database, opens `--subscribers` streams spread evenly over them, and
// measures, for every event received, the delay from the job's update in the database
// (its updated_at) to its arrival here. Checks that every subscriber saw its job end and
// that every follower of a job received the same events. Prints one JSON line.
//
//   sse_bench --url http://127.0.0.1:8080 --token a11y_... --user-id ID
//             --database sqlite:PATH --jobs 100 --subscribers 1000 --server-pid PID
// (scripts/bench-api runs it against a fresh server.)
#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "jobs/job_manager.h"
#include "store/job_store.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using a11y::Json;

namespace {

struct Figures {
  std::vector<double> delays_ms;
  int64_t events = 0;
  int finished = 0;
  int failed = 0;
  std::map<std::string, std::map<int, std::vector<std::string>>> ids;  // job -> subscriber -> ids
};

class Subscriber : public std::enable_shared_from_this<Subscriber> {
 public:
  Subscriber(asio::io_context& io, tcp::endpoint server, std::string target, std::string token,
             int index, std::string job_id, Figures* figures)
      : stream_(io), server_(server), index_(index), job_id_(std::move(job_id)), figures_(figures) {
    request_ = {beast::http::verb::get, target, 11};
    request_.set(beast::http::field::host, "127.0.0.1");
    request_.set(beast::http::field::authorization, "Bearer " + token);
    request_.set(beast::http::field::accept, "text/event-stream");
    parser_.body_limit(std::uint64_t{1} << 40);
  }

  void Start() {
    stream_.async_connect(server_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->Fail();
      beast::http::async_write(self->stream_, self->request_,
                               [self](beast::error_code ec2, size_t) {
                                 if (ec2) return self->Fail();
                                 self->ReadHeader();
                               });
    });
  }

 private:
  void ReadHeader() {
    beast::http::async_read_header(stream_, buffer_, parser_,
                                   [self = shared_from_this()](beast::error_code ec, size_t) {
                                     if (ec || self->parser_.get().result_int() != 200)
                                       return self->Fail();
                                     self->ReadSome();
                                   });
  }
  void ReadSome() {
    beast::http::async_read_some(stream_, buffer_, parser_,
                                 [self = shared_from_this()](beast::error_code ec, size_t) {
                                   self->Parse();
                                   if (ec || self->parser_.is_done()) return self->End();
                                   self->ReadSome();
                                 });
  }
  void Parse() {
    std::string& body = parser_.get().body();
    pending_ += body;
    body.clear();
    const auto now = a11y::ToUnixMicros(a11y::Env::Default()->Now());
    for (size_t end; (end = pending_.find("\n\n")) != std::string::npos;) {
      const std::string block = pending_.substr(0, end);
      pending_.erase(0, end + 2);
      const size_t data = block.find("data: ");
      const size_t id = block.find("id: ");
      if (data == std::string::npos || id == std::string::npos) continue;
      const Json job = Json::parse(block.substr(data + 6), nullptr, false);
      if (!job.is_object()) continue;
      a11y::TimePoint updated_at;
      if (!a11y::ParseRfc3339(job.value("updated_at", ""), &updated_at)) continue;
      // The first event is the state at connection time, not a live delivery.
      if (!first_) figures_->delays_ms.push_back((now - a11y::ToUnixMicros(updated_at)) / 1000.0);
      first_ = false;
      figures_->events++;
      figures_->ids[job_id_][index_].push_back(block.substr(id + 4, block.find('\n', id) - id - 4));
      if (job.value("status", "") == "completed") saw_end_ = true;
    }
  }
  void End() {
    if (saw_end_)
      figures_->finished++;
    else
      figures_->failed++;
  }
  void Fail() { figures_->failed++; }

  beast::tcp_stream stream_;
  tcp::endpoint server_;
  int index_;
  std::string job_id_;
  Figures* figures_;
  beast::http::request<beast::http::empty_body> request_;
  beast::flat_buffer buffer_;
  beast::http::response_parser<beast::http::string_body> parser_;
  std::string pending_;
  bool saw_end_ = false;
  bool first_ = true;
};

int64_t ResidentKib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(q * (values.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"SSE delivery benchmark against a running auto-a11y serve"};
  std::string url = "http://127.0.0.1:8080", token, database, user_id;
  int jobs = 100, subscribers = 1000, duration_ms = 10000, steps = 100, server_pid = 0;
  app.add_option("--url", url)->capture_default_str();
  app.add_option("--token", token)->required();
  app.add_option("--user-id", user_id, "The token's user")->required();
  app.add_option("--database", database, "The server's database URL")->required();
  app.add_option("--jobs", jobs)->capture_default_str();
  app.add_option("--subscribers", subscribers)->capture_default_str();
  app.add_option("--duration-ms", duration_ms, "Each sleep job's length")->capture_default_str();
  app.add_option("--steps", steps, "Progress steps per job")->capture_default_str();
  app.add_option("--server-pid", server_pid, "Report this process's memory");
  CLI11_PARSE(app, argc, argv);

  const size_t colon = url.rfind(':');
  const tcp::endpoint server(asio::ip::make_address("127.0.0.1"),
                             static_cast<unsigned short>(std::stoi(url.substr(colon + 1))));
  auto store = a11y::OpenJobStore(database, a11y::Env::Default());
  if (!store.ok()) {
    std::cerr << store.status().ToString() << '\n';
    return 1;
  }
  a11y::JobManager manager(store->get(), a11y::Env::Default());
  // Jobs are created first and start only when the worker claims them, so the streams are
  // open before the first progress: a few seconds of run_after.
  std::vector<std::string> job_ids;
  const auto start_at = a11y::Env::Default()->Now() + std::chrono::seconds(3);
  for (int i = 0; i < jobs; ++i) {
    a11y::CreateJobRequest request;
    request.job_type = "sleep";
    request.user_id = user_id;
    request.run_after = start_at;
    request.metadata = {{"duration_ms", duration_ms}, {"steps", steps}};
    auto job = manager.CreateJob(request);
    if (!job.ok()) {
      std::cerr << job.status().ToString() << '\n';
      return 1;
    }
    job_ids.push_back(job->job_id);
  }
  const int64_t rss_before = server_pid ? ResidentKib(server_pid) : -1;
  asio::io_context io;
  Figures figures;
  for (int i = 0; i < subscribers; ++i) {
    const std::string& job_id = job_ids[static_cast<size_t>(i % jobs)];
    std::make_shared<Subscriber>(io, server, "/api/v1/jobs/" + job_id + "/events", token, i, job_id,
                                 &figures)
        ->Start();
  }
  int64_t rss_peak = rss_before;
  std::atomic<bool> done{false};
  std::thread sampler([&] {
    while (!done) {
      if (server_pid) rss_peak = std::max(rss_peak, ResidentKib(server_pid));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  io.run();
  done = true;
  sampler.join();

  // Followers of one job must have received the same events.
  int divergent = 0;
  for (const auto& [job_id, by_subscriber] : figures.ids) {
    const auto& first = by_subscriber.begin()->second;
    for (const auto& [index, ids] : by_subscriber) divergent += ids != first;
  }
  std::cout << Json{{"figure", "sse_delivery"},
                    {"jobs", jobs},
                    {"subscribers", subscribers},
                    {"events", figures.events},
                    {"subscribers_saw_end", figures.finished},
                    {"subscribers_failed", figures.failed},
                    {"followers_with_different_events", divergent},
                    {"delay_p50_ms", Quantile(figures.delays_ms, 0.5)},
                    {"delay_p99_ms", Quantile(figures.delays_ms, 0.99)},
                    {"delay_max_ms", Quantile(figures.delays_ms, 1.0)},
                    {"server_rss_before_kib", rss_before},
                    {"server_rss_peak_kib", rss_peak}}
                   .dump()
            << std::endl;
  return figures.failed == 0 && divergent == 0 ? 0 : 1;
}
