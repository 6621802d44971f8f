#include "store/postgres/postgres_discovery_store.h"

#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/ids.h"
#include "store/postgres/postgres_queries.h"

namespace a11y {
namespace {

using pg::Bool;
using pg::Int;
using pg::OptText;
using pg::Param;
using pg::Params;
using pg::PgConnection;
using pg::PgResult;
using pg::Placeholder;
using pg::ScopeClause;
using pg::SelectList;
using pg::Text;
using pg::Time;

// Each list is in the column order its Read function decodes.
const std::string& RunColumns() {
  static const std::string columns = SelectList(
      "run_id, website_id, project_id, user_id, job_id, session_id, status, error, pages_found, "
      "pages_processed, pages_failed, documents_found, pages_missing",
      {"started_at", "finished_at"});
  return columns;
}
const std::string& DocumentColumns() {
  static const std::string columns = SelectList(
      "document_id, website_id, project_id, user_id, url, doc_type, link_text, referrer, "
      "internal, missing",
      {"first_seen_at", "last_seen_at"});
  return columns;
}

// One statement for every page of a batch: the rows travel as one array per column. A new
// row is a discovery page first seen now; an existing one (a manual page too) keeps its id,
// source and first_seen_at and takes everything the fetch saw.
constexpr const char* kUpsertPages = R"sql(
INSERT INTO pages (page_id, website_id, project_id, user_id, url, source, final_url, status_code,
                   content_type, title, depth, referrer, content_hash, size_bytes, missing,
                   fetch_error, last_run_id, first_seen_at, last_seen_at)
SELECT p.page_id, $1::text, $2::text, $3::text, p.url, 'discovery', p.final_url, p.status_code,
       p.content_type, p.title, p.depth, p.referrer, p.content_hash, p.size_bytes, false,
       p.fetch_error, $4::text, $5::timestamptz, $5::timestamptz
FROM unnest($6::text[], $7::text[], $8::text[], $9::integer[], $10::text[], $11::text[],
            $12::integer[], $13::text[], $14::text[], $15::bigint[], $16::text[])
  AS p(page_id, url, final_url, status_code, content_type, title, depth, referrer, content_hash,
       size_bytes, fetch_error)
ON CONFLICT (website_id, url) DO UPDATE SET
  final_url = EXCLUDED.final_url,
  status_code = EXCLUDED.status_code,
  content_type = EXCLUDED.content_type,
  title = EXCLUDED.title,
  depth = EXCLUDED.depth,
  referrer = EXCLUDED.referrer,
  content_hash = EXCLUDED.content_hash,
  size_bytes = EXCLUDED.size_bytes,
  missing = false,
  fetch_error = EXCLUDED.fetch_error,
  last_run_id = EXCLUDED.last_run_id,
  last_seen_at = EXCLUDED.last_seen_at)sql";

// Likewise for documents; link_text and referrer stay the first linking page's.
constexpr const char* kUpsertDocuments = R"sql(
INSERT INTO documents (document_id, website_id, project_id, user_id, url, doc_type, link_text,
                       referrer, internal, missing, last_run_id, first_seen_at, last_seen_at)
SELECT d.document_id, $1::text, $2::text, $3::text, d.url, d.doc_type, d.link_text, d.referrer,
       d.internal, false, $4::text, $5::timestamptz, $5::timestamptz
FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::boolean[])
  AS d(document_id, url, doc_type, link_text, referrer, internal)
ON CONFLICT (website_id, url) DO UPDATE SET
  doc_type = EXCLUDED.doc_type,
  internal = EXCLUDED.internal,
  missing = false,
  last_run_id = EXCLUDED.last_run_id,
  last_seen_at = EXCLUDED.last_seen_at)sql";

// Whose rows a batch writes: the run's website, read back from the run it updates.
struct RunOwner {
  std::string website_id;
  std::string project_id;
  std::string user_id;
};

Param OptInt(const std::optional<int64_t>& value) { return value ? Int(*value) : Param(); }

DiscoveryRun ReadRun(const PgResult& r, int i) {
  DiscoveryRun run;
  run.run_id = r.GetText(i, 0);
  run.website_id = r.GetText(i, 1);
  run.project_id = r.GetText(i, 2);
  run.user_id = r.GetText(i, 3);
  run.job_id = r.GetText(i, 4);
  run.session_id = r.GetText(i, 5);
  run.status = r.GetText(i, 6);
  run.error = r.GetOptText(i, 7);
  run.counts.pages_found = r.GetInt(i, 8);
  run.counts.pages_processed = r.GetInt(i, 9);
  run.counts.pages_failed = r.GetInt(i, 10);
  run.counts.documents_found = r.GetInt(i, 11);
  run.pages_missing = r.GetInt(i, 12);
  run.started_at = r.GetTime(i, 13);
  run.finished_at = r.GetOptTime(i, 14);
  return run;
}

