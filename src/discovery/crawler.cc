#include "discovery/crawler.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <regex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "discovery/html_page.h"
#include "discovery/parse_pool.h"
#include "discovery/robots.h"
#include "discovery/sitemap.h"

namespace a11y {
namespace {

using Clock = std::chrono::steady_clock;
constexpr Micros kPollSlice = std::chrono::milliseconds(50);
constexpr Micros kLongestWait = std::chrono::seconds(120);  // Retry-After beyond: a failure.
constexpr Micros kLongestCrawlDelay = std::chrono::seconds(30);
constexpr int kMaxSitemaps = 50;
// Fetched pages waiting for or under parsing; beyond it no transfer starts, so a slow
// parse holds back the fetching instead of piling bodies up in memory.
constexpr size_t kMaxParseBacklog = 32;

enum class Kind { kPage, kRobots, kSitemap };

struct Transfer {
  Kind kind = Kind::kPage;
  FrontierEntry entry;  // For a sitemap, entry.url is the sitemap's.
  std::string origin;
};

// A host's pages to fetch, shallowest first, in arrival order within a depth.
class DepthQueue {
 public:
  void Push(FrontierEntry entry) { levels_[entry.depth].push_back(std::move(entry)); }
  void PushFront(FrontierEntry entry) { levels_[entry.depth].push_front(std::move(entry)); }
  bool empty() const { return levels_.empty(); }
  int FrontDepth() const { return levels_.begin()->first; }
  FrontierEntry Pop() {
    auto level = levels_.begin();
    FrontierEntry entry = std::move(level->second.front());
    level->second.pop_front();
    if (level->second.empty()) levels_.erase(level);
    return entry;
  }
  void AppendTo(std::vector<FrontierEntry>& out) const {
    for (const auto& [depth, entries] : levels_)
      out.insert(out.end(), entries.begin(), entries.end());
  }

 private:
  std::map<int, std::deque<FrontierEntry>> levels_;
};

struct Host {
  DepthQueue queue;
  std::deque<std::string> sitemaps;
  int in_flight = 0;
  Clock::time_point next_start{};
  Micros interval{0};
  enum class Robots { kUnknown, kFetching, kReady } robots = Robots::kUnknown;
  bool robots_retried = false;
  RobotsRules rules = RobotsRules::AllowAll();
  std::unordered_map<std::string, int> attempts;  // Of pages answered 429/503.
};

// A path that repeats one segment many times is almost always a relative-link loop
// (a/b/a/b/...) generating endless URLs; max_pages bounds it anyway, this saves the budget.
bool LooksLikeTrap(const std::string& path) {
  std::unordered_map<std::string_view, int> counts;
  std::string_view rest(path);
  int segments = 0;
  while (!rest.empty()) {
    const size_t slash = rest.find('/', 1);
    const std::string_view segment = rest.substr(0, slash);
    if (segment.size() > 1 && ++counts[segment] >= 3) return true;
    if (++segments > 64) return true;
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash);
  }
  return false;
}

Micros Interval(double requests_per_second) {
  return Micros(static_cast<int64_t>(1e6 / requests_per_second));
}

}  // namespace

int DefaultParseThreads() {
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
}

Json CrawlCheckpoint::ToJson() const {
  Json entries = Json::array();
  for (const FrontierEntry& e : frontier) entries.push_back({e.url, e.depth, e.referrer});
  return {{"frontier", std::move(entries)},
          {"sitemaps_done", sitemaps_done},
          {"current_depth", current_depth},
          {"pages_found", counts.pages_found},
          {"pages_processed", counts.pages_processed},
          {"pages_failed", counts.pages_failed},
          {"documents_found", counts.documents_found},
          {"last_failed_url", last_failed_url},
          {"last_failed_reason", last_failed_reason}};
}

