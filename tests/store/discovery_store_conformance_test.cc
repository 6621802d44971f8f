// The DiscoveryStore conformance suite: runs, the pages they update in place, the
// documents they record, and the fence that makes each batch all or nothing. Every test
// runs on every backend (tests/support/test_database.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "store/discovery_store.h"
#include "store/domain.h"
#include "store/domain_store.h"
#include "store/job_store.h"
#include "tests/store/domain_fixture.h"
#include "tests/store/job_store_fixture.h"

namespace a11y::testing {
namespace {

using namespace std::chrono_literals;
using Code = Status::Code;

std::vector<std::string> Sorted(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  return items;
}

// What a discovery job needs to write: its run and the token of the job holding it.
struct RunningDiscovery {
  DiscoveryRun run;
  Job job;
};

class DiscoveryStoreTest : public DomainStoreFixture {
 protected:
  using DomainStoreFixture::AddWebsite;

  DiscoveryStore& discovery() { return store_->discovery(); }

  // A website of `owner` in a project of its own.
  Website AddWebsite(const User& owner, const std::string& name) {
    return AddWebsite(AddProject(owner, "project " + name), name);
  }

  DiscoveryRun MakeRun(const Website& website, const std::string& job_id) {
    DiscoveryRun run;
    run.run_id = NewId();
    run.website_id = website.website_id;
    run.user_id = website.user_id;
    run.job_id = job_id;
    run.session_id = "session-1";
    run.started_at = Now();
    return run;
  }

  // A discovery job claimed by a worker, and its new run.
  RunningDiscovery StartRun(const Website& website) {
    const std::string job_id = NewId();
    Insert(job_id);
    RunningDiscovery started{MakeRun(website, job_id), Claim(job_id, "worker-1")};
    EXPECT_OK(discovery().CreateRun(started.run));
    return started;
  }

  // A batch of the run, fenced by its job's token, seen now.
  DiscoveryBatch Batch(const RunningDiscovery& d, const std::vector<std::string>& urls) {
    DiscoveryBatch batch;
    batch.run_id = d.run.run_id;
    batch.job_id = d.job.job_id;
    batch.lock_token = d.job.lock_token;
    batch.seen_at = Now();
    for (const std::string& url : urls) {
      DiscoveredPage page;
      page.url = url;
      page.depth = 1;
      page.status_code = 200;
      page.title = "Title of " + url;
      batch.pages.push_back(page);
    }
    batch.counts.pages_found = static_cast<int64_t>(urls.size());
    batch.counts.pages_processed = static_cast<int64_t>(urls.size());
    batch.checkpoint = Json{{"processed", urls.size()}};
    return batch;
  }

  static DocumentRef Doc(const std::string& url, const std::string& link_text,
                         const std::string& referrer) {
    DocumentRef doc;
    doc.url = url;
    doc.doc_type = "pdf";
    doc.link_text = link_text;
    doc.referrer = referrer;
    return doc;
  }

  // The website's pages by url, as an administrator reads them.
  std::map<std::string, Page> Pages(const Website& website) {
    PageFilter filter;
    filter.website_id = website.website_id;
    filter.page.limit = kMaxPageLimit;
    std::map<std::string, Page> pages;
    for (Page& page : Must(domain().ListPages(filter, Scope::Admin())).items) {
      pages[page.url] = std::move(page);
    }
    return pages;
  }

  std::map<std::string, Document> Documents(const Website& website) {
    PageRequest page;
    page.limit = kMaxPageLimit;
    std::map<std::string, Document> documents;
    for (Document& doc :
         Must(discovery().ListDocuments(website.website_id, page, Scope::Admin())).items) {
      documents[doc.url] = std::move(doc);
    }
    return documents;
  }

  DiscoveryRun End(const RunningDiscovery& d, const std::string& status,
                   const DiscoveryCounts& counts = {}) {
    env_.Advance(1s);
    return Must(discovery().FinishRun(d.run.run_id, status, std::nullopt, counts, Now()));
  }
};

// ---------------------------------------------------------------------------------------
// Runs

TEST_P(DiscoveryStoreTest, RunReadsBackFieldByFieldAndIsScoped) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  const Website site = AddWebsite(alice, "site");
  DiscoveryRun run = MakeRun(site, "job-1");
  run.project_id = "ignored: the website's is stored";
  run.status = "completed";  // Ignored too: a new run is running.
  run.started_at = Now() + 123457us;
  ASSERT_TRUE(discovery().CreateRun(run).ok());

