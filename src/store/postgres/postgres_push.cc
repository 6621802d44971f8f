#include "store/postgres/postgres_push.h"

#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "store/postgres/postgres_migrations.h"

namespace a11y::pg {

// ---------------------------------------------------------------------------------------
// Publishing.

namespace {

// An event is kept under kMaxEvent bytes (a longer one, which only absurd ids make, is
// dropped: consumers poll anyway), and a new array starts every kChunk bytes of events,
// so an array never exceeds kChunk + kMaxEvent + 2 < 8000.
constexpr int kMaxEvent = 3500;
constexpr int kChunk = 4000;
constexpr int kMaxMessageChars = 256;

}  // namespace

std::string PublishEventsCte(const std::string& source) {
  // OFFSET 0 keeps the subquery whole, so each event is built once (not again for the
  // size filter). `start`: where the event begins in the comma-joined stream of events,
  // in scan order; a new array starts every kChunk bytes.
  return "events AS (SELECT e, sum(octet_length(e) + 1) OVER (ROWS UNBOUNDED PRECEDING) - "
         "octet_length(e) - 1 AS start FROM (SELECT json_build_object("
         "'job_id', job_id, 'user_id', user_id, 'status', status, "
         "'progress', json_build_object('current', progress_current, 'total', progress_total, "
         "'percentage', progress_percentage, 'message', left(progress_message, " +
         std::to_string(kMaxMessageChars) + ")))::text AS e FROM " + source +
         " OFFSET 0) built WHERE octet_length(e) <= " + std::to_string(kMaxEvent) +
         "),\npublished AS (SELECT count(*) AS n FROM (SELECT pg_notify('" + kEventsChannel +
         "', '[' || string_agg(e, ',') || ']') FROM events GROUP BY start / " +
         std::to_string(kChunk) + ") sent)";
}

std::string WakeWorkersCte(const std::string& source, const std::string& condition) {
  return "woken AS (SELECT count(*) AS n FROM (SELECT pg_notify('" + std::string(kJobsChannel) +
         "', '') FROM (SELECT 1 FROM " + source + " WHERE " + condition +
         " LIMIT 1) one) sent)";
}

std::string PublishCancelCte(const std::string& source, const std::string& condition) {
  return "cancel_sent AS (SELECT count(*) AS n FROM (SELECT pg_notify('" +
         std::string(kCancelChannel) + "', job_id) FROM " + source + " WHERE (" + condition +
         ") AND octet_length(job_id) < 7900) sent)";
}

// ---------------------------------------------------------------------------------------
// Listening.

namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kCommandTimeout = std::chrono::seconds(10);
constexpr auto kFirstBackoff = std::chrono::milliseconds(50);
constexpr auto kMaxBackoff = std::chrono::seconds(2);
// How often a follower that wants to lead tries to take the maintenance lock.
constexpr auto kLeaderRetry = std::chrono::seconds(1);
// How often a leader proves that its session is alive and it holds the lock...
constexpr auto kLeaderPing = std::chrono::seconds(1);
// ... how long after a proof it may still act as leader ...
constexpr auto kLeaderValid = std::chrono::seconds(3);
// ... and how long its session must have been idle before a follower ends it. Well above
// kLeaderValid, so that the old leader has stopped acting before the new one starts.
constexpr int kEvictAfterSeconds = 10;
// The lock is kept (or sought) while IsLeader() was called within this window.
constexpr auto kInterestWindow = std::chrono::seconds(5);

int64_t Nanos(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// The channel whose listener thread this is, if any.
thread_local const PgPushChannel* tls_listener_thread_of = nullptr;

}  // namespace

PgPushChannel::PgPushChannel(std::string url) : url_(std::move(url)) {}

PgPushChannel::~PgPushChannel() {
  if (started_.load(std::memory_order_acquire)) {
    stop_.store(true);
    Wake();
    if (thread_.joinable()) thread_.join();
  }
  {
    std::lock_guard<std::mutex> lock(stamp_mu_);
    stamp_cv_.notify_all();
  }
  if (wake_read_ >= 0) close(wake_read_);
  if (wake_write_ >= 0) close(wake_write_);
}

void PgPushChannel::Start() {
  if (started_.load(std::memory_order_acquire)) return;
  std::call_once(start_once_, [this] {
    int fds[2];
    if (pipe(fds) == 0) {
      for (int fd : fds) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        fcntl(fd, F_SETFD, FD_CLOEXEC);
      }
      wake_read_ = fds[0];
      wake_write_ = fds[1];
    }
    thread_ = std::thread([this] {
      tls_listener_thread_of = this;
      Run();
    });
    started_.store(true, std::memory_order_release);
  });
}

