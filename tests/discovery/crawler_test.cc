// The crawler against real servers on loopback: nginx serving generated sites, and a
// scripted server for robots variants and hostile pages. No database: a sink collects.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "tests/discovery/crawl_fixture.h"
#include "tests/support/nginx_server.h"
#include "tests/support/process.h"
#include "tests/support/scripted_server.h"

namespace a11y::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

Crawler::Outcome RunCrawl(Crawler& crawler, CollectingSink& sink) {
  return crawler.Run(sink, [] { return false; });
}

class NginxCrawlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("a11y-site-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    auto started = NginxServer::Start(root_);
    if (!started.ok()) GTEST_SKIP() << "nginx is not available: " << started.status().ToString();
    nginx_ = std::move(*started);
    base_ = nginx_->base_url();
  }
  void TearDown() override {
    nginx_.reset();
    fs::remove_all(root_);
  }

  GeneratedSite Generate(SiteSpec spec) { return GenerateSite(root_, base_, spec); }

  CollectingSink Crawl(CrawlSettings settings = LoopbackSettings()) {
    Crawler crawler(ConfigFor(base_ + "/", std::move(settings)));
    CollectingSink sink;
    const Crawler::Outcome outcome = RunCrawl(crawler, sink);
    EXPECT_EQ(outcome.end, Crawler::End::kFinished) << outcome.status.ToString();
    return sink;
  }

  fs::path root_;
  std::unique_ptr<NginxServer> nginx_;
  std::string base_;
};

TEST_F(NginxCrawlTest, FindsEveryPageOfAGeneratedSiteOnceWithItsDepthAndDocuments) {
  SiteSpec spec;
  spec.pages = 150;
  spec.documents = 6;
  const GeneratedSite site = Generate(spec);
  const CollectingSink sink = Crawl();

  EXPECT_EQ(sink.Urls(), ExpectedUrls(site, base_));
  EXPECT_EQ(sink.page_count, static_cast<int>(sink.pages.size())) << "a page was stored twice";
  for (const GeneratedPage& page : site.pages) {
    auto it = sink.pages.find(base_ + page.path);
    if (it == sink.pages.end()) continue;
    EXPECT_EQ(it->second.depth, page.depth) << page.path;
    EXPECT_EQ(it->second.status_code, 200) << page.path;
    EXPECT_FALSE(it->second.fetch_error) << page.path << ": " << *it->second.fetch_error;
    EXPECT_TRUE(it->second.title && !it->second.title->empty()) << page.path;
    EXPECT_TRUE(it->second.content_hash && it->second.content_hash->size() == 64) << page.path;
    if (page.depth > 0) {
      EXPECT_TRUE(it->second.referrer) << page.path;
    }
  }
  std::set<std::string> documents;
  for (const DocumentRef& d : sink.documents) {
    documents.insert(d.url);
    EXPECT_FALSE(d.referrer.empty());
    EXPECT_TRUE(d.internal);
  }
  std::set<std::string> expected_documents;
  for (const std::string& path : site.document_paths) expected_documents.insert(base_ + path);
  EXPECT_EQ(documents, expected_documents);
  EXPECT_EQ(sink.last.counts.documents_found, static_cast<int64_t>(expected_documents.size()));
  EXPECT_EQ(sink.last.counts.pages_found, static_cast<int64_t>(sink.pages.size()));
  EXPECT_EQ(sink.last.counts.pages_processed, static_cast<int64_t>(sink.pages.size()));
  EXPECT_EQ(sink.last.counts.pages_failed, 0);
  EXPECT_TRUE(sink.last.frontier.empty());

  // Every page was requested once; documents and external links never.
  for (const std::string& uri : nginx_->AccessLog()) {
    EXPECT_LE(nginx_->CountRequests(uri), 1) << uri << " was fetched more than once";
    EXPECT_EQ(uri.find(".pdf"), std::string::npos) << "a document was fetched: " << uri;
  }
}