  for (const Scope& scope : {Scope::User(alice.user_id), Scope::Admin()}) {
    const DiscoveryRun row = Must(discovery().GetRun(run.run_id, scope));
    EXPECT_EQ(row.run_id, run.run_id);
    EXPECT_EQ(row.website_id, site.website_id);
    EXPECT_EQ(row.project_id, site.project_id);
    EXPECT_EQ(row.user_id, alice.user_id);
    EXPECT_EQ(row.job_id, "job-1");
    EXPECT_EQ(row.session_id, "session-1");
    EXPECT_EQ(row.status, "running");
    EXPECT_FALSE(row.error.has_value());
    EXPECT_EQ(row.counts.pages_found, 0);
    EXPECT_EQ(row.pages_missing, 0);
    EXPECT_EQ(Rfc(row.started_at), Rfc(run.started_at));
    EXPECT_FALSE(row.finished_at.has_value());
  }
  EXPECT_EQ(discovery().GetRun(run.run_id, Scope::User(bob.user_id)).status().code(),
            Code::kNotFound);
  EXPECT_EQ(discovery().GetRun("no-such-run", Scope::Admin()).status().code(), Code::kNotFound);

  EXPECT_EQ(discovery().CreateRun(run).code(), Code::kAlreadyExists);
  DiscoveryRun as_bob = MakeRun(site, "job-2");
  as_bob.user_id = bob.user_id;
  EXPECT_EQ(discovery().CreateRun(as_bob).code(), Code::kNotFound) << "not bob's website";
  DiscoveryRun nowhere = MakeRun(site, "job-3");
  nowhere.website_id = "no-such-website";
  EXPECT_EQ(discovery().CreateRun(nowhere).code(), Code::kNotFound);
}

TEST_P(DiscoveryStoreTest, ListRunsGoesNewestFirstWithACursorWithinScope) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  const Website site = AddWebsite(alice, "site");
  const Website other = AddWebsite(alice, "other");
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) {
    const DiscoveryRun run = MakeRun(site, "job-" + std::to_string(i));
    ASSERT_TRUE(discovery().CreateRun(run).ok());
    created.push_back(run.run_id);
    ASSERT_TRUE(discovery().CreateRun(MakeRun(other, "elsewhere")).ok());
  }
  std::reverse(created.begin(), created.end());

  PageRequest page;
  page.limit = 2;
  std::vector<std::string> ids;
  std::vector<size_t> sizes;
  for (int guard = 0; guard < 10; ++guard) {
    const auto listing =
        Must(discovery().ListRuns(site.website_id, page, Scope::User(alice.user_id)));
    sizes.push_back(listing.items.size());
    for (const DiscoveryRun& run : listing.items) ids.push_back(run.run_id);
    if (!listing.next_cursor) break;
    EXPECT_EQ(*listing.next_cursor, listing.items.back().run_id);
    page.cursor = listing.next_cursor;
  }
  EXPECT_EQ(ids, created) << "newest first, no gaps, only this website's";
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 1}));

  const Website empty = AddWebsite(alice, "empty");
  EXPECT_TRUE(Must(discovery().ListRuns(empty.website_id, {}, Scope::Admin())).items.empty());
  EXPECT_EQ(discovery().ListRuns(site.website_id, {}, Scope::User(bob.user_id)).status().code(),
            Code::kNotFound);
  EXPECT_EQ(discovery().ListRuns("no-such-website", {}, Scope::Admin()).status().code(),
            Code::kNotFound);
  page = {};
  page.limit = 0;
  EXPECT_EQ(discovery().ListRuns(site.website_id, page, Scope::Admin()).status().code(),
            Code::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------
// Batches

TEST_P(DiscoveryStoreTest, SaveBatchInsertsPagesThenUpdatesThemInPlace) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(alice, "site");
  const Page manual = AddPage(site, "https://site.example/contact");
  const RunningDiscovery d = StartRun(site);

  env_.Advance(1min);
  DiscoveryBatch first = Batch(d, {"https://site.example/", "https://site.example/broken"});
  first.pages[0].referrer = "https://elsewhere.example/";
  first.pages[0].final_url = "https://site.example/index.html";
  first.pages[0].content_type = "text/html";
  first.pages[0].content_hash = std::string(64, 'a');
  first.pages[0].size_bytes = 5120;
  first.pages[0].depth = 0;
  first.pages[1].status_code = std::nullopt;
  first.pages[1].title = std::nullopt;
  first.pages[1].fetch_error = "connection refused";
  ASSERT_TRUE(discovery().SaveBatch(first).ok());

  auto pages = Pages(site);
  ASSERT_EQ(pages.size(), 3u);
  const Page home = pages["https://site.example/"];
  EXPECT_FALSE(home.page_id.empty());
  EXPECT_EQ(home.website_id, site.website_id);
  EXPECT_EQ(home.project_id, site.project_id);
  EXPECT_EQ(home.user_id, alice.user_id);
  EXPECT_EQ(home.source, "discovery");
  EXPECT_EQ(home.final_url, "https://site.example/index.html");
  EXPECT_EQ(home.status_code, 200);
  EXPECT_EQ(home.content_type, "text/html");
  EXPECT_EQ(home.title, "Title of https://site.example/");
  EXPECT_EQ(home.depth, 0);
  EXPECT_EQ(home.referrer, "https://elsewhere.example/");
  EXPECT_EQ(home.content_hash, std::string(64, 'a'));
  EXPECT_EQ(home.size_bytes, 5120);
  EXPECT_FALSE(home.fetch_error.has_value());
  EXPECT_EQ(home.last_run_id, d.run.run_id);
  EXPECT_FALSE(home.missing);
  EXPECT_EQ(Rfc(home.first_seen_at), Rfc(first.seen_at));
  EXPECT_EQ(Rfc(home.last_seen_at), Rfc(first.seen_at));
  const Page broken = pages["https://site.example/broken"];
  EXPECT_FALSE(broken.status_code.has_value());
  EXPECT_FALSE(broken.title.has_value());
  EXPECT_EQ(broken.fetch_error, "connection refused");
  EXPECT_EQ(pages["https://site.example/contact"].source, "manual");
  EXPECT_FALSE(pages["https://site.example/contact"].last_run_id.has_value());

  env_.Advance(1min);
  DiscoveryBatch second = Batch(d, {"https://site.example/", "https://site.example/contact"});
  second.pages[0].title = "New title";
  second.pages[0].status_code = 500;
  second.pages[0].fetch_error = "HTTP 500";
  second.pages[1].depth = 2;
  ASSERT_TRUE(discovery().SaveBatch(second).ok());

  pages = Pages(site);
  ASSERT_EQ(pages.size(), 3u) << "updated in place, not added";
  const Page home2 = pages["https://site.example/"];
  EXPECT_EQ(home2.page_id, home.page_id);
  EXPECT_EQ(home2.source, "discovery");
  EXPECT_EQ(home2.title, "New title");
  EXPECT_EQ(home2.status_code, 500);
  EXPECT_EQ(home2.fetch_error, "HTTP 500");
  EXPECT_FALSE(home2.final_url.has_value()) << "the latest fetch's fields replace the old ones";
  EXPECT_EQ(Rfc(home2.first_seen_at), Rfc(first.seen_at)) << "first_seen_at is kept";
  EXPECT_EQ(Rfc(home2.last_seen_at), Rfc(second.seen_at)) << "last_seen_at moves";
  const Page contact = pages["https://site.example/contact"];
  EXPECT_EQ(contact.page_id, manual.page_id);
  EXPECT_EQ(contact.source, "manual") << "a manual page stays manual";
  EXPECT_EQ(contact.depth, 2);
  EXPECT_EQ(contact.status_code, 200);
  EXPECT_EQ(contact.last_run_id, d.run.run_id);
  EXPECT_EQ(Rfc(contact.first_seen_at), Rfc(manual.first_seen_at));
  EXPECT_EQ(Rfc(contact.last_seen_at), Rfc(second.seen_at));
  EXPECT_EQ(Rfc(pages["https://site.example/broken"].last_seen_at), Rfc(first.seen_at));
}