int64_t PgPushChannel::ChangeStamp() {
  Start();
  std::lock_guard<std::mutex> lock(stamp_mu_);
  return stamp_;
}

void PgPushChannel::WaitForChange(int64_t since, Micros timeout) {
  Start();
  timeout = std::clamp(timeout, Micros(0), Micros(std::chrono::hours(24)));
  const auto deadline = Clock::now() + timeout;
  std::unique_lock<std::mutex> lock(stamp_mu_);
  stamp_cv_.wait_until(lock, deadline, [&] { return stamp_ != since || stop_.load(); });
}

bool PgPushChannel::IsLeader() {
  Start();
  const auto now = Clock::now();
  const bool was_interested = Interested(now);
  last_interest_.store(Nanos(now), std::memory_order_relaxed);
  if (!was_interested) Wake();  // Seek the lock now rather than at the next retry.
  return leader_.load(std::memory_order_acquire) &&
         Nanos(now) < leader_until_.load(std::memory_order_acquire);
}

bool PgPushChannel::Interested(Clock::time_point now) const {
  const int64_t last = last_interest_.load(std::memory_order_relaxed);
  return last != 0 &&
         Nanos(now) - last <
             std::chrono::duration_cast<std::chrono::nanoseconds>(kInterestWindow).count();
}

void PgPushChannel::Wake() {
  if (wake_write_ < 0) return;
  const char byte = 1;
  (void)!write(wake_write_, &byte, 1);
}

void PgPushChannel::AddListener(StoreListener* listener) {
  if (listener == nullptr) return;
  Start();
  std::lock_guard<std::mutex> lock(listeners_mu_);
  if (std::find(listeners_.begin(), listeners_.end(), listener) == listeners_.end()) {
    listeners_.push_back(listener);
  }
}

void PgPushChannel::RemoveListener(StoreListener* listener) {
  std::unique_lock<std::mutex> lock(listeners_mu_);
  listeners_.erase(std::remove(listeners_.begin(), listeners_.end(), listener), listeners_.end());
  // From a callback on the listener thread, waiting for ourselves would never end.
  if (tls_listener_thread_of == this) return;
  listeners_cv_.wait(lock, [&] { return calling_ != listener; });
}

template <typename Fn>
void PgPushChannel::ForEachListener(Fn&& fn) {
  std::unique_lock<std::mutex> lock(listeners_mu_);
  if (listeners_.empty()) return;
  const std::vector<StoreListener*> snapshot = listeners_;
  for (StoreListener* listener : snapshot) {
    // Removed by an earlier callback (or by another thread) since the snapshot.
    if (std::find(listeners_.begin(), listeners_.end(), listener) == listeners_.end()) continue;
    calling_ = listener;
    lock.unlock();
    try {
      fn(listener);
    } catch (const std::exception& e) {
      spdlog::warn("postgres listener: a store listener threw: {}", e.what());
    } catch (...) {
      spdlog::warn("postgres listener: a store listener threw");
    }
    lock.lock();
    calling_ = nullptr;
    listeners_cv_.notify_all();
  }
}

void PgPushChannel::BumpStamp(int64_t by) {
  {
    std::lock_guard<std::mutex> lock(stamp_mu_);
    stamp_ += by;
  }
  stamp_cv_.notify_all();
}

int PgPushChannel::WaitFor(int fd, short events, Clock::time_point deadline,
                           bool return_on_wake) {
  while (!stop_.load()) {
    pollfd fds[2] = {};
    fds[0].fd = fd;
    fds[0].events = events;
    fds[1].fd = wake_read_;
    fds[1].events = POLLIN;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now() + std::chrono::microseconds(999));
    const int ms = static_cast<int>(std::clamp<int64_t>(left.count(), 0, 60 * 60 * 1000));
    const int ready = poll(fds, 2, ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return 0;
    }
    if (fds[1].revents != 0) {
      char buf[64];
      while (read(wake_read_, buf, sizeof buf) > 0) {
      }
      if (return_on_wake && !stop_.load()) return 0;
      continue;  // Loop to check stop_.
    }
    if (ready > 0 && fds[0].revents != 0) return 1;
    if (Clock::now() >= deadline) return 0;
  }
  return -1;
}