TEST_F(NginxCrawlTest, MaxDepthAndMaxPagesBoundTheCrawl) {
  const GeneratedSite site = Generate(SiteOf(120));
  CrawlSettings shallow = LoopbackSettings();
  shallow.max_depth = 1;
  EXPECT_EQ(Crawl(shallow).Urls(), ExpectedUrls(site, base_, 1));

  CrawlSettings few = LoopbackSettings();
  few.max_pages = 7;
  const CollectingSink sink = Crawl(few);
  EXPECT_EQ(sink.pages.size(), 7u);
  EXPECT_EQ(sink.last.counts.pages_found, 7);
}

TEST_F(NginxCrawlTest, ExcludedPathsAndIncludePatternsKeepUrlsOut) {
  const GeneratedSite site = Generate(SiteOf(120));
  CrawlSettings settings = LoopbackSettings();
  settings.excluded_paths = {"/s3/"};
  for (const std::string& url : Crawl(settings).Urls()) {
    EXPECT_EQ(url.find("/s3/"), std::string::npos) << url;
  }
  for (const std::string& uri : nginx_->AccessLog()) {
    EXPECT_NE(uri.rfind("/s3/", 0), 0u) << "an excluded path was fetched: " << uri;
  }

  settings = LoopbackSettings();
  settings.include_patterns = {"/s[12]/"};
  const CollectingSink sink = Crawl(settings);
  EXPECT_GT(sink.pages.size(), 1u);
  for (const std::string& url : sink.Urls()) {
    if (url == base_ + "/") continue;  // The start page is always crawled.
    EXPECT_TRUE(url.find("/s1/") != std::string::npos || url.find("/s2/") != std::string::npos)
        << url;
  }
}

TEST_F(NginxCrawlTest, SitemapsFindPagesNoLinkReaches) {
  SiteSpec spec;
  spec.pages = 40;
  spec.orphan_pages = 5;
  spec.sitemap = true;
  const GeneratedSite site = Generate(spec);
  const CollectingSink sink = Crawl();
  EXPECT_EQ(sink.Urls(), ExpectedUrls(site, base_, 1000, /*with_orphans=*/true));
}

TEST_F(NginxCrawlTest, GzippedSitemapNamedByRobotsTxt) {
  SiteSpec spec;
  spec.pages = 30;
  spec.orphan_pages = 3;
  spec.sitemap = true;
  spec.sitemap_gzip = true;
  const GeneratedSite site = Generate(spec);
  fs::remove(root_ / "sitemap.xml");  // Only the robots.txt line can lead to the orphans.
  const CollectingSink sink = Crawl();
  EXPECT_EQ(sink.Urls(), ExpectedUrls(site, base_, 1000, /*with_orphans=*/true));
  EXPECT_EQ(nginx_->CountRequests("/sitemap.xml.gz"), 1);
}

TEST_F(NginxCrawlTest, RobotsTxtRulesAreObeyedAndCanBeSwitchedOff) {
  SiteSpec spec;
  spec.pages = 120;
  // Our own group wins over "*": /s2/ is allowed for us, /s4/ is not.
  spec.robots_txt = "User-agent: *\nDisallow: /\n\nUser-agent: auto-a11y\nDisallow: /s4/\n"
                    "Allow: /s4/p4.html\n";
  const GeneratedSite site = Generate(spec);
  const CollectingSink sink = Crawl();
  bool saw_s2 = false;
  for (const std::string& url : sink.Urls()) {
    saw_s2 |= url.find("/s2/") != std::string::npos;
    if (url.find("/s4/") != std::string::npos) {
      EXPECT_EQ(url, base_ + "/s4/p4.html");
    }
  }
  EXPECT_TRUE(saw_s2);
  for (const std::string& uri : nginx_->AccessLog()) {
    if (uri.rfind("/s4/", 0) == 0) {
      EXPECT_EQ(uri, "/s4/p4.html") << "robots.txt ignored";
    }
  }

  CrawlSettings ignore = LoopbackSettings();
  ignore.respect_robots = false;
  EXPECT_EQ(Crawl(ignore).Urls(), ExpectedUrls(site, base_));
}

// --- the scripted server: robots variants and hostile pages ------------------------------

std::string Html(const std::string& body) {
  return ScriptedServer::Response(200, "text/html", "<!doctype html><title>t</title>" + body);
}