TEST_P(DiscoveryStoreTest, DocumentsAreUpsertedKeepingTheFirstLinkText) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  const Website site = AddWebsite(alice, "site");
  const RunningDiscovery d = StartRun(site);

  DiscoveryBatch first = Batch(d, {"https://site.example/"});
  first.documents = {
      Doc("https://site.example/report.pdf", "Annual report", "https://site.example/"),
      Doc("https://cdn.example/form.docx", "Form", "https://site.example/")};
  first.documents[1].doc_type = "docx";
  first.documents[1].internal = false;
  ASSERT_TRUE(discovery().SaveBatch(first).ok());

  env_.Advance(1min);
  DiscoveryBatch second = Batch(d, {"https://site.example/about"});
  second.documents = {
      Doc("https://site.example/report.pdf", "Download", "https://site.example/about"),
      Doc("https://site.example/new.pdf", "New", "https://site.example/about"),
      Doc("https://site.example/new.pdf", "New again", "https://site.example/other")};
  ASSERT_TRUE(discovery().SaveBatch(second).ok());

  auto documents = Documents(site);
  ASSERT_EQ(documents.size(), 3u);
  const Document report = documents["https://site.example/report.pdf"];
  EXPECT_FALSE(report.document_id.empty());
  EXPECT_EQ(report.website_id, site.website_id);
  EXPECT_EQ(report.project_id, site.project_id);
  EXPECT_EQ(report.user_id, alice.user_id);
  EXPECT_EQ(report.doc_type, "pdf");
  EXPECT_EQ(report.link_text, "Annual report") << "the first page's link text stays";
  EXPECT_EQ(report.referrer, "https://site.example/");
  EXPECT_TRUE(report.internal);
  EXPECT_FALSE(report.missing);
  EXPECT_EQ(Rfc(report.first_seen_at), Rfc(first.seen_at));
  EXPECT_EQ(Rfc(report.last_seen_at), Rfc(second.seen_at));
  const Document form = documents["https://cdn.example/form.docx"];
  EXPECT_EQ(form.doc_type, "docx");
  EXPECT_FALSE(form.internal);
  EXPECT_EQ(Rfc(form.last_seen_at), Rfc(first.seen_at));
  EXPECT_EQ(documents["https://site.example/new.pdf"].link_text, "New")
      << "within one batch too, the first listing's text stays";

  // Oldest first, with a cursor, within scope.
  PageRequest page;
  page.limit = 2;
  const auto head =
      Must(discovery().ListDocuments(site.website_id, page, Scope::User(alice.user_id)));
  ASSERT_EQ(head.items.size(), 2u);
  EXPECT_EQ(head.items[0].url, "https://site.example/report.pdf");
  EXPECT_EQ(head.items[1].url, "https://cdn.example/form.docx");
  ASSERT_TRUE(head.next_cursor.has_value());
  page.cursor = head.next_cursor;
  const auto tail = Must(discovery().ListDocuments(site.website_id, page, Scope::Admin()));
  ASSERT_EQ(tail.items.size(), 1u);
  EXPECT_EQ(tail.items[0].url, "https://site.example/new.pdf");
  EXPECT_FALSE(tail.next_cursor.has_value());

  EXPECT_EQ(
      discovery().ListDocuments(site.website_id, {}, Scope::User(bob.user_id)).status().code(),
      Code::kNotFound);
  const Website empty = AddWebsite(alice, "empty");
  EXPECT_TRUE(Must(discovery().ListDocuments(empty.website_id, {}, Scope::Admin())).items.empty());
  page = {};
  page.limit = kMaxPageLimit + 1;
  EXPECT_EQ(discovery().ListDocuments(site.website_id, page, Scope::Admin()).status().code(),
            Code::kInvalidArgument);
}

