#include "store/sqlite/sqlite_discovery_store.h"

#include <utility>
#include <vector>

#include "core/ids.h"
#include "store/sqlite/sqlite_queries.h"

namespace a11y {
namespace {

using sqlite::Connection;
using sqlite::ConnectionPool;
using sqlite::FirstRow;
using sqlite::Statement;
using sqlite::WriteTransaction;

constexpr const char* kRunColumns =
    "run_id, website_id, project_id, user_id, job_id, session_id, status, error, pages_found, "
    "pages_processed, pages_failed, documents_found, pages_missing, started_at, finished_at";
constexpr const char* kDocumentColumns =
    "document_id, website_id, project_id, user_id, url, doc_type, link_text, referrer, internal, "
    "missing, first_seen_at, last_seen_at";

// One statement, prepared once per connection and rebound for each page of a batch. A new
// row is a discovery page first seen now; an existing one (a manual page too) keeps its
// id, source and first_seen_at and takes everything the fetch saw.
constexpr const char* kUpsertPage =
    "INSERT INTO pages (page_id, website_id, project_id, user_id, url, source, final_url, "
    "status_code, content_type, title, depth, referrer, content_hash, size_bytes, missing, "
    "fetch_error, last_run_id, first_seen_at, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?5, "
    "'discovery', ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 0, ?14, ?15, ?16, ?16) "
    "ON CONFLICT (website_id, url) DO UPDATE SET final_url = excluded.final_url, "
    "status_code = excluded.status_code, content_type = excluded.content_type, "
    "title = excluded.title, depth = excluded.depth, referrer = excluded.referrer, "
    "content_hash = excluded.content_hash, size_bytes = excluded.size_bytes, missing = 0, "
    "fetch_error = excluded.fetch_error, last_run_id = excluded.last_run_id, "
    "last_seen_at = excluded.last_seen_at";

// Likewise per document; link_text and referrer stay the first linking page's.
constexpr const char* kUpsertDocument =
    "INSERT INTO documents (document_id, website_id, project_id, user_id, url, doc_type, "
    "link_text, referrer, internal, missing, last_run_id, first_seen_at, last_seen_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10, ?11, ?11) "
    "ON CONFLICT (website_id, url) DO UPDATE SET doc_type = excluded.doc_type, "
    "internal = excluded.internal, missing = 0, last_run_id = excluded.last_run_id, "
    "last_seen_at = excluded.last_seen_at";

// Whose rows a batch writes: the run's website, read back from the run it updates.
struct RunOwner {
  std::string website_id;
  std::string project_id;
  std::string user_id;
};

TimePoint Time(const Statement& s, int c) { return FromUnixMicros(s.Int(c)); }

DiscoveryRun ReadRun(const Statement& s) {
  DiscoveryRun r;
  r.run_id = s.Text(0);
  r.website_id = s.Text(1);
  r.project_id = s.Text(2);
  r.user_id = s.Text(3);
  r.job_id = s.Text(4);
  r.session_id = s.Text(5);
  r.status = s.Text(6);
  r.error = s.OptText(7);
  r.counts.pages_found = s.Int(8);
  r.counts.pages_processed = s.Int(9);
  r.counts.pages_failed = s.Int(10);
  r.counts.documents_found = s.Int(11);
  r.pages_missing = s.Int(12);
  r.started_at = Time(s, 13);
  if (auto finished = s.OptInt(14)) r.finished_at = FromUnixMicros(*finished);
  return r;
}

Document ReadDocument(const Statement& s) {
  Document d;
  d.document_id = s.Text(0);
  d.website_id = s.Text(1);
  d.project_id = s.Text(2);
  d.user_id = s.Text(3);
  d.url = s.Text(4);
  d.doc_type = s.Text(5);
  d.link_text = s.Text(6);
  d.referrer = s.Text(7);
  d.internal = s.Int(8) != 0;
  d.missing = s.Int(9) != 0;
  d.first_seen_at = Time(s, 10);
  d.last_seen_at = Time(s, 11);
  return d;
}

RunOwner ReadOwner(const Statement& s) { return RunOwner{s.Text(0), s.Text(1), s.Text(2)}; }

class SqliteDiscoveryStore final : public DiscoveryStore {
 public:
  SqliteDiscoveryStore(ConnectionPool* pool, std::mutex* write_mu, LatencyHistogram* latency,
                       SqliteCheckpointFence fence)
      : pool_(pool),
        write_mu_(write_mu),
        latency_(latency),
        queries_(pool, write_mu, latency),
        fence_(std::move(fence)) {}

