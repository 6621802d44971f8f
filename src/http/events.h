// EventHub: live job events for Server-Sent Events and WebSocket clients.
//
// The database is the source of truth. A change of a job is noticed two ways: PostgreSQL
// pushes an event for every job write (NOTIFY, from any process), and every backend's
// change stamp moves on a commit (SQLite: PRAGMA data_version, from any process); the hub
// checks the stamp every `poll` interval. It then re-reads only the jobs someone follows
// and sends each follower the job's new state, if newer than what it last sent. Progress
// is thereby coalesced to the latest state: a slow reader never gets a stale backlog.
//
// Event ids are the job's updated_at in microseconds: a client that reconnects with
// Last-Event-ID gets a job's state only if it changed since.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "http/http.h"
#include "store/job_store.h"

namespace a11y::http {

struct EventHubOptions {
  Micros poll{std::chrono::milliseconds(50)};
  Micros keepalive{std::chrono::seconds(15)};
  int recent_jobs_on_connect = 100;  // A user stream starts with up to this many jobs.
};

enum class StreamFormat { kServerSentEvents, kWebSocket };

class EventHub : public StoreListener {
 public:
  // REQUIRES: store outlives the hub.
  explicit EventHub(JobStore* store, EventHubOptions options = {});
  ~EventHub() override;
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // One job's events; the stream ends after the job's final state. REQUIRES: the caller
  // checked that `job` is visible to the client.
  std::shared_ptr<StreamSource> FollowJob(const Job& job, std::optional<int64_t> last_event_id,
                                          StreamFormat format);
  // Every job of `user_id`, as long as the client stays.
  std::shared_ptr<StreamSource> FollowUser(const std::string& user_id,
                                           std::optional<int64_t> last_event_id,
                                           StreamFormat format);

  // Ends every stream (the server then closes their connections). Idempotent.
  void Stop();

  int subscribers() const;
  int64_t events_sent() const;

  // StoreListener: PostgreSQL's pushed events are hints of which job changed.
  void OnJobEvent(const Json& event) override;

 private:
  class Subscriber;
  friend class Subscriber;

  void Run();
  void Attach(const std::shared_ptr<Subscriber>& subscriber);
  void Detach(Subscriber* subscriber);
  // Re-reads `job_ids` and hands each job to its followers.
  void Refresh(const std::set<std::string>& job_ids);
  void Deliver(const Job& job);
  // Sends each followed user their newest and active jobs; returns the other jobs to
  // re-read: those followed by id, and those a user had active at the last look (so
  // their final state is seen).
  std::set<std::string> RefreshUserStreams();
  std::vector<std::shared_ptr<Subscriber>> Everyone();

  JobStore* store_;
  EventHubOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::set<std::string> hinted_;  // Jobs pushed as changed, not yet re-read.
  std::set<std::string> hinted_users_;
  std::multimap<std::string, std::weak_ptr<Subscriber>> by_job_;
  std::multimap<std::string, std::weak_ptr<Subscriber>> by_user_;
  std::map<std::string, std::set<std::string>> user_active_;  // Active jobs last seen per user.
  std::atomic<int64_t> events_sent_{0};
  std::thread thread_;
};

}  // namespace a11y::http