TEST_P(DiscoveryStoreTest, SaveBatchReplacesTheRunsCountsAndTheJobsCheckpoint) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(alice, "site");
  const RunningDiscovery d = StartRun(site);

  DiscoveryBatch batch = Batch(d, {"https://site.example/"});
  batch.counts = {120, 40, 3, 7};
  batch.checkpoint = Json{{"frontier", {"https://site.example/a", "https://site.example/b"}},
                          {"seen", 40}};
  ASSERT_TRUE(discovery().SaveBatch(batch).ok());
  DiscoveryRun run = Must(discovery().GetRun(d.run.run_id, Scope::Admin()));
  EXPECT_EQ(run.counts.pages_found, 120);
  EXPECT_EQ(run.counts.pages_processed, 40);
  EXPECT_EQ(run.counts.pages_failed, 3);
  EXPECT_EQ(run.counts.documents_found, 7);
  EXPECT_EQ(run.status, "running");
  EXPECT_EQ(Row(d.job.job_id).checkpoint, batch.checkpoint);

  batch = Batch(d, {});
  batch.counts = {150, 90, 4, 9};
  batch.checkpoint = Json{{"seen", 90}};
  ASSERT_TRUE(discovery().SaveBatch(batch).ok()) << "an empty batch still saves its state";
  run = Must(discovery().GetRun(d.run.run_id, Scope::Admin()));
  EXPECT_EQ(run.counts.pages_found, 150);
  EXPECT_EQ(run.counts.pages_processed, 90);
  EXPECT_EQ(run.counts.pages_failed, 4);
  EXPECT_EQ(run.counts.documents_found, 9);
  EXPECT_EQ(Row(d.job.job_id).checkpoint, Json({{"seen", 90}}));
}