  Status CreateRun(const DiscoveryRun& r) override {
    // Inserts only when the website exists and is the owner's: one statement, no race.
    return queries_.Write(
        "INSERT INTO discovery_runs (run_id, website_id, project_id, user_id, job_id, "
        "session_id, status, pages_found, pages_processed, pages_failed, documents_found, "
        "started_at) SELECT ?1, website_id, project_id, user_id, ?2, ?3, 'running', ?4, ?5, ?6, "
        "?7, ?8 FROM websites WHERE website_id = ?9 AND user_id = ?10",
        [&](Statement& s) {
          s.Bind(1, r.run_id).Bind(2, r.job_id).Bind(3, r.session_id);
          s.Bind(4, r.counts.pages_found).Bind(5, r.counts.pages_processed);
          s.Bind(6, r.counts.pages_failed).Bind(7, r.counts.documents_found);
          s.Bind(8, ToUnixMicros(r.started_at)).Bind(9, r.website_id).Bind(10, r.user_id);
        },
        WebsiteNotFound(r.website_id), "discovery run '" + r.run_id + "' already exists");
  }

  Result<DiscoveryRun> GetRun(const std::string& run_id, const Scope& scope) override {
    return queries_.One<DiscoveryRun>(
        std::string("SELECT ") + kRunColumns +
            " FROM discovery_runs WHERE run_id = ?1 AND (?2 IS NULL OR user_id = ?2)",
        [&](Statement& s) { s.Bind(1, run_id).Bind(2, scope.user_id); }, ReadRun,
        RunNotFound(run_id));
  }

  Result<Listing<DiscoveryRun>> ListRuns(const std::string& website_id, const PageRequest& page,
                                         const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(page));
    // Newest first: a backward walk of discovery_runs_website. The cursor's condition
    // appears only with a cursor, so the walk starts inside the index, not at its end.
    std::string sql = std::string("SELECT ") + kRunColumns +
                      " FROM discovery_runs WHERE website_id = ?1 AND (?3 IS NULL OR user_id = ?3)";
    if (page.cursor) sql += " AND run_id < ?4";
    sql += " ORDER BY run_id DESC LIMIT ?2";
    auto rows = queries_.Rows<DiscoveryRun>(
        sql,
        [&](Statement& s) {
          s.Bind(1, website_id).Bind(2, page.limit + 1).Bind(3, scope.user_id);
          if (page.cursor) s.Bind(4, *page.cursor);
        },
        ReadRun);
    if (!rows.ok()) return rows.status();
    A11Y_RETURN_IF_ERROR(CheckWebsiteIfEmpty(*rows, website_id, scope));
    return ToListing(std::move(*rows), page.limit, &DiscoveryRun::run_id);
  }

  Status SaveBatch(const DiscoveryBatch& b) override {
    std::lock_guard<std::mutex> writing(*write_mu_);
    ScopedLatency timer(latency_);
    auto lease = pool_->Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    WriteTransaction tx(c);  // Rolls back whatever ran when a step fails.
    A11Y_RETURN_IF_ERROR(tx.Begin());
    // The fence comes first: once it matched, the job's row is ours until commit.
    A11Y_RETURN_IF_ERROR(AsLeaseLost(fence_(c, b.job_id, b.lock_token, b.checkpoint)));
    auto owner = SaveCounts(c, b.run_id, b.counts);
    if (!owner.ok()) return owner.status();
    A11Y_RETURN_IF_ERROR(UpsertPages(c, *owner, b));
    A11Y_RETURN_IF_ERROR(UpsertDocuments(c, *owner, b));
    return tx.Commit();
  }