Document ReadDocument(const PgResult& r, int i) {
  Document d;
  d.document_id = r.GetText(i, 0);
  d.website_id = r.GetText(i, 1);
  d.project_id = r.GetText(i, 2);
  d.user_id = r.GetText(i, 3);
  d.url = r.GetText(i, 4);
  d.doc_type = r.GetText(i, 5);
  d.link_text = r.GetText(i, 6);
  d.referrer = r.GetText(i, 7);
  d.internal = r.GetBool(i, 8);
  d.missing = r.GetBool(i, 9);
  d.first_seen_at = r.GetTime(i, 10);
  d.last_seen_at = r.GetTime(i, 11);
  return d;
}

// ON CONFLICT cannot update a row twice in one statement, so a URL listed twice in a batch
// is sent once, as the SQLite backend's row-by-row upserts would leave it: in its first
// place, with the last listing's fields.
std::vector<const DiscoveredPage*> UniquePages(const std::vector<DiscoveredPage>& pages) {
  std::unordered_map<std::string_view, size_t> slot;
  std::vector<const DiscoveredPage*> unique;
  unique.reserve(pages.size());
  for (const DiscoveredPage& p : pages) {
    auto [it, fresh] = slot.emplace(p.url, unique.size());
    if (fresh) {
      unique.push_back(&p);
    } else {
      unique[it->second] = &p;
    }
  }
  return unique;
}

// The same for documents, whose link_text and referrer stay the first listing's.
std::vector<DocumentRef> UniqueDocuments(const std::vector<DocumentRef>& documents) {
  std::unordered_map<std::string_view, size_t> slot;
  std::vector<DocumentRef> unique;
  unique.reserve(documents.size());
  for (const DocumentRef& d : documents) {
    auto [it, fresh] = slot.emplace(d.url, unique.size());
    if (fresh) {
      unique.push_back(d);
    } else {
      unique[it->second].doc_type = d.doc_type;
      unique[it->second].internal = d.internal;
    }
  }
  return unique;
}

// $1..$5 of both upserts: the owner's ids, the run and the time seen.
Params BatchParams(const RunOwner& owner, const DiscoveryBatch& b) {
  return {Text(owner.website_id), Text(owner.project_id), Text(owner.user_id), Text(b.run_id),
          Time(b.seen_at)};
}

class PostgresDiscoveryStore final : public DiscoveryStore {
 public:
  PostgresDiscoveryStore(pg::PgPool* pool, LatencyHistogram* latency, PgCheckpointFence fence)
      : pool_(pool), latency_(latency), queries_(pool, latency), fence_(std::move(fence)) {}

  Status CreateRun(const DiscoveryRun& r) override {
    // Inserts only when the website exists and is the owner's: one statement, no race.
    return queries_.Write(
        "INSERT INTO discovery_runs (run_id, website_id, project_id, user_id, job_id, "
        "session_id, status, pages_found, pages_processed, pages_failed, documents_found, "
        "started_at) SELECT $1::text, website_id, project_id, user_id, $2::text, $3::text, "
        "'running', $4::bigint, $5::bigint, $6::bigint, $7::bigint, $8::timestamptz "
        "FROM websites WHERE website_id = $9 AND user_id = $10",
        {Text(r.run_id), Text(r.job_id), Text(r.session_id), Int(r.counts.pages_found),
         Int(r.counts.pages_processed), Int(r.counts.pages_failed), Int(r.counts.documents_found),
         Time(r.started_at), Text(r.website_id), Text(r.user_id)},
        WebsiteNotFound(r.website_id), "discovery run '" + r.run_id + "' already exists");
  }

  Result<DiscoveryRun> GetRun(const std::string& run_id, const Scope& scope) override {
    Params params = {Text(run_id)};
    const std::string sql = "SELECT " + RunColumns() + " FROM discovery_runs WHERE run_id = $1" +
                            ScopeClause(scope, &params);
    return queries_.One<DiscoveryRun>(sql, params, ReadRun, RunNotFound(run_id));
  }