TEST_P(DiscoveryStoreTest, StaleLockTokenIsLeaseLostAndWritesNothing) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(alice, "site");
  RunningDiscovery by_a = StartRun(site);
  env_.Advance(31s);
  ASSERT_EQ(Must(store_->RecoverAbandonedJobs(std::nullopt, 100)).requeued, 1);
  const Job by_b = Claim(by_a.job.job_id, "worker-2");
  ASSERT_GT(by_b.lock_token, by_a.job.lock_token);
  const Json before = Snapshot(Row(by_a.job.job_id));

  DiscoveryBatch stale = Batch(by_a, {"https://site.example/", "https://site.example/a"});
  stale.documents = {Doc("https://site.example/a.pdf", "A", "https://site.example/")};
  stale.counts = {2, 2, 0, 1};
  EXPECT_EQ(discovery().SaveBatch(stale).code(), Code::kLeaseLost);

  EXPECT_TRUE(Pages(site).empty());
  EXPECT_TRUE(Documents(site).empty());
  EXPECT_EQ(Snapshot(Row(by_a.job.job_id)), before) << "no checkpoint, no updated_at";
  EXPECT_EQ(Must(discovery().GetRun(by_a.run.run_id, Scope::Admin())).counts.pages_found, 0);
  EXPECT_TRUE(Must(discovery().ProcessedUrls(by_a.run.run_id)).empty());

  // The new holder writes; once the job is finished, nobody does.
  RunningDiscovery by_b_run{by_a.run, by_b};
  ASSERT_TRUE(discovery().SaveBatch(Batch(by_b_run, {"https://site.example/"})).ok());
  ASSERT_TRUE(FinishOne(MakeFinish(by_b.job_id, by_b.lock_token, Finish::Kind::kCompleted)).ok());
  EXPECT_EQ(discovery().SaveBatch(Batch(by_b_run, {"https://site.example/late"})).code(),
            Code::kLeaseLost);
  EXPECT_EQ(Pages(site).size(), 1u);
  DiscoveryBatch no_job = Batch(by_b_run, {"https://site.example/late"});
  no_job.job_id = "no-such-job";
  EXPECT_EQ(discovery().SaveBatch(no_job).code(), Code::kLeaseLost);
  EXPECT_EQ(Pages(site).size(), 1u);
}

TEST_P(DiscoveryStoreTest, SaveBatchForAGoneRunIsNotFoundAndWritesNothing) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(alice, "site");
  RunningDiscovery d = StartRun(site);
  const Json before = Snapshot(Row(d.job.job_id));
  DiscoveryBatch batch = Batch(d, {"https://site.example/"});
  batch.run_id = "no-such-run";
  EXPECT_EQ(discovery().SaveBatch(batch).code(), Code::kNotFound);
  EXPECT_TRUE(Pages(site).empty());
  EXPECT_EQ(Snapshot(Row(d.job.job_id)), before) << "the checkpoint was rolled back";
}

TEST_P(DiscoveryStoreTest, ProcessedUrlsAreExactlyTheRunsPages) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(alice, "site");
  const Website other = AddWebsite(alice, "other");
  AddPage(site, "https://site.example/manual");
  const RunningDiscovery first = StartRun(site);
  ASSERT_TRUE(discovery()
                  .SaveBatch(Batch(first, {"https://site.example/a", "https://site.example/b"}))
                  .ok());
  End(first, "completed");
  const RunningDiscovery elsewhere = StartRun(other);
  ASSERT_TRUE(discovery().SaveBatch(Batch(elsewhere, {"https://other.example/x"})).ok());

  const RunningDiscovery second = StartRun(site);
  EXPECT_TRUE(Must(discovery().ProcessedUrls(second.run.run_id)).empty());
  ASSERT_TRUE(discovery().SaveBatch(Batch(second, {"https://site.example/b"})).ok());
  ASSERT_TRUE(discovery().SaveBatch(Batch(second, {"https://site.example/c"})).ok());

  EXPECT_EQ(Sorted(Must(discovery().ProcessedUrls(second.run.run_id))),
            (std::vector<std::string>{"https://site.example/b", "https://site.example/c"}));
  EXPECT_EQ(Must(discovery().ProcessedUrls(first.run.run_id)),
            (std::vector<std::string>{"https://site.example/a"}))
      << "b was seen again by the second run";
  EXPECT_EQ(discovery().ProcessedUrls("no-such-run").status().code(), Code::kNotFound);
}