PGconn* PgPushChannel::ConnectAndListen() {
  // Keepalives notice a dead peer within about half a minute: on our side (this session
  // then loses leadership) and, through the SETs below, on the server's (which then frees
  // the advisory lock for another process). The URL comes last so that it overrides these.
  const char* keywords[] = {"fallback_application_name", "keepalives", "keepalives_idle",
                            "keepalives_interval",       "keepalives_count", "dbname",
                            nullptr};
  const char* values[] = {"auto-a11y-listener", "1", "10", "5", "3", url_.c_str(), nullptr};
  PGconn* conn = PQconnectStartParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return nullptr;
  if (PQstatus(conn) == CONNECTION_BAD) {
    PQfinish(conn);
    return nullptr;
  }
  const auto deadline = Clock::now() + kConnectTimeout;
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED) {
      PQfinish(conn);
      return nullptr;
    }
    const short events = state == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    if (WaitFor(PQsocket(conn), events, deadline) <= 0) {
      PQfinish(conn);
      return nullptr;
    }
    state = PQconnectPoll(conn);
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  // The server-side keepalives are a nicety (a server that refuses them still works).
  if (Command(conn,
              "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; "
              "SET tcp_keepalives_count = 3",
              nullptr) == CommandResult::kBroken) {
    PQfinish(conn);
    return nullptr;
  }
  const std::string listen = std::string("LISTEN ") + kJobsChannel + "; LISTEN " +
                             kCancelChannel + "; LISTEN " + kEventsChannel;
  if (Command(conn, listen, nullptr) != CommandResult::kOk) {
    PQfinish(conn);
    return nullptr;
  }
  return conn;
}

PgPushChannel::CommandResult PgPushChannel::Command(PGconn* conn, const std::string& sql,
                                                    std::string* value) {
  if (PQsendQuery(conn, sql.c_str()) == 0) return CommandResult::kBroken;
  const auto deadline = Clock::now() + kCommandTimeout;
  bool ok = true;
  bool have_value = false;
  while (true) {
    while (PQisBusy(conn)) {
      if (WaitFor(PQsocket(conn), POLLIN, deadline) <= 0) return CommandResult::kBroken;
      if (PQconsumeInput(conn) == 0) return CommandResult::kBroken;
    }
    PGresult* result = PQgetResult(conn);
    if (result == nullptr) break;
    const ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) ok = false;
    if (value != nullptr && !have_value && status == PGRES_TUPLES_OK && PQntuples(result) > 0) {
      *value = PQgetvalue(result, 0, 0);
      have_value = true;
    }
    PQclear(result);
  }
  if (PQstatus(conn) != CONNECTION_OK || PQtransactionStatus(conn) != PQTRANS_IDLE) {
    return CommandResult::kBroken;
  }
  return ok ? CommandResult::kOk : CommandResult::kSqlError;
}

bool PgPushChannel::Deliver(PGconn* conn) {
  int64_t jobs = 0;
  std::vector<std::string> cancels;
  std::vector<std::string> events;
  while (PGnotify* n = PQnotifies(conn)) {
    if (std::strcmp(n->relname, kJobsChannel) == 0) {
      ++jobs;
    } else if (std::strcmp(n->relname, kCancelChannel) == 0) {
      cancels.emplace_back(n->extra);
    } else if (std::strcmp(n->relname, kEventsChannel) == 0) {
      events.emplace_back(n->extra);
    }
    PQfreemem(n);
  }
  if (jobs > 0) BumpStamp(jobs);
  for (const std::string& job_id : cancels) {
    ForEachListener([&](StoreListener* l) { l->OnCancellationRequested(job_id); });
  }
  if (!events.empty()) {
    bool anyone;
    {
      std::lock_guard<std::mutex> lock(listeners_mu_);
      anyone = !listeners_.empty();
    }
    for (size_t i = 0; anyone && i < events.size(); ++i) {
      Json payload = Json::parse(events[i], nullptr, /*allow_exceptions=*/false);
      if (payload.is_discarded()) continue;
      if (!payload.is_array()) payload = Json::array({std::move(payload)});
      for (const Json& event : payload) {
        ForEachListener([&](StoreListener* l) { l->OnJobEvent(event); });
      }
    }
  }
  return PQstatus(conn) == CONNECTION_OK;
}