std::optional<CrawlCheckpoint> CrawlCheckpoint::FromJson(const Json& json) {
  try {
    CrawlCheckpoint c;
    for (const Json& e : json.at("frontier")) {
      c.frontier.push_back({e.at(0).get<std::string>(), e.at(1).get<int>(),
                            e.at(2).get<std::string>()});
    }
    c.sitemaps_done = json.at("sitemaps_done").get<bool>();
    c.current_depth = json.at("current_depth").get<int>();
    c.counts.pages_found = json.at("pages_found").get<int64_t>();
    c.counts.pages_processed = json.at("pages_processed").get<int64_t>();
    c.counts.pages_failed = json.at("pages_failed").get<int64_t>();
    c.counts.documents_found = json.at("documents_found").get<int64_t>();
    c.last_failed_url = json.at("last_failed_url").get<std::string>();
    c.last_failed_reason = json.at("last_failed_reason").get<std::string>();
    return c;
  } catch (const Json::exception&) {
    return std::nullopt;  // Written by another version: start over rather than guess.
  }
}

struct Crawler::State {
  explicit State(CrawlConfig c)
      : config(std::move(c)),
        fetcher(config.fetch),
        parser(config.parse_threads, [this] { fetcher.Wakeup(); }) {
    for (const std::string& pattern : config.settings.include_patterns) {
      include.emplace_back(pattern, std::regex::ECMAScript | std::regex::optimize);
    }
    normalize.strip_tracking_params = config.settings.strip_tracking_params;
  }

  CrawlConfig config;
  Fetcher fetcher;
  ParsePool parser;  // After the fetcher: its threads wake the fetcher until they are joined.
  NormalizeOptions normalize;
  std::vector<std::regex> include;
  std::map<std::string, Host> hosts;  // By origin: robots.txt rules are per origin.
  std::unordered_set<std::string> seen;
  std::unordered_set<std::string> documents;
  std::unordered_map<uint64_t, Transfer> in_flight;
  std::unordered_map<uint64_t, FrontierEntry> parsing;  // Handed to the parser, by fetch id.
  uint64_t next_id = 1;
  size_t queued = 0;
  int sitemaps_pending = 0;  // Queued or in flight.
  int sitemaps_started = 0;
  bool sitemaps_queued = false;
  CrawlCheckpoint progress;
  size_t unflushed = 0;
  Clock::time_point last_flush = Clock::now();

  const CrawlSettings& settings() const { return config.settings; }

  Host& HostOf(const std::string& origin) {
    auto [it, added] = hosts.try_emplace(origin);
    if (added) {
      it->second.interval = Interval(settings().requests_per_second);
      // Only the start origin's robots.txt is read when robots are ignored: for its
      // Sitemap lines.
      if (!settings().respect_robots && origin != config.start.Origin()) {
        it->second.robots = Host::Robots::kReady;
      }
    }
    return it->second;
  }

  bool InScope(const HttpUrl& url) const {
    return HostInSite(url.host, config.start.host, settings().include_subdomains);
  }

  bool Admits(const HttpUrl& url) const {
    if (!InScope(url) || LooksLikeTrap(url.path)) return false;
    for (const std::string& prefix : settings().excluded_paths) {
      if (url.path.compare(0, prefix.size(), prefix) == 0) return false;
    }
    if (include.empty()) return true;
    const std::string text = url.ToString();
    return std::any_of(include.begin(), include.end(),
                       [&](const std::regex& re) { return std::regex_search(text, re); });
  }

  // Queues a page unless it was seen, is out of scope or deeper than allowed, or the
  // page budget is spent.
  void Admit(const HttpUrl& url, int depth, const std::string& referrer) {
    if (depth > settings().max_depth ||
        progress.counts.pages_found >= settings().max_pages) {
      return;
    }
    std::string text = url.ToString();
    if (seen.count(text) || !Admits(url)) return;
    seen.insert(text);
    Enqueue({std::move(text), depth, referrer}, url.Origin());
    ++progress.counts.pages_found;
  }

  void Enqueue(FrontierEntry entry, const std::string& origin) {
    HostOf(origin).queue.Push(std::move(entry));
    ++queued;
  }

