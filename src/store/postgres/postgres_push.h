// What the PostgreSQL store pushes between processes with LISTEN/NOTIFY, and the one
// thread per store that listens.
//
// Three channels:
//   kJobsChannel (postgres_migrations.h)  empty payload: work may have become runnable.
//   kCancelChannel                        payload job_id: cancellation was requested.
//   kEventsChannel                        payload a JSON array of job events
//                                         {"job_id","user_id","status","progress":{...}}.
// Writers send them from the statement that makes the change, so they are delivered at
// commit and never for a change that rolled back. Notifications are hints: while a
// listener is disconnected they are lost, and consumers fall back to polling (claims,
// lease checks).
#pragma once

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/env.h"
#include "store/job_store.h"

namespace a11y::pg {

inline constexpr const char* kCancelChannel = "auto_a11y_cancel";
inline constexpr const char* kEventsChannel = "auto_a11y_events";

// The session advisory lock whose holder leads cluster-wide maintenance ("a11y" + 1; the
// migration lock is "a11y").
inline constexpr int64_t kMaintenanceLockKey = 1630613882;

// SQL pieces for a statement "WITH <source> AS (... RETURNING ...), <these CTEs> SELECT ...".
// `source` must expose the jobs columns job_id, user_id, status, progress_current,
// progress_total, progress_percentage and progress_message. Each piece defines one CTE of
// a single row and column n; the final SELECT must reference it, e.g. "(SELECT n FROM
// published)", or PostgreSQL never runs it.
//
// `published`: one event per row of `source` on kEventsChannel, packed into JSON arrays of
// at most ~7.5 kB (the payload limit is 8000 bytes); messages are cut to 256 characters.
std::string PublishEventsCte(const std::string& source);
// `woken`: one notification on kJobsChannel when a row of `source` matches `condition`.
std::string WakeWorkersCte(const std::string& source, const std::string& condition);
// `cancel_sent`: a notification on kCancelChannel for each row of `source` matching
// `condition`, with its job_id as payload.
std::string PublishCancelCte(const std::string& source, const std::string& condition);

// The store's listener: one thread with its own connection, started on first use. It
// LISTENs on the three channels, counts job notifications into a change stamp and calls
// the registered StoreListeners. It reconnects with backoff; each (re)connect moves the
// stamp (notifications may have been missed meanwhile).
//
// Maintenance leadership is a session advisory lock taken on the same connection, with
// a lease on top, so that a leader that froze (SIGSTOP, a long pause: its session looks
// alive to the server) neither blocks the cluster nor runs maintenance beside its
// successor:
//  - The lock is sought only while someone in this process asks IsLeader() (at least
//    every kInterestWindow), and given back when they stop asking: a store whose worker
//    does not run maintenance never leads.
//  - The leader proves itself with a query every second; IsLeader() answers true only
//    within a few seconds of the last proof.
//  - A follower that finds the lock held by a session idle for longer than that
//    terminates the session (same database role needed), and takes the lock.
//  - A broken connection ends leadership at once.
class PgPushChannel {
 public:
  explicit PgPushChannel(std::string url);
  // Stops the thread and closes its connection, which releases the advisory lock.
  ~PgPushChannel();
  PgPushChannel(const PgPushChannel&) = delete;
  PgPushChannel& operator=(const PgPushChannel&) = delete;

  // Starts the listener thread unless it runs already. Cheap after the first call.
  void Start();

  int64_t ChangeStamp();
  void WaitForChange(int64_t since, Micros timeout);

  void AddListener(StoreListener* listener);
  // When it returns, no callback to `listener` runs or will run (unless called from one
  // of its own callbacks, which is then still running: the caller).
  void RemoveListener(StoreListener* listener);

  // From cached state: true while this channel's session holds the maintenance lock and
  // proved it recently. Also registers this process's wish to lead.
  bool IsLeader();

 private:
  using Clock = std::chrono::steady_clock;

  void Run();
  // Serves one connection until it breaks or the channel stops.
  void Serve(PGconn* conn);
  PGconn* ConnectAndListen();
  // 1: `fd` is ready; 0: `deadline` passed (or, with `return_on_wake`, Wake() was
  // called); -1: the channel is stopping.
  int WaitFor(int fd, short events, Clock::time_point deadline, bool return_on_wake = false);
  void Wake();
  enum class CommandResult { kOk, kSqlError, kBroken };
  // Runs `sql` (one or more statements) without blocking the stop. kBroken when the
  // connection failed or the reply timed out: it is not to be trusted any more. `value`
  // gets the first field of the first row, when asked for.
  CommandResult Command(PGconn* conn, const std::string& sql, std::string* value);
  bool Interested(Clock::time_point now) const;
  // Takes in what the socket has and hands notifications out; false on a broken connection.
  bool Deliver(PGconn* conn);
  void BumpStamp(int64_t by);
  template <typename Fn>
  void ForEachListener(Fn&& fn);

  const std::string url_;

  std::once_flag start_once_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
  int wake_read_ = -1;
  int wake_write_ = -1;

  std::mutex stamp_mu_;
  std::condition_variable stamp_cv_;
  int64_t stamp_ = 0;

  std::atomic<bool> leader_{false};
  // Steady-clock nanoseconds: until when a leader may act on its last proof, and when
  // IsLeader() was last called (0: never).
  std::atomic<int64_t> leader_until_{0};
  std::atomic<int64_t> last_interest_{0};

  std::mutex listeners_mu_;
  std::condition_variable listeners_cv_;
  std::vector<StoreListener*> listeners_;
  StoreListener* calling_ = nullptr;  // The listener a callback is running on, if any.
};

}  // namespace a11y::pg
