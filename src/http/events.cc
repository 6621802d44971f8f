#include "http/events.h"

#include <algorithm>
#include <vector>

namespace a11y::http {

class EventHub::Subscriber : public StreamSource, public std::enable_shared_from_this<Subscriber> {
 public:
  Subscriber(EventHub* hub, std::optional<Job> job, std::string user_id,
             std::optional<int64_t> last_event_id, StreamFormat format)
      : hub_(hub),
        job_(std::move(job)),
        user_id_(std::move(user_id)),
        last_event_id_(last_event_id.value_or(-1)),
        format_(format) {}

  const std::optional<Job>& job() const { return job_; }
  const std::string& user_id() const { return user_id_; }

  void Open(std::shared_ptr<StreamWriter> writer) override {
    {
      std::lock_guard lock(mu_);
      writer_ = std::move(writer);
      if (format_ == StreamFormat::kServerSentEvents) Write("retry: 2000\n\n");
    }
    hub_->Attach(shared_from_this());
    // The state at connection time, unless the client saw it before it reconnected. Sent
    // after Attach, so a change in between is delivered by the hub and never lost.
    if (job_) {
      auto current = hub_->store_->GetJob(job_->job_id, Scope::Admin());
      if (current.ok()) Send(*current);
      // A finished job whose end the client saw before reconnecting: nothing more to say.
      if (current.ok() && IsTerminal(current->status)) End();
      return;
    }
    JobFilter recent;
    recent.user_id = user_id_;
    recent.limit = hub_->options_.recent_jobs_on_connect;
    auto page = hub_->store_->ListJobs(recent, Scope::User(user_id_));
    if (!page.ok()) return;
    std::sort(page->jobs.begin(), page->jobs.end(),
              [](const Job& a, const Job& b) { return a.updated_at < b.updated_at; });
    for (const Job& job : page->jobs) Send(job);
  }

  void Closed() override {
    hub_->Detach(this);
    std::lock_guard lock(mu_);
    closed_ = true;
    writer_.reset();
  }

  // Sends the job's state if it is newer than what this client has.
  void Send(const Job& job) {
    const int64_t id = ToUnixMicros(job.updated_at);
    std::lock_guard lock(mu_);
    if (closed_ || !writer_ || id <= last_event_id_) return;
    int64_t& last = last_sent_[job.job_id];
    if (id <= last) return;
    last = id;
    const std::string event_id = std::to_string(id);
    if (format_ == StreamFormat::kServerSentEvents) {
      Write("id: " + event_id + "\nevent: job\ndata: " + JsonText(job.ToJson()) + "\n\n");
    } else {
      Write(JsonText({{"id", event_id}, {"job", job.ToJson()}}));
    }
    hub_->events_sent_.fetch_add(1, std::memory_order_relaxed);
    // A job's own stream ends with its final state.
    if (job_ && IsTerminal(job.status) && writer_) writer_->Close();
  }

  void KeepAlive() {
    std::lock_guard lock(mu_);
    if (closed_ || !writer_) return;
    Write(format_ == StreamFormat::kServerSentEvents ? ": keepalive\n\n"
                                                     : std::string(R"({"keepalive":true})"));
  }

  void End() {
    std::lock_guard lock(mu_);
    if (writer_) writer_->Close();
  }