// ---------------------------------------------------------------------------------------
// Finishing runs

TEST_P(DiscoveryStoreTest, CompletedRunMarksUnseenDiscoveryPagesAndDocumentsMissing) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(alice, "site");
  const Website other = AddWebsite(alice, "other");
  AddPage(site, "https://site.example/manual");
  const RunningDiscovery first = StartRun(site);
  DiscoveryBatch batch = Batch(first, {"https://site.example/a", "https://site.example/b",
                                       "https://site.example/c"});
  batch.documents = {Doc("https://site.example/x.pdf", "X", "https://site.example/a"),
                     Doc("https://site.example/y.pdf", "Y", "https://site.example/b")};
  ASSERT_TRUE(discovery().SaveBatch(batch).ok());
  EXPECT_EQ(End(first, "completed").pages_missing, 0);
  const RunningDiscovery elsewhere = StartRun(other);
  ASSERT_TRUE(discovery().SaveBatch(Batch(elsewhere, {"https://other.example/z"})).ok());

  const RunningDiscovery second = StartRun(site);
  batch = Batch(second, {"https://site.example/a"});
  batch.documents = {Doc("https://site.example/x.pdf", "X", "https://site.example/a")};
  ASSERT_TRUE(discovery().SaveBatch(batch).ok());
  const DiscoveryCounts counts{1, 1, 0, 1};
  const DiscoveryRun finished = End(second, "completed", counts);

  EXPECT_EQ(finished.status, "completed");
  EXPECT_EQ(finished.pages_missing, 2);
  EXPECT_EQ(finished.counts.pages_found, 1);
  EXPECT_EQ(finished.counts.documents_found, 1);
  EXPECT_EQ(Rfc(finished.finished_at), Rfc(Now()));
  EXPECT_FALSE(finished.error.has_value());
  EXPECT_EQ(Must(discovery().GetRun(second.run.run_id, Scope::Admin())).ToJson(),
            finished.ToJson())
      << "FinishRun returns the run as stored";

  auto pages = Pages(site);
  EXPECT_FALSE(pages["https://site.example/a"].missing) << "seen";
  EXPECT_TRUE(pages["https://site.example/b"].missing);
  EXPECT_TRUE(pages["https://site.example/c"].missing);
  EXPECT_FALSE(pages["https://site.example/manual"].missing) << "manual pages are never missing";
  EXPECT_FALSE(Pages(other)["https://other.example/z"].missing) << "another website's page";
  auto documents = Documents(site);
  EXPECT_FALSE(documents["https://site.example/x.pdf"].missing);
  EXPECT_TRUE(documents["https://site.example/y.pdf"].missing);

  // A later run that sees a page again clears its mark.
  const RunningDiscovery third = StartRun(site);
  batch = Batch(third, {"https://site.example/b"});
  batch.documents = {Doc("https://site.example/y.pdf", "Y", "https://site.example/b")};
  ASSERT_TRUE(discovery().SaveBatch(batch).ok());
  pages = Pages(site);
  EXPECT_FALSE(pages["https://site.example/b"].missing);
  EXPECT_TRUE(pages["https://site.example/c"].missing);
  EXPECT_FALSE(Documents(site)["https://site.example/y.pdf"].missing);
  EXPECT_EQ(End(third, "completed").pages_missing, 2) << "a and c";
  pages = Pages(site);
  EXPECT_TRUE(pages["https://site.example/a"].missing);
  EXPECT_FALSE(pages["https://site.example/b"].missing);
  EXPECT_TRUE(Documents(site)["https://site.example/x.pdf"].missing);
}

