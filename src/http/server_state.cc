#include "http/server_state.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "core/env.h"

namespace a11y::http {
namespace {

// The "http" logger, created (as plain JSON lines on stderr) when nobody configured one.
std::shared_ptr<spdlog::logger> AccessLogger() {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  if (auto logger = spdlog::get("http")) return logger;
  auto logger =
      std::make_shared<spdlog::logger>("http", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("%v");
  logger->set_level(spdlog::get_level());
  spdlog::register_logger(logger);
  return logger;
}

}  // namespace

ServerState::ServerState(ServerOptions options, const Router* router)
    : options_(std::move(options)), router_(router), access_log_(AccessLogger()) {}

void ServerState::Record(const AccessRecord& record) {
  metrics_.RecordRequest(record.method, record.route, record.status, record.duration);
  if (!access_log_->should_log(spdlog::level::info)) return;
  nlohmann::ordered_json line;
  line["ts"] = FormatRfc3339(Env::Default()->Now());
  line["remote"] = record.remote;
  line["method"] = record.method;
  line["path"] = record.path;
  line["route"] = record.route.empty() ? std::string_view("unmatched") : record.route;
  line["status"] = record.status;
  line["bytes"] = record.bytes;
  line["duration_ms"] = static_cast<double>(record.duration.count()) / 1000.0;
  line["user"] = record.user;
  access_log_->info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

bool ServerState::Register(const std::shared_ptr<Connection>& connection) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_.load(std::memory_order_relaxed)) return false;
  connections_.emplace(connection.get(), connection);
  return true;
}

void ServerState::Unregister(const Connection* connection) {
  std::lock_guard<std::mutex> lock(mu_);
  if (connections_.erase(connection) > 0 && connections_.empty()) drained_.notify_all();
}

std::vector<std::shared_ptr<Connection>> ServerState::BeginStop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopping_.store(true, std::memory_order_release);
  std::vector<std::shared_ptr<Connection>> live;
  for (const auto& [key, weak] : connections_) {
    if (auto connection = weak.lock()) live.push_back(std::move(connection));
  }
  return live;
}

bool ServerState::WaitDrained(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return drained_.wait_until(lock, deadline, [&] { return connections_.empty(); });
}

std::vector<std::shared_ptr<Connection>> ServerState::LiveConnections() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<Connection>> live;
  for (const auto& [key, weak] : connections_) {
    if (auto connection = weak.lock()) live.push_back(std::move(connection));
  }
  return live;
}

}  // namespace a11y::http
