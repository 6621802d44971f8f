#include "discovery/parse_pool.h"

#include "core/hash.h"
#include "discovery/charset.h"

namespace a11y {

ParsePool::ParsePool(int threads, std::function<void()> on_parsed)
    : on_parsed_(std::move(on_parsed)) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

ParsePool::~ParsePool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queued_.clear();
  }
  work_cv_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void ParsePool::Submit(uint64_t id, FetchResult fetch) {
  {
    std::lock_guard lock(mu_);
    queued_.push_back({id, std::move(fetch), {}, {}});
  }
  work_cv_.notify_one();
}

std::vector<ParsedPage> ParsePool::TakeParsed() {
  std::lock_guard lock(mu_);
  return std::exchange(parsed_, {});
}

void ParsePool::Work() {
  while (true) {
    ParsedPage page;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [this] { return stopping_ || !queued_.empty(); });
      if (stopping_) return;
      page = std::move(queued_.front());
      queued_.pop_front();
    }
    page.content_hash = Sha256Hex(page.fetch.body);
    page.html = ParseHtmlPage(DecodeToUtf8(page.fetch.body, page.fetch.content_type));
    page.fetch.body = std::string();
    {
      std::lock_guard lock(mu_);
      parsed_.push_back(std::move(page));
    }
    on_parsed_();
  }
}

}  // namespace a11y