void PgPushChannel::Serve(PGconn* conn) {
  const std::string key = std::to_string(kMaintenanceLockKey);
  // Takes the lock, or else ends a holder whose session has been idle far longer than a
  // live leader ever is (it froze, or its peer vanished without the server noticing).
  // pg_locks shows a bigint key as classid (high half), objid (low half), objsubid 1.
  const std::string try_lock =
      "SELECT CASE WHEN pg_try_advisory_lock(" + key +
      ") THEN 'leader' ELSE 'follower ' || (SELECT count(pg_terminate_backend(a.pid)) "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
      "AND l.classid = " +
      std::to_string(static_cast<uint64_t>(kMaintenanceLockKey) >> 32) +
      " AND l.objid = " + std::to_string(static_cast<uint64_t>(kMaintenanceLockKey) & 0xffffffffu) +
      " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
      "AND a.pid <> pg_backend_pid() AND a.usename = current_user AND a.state = 'idle' "
      "AND a.state_change < now() - interval '" +
      std::to_string(kEvictAfterSeconds) + " seconds') END";
  // The lock lives as long as the session: a reply proves both (and moves the session's
  // state_change, which followers judge it by).
  const std::string prove = "SELECT 1";
  const std::string unlock = "SELECT pg_advisory_unlock(" + key + ")";
  auto next_try = Clock::now();
  auto next_ping = Clock::now() + kLeaderPing;
  auto proven = [&](Clock::time_point at) {
    leader_until_.store(Nanos(at + kLeaderValid), std::memory_order_release);
  };
  while (!stop_.load()) {
    const auto now = Clock::now();
    const bool interested = Interested(now);
    if (leader_.load()) {
      if (!interested) {
        // Nobody here runs maintenance any more: let another process lead.
        leader_.store(false, std::memory_order_release);
        if (Command(conn, unlock, nullptr) == CommandResult::kBroken) return;
      } else if (now >= next_ping) {
        std::string held;
        const CommandResult r = Command(conn, prove, &held);
        if (r == CommandResult::kBroken) return;
        if (r == CommandResult::kOk && held == "1") proven(now);
        next_ping = now + kLeaderPing;
      }
    } else if (interested && now >= next_try) {
      std::string answer;
      const CommandResult r = Command(conn, try_lock, &answer);
      if (r == CommandResult::kBroken) return;
      if (r == CommandResult::kOk && answer == "leader") {
        proven(now);
        leader_.store(true, std::memory_order_release);
        next_ping = now + kLeaderPing;
      }
      next_try = now + kLeaderRetry;
    }
    // Notifications may have arrived with a command's reply.
    if (!Deliver(conn)) return;
    const auto deadline = leader_.load() ? next_ping
                          : interested     ? next_try
                                           : Clock::now() + kLeaderRetry;
    const int ready = WaitFor(PQsocket(conn), POLLIN, deadline, /*return_on_wake=*/true);
    if (ready < 0) return;
    if (ready > 0 && PQconsumeInput(conn) == 0) return;
    if (!Deliver(conn)) return;
  }
}

void PgPushChannel::Run() {
  auto backoff = std::chrono::duration_cast<Micros>(kFirstBackoff);
  bool was_connected = false;
  while (!stop_.load()) {
    PGconn* conn = ConnectAndListen();
    if (conn == nullptr) {
      if (stop_.load()) break;
      // Wake waiters anyway, now and then: they claim, meet the same outage and back off.
      WaitFor(-1, 0, Clock::now() + backoff);
      backoff = std::min(backoff * 2, std::chrono::duration_cast<Micros>(kMaxBackoff));
      continue;
    }
    if (was_connected) spdlog::info("postgres listener: reconnected");
    was_connected = true;
    backoff = std::chrono::duration_cast<Micros>(kFirstBackoff);
    // Anything committed while we were not listening went unheard: let waiters look.
    BumpStamp(1);
    Serve(conn);
    const bool was_leader = leader_.exchange(false);
    if (!stop_.load()) {
      spdlog::warn("postgres listener: connection lost{}; reconnecting",
                   was_leader ? " (maintenance leadership given up)" : "");
    }
    PQfinish(conn);  // Ends the session, and with it the advisory lock.
  }
  leader_.store(false);
}

}  // namespace a11y::pg