 private:
  static std::string JsonText(const Json& json) {
    return json.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  // REQUIRES: mu_ held.
  void Write(std::string text) {
    if (writer_ && !writer_->Write(std::move(text))) writer_.reset();  // Client gone or too slow.
  }

  EventHub* const hub_;
  const std::optional<Job> job_;  // Set for a one-job stream.
  const std::string user_id_;     // The followed user for a user stream.
  const int64_t last_event_id_;
  const StreamFormat format_;
  std::mutex mu_;
  std::shared_ptr<StreamWriter> writer_;
  bool closed_ = false;
  std::map<std::string, int64_t> last_sent_;  // Job id -> updated_at sent.
};

EventHub::EventHub(JobStore* store, EventHubOptions options) : store_(store), options_(options) {
  store_->AddListener(this);
  thread_ = std::thread([this] { Run(); });
}

EventHub::~EventHub() {
  Stop();
  store_->RemoveListener(this);
}

std::shared_ptr<StreamSource> EventHub::FollowJob(const Job& job,
                                                  std::optional<int64_t> last_event_id,
                                                  StreamFormat format) {
  return std::make_shared<Subscriber>(this, job, job.user_id, last_event_id, format);
}

std::shared_ptr<StreamSource> EventHub::FollowUser(const std::string& user_id,
                                                   std::optional<int64_t> last_event_id,
                                                   StreamFormat format) {
  return std::make_shared<Subscriber>(this, std::nullopt, user_id, last_event_id, format);
}

void EventHub::Attach(const std::shared_ptr<Subscriber>& subscriber) {
  std::lock_guard lock(mu_);
  if (subscriber->job()) {
    by_job_.emplace(subscriber->job()->job_id, subscriber);
  } else {
    by_user_.emplace(subscriber->user_id(), subscriber);
  }
}

void EventHub::Detach(Subscriber* subscriber) {
  std::lock_guard lock(mu_);
  auto& index = subscriber->job() ? by_job_ : by_user_;
  const std::string& key = subscriber->job() ? subscriber->job()->job_id : subscriber->user_id();
  auto [first, last] = index.equal_range(key);
  for (auto it = first; it != last; ++it) {
    if (it->second.lock().get() == subscriber || it->second.expired()) {
      index.erase(it);
      break;
    }
  }
  if (!subscriber->job() && !by_user_.count(key)) user_active_.erase(key);
}

void EventHub::OnJobEvent(const Json& event) {
  if (!event.is_object() || !event.contains("job_id") || !event["job_id"].is_string()) return;
  const std::string job_id = event["job_id"];
  const std::string user_id = event.value("user_id", "");
  std::lock_guard lock(mu_);
  if (by_job_.count(job_id) || by_user_.count(user_id)) {
    hinted_.insert(job_id);
    wake_.notify_one();
  }
}

std::vector<std::shared_ptr<EventHub::Subscriber>> EventHub::Everyone() {
  std::vector<std::shared_ptr<Subscriber>> all;
  std::lock_guard lock(mu_);
  for (auto* index : {&by_job_, &by_user_}) {
    for (const auto& [key, weak] : *index) {
      if (auto subscriber = weak.lock()) all.push_back(std::move(subscriber));
    }
  }
  return all;
}

std::set<std::string> EventHub::RefreshUserStreams() {
  std::vector<std::string> users;
  std::set<std::string> ids;
  {
    std::lock_guard lock(mu_);
    for (const auto& [job_id, unused] : by_job_) ids.insert(job_id);
    for (const auto& [user_id, unused] : by_user_) {
      if (users.empty() || users.back() != user_id) users.push_back(user_id);
    }
  }
  // A user's stream: their newest jobs and active ones (new jobs, progress), and the jobs
  // active at the last look (so their final state is seen too).
  for (const std::string& user_id : users) {
    std::set<std::string> active;
    for (bool only_active : {false, true}) {
      JobFilter filter;
      filter.user_id = user_id;
      filter.limit = only_active ? 1000 : 50;
      if (only_active)
        filter.statuses = {JobStatus::kPending, JobStatus::kRunning, JobStatus::kCancelling};
      auto page = store_->ListJobs(filter, Scope::User(user_id));
      if (!page.ok()) continue;
      for (const Job& job : page->jobs) {
        Deliver(job);
        if (!IsTerminal(job.status)) active.insert(job.job_id);
      }
    }
    std::lock_guard lock(mu_);
    for (const std::string& job_id : user_active_[user_id]) {
      if (!active.count(job_id)) ids.insert(job_id);
    }
    user_active_[user_id] = std::move(active);
  }
  return ids;
}

void EventHub::Refresh(const std::set<std::string>& job_ids) {
  for (const std::string& job_id : job_ids) {
    auto job = store_->GetJob(job_id, Scope::Admin());
    if (job.ok()) Deliver(*job);
  }
}

void EventHub::Deliver(const Job& job) {
  std::vector<std::shared_ptr<Subscriber>> followers;
  {
    std::lock_guard lock(mu_);
    for (auto* index : {&by_job_, &by_user_}) {
      auto [first, last] = index->equal_range(index == &by_job_ ? job.job_id : job.user_id);
      for (auto it = first; it != last; ++it) {
        if (auto subscriber = it->second.lock()) followers.push_back(std::move(subscriber));
      }
    }
  }
  for (const auto& subscriber : followers) subscriber->Send(job);
}

void EventHub::Run() {
  int64_t stamp = store_->ChangeStamp();
  auto next_keepalive = std::chrono::steady_clock::now() + options_.keepalive;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.poll, [&] { return stopping_ || !hinted_.empty(); });
    if (stopping_) break;
    std::set<std::string> ids;
    ids.swap(hinted_);
    const bool anyone = !by_job_.empty() || !by_user_.empty();
    lock.unlock();
    // With nobody following, an idle server does not even read the stamp. The first
    // follower then causes one refresh, which sends nothing it already has.
    if (anyone) {
      const int64_t now_stamp = store_->ChangeStamp();
      if (now_stamp != stamp) ids.merge(RefreshUserStreams());
      stamp = now_stamp;
    }
    Refresh(ids);
    if (std::chrono::steady_clock::now() >= next_keepalive) {
      next_keepalive = std::chrono::steady_clock::now() + options_.keepalive;
      for (const auto& subscriber : Everyone()) subscriber->KeepAlive();
    }
    lock.lock();
  }
}

void EventHub::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (const auto& subscriber : Everyone()) subscriber->End();
}

int EventHub::subscribers() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(by_job_.size() + by_user_.size());
}

int64_t EventHub::events_sent() const { return events_sent_.load(std::memory_order_relaxed); }

}  // namespace a11y::http