  void QueueSitemap(const std::string& url) {
    auto parsed = NormalizeHttpUrl(url, {false, 2048});
    if (!parsed || !InScope(*parsed) || sitemaps_started + sitemaps_pending >= kMaxSitemaps) {
      return;
    }
    HostOf(parsed->Origin()).sitemaps.push_back(parsed->ToString());
    ++sitemaps_pending;
  }

  void StartTransfer(Host& host, Transfer transfer, FetchRequest::Accept accept,
                     Clock::time_point now) {
    const uint64_t id = next_id++;
    fetcher.Start({id, transfer.entry.url, accept});
    in_flight.emplace(id, std::move(transfer));
    ++host.in_flight;
    // Catch up at most one interval after an idle spell: the rate is an average, not a
    // burst allowance.
    host.next_start = std::max(host.next_start, now - host.interval) + host.interval;
  }

  // The depth whose pages may start: the shallowest one queued or being fetched or parsed
  // (1 while sitemaps, which add pages at depth 1, are still to read). A page starts only
  // once every shallower page has been parsed and its links queued, so each page gets its
  // shortest link depth however the fetches interleave.
  int OpenDepth() const {
    int depth = sitemaps_pending > 0 ? 1 : std::numeric_limits<int>::max();
    for (const auto& [id, transfer] : in_flight) {
      if (transfer.kind == Kind::kPage) depth = std::min(depth, transfer.entry.depth);
    }
    for (const auto& [id, entry] : parsing) depth = std::min(depth, entry.depth);
    for (const auto& [origin, host] : hosts) {
      if (!host.queue.empty()) depth = std::min(depth, host.queue.FrontDepth());
    }
    return depth;
  }

  // `open_depth` is OpenDepth(): starting pages of that depth leaves it as it is.
  void StartDue(Clock::time_point now, int open_depth) {
    for (auto& [origin, host] : hosts) {
      while (static_cast<int>(in_flight.size()) < config.max_in_flight &&
             parsing.size() < kMaxParseBacklog &&
             host.in_flight < settings().concurrency && now >= host.next_start) {
        if (host.robots == Host::Robots::kUnknown) {
          host.robots = Host::Robots::kFetching;
          StartTransfer(host, {Kind::kRobots, {origin + "/robots.txt", 0, ""}, origin},
                        FetchRequest::Accept::kAny, now);
          break;
        }
        if (host.robots == Host::Robots::kFetching) break;
        if (!host.sitemaps.empty()) {
          std::string url = std::move(host.sitemaps.front());
          host.sitemaps.pop_front();
          ++sitemaps_started;
          StartTransfer(host, {Kind::kSitemap, {std::move(url), 1, ""}, origin},
                        FetchRequest::Accept::kAny, now);
          continue;
        }
        if (host.queue.empty() || host.queue.FrontDepth() > open_depth) break;
        FrontierEntry entry = host.queue.Pop();
        --queued;
        if (settings().respect_robots && !Allowed(host, entry.url)) {
          --progress.counts.pages_found;  // Never a page: robots.txt keeps it out.
          continue;
        }
        StartTransfer(host, {Kind::kPage, std::move(entry), origin}, FetchRequest::Accept::kHtml,
                      now);
      }
    }
  }

  // Frontier URLs are normalised ("scheme://host[:port]/path?query"), so the path and
  // query are what follows the authority: no need to parse the URL again.
  static bool Allowed(const Host& host, const std::string& url) {
    const size_t path = url.find('/', url.find("://") + 3);
    return host.rules.IsAllowed(path == std::string::npos ? std::string_view("/")
                                                          : std::string_view(url).substr(path));
  }

  bool Done() const {
    return in_flight.empty() && parsing.empty() && queued == 0 && sitemaps_pending == 0;
  }