CollectingSink CrawlScripted(ScriptedServer& server, CrawlSettings settings = LoopbackSettings(),
                             FetchOptions fetch = LoopbackFetch()) {
  Crawler crawler(ConfigFor(server.base_url() + "/", std::move(settings), std::move(fetch)));
  CollectingSink sink;
  const Crawler::Outcome outcome = RunCrawl(crawler, sink);
  EXPECT_EQ(outcome.end, Crawler::End::kFinished) << outcome.status.ToString();
  return sink;
}

TEST(ScriptedCrawlTest, UnreachableRobotsTxtMeansCompleteDisallowAndMissingMeansAllow) {
  ScriptedServer server;
  server.Route("/robots.txt", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(ScriptedServer::Response(503, "text/plain", "down"));
  });
  server.Route("/", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(Html("<a href=/a>a</a>"));
  });
  CollectingSink sink = CrawlScripted(server);
  EXPECT_TRUE(sink.pages.empty());
  EXPECT_EQ(server.RequestCount("/"), 0);
  EXPECT_EQ(server.RequestCount("/robots.txt"), 2);  // One retry, then RFC 9309 2.3.1.4.
  EXPECT_NE(sink.last.last_failed_reason.find("robots.txt unreachable"), std::string::npos)
      << sink.last.last_failed_reason;

  ScriptedServer missing;  // 404 for robots.txt (unrouted): RFC 9309 2.3.1.3, allow all.
  missing.Route("/", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(Html("<a href=/a>a</a>"));
  });
  missing.Route("/a", [](const ScriptedRequest&, ScriptedReply& reply) { reply.Write(Html("")); });
  sink = CrawlScripted(missing);
  EXPECT_EQ(sink.pages.size(), 2u);
}

// A page's depth is its shortest link distance from the start, even when a longer path is
// fetched first: /slow links /x at depth 2, while /fast -> /c -> /x answers at once.
TEST(ScriptedCrawlTest, DepthIsTheShortestPathWhenPagesFinishOutOfOrder) {
  ScriptedServer server;
  server.Route("/", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(Html("<a href=/slow>s</a> <a href=/fast>f</a>"));
  });
  server.Route("/slow", [](const ScriptedRequest&, ScriptedReply& reply) {
    if (reply.Pause(std::chrono::milliseconds(300))) reply.Write(Html("<a href=/x>x</a>"));
  });
  server.Route("/fast", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(Html("<a href=/c>c</a>"));
  });
  server.Route("/c", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(Html("<a href=/x>x</a>"));
  });
  server.Route("/x", [](const ScriptedRequest&, ScriptedReply& reply) { reply.Write(Html("")); });
  const CollectingSink sink = CrawlScripted(server);
  const std::string base = server.base_url();
  ASSERT_EQ(sink.pages.size(), 5u);
  EXPECT_EQ(sink.pages.at(base + "/slow").depth, 1);
  EXPECT_EQ(sink.pages.at(base + "/c").depth, 2);
  EXPECT_EQ(sink.pages.at(base + "/x").depth, 2);
  EXPECT_EQ(sink.pages.at(base + "/x").referrer.value_or(""), base + "/slow");
}

TEST(ScriptedCrawlTest, PrivateAddressesAreRefusedByDefault) {
  ScriptedServer server;
  server.Route("/", [](const ScriptedRequest&, ScriptedReply& reply) { reply.Write(Html("")); });
  const std::string port = std::to_string(server.port());
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"http://127.0.0.1:" + port + "/", "loopback"},
      {"http://[::1]:" + port + "/", "loopback"},
      {"http://10.0.0.1/", "private"},
      {"http://169.254.169.254/latest/meta-data/", "link-local"},
      {"http://localhost:" + port + "/", "loopback"},  // Judged after DNS resolution.
  };
  for (const auto& [start, kind] : refused) {
    FetchOptions fetch = LoopbackFetch();
    fetch.network = NetworkPolicy();  // The default: public addresses only.
    Crawler crawler(ConfigFor(start, LoopbackSettings(), fetch));
    CollectingSink sink;
    RunCrawl(crawler, sink);
    ASSERT_EQ(sink.pages.size(), 1u) << start;
    const DiscoveredPage& page = sink.pages.begin()->second;
    ASSERT_TRUE(page.fetch_error) << start;
    EXPECT_NE(page.fetch_error->find(kind), std::string::npos) << start << ": " << *page.fetch_error;
    EXPECT_FALSE(page.status_code) << start;
  }
  EXPECT_EQ(server.Targets().size(), 0u) << "a refused address was connected to";
}