TEST_P(DiscoveryStoreTest, CancelledOrFailedRunMarksNothing) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(alice, "site");
  const RunningDiscovery first = StartRun(site);
  DiscoveryBatch batch = Batch(first, {"https://site.example/a", "https://site.example/b"});
  batch.documents = {Doc("https://site.example/x.pdf", "X", "https://site.example/a")};
  ASSERT_TRUE(discovery().SaveBatch(batch).ok());
  End(first, "completed");

  const RunningDiscovery cancelled = StartRun(site);
  ASSERT_TRUE(discovery().SaveBatch(Batch(cancelled, {"https://site.example/a"})).ok());
  const DiscoveryRun run = End(cancelled, "cancelled");
  EXPECT_EQ(run.status, "cancelled");
  EXPECT_EQ(run.pages_missing, 0);

  const RunningDiscovery failed = StartRun(site);
  env_.Advance(1s);
  const DiscoveryRun failed_run =
      Must(discovery().FinishRun(failed.run.run_id, "failed", "robots.txt unreachable", {}, Now()));
  EXPECT_EQ(failed_run.status, "failed");
  EXPECT_EQ(failed_run.error, "robots.txt unreachable");
  EXPECT_EQ(failed_run.pages_missing, 0);

  for (const auto& [url, page] : Pages(site)) EXPECT_FALSE(page.missing) << url;
  EXPECT_FALSE(Documents(site)["https://site.example/x.pdf"].missing);

  EXPECT_EQ(discovery().FinishRun(failed.run.run_id, "running", {}, {}, Now()).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(discovery().FinishRun("no-such-run", "completed", {}, {}, Now()).status().code(),
            Code::kNotFound);
}

TEST_P(DiscoveryStoreTest, DeletingTheWebsiteRemovesItsRunsAndDocuments) {
  const User alice = AddUser("alice");
  const Website doomed = AddWebsite(alice, "doomed");
  const Website kept = AddWebsite(alice, "kept");
  const RunningDiscovery d = StartRun(doomed);
  DiscoveryBatch batch = Batch(d, {"https://doomed.example/"});
  batch.documents = {Doc("https://doomed.example/a.pdf", "A", "https://doomed.example/")};
  ASSERT_TRUE(discovery().SaveBatch(batch).ok());
  const RunningDiscovery survivor = StartRun(kept);
  batch = Batch(survivor, {"https://kept.example/"});
  batch.documents = {Doc("https://kept.example/a.pdf", "A", "https://kept.example/")};
  ASSERT_TRUE(discovery().SaveBatch(batch).ok());

  ASSERT_TRUE(domain().DeleteWebsite(doomed.website_id, Scope::Admin()).ok());
  EXPECT_EQ(discovery().GetRun(d.run.run_id, Scope::Admin()).status().code(), Code::kNotFound);
  EXPECT_EQ(discovery().ListDocuments(doomed.website_id, {}, Scope::Admin()).status().code(),
            Code::kNotFound)
      << "no documents left behind (a leftover would be listed)";
  EXPECT_EQ(discovery().ListRuns(doomed.website_id, {}, Scope::Admin()).status().code(),
            Code::kNotFound);
  EXPECT_EQ(discovery().ProcessedUrls(d.run.run_id).status().code(), Code::kNotFound);
  EXPECT_EQ(discovery().SaveBatch(Batch(d, {"https://doomed.example/late"})).code(),
            Code::kNotFound);
  EXPECT_EQ(discovery().FinishRun(d.run.run_id, "completed", {}, {}, Now()).status().code(),
            Code::kNotFound);

  EXPECT_TRUE(discovery().GetRun(survivor.run.run_id, Scope::Admin()).ok());
  EXPECT_EQ(Documents(kept).size(), 1u);
  EXPECT_EQ(Pages(kept).size(), 1u);
}