  // Until the next transfer may start, at most kPollSlice (transfers finishing wake the
  // poll earlier).
  Micros PollTimeout(Clock::time_point now, int open_depth) const {
    Micros wait = kPollSlice;
    if (static_cast<int>(in_flight.size()) >= config.max_in_flight ||
        parsing.size() >= kMaxParseBacklog) {
      return wait;  // A finished transfer or parse wakes the poll.
    }
    for (const auto& [origin, host] : hosts) {
      const bool page_ready = !host.queue.empty() && host.queue.FrontDepth() <= open_depth;
      const bool can_start =
          host.robots != Host::Robots::kFetching && host.in_flight < settings().concurrency &&
          (page_ready || !host.sitemaps.empty() || host.robots == Host::Robots::kUnknown);
      if (can_start) {
        wait = std::min(wait, std::chrono::duration_cast<Micros>(host.next_start - now));
      }
    }
    return std::max(wait, Micros(0));
  }

  void Failed(const std::string& url, const std::string& reason) {
    progress.last_failed_url = url;
    progress.last_failed_reason = reason;
  }

  void OnRobots(Host& host, const std::string& origin, const FetchResult& result,
                Clock::time_point now) {
    // A refused address is not an unreachable robots.txt: the pages will be refused too,
    // each recorded with the reason, which says more than "robots.txt unreachable".
    const bool unreachable =
        !result.address_refused && (result.status_code == 0 || result.status_code >= 500);
    if (unreachable && !host.robots_retried) {
      // One more try a second later: a blip should not close a whole site.
      host.robots_retried = true;
      host.robots = Host::Robots::kUnknown;
      host.next_start = now + std::chrono::seconds(1);
      return;
    }
    host.rules = result.address_refused
                     ? RobotsRules::AllowAll()
                     : RobotsRules::FromFetch(result.status_code, result.body, config.robots_token);
    host.robots = Host::Robots::kReady;
    if (unreachable && settings().respect_robots) {
      Failed(result.url, "robots.txt unreachable (" +
                             result.error.value_or("HTTP " + std::to_string(result.status_code)) +
                             "): RFC 9309 says to assume complete disallow");
    }
    if (settings().respect_robots && host.rules.crawl_delay_seconds()) {
      // Clamped as a double: a hostile robots.txt may name a delay no integer holds.
      const double seconds = std::clamp(*host.rules.crawl_delay_seconds(), 0.0,
                                        std::chrono::duration<double>(kLongestCrawlDelay).count());
      const Micros delay(static_cast<int64_t>(seconds * 1e6));
      host.interval = std::max(host.interval, delay);
    }
    if (origin == config.start.Origin() && !sitemaps_queued) {
      sitemaps_queued = true;
      if (progress.sitemaps_done) return;  // A resumed crawl read them already.
      for (const std::string& url : host.rules.sitemaps()) QueueSitemap(url);
      if (host.rules.sitemaps().empty()) QueueSitemap(origin + "/sitemap.xml");
      progress.sitemaps_done = sitemaps_pending == 0;
    }
  }

  void OnSitemap(const FetchResult& result) {
    --sitemaps_pending;
    if (result.error || result.status_code < 200 || result.status_code >= 300) return;
    auto contents = ParseSitemap(result.body);
    if (!contents.ok()) return;  // A broken sitemap is the site's problem, not a page.
    for (const std::string& loc : contents->sitemap_urls) QueueSitemap(loc);
    for (const std::string& loc : contents->page_urls) {
      auto url = NormalizeHttpUrl(loc, normalize);
      if (url) Admit(*url, url->ToString() == config.start.ToString() ? 0 : 1, result.url);
    }
    if (sitemaps_pending == 0) progress.sitemaps_done = true;
  }

  // A 429 or 503 puts the page back and slows its host down, a few times.
  bool RetryLater(Host& host, const Transfer& transfer, const FetchResult& result,
                  Clock::time_point now) {
    if (result.status_code != 429 && result.status_code != 503) return false;
    int& attempts = host.attempts[transfer.entry.url];
    const Micros wait = result.retry_after.value_or(std::chrono::seconds(1 << attempts));
    if (attempts >= config.max_retries || wait > kLongestWait) return false;
    ++attempts;
    host.queue.PushFront(transfer.entry);
    ++queued;
    host.next_start = std::max(host.next_start, now + wait);
    return true;
  }