TEST(ScriptedCrawlTest, ARedirectToAPrivateAddressIsRefused) {
  ScriptedServer server;
  server.Route("/", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(Html("<a href=/metadata>m</a><a href=/other-loopback>o</a>"));
  });
  server.Route("/metadata", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(ScriptedServer::Response(302, "text/plain", "",
                                         {{"Location", "http://169.254.169.254/latest/"}}));
  });
  const std::string elsewhere = "http://127.0.0.2:" + std::to_string(server.port()) + "/";
  server.Route("/other-loopback", [elsewhere](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(ScriptedServer::Response(302, "text/plain", "", {{"Location", elsewhere}}));
  });
  FetchOptions fetch = LoopbackFetch();
  fetch.network = NetworkPolicy({*IpNetwork::Parse("127.0.0.1")});  // Just the one host.
  const CollectingSink sink = CrawlScripted(server, LoopbackSettings(), fetch);
  const std::string base = server.base_url();
  ASSERT_TRUE(sink.pages.count(base + "/metadata"));
  ASSERT_TRUE(sink.pages.at(base + "/metadata").fetch_error);
  EXPECT_NE(sink.pages.at(base + "/metadata").fetch_error->find("169.254.169.254 is a link-local"),
            std::string::npos)
      << *sink.pages.at(base + "/metadata").fetch_error;
  ASSERT_TRUE(sink.pages.count(base + "/other-loopback"));
  ASSERT_TRUE(sink.pages.at(base + "/other-loopback").fetch_error);
  EXPECT_NE(sink.pages.at(base + "/other-loopback").fetch_error->find("127.0.0.2"),
            std::string::npos);
}