TEST_P(DiscoveryStoreTest, ABatchOfFiveHundredPagesLandsWhole) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(alice, "site");
  const RunningDiscovery d = StartRun(site);
  std::vector<std::string> urls;
  for (int i = 0; i < 500; ++i) urls.push_back("https://site.example/page/" + std::to_string(i));
  DiscoveryBatch batch = Batch(d, urls);
  for (int i = 0; i < 100; ++i) {
    batch.documents.push_back(Doc("https://site.example/doc/" + std::to_string(i) + ".pdf",
                                  "Doc \"" + std::to_string(i) + "\" {a,b} \\", urls[i]));
  }
  batch.pages[7].title = "Quotes \" and braces {x,y} and a backslash \\ survive";
  batch.pages[8].title = "NULL";
  batch.pages.push_back(batch.pages[9]);  // Listed twice: stored once, with the last fields.
  batch.pages.back().title = "second listing";
  ASSERT_TRUE(discovery().SaveBatch(batch).ok());

  auto pages = Pages(site);
  EXPECT_EQ(pages.size(), 500u);
  EXPECT_EQ(pages[urls[7]].title, "Quotes \" and braces {x,y} and a backslash \\ survive");
  EXPECT_EQ(pages[urls[8]].title, "NULL");
  EXPECT_EQ(pages[urls[9]].title, "second listing");
  EXPECT_EQ(Must(discovery().ProcessedUrls(d.run.run_id)).size(), 500u);
  auto documents = Documents(site);
  EXPECT_EQ(documents.size(), 100u);
  EXPECT_EQ(documents["https://site.example/doc/3.pdf"].link_text, "Doc \"3\" {a,b} \\");

  env_.Advance(1s);
  batch.seen_at = Now();
  ASSERT_TRUE(discovery().SaveBatch(batch).ok()) << "the same 500 again: all updates";
  pages = Pages(site);
  EXPECT_EQ(pages.size(), 500u);
  EXPECT_EQ(Rfc(pages[urls[499]].last_seen_at), Rfc(Now()));
  EXPECT_EQ(Documents(site).size(), 100u);
}

// ---------------------------------------------------------------------------------------
// The page columns discovery added, through DomainStore

TEST_P(DiscoveryStoreTest, PageFetchErrorAndLastRunReadBack) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(alice, "site");
  Page page = MakePage(site, "https://site.example/");
  page.source = "discovery";
  page.fetch_error = "timed out";
  page.last_run_id = "run-1";
  ASSERT_TRUE(domain().AddPage(page).ok());
  const Page row = Must(domain().GetPage(page.page_id, Scope::Admin()));
  EXPECT_EQ(row.fetch_error, "timed out");
  EXPECT_EQ(row.last_run_id, "run-1");
  EXPECT_FALSE(AddPage(site, "https://site.example/b").fetch_error.has_value());
  EXPECT_FALSE(Pages(site)["https://site.example/b"].last_run_id.has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, DiscoveryStoreTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

// ---------------------------------------------------------------------------------------
// JSON forms

TEST(DiscoveryJsonTest, RunAndDocumentUseTheirFieldNames) {
  DiscoveryRun run;
  run.run_id = "r";
  run.counts = {1, 2, 3, 4};
  run.pages_missing = 5;
  run.started_at = TestEpoch();
  Json json = run.ToJson();
  for (const char* key : {"run_id", "website_id", "project_id", "user_id", "job_id", "session_id",
                          "status", "error", "pages_found", "pages_processed", "pages_failed",
                          "documents_found", "pages_missing", "started_at", "finished_at"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_EQ(json.size(), 15u);
  EXPECT_EQ(json["status"], "running");
  EXPECT_TRUE(json["error"].is_null());
  EXPECT_TRUE(json["finished_at"].is_null());
  EXPECT_EQ(json["pages_found"], 1);
  EXPECT_EQ(json["pages_processed"], 2);
  EXPECT_EQ(json["pages_failed"], 3);
  EXPECT_EQ(json["documents_found"], 4);
  EXPECT_EQ(json["pages_missing"], 5);
  EXPECT_EQ(json["started_at"], FormatRfc3339(TestEpoch()));
  run.error = "boom";
  run.finished_at = TestEpoch() + 1s;
  json = run.ToJson();
  EXPECT_EQ(json["error"], "boom");
  EXPECT_EQ(json["finished_at"], FormatRfc3339(TestEpoch() + 1s));

  Document doc;
  doc.url = "https://site.example/a.pdf";
  doc.internal = false;
  doc.first_seen_at = doc.last_seen_at = TestEpoch();
  json = doc.ToJson();
  for (const char* key : {"document_id", "website_id", "project_id", "user_id", "url", "doc_type",
                          "link_text", "referrer", "internal", "missing", "first_seen_at",
                          "last_seen_at"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_EQ(json.size(), 12u);
  EXPECT_EQ(json["internal"], false);
  EXPECT_EQ(json["last_seen_at"], FormatRfc3339(TestEpoch()));

  Page page;
  json = page.ToJson();
  EXPECT_TRUE(json["fetch_error"].is_null());
  EXPECT_TRUE(json["last_run_id"].is_null());
  page.fetch_error = "HTTP 404";
  page.last_run_id = "r";
  json = page.ToJson();
  EXPECT_EQ(json["fetch_error"], "HTTP 404");
  EXPECT_EQ(json["last_run_id"], "r");
}

}  // namespace
}  // namespace a11y::testing