  Result<std::vector<std::string>> ProcessedUrls(const std::string& run_id) override {
    auto urls = queries_.Rows<std::string>(
        "SELECT url FROM pages WHERE website_id = (SELECT website_id FROM discovery_runs "
        "WHERE run_id = ?1) AND last_run_id = ?1 ORDER BY page_id",
        [&](Statement& s) { s.Bind(1, run_id); }, [](const Statement& s) { return s.Text(0); });
    if (!urls.ok()) return urls.status();
    if (urls->empty()) {
      // Nothing fetched yet, or no such run: read only to tell which.
      A11Y_RETURN_IF_ERROR(queries_.CheckExists(
          "SELECT 1 FROM discovery_runs WHERE run_id = ?1",
          [&](Statement& s) { s.Bind(1, run_id); }, RunNotFound(run_id)));
    }
    return urls;
  }

  Result<DiscoveryRun> FinishRun(const std::string& run_id, const std::string& status,
                                 const std::optional<std::string>& error,
                                 const DiscoveryCounts& counts, TimePoint finished_at) override {
    A11Y_RETURN_IF_ERROR(CheckFinalStatus(status));
    std::lock_guard<std::mutex> writing(*write_mu_);
    ScopedLatency timer(latency_);
    auto lease = pool_->Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    WriteTransaction tx(c);
    A11Y_RETURN_IF_ERROR(tx.Begin());
    int64_t pages_missing = 0;
    if (status == "completed") {
      auto marked = MarkUnseenMissing(c, run_id);
      if (!marked.ok()) return marked.status();
      pages_missing = *marked;
    }
    auto st = c->Prepare(std::string(
                             "UPDATE discovery_runs SET status = ?1, error = ?2, finished_at = ?3, "
                             "pages_found = ?4, pages_processed = ?5, pages_failed = ?6, "
                             "documents_found = ?7, pages_missing = ?8 WHERE run_id = ?9 "
                             "RETURNING ") +
                         kRunColumns);
    if (!st.ok()) return st.status();
    st->Bind(1, status).Bind(2, error).Bind(3, ToUnixMicros(finished_at));
    st->Bind(4, counts.pages_found).Bind(5, counts.pages_processed);
    st->Bind(6, counts.pages_failed).Bind(7, counts.documents_found);
    st->Bind(8, pages_missing).Bind(9, run_id);
    auto run = FirstRow(*st, ReadRun, RunNotFound(run_id));
    if (!run.ok()) return run.status();
    A11Y_RETURN_IF_ERROR(tx.Commit());
    return run;
  }

  Result<Listing<Document>> ListDocuments(const std::string& website_id, const PageRequest& page,
                                          const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(page));
    auto rows = queries_.Rows<Document>(
        std::string("SELECT ") + kDocumentColumns +
            " FROM documents WHERE website_id = ?1 AND document_id > ?2 "
            "AND (?3 IS NULL OR user_id = ?3) ORDER BY document_id LIMIT ?4",
        [&](Statement& s) {
          s.Bind(1, website_id).Bind(2, page.cursor.value_or("")).Bind(3, scope.user_id);
          s.Bind(4, page.limit + 1);
        },
        ReadDocument);
    if (!rows.ok()) return rows.status();
    A11Y_RETURN_IF_ERROR(CheckWebsiteIfEmpty(*rows, website_id, scope));
    return ToListing(std::move(*rows), page.limit, &Document::document_id);
  }

 private:
  // Replaces the run's counts; returns its website's ids for the rows the batch writes.
  Result<RunOwner> SaveCounts(Connection* c, const std::string& run_id,
                              const DiscoveryCounts& counts) {
    auto st = c->Prepare(
        "UPDATE discovery_runs SET pages_found = ?1, pages_processed = ?2, pages_failed = ?3, "
        "documents_found = ?4 WHERE run_id = ?5 RETURNING website_id, project_id, user_id");
    if (!st.ok()) return st.status();
    st->Bind(1, counts.pages_found).Bind(2, counts.pages_processed);
    st->Bind(3, counts.pages_failed).Bind(4, counts.documents_found).Bind(5, run_id);
    return FirstRow(*st, ReadOwner, RunNotFound(run_id));
  }