  // A page's fetch ended: an HTML body goes to the parser, anything else is recorded now.
  void OnFetched(CrawlSink& sink, Host& host, Transfer& transfer, uint64_t id,
                 FetchResult& result, Clock::time_point now) {
    if (RetryLater(host, transfer, result, now)) return;
    if (!result.error && result.status_code >= 400) {
      result.error = "HTTP " + std::to_string(result.status_code);
    }
    if (!result.error && !result.body_skipped) {
      parsing.emplace(id, std::move(transfer.entry));
      parser.Submit(id, std::move(result));
      return;
    }
    Record(sink, transfer.entry, result, nullptr);
  }

  void OnParsed(CrawlSink& sink, ParsedPage& parsed) {
    auto it = parsing.find(parsed.id);
    const FrontierEntry entry = std::move(it->second);
    parsing.erase(it);
    Record(sink, entry, parsed.fetch, &parsed);
  }

  // Stores a fetched page and follows its links (`parsed` is null for a page with no HTML
  // body: failed, or of another type).
  void Record(CrawlSink& sink, const FrontierEntry& entry, const FetchResult& result,
              const ParsedPage* parsed) {
    DiscoveredPage page;
    page.url = entry.url;
    page.depth = entry.depth;
    if (!entry.referrer.empty()) page.referrer = entry.referrer;
    if (result.status_code > 0) page.status_code = result.status_code;
    if (!result.content_type.empty()) page.content_type = result.content_type;
    auto final_url = NormalizeHttpUrl(result.final_url, normalize);
    if (final_url && final_url->ToString() != entry.url) {
      page.final_url = final_url->ToString();
      if (InScope(*final_url)) seen.insert(*page.final_url);  // Fetched: not again.
    }
    ++progress.counts.pages_processed;
    progress.current_depth = entry.depth;
    if (result.error) {
      page.fetch_error = *result.error;
      ++progress.counts.pages_failed;
      Failed(entry.url, *result.error);
    } else if (parsed) {
      page.size_bytes = result.size_bytes;
      page.content_hash = parsed->content_hash;
      page.title = parsed->html.title;
      // Links of a page the site redirected elsewhere belong to that other site.
      if (!final_url || InScope(*final_url)) {
        FollowLinks(sink, parsed->html,
                    final_url ? *final_url : *NormalizeHttpUrl(entry.url, normalize), entry);
      }
    }
    sink.AddPage(std::move(page));
    ++unflushed;
    sink.Progress(progress, queued);
  }

  void FollowLinks(CrawlSink& sink, const HtmlPage& html, const HttpUrl& page_url,
                   const FrontierEntry& entry) {
    HttpUrl base = page_url;
    if (html.base_href) {
      if (auto resolved = ResolveHttpUrl(page_url, *html.base_href, normalize)) base = *resolved;
    }
    const bool obey = settings().respect_robots;
    const bool follow = !(obey && html.meta_nofollow);
    auto visit = [&](const std::string& href, const std::string& text, bool nofollow) {
      auto url = ResolveHttpUrl(base, href, normalize);
      if (!url) return;  // mailto:, javascript:, data:, malformed...
      if (auto type = DocumentTypeOf(url->path)) {
        std::string text_url = url->ToString();
        if (documents.insert(text_url).second) {
          ++progress.counts.documents_found;
          sink.AddDocument({std::move(text_url), *type, text, entry.url, InScope(*url)});
          ++unflushed;
        }
        return;
      }
      if (follow && !(obey && nofollow)) Admit(*url, entry.depth + 1, entry.url);
    };
    for (const HtmlLink& link : html.links) visit(link.href, link.text, link.nofollow);
    if (html.meta_refresh_url) visit(*html.meta_refresh_url, "", false);
  }

