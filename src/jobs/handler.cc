#include "jobs/handler.h"

namespace a11y {

void CancellationToken::Cancel() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

bool CancellationToken::WaitFor(Micros timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return IsCancelled(); });
}

void HandlerRegistry::Register(const std::string& job_type, std::shared_ptr<JobHandler> handler) {
  handlers_[job_type] = std::move(handler);
}

JobHandler* HandlerRegistry::Find(const std::string& job_type) const {
  auto it = handlers_.find(job_type);
  return it == handlers_.end() ? nullptr : it->second.get();
}

std::vector<std::string> HandlerRegistry::Types() const {
  std::vector<std::string> types;
  for (const auto& [type, handler] : handlers_) types.push_back(type);
  return types;
}

}  // namespace a11y