  Status UpsertPages(Connection* c, const RunOwner& owner, const DiscoveryBatch& b) {
    if (b.pages.empty()) return Status::Ok();
    auto st = c->Prepare(kUpsertPage);
    if (!st.ok()) return st.status();
    const int64_t seen_at = ToUnixMicros(b.seen_at);
    for (const DiscoveredPage& p : b.pages) {
      // An id per row even when the row exists: cheaper than asking first, and unused then.
      st->Bind(1, NewSortableId(b.seen_at)).Bind(2, owner.website_id);
      st->Bind(3, owner.project_id).Bind(4, owner.user_id).Bind(5, p.url);
      st->Bind(6, p.final_url).Bind(7, p.status_code).Bind(8, p.content_type).Bind(9, p.title);
      st->Bind(10, p.depth).Bind(11, p.referrer).Bind(12, p.content_hash);
      st->Bind(13, p.size_bytes).Bind(14, p.fetch_error).Bind(15, b.run_id).Bind(16, seen_at);
      A11Y_RETURN_IF_ERROR(st->Run());
    }
    return Status::Ok();
  }

  Status UpsertDocuments(Connection* c, const RunOwner& owner, const DiscoveryBatch& b) {
    if (b.documents.empty()) return Status::Ok();
    auto st = c->Prepare(kUpsertDocument);
    if (!st.ok()) return st.status();
    const int64_t seen_at = ToUnixMicros(b.seen_at);
    for (const DocumentRef& d : b.documents) {
      st->Bind(1, NewSortableId(b.seen_at)).Bind(2, owner.website_id);
      st->Bind(3, owner.project_id).Bind(4, owner.user_id).Bind(5, d.url).Bind(6, d.doc_type);
      st->Bind(7, d.link_text).Bind(8, d.referrer).Bind(9, int64_t{d.internal});
      st->Bind(10, b.run_id).Bind(11, seen_at);
      A11Y_RETURN_IF_ERROR(st->Run());
    }
    return Status::Ok();
  }

  // Marks missing the website's discovery pages and documents that `run_id` did not see
  // (IS NOT: a NULL last_run_id was seen by no run); returns how many pages. Manual pages
  // stay: the user added them, no crawl should hide them.
  Result<int64_t> MarkUnseenMissing(Connection* c, const std::string& run_id) {
    auto pages = c->Prepare(
        "UPDATE pages SET missing = 1 WHERE website_id = (SELECT website_id FROM "
        "discovery_runs WHERE run_id = ?1) AND source = 'discovery' AND last_run_id IS NOT ?1");
    if (!pages.ok()) return pages.status();
    A11Y_RETURN_IF_ERROR(pages->Bind(1, run_id).Run());
    const int64_t marked = c->Changes();
    auto documents = c->Prepare(
        "UPDATE documents SET missing = 1 WHERE website_id = (SELECT website_id FROM "
        "discovery_runs WHERE run_id = ?1) AND last_run_id IS NOT ?1");
    if (!documents.ok()) return documents.status();
    A11Y_RETURN_IF_ERROR(documents->Bind(1, run_id).Run());
    return marked;
  }

  // An empty listing is a website without rows, unless the website is not in scope.
  template <typename T>
  Status CheckWebsiteIfEmpty(const std::vector<T>& rows, const std::string& website_id,
                             const Scope& scope) {
    if (!rows.empty()) return Status::Ok();
    return queries_.CheckInScope("websites", "website_id", website_id, scope,
                                 WebsiteNotFound(website_id));
  }

  ConnectionPool* const pool_;
  std::mutex* const write_mu_;
  LatencyHistogram* const latency_;
  const sqlite::Queries queries_;
  const SqliteCheckpointFence fence_;
};

}  // namespace

std::unique_ptr<DiscoveryStore> NewSqliteDiscoveryStore(sqlite::ConnectionPool* pool,
                                                        std::mutex* write_mu,
                                                        LatencyHistogram* latency,
                                                        SqliteCheckpointFence fence) {
  return std::make_unique<SqliteDiscoveryStore>(pool, write_mu, latency, std::move(fence));
}

}  // namespace a11y