  CrawlCheckpoint Checkpoint() const {
    CrawlCheckpoint checkpoint = progress;
    for (const auto& [id, transfer] : in_flight) {
      if (transfer.kind == Kind::kPage) checkpoint.frontier.push_back(transfer.entry);
    }
    for (const auto& [id, entry] : parsing) checkpoint.frontier.push_back(entry);
    for (const auto& [origin, host] : hosts) {
      host.queue.AppendTo(checkpoint.frontier);
    }
    return checkpoint;
  }

  Status Flush(CrawlSink& sink) {
    unflushed = 0;
    last_flush = Clock::now();
    return sink.Flush(Checkpoint());
  }
};

Crawler::Crawler(CrawlConfig config) : state_(std::make_unique<State>(std::move(config))) {}
Crawler::~Crawler() = default;

void Crawler::Restore(const CrawlCheckpoint& checkpoint,
                      const std::vector<std::string>& fetched) {
  State& s = *state_;
  s.progress = checkpoint;
  s.progress.frontier.clear();
  s.seen.insert(fetched.begin(), fetched.end());
  for (const FrontierEntry& entry : checkpoint.frontier) {
    auto url = NormalizeHttpUrl(entry.url, s.normalize);
    if (!url || !s.seen.insert(entry.url).second) continue;
    s.Enqueue(entry, url->Origin());
  }
}

Crawler::Outcome Crawler::Run(CrawlSink& sink, const std::function<bool()>& stop_requested) {
  State& s = *state_;
  if (s.seen.empty()) {
    // The start page is in scope by definition, whatever the include patterns say.
    s.seen.insert(s.config.start.ToString());
    s.Enqueue({s.config.start.ToString(), 0, ""}, s.config.start.Origin());
    ++s.progress.counts.pages_found;
  }
  s.HostOf(s.config.start.Origin());  // Its robots.txt names the sitemaps.
  std::vector<FetchResult> finished;
  while (true) {
    if (stop_requested()) {
      CrawlCheckpoint last = s.Checkpoint();  // In-flight pages go back to the frontier.
      s.fetcher.AbortAll();
      Status flushed = sink.Flush(last);
      if (!flushed.ok()) return {End::kSinkFailed, flushed, last};
      return {End::kCancelled, Status::Ok(), last};
    }
    Clock::time_point now = Clock::now();
    const int open_depth = s.OpenDepth();  // The same after StartDue (see there).
    s.StartDue(now, open_depth);
    if (s.Done()) break;
    finished.clear();
    s.fetcher.Poll(s.PollTimeout(now, open_depth), &finished);
    now = Clock::now();
    for (FetchResult& result : finished) {
      auto it = s.in_flight.find(result.id);
      Transfer transfer = std::move(it->second);
      s.in_flight.erase(it);
      Host& host = s.HostOf(transfer.origin);
      --host.in_flight;
      switch (transfer.kind) {
        case Kind::kRobots: s.OnRobots(host, transfer.origin, result, now); break;
        case Kind::kSitemap: s.OnSitemap(result); break;
        case Kind::kPage: s.OnFetched(sink, host, transfer, result.id, result, now); break;
      }
    }
    for (ParsedPage& parsed : s.parser.TakeParsed()) s.OnParsed(sink, parsed);
    if (s.unflushed >= s.config.batch_pages ||
        (s.unflushed > 0 && now - s.last_flush >= s.config.batch_interval)) {
      if (Status flushed = s.Flush(sink); !flushed.ok()) {
        s.fetcher.AbortAll();
        return {End::kSinkFailed, flushed, s.Checkpoint()};
      }
    }
  }
  s.progress.sitemaps_done = true;
  CrawlCheckpoint last = s.Checkpoint();
  if (Status flushed = s.Flush(sink); !flushed.ok()) return {End::kSinkFailed, flushed, last};
  return {End::kFinished, Status::Ok(), last};
}

}  // namespace a11y
