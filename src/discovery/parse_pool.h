// Parses fetched pages on other threads while the crawl loop keeps its transfers going:
// decoding and HTML5 parsing are most of a crawl's CPU, and the loop is one thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "discovery/fetcher.h"
#include "discovery/html_page.h"

namespace a11y {

struct ParsedPage {
  uint64_t id = 0;
  FetchResult fetch;  // Its body is released once parsed.
  std::string content_hash;  // Hex SHA-256 of the body as received.
  HtmlPage html;
};

class ParsePool {
 public:
  // `on_parsed` runs on a pool thread after each page (the crawl loop wakes its poll).
  ParsePool(int threads, std::function<void()> on_parsed);
  // Drops the pages not yet started and waits for those being parsed.
  ~ParsePool();
  ParsePool(const ParsePool&) = delete;
  ParsePool& operator=(const ParsePool&) = delete;

  // REQUIRES: fetch holds an HTML body.
  void Submit(uint64_t id, FetchResult fetch);
  // Moves out every page parsed so far.
  std::vector<ParsedPage> TakeParsed();

 private:
  void Work();

  std::function<void()> on_parsed_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::deque<ParsedPage> queued_;
  std::vector<ParsedPage> parsed_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace a11y
