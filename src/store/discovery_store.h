// DiscoveryStore: what discovery runs leave behind — the runs themselves, the pages they
// find (updated in place, in the pages table of DomainStore) and the documents those pages
// link to. Each backend implements it beside its DomainStore; the conformance suite in
// tests/store runs the same tests against both.
//
// Tenancy: reads on behalf of a user take a Scope (another user's run is kNotFound).
// Writes come from the discovery job, which acts for the website's owner.
//
// Thread safety: every method may be called from any thread at any time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/domain.h"
#include "store/domain_store.h"
#include "store/job_store.h"

namespace a11y {

struct DiscoveryCounts {
  int64_t pages_found = 0;      // In-scope URLs admitted to the crawl (fetched or queued).
  int64_t pages_processed = 0;  // Fetched, successfully or not.
  int64_t pages_failed = 0;     // Fetched without a usable answer (network error, 4xx/5xx...).
  int64_t documents_found = 0;  // Distinct document URLs recorded.
};

struct DiscoveryRun {
  std::string run_id;
  std::string website_id;
  std::string project_id;
  std::string user_id;     // The website's owner, who started the run.
  std::string job_id;      // The discovery job doing the run.
  std::string session_id;  // The login session or API token that started the job.
  std::string status = "running";  // running | completed | failed | cancelled
  std::optional<std::string> error;
  DiscoveryCounts counts;
  int64_t pages_missing = 0;  // Pages marked missing when the run completed.
  TimePoint started_at{};
  std::optional<TimePoint> finished_at;
  Json ToJson() const;
};

// One fetched page (or one failed fetch) as the crawl saw it.
struct DiscoveredPage {
  std::string url;  // Normalised.
  int depth = 0;
  std::optional<std::string> referrer;
  std::optional<std::string> final_url;  // After redirects, when it differs.
  std::optional<int> status_code;        // Absent when no HTTP answer came.
  std::optional<std::string> content_type;
  std::optional<std::string> title;
  std::optional<std::string> content_hash;  // Hex SHA-256 of the body.
  std::optional<int64_t> size_bytes;
  std::optional<std::string> fetch_error;  // Why the page failed, when it did.
};

// A document (pdf, docx, ...) a page links to. Recorded, never fetched.
struct DocumentRef {
  std::string url;       // Normalised.
  std::string doc_type;  // "pdf", "docx", ...
  std::string link_text;
  std::string referrer;  // The page linking to it.
  bool internal = true;  // On the website's hosts.
};

struct Document {
  std::string document_id;
  std::string website_id;
  std::string project_id;
  std::string user_id;
  std::string url;
  std::string doc_type;
  std::string link_text;  // From the first page seen linking to it.
  std::string referrer;
  bool internal = true;
  bool missing = false;  // Not linked by the latest completed run.
  TimePoint first_seen_at{};
  TimePoint last_seen_at{};
  Json ToJson() const;
};

// What a discovery job writes at each flush, in ONE transaction fenced on the job's lock
// token: either everything lands or nothing does.
struct DiscoveryBatch {
  std::string run_id;
  std::string job_id;
  int64_t lock_token = 0;
  TimePoint seen_at{};
  std::vector<DiscoveredPage> pages;
  std::vector<DocumentRef> documents;
  DiscoveryCounts counts;  // The run's totals so far (replaces the stored ones).
  Json checkpoint;         // The job's resume state (replaces jobs.checkpoint).
};

// For backends, so both give the same answers.
// A fence miss (the token moved on, the job finished or was deleted) as the contract
// answers it: kLeaseLost with the job store's reason. Database errors pass through.
Status AsLeaseLost(const Status& fenced);
// kInvalidArgument unless `status` is one a run can end in.
Status CheckFinalStatus(const std::string& status);
std::string RunNotFound(const std::string& run_id);
std::string WebsiteNotFound(const std::string& website_id);

class DiscoveryStore {
 public:
  virtual ~DiscoveryStore() = default;

  // Stores a new run (status "running"). kNotFound unless run.website_id names a website
  // of run.user_id; the stored project_id is the website's.
  virtual Status CreateRun(const DiscoveryRun& run) = 0;
  virtual Result<DiscoveryRun> GetRun(const std::string& run_id, const Scope& scope) = 0;
  // The website's runs, the newest first. kNotFound when the website is not in scope.
  virtual Result<Listing<DiscoveryRun>> ListRuns(const std::string& website_id,
                                                 const PageRequest& page,
                                                 const Scope& scope) = 0;

  // Applies `batch` atomically, only while job `batch.job_id` still has lock_token
  // `batch.lock_token` (kLeaseLost and nothing written otherwise):
  //  - each page is upserted by (website, url): a new row gets source "discovery" and
  //    first_seen_at = seen_at; every row gets the fetched fields, last_seen_at = seen_at,
  //    missing = false and last_run_id = run_id (a manual page keeps source "manual");
  //  - each document is upserted the same way by (website, url), keeping the first
  //    link_text and referrer;
  //  - the run's counts and the job's checkpoint are replaced.
  // kNotFound when the run is gone (its website was deleted).
  virtual Status SaveBatch(const DiscoveryBatch& batch) = 0;

  // The URLs of the website's pages whose last_run_id is `run_id`: what the run has
  // already fetched. A resumed run reads them instead of fetching them again.
  virtual Result<std::vector<std::string>> ProcessedUrls(const std::string& run_id) = 0;

  // Ends a run: sets status, error, finished_at and the final counts. When status is
  // "completed", the website's discovery pages and documents the run did not see
  // (last_run_id differs) are marked missing and pages_missing is set; a cancelled or
  // failed run marks nothing. Returns the run as stored. kNotFound when the run is gone.
  virtual Result<DiscoveryRun> FinishRun(const std::string& run_id, const std::string& status,
                                         const std::optional<std::string>& error,
                                         const DiscoveryCounts& counts,
                                         TimePoint finished_at) = 0;

  // The website's documents, oldest first. kNotFound when the website is not in scope.
  virtual Result<Listing<Document>> ListDocuments(const std::string& website_id,
                                                  const PageRequest& page,
                                                  const Scope& scope) = 0;
};

}  // namespace a11y