// Each hostile page costs bounded time and memory and fails alone; the crawl goes on.
TEST(ScriptedCrawlTest, HostilePagesFailAloneAndTheCrawlFinishes) {
  ScriptedServer server;
  const char* kLinks[] = {"/slow",   "/loop",   "/error",   "/huge",  "/binary", "/garbage",
                          "/broken", "/latin1", "/trap/0",  "/busy",  "/lying",  "/fine"};
  std::string index;
  for (const char* link : kLinks) index += std::string("<a href=\"") + link + "\">x</a>";
  server.Route("/", [index](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(Html(index));
  });
  server.Route("/slow", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n");
    while (!reply.Stopping() && reply.Write("x")) std::this_thread::sleep_for(300ms);
  });
  server.Route("/loop", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(ScriptedServer::Response(302, "text/plain", "", {{"Location", "/loop"}}));
  });
  server.Route("/error", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(ScriptedServer::Response(500, "text/html", "<a href=/never>x</a>"));
  });
  server.Route("/huge", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n");
    const std::string chunk(64 << 10, 'a');
    for (int i = 0; i < 64 && !reply.Stopping(); ++i) {  // 4 MiB, over the 1 MiB cap.
      if (!reply.Write(chunk)) break;
    }
  });
  server.Route("/binary", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(ScriptedServer::Response(200, "application/octet-stream",
                                         std::string(200000, '\x01')));
  });
  server.Route("/garbage", [](const ScriptedRequest&, ScriptedReply& reply) {
    std::string bytes;
    for (int i = 0; i < 100000; ++i) bytes.push_back(static_cast<char>((i * 7919) % 256));
    reply.Write(ScriptedServer::Response(200, "text/html", bytes));
  });
  server.Route("/broken", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(ScriptedServer::Response(
        200, "text/html", "<html><body><div><a href='/fine'>ok<table><a href=/deep>d</b></p>"));
  });
  server.Route("/latin1", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(ScriptedServer::Response(200, "text/html; charset=iso-8859-1",
                                         "<title>Caf\xe9 cr\xe8me</title>"));
  });
  server.RoutePrefix("/trap/", [](const ScriptedRequest& request, ScriptedReply& reply) {
    // Every page links to two new ones, forever.
    reply.Write(Html("<a href=\"" + request.path + "/a\">a</a><a href=\"" + request.path +
                     "x\">b</a>"));
  });
  auto busy_calls = std::make_shared<std::atomic<int>>(0);
  server.Route("/busy", [busy_calls](const ScriptedRequest&, ScriptedReply& reply) {
    if (busy_calls->fetch_add(1) == 0) {
      reply.Write(ScriptedServer::Response(429, "text/plain", "", {{"Retry-After", "1"}}));
    } else {
      reply.Write(Html(""));
    }
  });
  server.Route("/lying", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\nshort");
  });
  server.Route("/fine", [](const ScriptedRequest&, ScriptedReply& reply) { reply.Write(Html("")); });
  server.Route("/deep", [](const ScriptedRequest&, ScriptedReply& reply) { reply.Write(Html("")); });

  CrawlSettings settings = LoopbackSettings();
  settings.max_pages = 60;  // What bounds the trap.
  const CollectingSink sink = CrawlScripted(server, settings);
  const std::string base = server.base_url();
  auto page = [&](const std::string& path) -> const DiscoveredPage& {
    static const DiscoveredPage kNone;
    auto it = sink.pages.find(base + path);
    return it == sink.pages.end() ? kNone : it->second;
  };
  auto failed_with = [&](const std::string& path, const std::string& words) {
    const DiscoveredPage& p = page(path);
    ASSERT_TRUE(p.fetch_error) << path << " did not fail";
    EXPECT_NE(p.fetch_error->find(words), std::string::npos) << path << ": " << *p.fetch_error;
  };
  failed_with("/slow", "");
  failed_with("/loop", "redirect");
  failed_with("/error", "HTTP 500");
  failed_with("/huge", "body larger than");
  failed_with("/lying", "");
  EXPECT_EQ(server.RequestCount("/never"), 0) << "links of an error page were followed";

  EXPECT_FALSE(page("/binary").fetch_error);
  EXPECT_FALSE(page("/binary").content_hash) << "a non-HTML body was downloaded and hashed";
  EXPECT_EQ(page("/binary").content_type, "application/octet-stream");
  EXPECT_FALSE(page("/garbage").fetch_error);
  EXPECT_EQ(page("/latin1").title, "Caf\xc3\xa9 cr\xc3\xa8me");
  EXPECT_TRUE(sink.pages.count(base + "/deep")) << "a link in malformed HTML was missed";
  EXPECT_EQ(page("/busy").status_code, 200) << "429 with Retry-After was not retried";
  EXPECT_EQ(server.RequestCount("/busy"), 2);

  EXPECT_EQ(sink.pages.size(), 60u);
  EXPECT_EQ(sink.last.counts.pages_failed, 5);
  EXPECT_FALSE(sink.last.last_failed_url.empty());
}

TEST(ScriptedCrawlTest, StoppingAbortsTransfersAndReturnsThemToTheFrontier) {
  ScriptedServer server;
  server.Route("/", [](const ScriptedRequest&, ScriptedReply& reply) {
    std::string links;
    for (int i = 0; i < 20; ++i) links += "<a href=/p" + std::to_string(i) + ">x</a>";
    reply.Write(Html(links));
  });
  server.RoutePrefix("/p", [](const ScriptedRequest&, ScriptedReply& reply) {
    for (int i = 0; i < 100 && !reply.Stopping(); ++i) std::this_thread::sleep_for(50ms);
    reply.Write(Html(""));
  });
  CrawlSettings settings = LoopbackSettings();
  settings.concurrency = 4;
  Crawler crawler(ConfigFor(server.base_url() + "/", settings));
  CollectingSink sink;
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    // robots.txt, sitemap.xml, / and the four linked pages the host's slots allow.
    WaitUntil([&] { return server.Targets().size() >= 7; }, 10s);
    stop = true;
  });
  const Crawler::Outcome outcome = crawler.Run(sink, [&] { return stop.load(); });
  stopper.join();
  EXPECT_EQ(outcome.end, Crawler::End::kCancelled);
  EXPECT_EQ(sink.pages.size(), 1u) << "only the start page had finished";
  // The 20 linked pages, in flight or queued, all wait in the checkpoint.
  EXPECT_EQ(outcome.last.frontier.size(), 20u);
  EXPECT_EQ(sink.last.frontier.size(), 20u) << "the final flush lacks the frontier";
}

}  // namespace
}  // namespace a11y::testing