  Result<Listing<DiscoveryRun>> ListRuns(const std::string& website_id, const PageRequest& page,
                                         const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(page));
    // Newest first: a backward walk of discovery_runs_website from the cursor.
    Params params = {Text(website_id)};
    std::string sql = "SELECT " + RunColumns() + " FROM discovery_runs WHERE website_id = $1" +
                      ScopeClause(scope, &params);
    if (page.cursor) sql += " AND run_id < " + Placeholder(&params, Text(*page.cursor));
    sql += " ORDER BY run_id DESC LIMIT " + Placeholder(&params, Int(page.limit + 1)) +
           "::integer";
    auto rows = queries_.Rows<DiscoveryRun>(sql, params, ReadRun);
    if (!rows.ok()) return rows.status();
    A11Y_RETURN_IF_ERROR(CheckWebsiteIfEmpty(rows->empty(), website_id, scope));
    return ToListing(std::move(*rows), page.limit, &DiscoveryRun::run_id);
  }

  Status SaveBatch(const DiscoveryBatch& b) override {
    auto handle = pool_->Acquire();
    if (!handle.ok()) return handle.status();
    PgConnection* conn = handle->get();
    return pg::InTransaction(conn, latency_, [&]() -> Status {
      // The fence comes first: once it matched, the job's row is locked until commit, so
      // no other holder of the job can write between it and the pages.
      A11Y_RETURN_IF_ERROR(AsLeaseLost(fence_(conn, b.job_id, b.lock_token, b.checkpoint)));
      auto owner = SaveCounts(conn, b.run_id, b.counts);
      if (!owner.ok()) return owner.status();
      A11Y_RETURN_IF_ERROR(UpsertPages(conn, *owner, b));
      return UpsertDocuments(conn, *owner, b);
    });
  }

  Result<std::vector<std::string>> ProcessedUrls(const std::string& run_id) override {
    auto urls = queries_.Rows<std::string>(
        "SELECT url FROM pages WHERE website_id = (SELECT website_id FROM discovery_runs "
        "WHERE run_id = $1::text) AND last_run_id = $1::text ORDER BY page_id",
        {Text(run_id)}, [](const PgResult& r, int i) { return r.GetText(i, 0); });
    if (!urls.ok()) return urls.status();
    if (urls->empty()) {
      // Nothing fetched yet, or no such run: read only to tell which.
      A11Y_RETURN_IF_ERROR(queries_.CheckExists("SELECT 1 FROM discovery_runs WHERE run_id = $1",
                                                {Text(run_id)}, RunNotFound(run_id)));
    }
    return urls;
  }

  Result<DiscoveryRun> FinishRun(const std::string& run_id, const std::string& status,
                                 const std::optional<std::string>& error,
                                 const DiscoveryCounts& counts, TimePoint finished_at) override {
    A11Y_RETURN_IF_ERROR(CheckFinalStatus(status));
    auto handle = pool_->Acquire();
    if (!handle.ok()) return handle.status();
    PgConnection* conn = handle->get();
    DiscoveryRun run;
    Status done = pg::InTransaction(conn, latency_, [&]() -> Status {
      int64_t pages_missing = 0;
      if (status == "completed") {
        auto marked = MarkUnseenMissing(conn, run_id);
        if (!marked.ok()) return marked.status();
        pages_missing = *marked;
      }
      auto r = conn->Exec(
          "UPDATE discovery_runs SET status = $2, error = $3, finished_at = $4::timestamptz, "
          "pages_found = $5::bigint, pages_processed = $6::bigint, pages_failed = $7::bigint, "
          "documents_found = $8::bigint, pages_missing = $9::bigint WHERE run_id = $1 "
          "RETURNING " +
              RunColumns(),
          {Text(run_id), Text(status), OptText(error), Time(finished_at), Int(counts.pages_found),
           Int(counts.pages_processed), Int(counts.pages_failed), Int(counts.documents_found),
           Int(pages_missing)},
          latency_);
      if (!r.ok()) return r.status();
      if (r->rows() == 0) return Status::NotFound(RunNotFound(run_id));
      run = ReadRun(*r, 0);
      return Status::Ok();
    });
    if (!done.ok()) return done;
    return run;
  }

  Result<Listing<Document>> ListDocuments(const std::string& website_id, const PageRequest& page,
                                          const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(page));
    Params params = {Text(website_id), Text(page.cursor.value_or(""))};
    std::string sql = "SELECT " + DocumentColumns() +
                      " FROM documents WHERE website_id = $1 AND document_id > $2" +
                      ScopeClause(scope, &params);
    sql += " ORDER BY document_id LIMIT " + Placeholder(&params, Int(page.limit + 1)) +
           "::integer";
    auto rows = queries_.Rows<Document>(sql, params, ReadDocument);
    if (!rows.ok()) return rows.status();
    A11Y_RETURN_IF_ERROR(CheckWebsiteIfEmpty(rows->empty(), website_id, scope));
    return ToListing(std::move(*rows), page.limit, &Document::document_id);
  }

 private:
  // Replaces the run's counts; returns its website's ids for the rows the batch writes.
  Result<RunOwner> SaveCounts(PgConnection* conn, const std::string& run_id,
                              const DiscoveryCounts& counts) {
    auto r = conn->Exec(
        "UPDATE discovery_runs SET pages_found = $2::bigint, pages_processed = $3::bigint, "
        "pages_failed = $4::bigint, documents_found = $5::bigint WHERE run_id = $1 "
        "RETURNING website_id, project_id, user_id",
        {Text(run_id), Int(counts.pages_found), Int(counts.pages_processed),
         Int(counts.pages_failed), Int(counts.documents_found)},
        latency_);
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return Status::NotFound(RunNotFound(run_id));
    return RunOwner{r->GetText(0, 0), r->GetText(0, 1), r->GetText(0, 2)};
  }

  Status UpsertPages(PgConnection* conn, const RunOwner& owner, const DiscoveryBatch& b) {
    if (b.pages.empty()) return Status::Ok();
    const std::vector<const DiscoveredPage*> pages = UniquePages(b.pages);
    std::vector<Params> columns(11);
    for (Params& column : columns) column.reserve(pages.size());
    for (const DiscoveredPage* p : pages) {
      // An id per row even when the row exists: cheaper than asking first, and unused then.
      columns[0].push_back(Text(NewSortableId(b.seen_at)));
      columns[1].push_back(Text(p->url));
      columns[2].push_back(OptText(p->final_url));
      columns[3].push_back(OptInt(p->status_code));
      columns[4].push_back(OptText(p->content_type));
      columns[5].push_back(OptText(p->title));
      columns[6].push_back(Int(p->depth));
      columns[7].push_back(OptText(p->referrer));
      columns[8].push_back(OptText(p->content_hash));
      columns[9].push_back(OptInt(p->size_bytes));
      columns[10].push_back(OptText(p->fetch_error));
    }
    return ExecColumns(conn, kUpsertPages, BatchParams(owner, b), columns);
  }

  Status UpsertDocuments(PgConnection* conn, const RunOwner& owner, const DiscoveryBatch& b) {
    if (b.documents.empty()) return Status::Ok();
    const std::vector<DocumentRef> documents = UniqueDocuments(b.documents);
    std::vector<Params> columns(6);
    for (Params& column : columns) column.reserve(documents.size());
    for (const DocumentRef& d : documents) {
      columns[0].push_back(Text(NewSortableId(b.seen_at)));
      columns[1].push_back(Text(d.url));
      columns[2].push_back(Text(d.doc_type));
      columns[3].push_back(Text(d.link_text));
      columns[4].push_back(Text(d.referrer));
      columns[5].push_back(Bool(d.internal));
    }
    return ExecColumns(conn, kUpsertDocuments, BatchParams(owner, b), columns);
  }

  // Runs `sql` with `params` followed by one array parameter per column.
  Status ExecColumns(PgConnection* conn, const char* sql, Params params,
                     const std::vector<Params>& columns) {
    for (const Params& column : columns) params.push_back(pg::ArrayLiteral(column));
    return conn->Exec(sql, params, latency_).status();
  }

  // Marks missing the website's discovery pages and documents that `run_id` did not see
  // (IS DISTINCT FROM: a NULL last_run_id was seen by no run); returns how many pages.
  // Manual pages stay: the user added them, no crawl should hide them.
  Result<int64_t> MarkUnseenMissing(PgConnection* conn, const std::string& run_id) {
    auto pages = conn->Exec(
        "UPDATE pages SET missing = true WHERE website_id = (SELECT website_id FROM "
        "discovery_runs WHERE run_id = $1::text) AND source = 'discovery' "
        "AND last_run_id IS DISTINCT FROM $1::text",
        {Text(run_id)}, latency_);
    if (!pages.ok()) return pages.status();
    auto documents = conn->Exec(
        "UPDATE documents SET missing = true WHERE website_id = (SELECT website_id FROM "
        "discovery_runs WHERE run_id = $1::text) AND last_run_id IS DISTINCT FROM $1::text",
        {Text(run_id)}, latency_);
    if (!documents.ok()) return documents.status();
    return pages->AffectedRows();
  }

  // An empty listing is a website without rows, unless the website is not in scope.
  Status CheckWebsiteIfEmpty(bool empty, const std::string& website_id, const Scope& scope) {
    if (!empty) return Status::Ok();
    Params check = {Text(website_id)};
    return queries_.CheckExists(
        "SELECT 1 FROM websites WHERE website_id = $1" + ScopeClause(scope, &check), check,
        WebsiteNotFound(website_id));
  }

  pg::PgPool* const pool_;
  LatencyHistogram* const latency_;
  const pg::Queries queries_;
  const PgCheckpointFence fence_;
};

}  // namespace

std::unique_ptr<DiscoveryStore> NewPostgresDiscoveryStore(pg::PgPool* pool,
                                                          LatencyHistogram* latency,
                                                          PgCheckpointFence fence) {
  return std::make_unique<PostgresDiscoveryStore>(pool, latency, std::move(fence));
}

}  // namespace a11y
