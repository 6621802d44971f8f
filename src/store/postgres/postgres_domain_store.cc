#include "store/postgres/postgres_domain_store.h"

#include <utility>
#include <vector>

#include "store/postgres/postgres_queries.h"

namespace a11y {
namespace {

using pg::Bool;
using pg::Int;
using pg::JsonText;
using pg::OptText;
using pg::OptTime;
using pg::Param;
using pg::Params;
using pg::PgResult;
using pg::Placeholder;
using pg::ScopeClause;
using pg::SelectList;
using pg::Text;
using pg::Time;

// Each list is in the column order its Read function decodes.
const std::string& UserColumns() {
  static const std::string columns =
      SelectList("user_id, username, password_hash, role, disabled", {"created_at", "updated_at"});
  return columns;
}
const std::string& SessionColumns() {
  static const std::string columns = SelectList("session_id, secret_hash, user_id, csrf_token",
                                                {"created_at", "expires_at", "last_seen_at"});
  return columns;
}
const std::string& TokenColumns() {
  static const std::string columns =
      SelectList("token_id, secret_hash, user_id, name, prefix",
                 {"created_at", "expires_at", "last_used_at", "revoked_at"});
  return columns;
}
const std::string& ProjectColumns() {
  static const std::string columns = SelectList(
      "project_id, user_id, name, description, wcag_level", {"created_at", "updated_at"});
  return columns;
}
const std::string& WebsiteColumns() {
  static const std::string columns = SelectList(
      "website_id, project_id, user_id, name, start_url, settings", {"created_at", "updated_at"});
  return columns;
}
const std::string& PageColumns() {
  static const std::string columns = SelectList(
      "page_id, website_id, project_id, user_id, url, source, final_url, status_code, "
      "content_type, title, depth, referrer, content_hash, size_bytes, missing, fetch_error, "
      "last_run_id",
      {"first_seen_at", "last_seen_at"});
  return columns;
}

std::optional<int64_t> OptInt(const PgResult& r, int row, int col) {
  if (r.IsNull(row, col)) return std::nullopt;
  return r.GetInt(row, col);
}

User ReadUser(const PgResult& r, int i) {
  User u;
  u.user_id = r.GetText(i, 0);
  u.username = r.GetText(i, 1);
  u.password_hash = r.GetText(i, 2);
  u.role = ParseRole(r.GetText(i, 3)).value_or(Role::kUser);
  u.disabled = r.GetBool(i, 4);
  u.created_at = r.GetTime(i, 5);
  u.updated_at = r.GetTime(i, 6);
  return u;
}

AuthSession ReadSession(const PgResult& r, int i) {
  AuthSession a;
  a.session_id = r.GetText(i, 0);
  a.secret_hash = r.GetText(i, 1);
  a.user_id = r.GetText(i, 2);
  a.csrf_token = r.GetText(i, 3);
  a.created_at = r.GetTime(i, 4);
  a.expires_at = r.GetTime(i, 5);
  a.last_seen_at = r.GetTime(i, 6);
  return a;
}

ApiToken ReadToken(const PgResult& r, int i) {
  ApiToken t;
  t.token_id = r.GetText(i, 0);
  t.secret_hash = r.GetText(i, 1);
  t.user_id = r.GetText(i, 2);
  t.name = r.GetText(i, 3);
  t.prefix = r.GetText(i, 4);
  t.created_at = r.GetTime(i, 5);
  t.expires_at = r.GetOptTime(i, 6);
  t.last_used_at = r.GetOptTime(i, 7);
  t.revoked_at = r.GetOptTime(i, 8);
  return t;
}

Project ReadProject(const PgResult& r, int i) {
  Project p;
  p.project_id = r.GetText(i, 0);
  p.user_id = r.GetText(i, 1);
  p.name = r.GetText(i, 2);
  p.description = r.GetText(i, 3);
  p.wcag_level = r.GetText(i, 4);
  p.created_at = r.GetTime(i, 5);
  p.updated_at = r.GetTime(i, 6);
  return p;
}

Website ReadWebsite(const PgResult& r, int i) {
  Website w;
  w.website_id = r.GetText(i, 0);
  w.project_id = r.GetText(i, 1);
  w.user_id = r.GetText(i, 2);
  w.name = r.GetText(i, 3);
  w.start_url = r.GetText(i, 4);
  // jsonb from the server is valid; a parse failure would be a bug, kept visible as {}.
  Json settings = Json::parse(r.GetText(i, 5), nullptr, /*allow_exceptions=*/false);
  w.settings = settings.is_discarded() ? Json::object() : std::move(settings);
  w.created_at = r.GetTime(i, 6);
  w.updated_at = r.GetTime(i, 7);
  return w;
}

Page ReadPage(const PgResult& r, int i) {
  Page p;
  p.page_id = r.GetText(i, 0);
  p.website_id = r.GetText(i, 1);
  p.project_id = r.GetText(i, 2);
  p.user_id = r.GetText(i, 3);
  p.url = r.GetText(i, 4);
  p.source = r.GetText(i, 5);
  p.final_url = r.GetOptText(i, 6);
  if (auto code = OptInt(r, i, 7)) p.status_code = static_cast<int>(*code);
  p.content_type = r.GetOptText(i, 8);
  p.title = r.GetOptText(i, 9);
  p.depth = static_cast<int>(r.GetInt(i, 10));
  p.referrer = r.GetOptText(i, 11);
  p.content_hash = r.GetOptText(i, 12);
  p.size_bytes = OptInt(r, i, 13);
  p.missing = r.GetBool(i, 14);
  p.fetch_error = r.GetOptText(i, 15);
  p.last_run_id = r.GetOptText(i, 16);
  p.first_seen_at = r.GetTime(i, 17);
  p.last_seen_at = r.GetTime(i, 18);
  return p;
}

// The table's CHECK would refuse any other level too, but as a server error; this answers
// kInvalidArgument, as the SQLite store does.
Status CheckWcagLevel(const Project& p) {
  if (p.wcag_level == "A" || p.wcag_level == "AA" || p.wcag_level == "AAA") return Status::Ok();
  return Status::InvalidArgument("wcag_level: must be A, AA or AAA, not '" + p.wcag_level + "'");
}

std::string ProjectNotFound(const std::string& id) { return "project '" + id + "' not found"; }
std::string WebsiteNotFound(const std::string& id) { return "website '" + id + "' not found"; }

class PostgresDomainStore final : public DomainStore {
 public:
  PostgresDomainStore(pg::PgPool* pool, LatencyHistogram* latency) : queries_(pool, latency) {}

  // --- users ---------------------------------------------------------------------------

  Status CreateUser(const User& u) override {
    return queries_.Write(
        "INSERT INTO users (user_id, username, password_hash, role, disabled, created_at, "
        "updated_at) VALUES ($1, $2, $3, $4, $5::boolean, $6::timestamptz, $7::timestamptz)",
        {Text(u.user_id), Text(u.username), Text(u.password_hash), Text(RoleName(u.role)),
         Bool(u.disabled), Time(u.created_at), Time(u.updated_at)},
        "", "a user named '" + u.username + "' (or with id '" + u.user_id + "') already exists");
  }

  Result<User> GetUser(const std::string& user_id) override {
    return queries_.One<User>("SELECT " + UserColumns() + " FROM users WHERE user_id = $1",
                              {Text(user_id)}, ReadUser, "user '" + user_id + "' not found");
  }

  Result<User> FindUserByName(const std::string& username) override {
    return queries_.One<User>("SELECT " + UserColumns() + " FROM users WHERE username = $1",
                              {Text(username)}, ReadUser, "no user named '" + username + "'");
  }

  Result<Listing<User>> ListUsers(const PageRequest& page) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(page));
    auto rows =
        queries_.Rows<User>("SELECT " + UserColumns() +
                                " FROM users WHERE user_id > $1 ORDER BY user_id LIMIT $2::integer",
                            {Text(page.cursor.value_or("")), Int(page.limit + 1)}, ReadUser);
    if (!rows.ok()) return rows.status();
    return ToListing(std::move(*rows), page.limit, &User::user_id);
  }

  Result<int64_t> CountUsers() override {
    auto rows = queries_.Rows<int64_t>("SELECT count(*) FROM users", {},
                                       [](const PgResult& r, int i) { return r.GetInt(i, 0); });
    if (!rows.ok()) return rows.status();
    return rows->at(0);
  }

  Status UpdateUser(const User& u) override {
    return queries_.Write(
        "UPDATE users SET username = $1, password_hash = $2, role = $3, disabled = $4::boolean, "
        "updated_at = $5::timestamptz WHERE user_id = $6",
        {Text(u.username), Text(u.password_hash), Text(RoleName(u.role)), Bool(u.disabled),
         Time(u.updated_at), Text(u.user_id)},
        "user '" + u.user_id + "' not found", "a user named '" + u.username + "' already exists");
  }

  Status DeleteUser(const std::string& user_id) override {
    // Sessions and tokens go by ON DELETE CASCADE; projects have no foreign key and stay.
    return queries_.Write("DELETE FROM users WHERE user_id = $1", {Text(user_id)},
                          "user '" + user_id + "' not found");
  }

  // --- login sessions ------------------------------------------------------------------

  Status CreateSession(const AuthSession& a) override {
    // Copied from the user row, so a session of an unknown user inserts nothing.
    return queries_.Write(
        "INSERT INTO auth_sessions (session_id, secret_hash, user_id, csrf_token, created_at, "
        "expires_at, last_seen_at) SELECT $1::text, $2::text, user_id, $3::text, "
        "$4::timestamptz, $5::timestamptz, $6::timestamptz FROM users WHERE user_id = $7",
        {Text(a.session_id), Text(a.secret_hash), Text(a.csrf_token), Time(a.created_at),
         Time(a.expires_at), Time(a.last_seen_at), Text(a.user_id)},
        "user '" + a.user_id + "' not found",
        "session '" + a.session_id + "' (or its secret) already exists");
  }

  Result<AuthSession> FindSession(const std::string& secret_hash) override {
    return queries_.One<AuthSession>(
        "SELECT " + SessionColumns() + " FROM auth_sessions WHERE secret_hash = $1",
        {Text(secret_hash)}, ReadSession, "session not found");
  }

  Status TouchSession(const std::string& session_id, TimePoint last_seen_at,
                      TimePoint expires_at) override {
    return queries_.Write(
        "UPDATE auth_sessions SET last_seen_at = $1::timestamptz, expires_at = $2::timestamptz "
        "WHERE session_id = $3",
        {Time(last_seen_at), Time(expires_at), Text(session_id)},
        "session '" + session_id + "' not found");
  }

  Status DeleteSession(const std::string& session_id) override {
    return queries_.Write("DELETE FROM auth_sessions WHERE session_id = $1", {Text(session_id)},
                          "session '" + session_id + "' not found");
  }

  Result<int64_t> DeleteExpiredSessions(TimePoint now) override {
    int64_t deleted = 0;
    Status st = queries_.Write("DELETE FROM auth_sessions WHERE expires_at <= $1::timestamptz",
                               {Time(now)}, "", "", &deleted);
    if (!st.ok()) return st;
    return deleted;
  }

  // --- API tokens ----------------------------------------------------------------------

  Status CreateApiToken(const ApiToken& t) override {
    return queries_.Write(
        "INSERT INTO api_tokens (token_id, secret_hash, user_id, name, prefix, created_at, "
        "expires_at, last_used_at, revoked_at) SELECT $1::text, $2::text, user_id, $3::text, "
        "$4::text, $5::timestamptz, $6::timestamptz, $7::timestamptz, $8::timestamptz "
        "FROM users WHERE user_id = $9",
        {Text(t.token_id), Text(t.secret_hash), Text(t.name), Text(t.prefix), Time(t.created_at),
         OptTime(t.expires_at), OptTime(t.last_used_at), OptTime(t.revoked_at), Text(t.user_id)},
        "user '" + t.user_id + "' not found",
        "API token '" + t.token_id + "' (or its secret) already exists");
  }

  Result<ApiToken> FindApiToken(const std::string& secret_hash) override {
    return queries_.One<ApiToken>(
        "SELECT " + TokenColumns() + " FROM api_tokens WHERE secret_hash = $1", {Text(secret_hash)},
        ReadToken, "API token not found");
  }

  Result<std::vector<ApiToken>> ListApiTokens(const std::string& user_id) override {
    return queries_.Rows<ApiToken>(
        "SELECT " + TokenColumns() + " FROM api_tokens WHERE user_id = $1 ORDER BY token_id",
        {Text(user_id)}, ReadToken);
  }

  Result<ApiToken> RevokeApiToken(const std::string& token_id, TimePoint when,
                                  const Scope& scope) override {
    // COALESCE keeps the first revocation time; the row still matches, so it is returned.
    Params params = {Time(when), Text(token_id)};
    const std::string sql =
        "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1::timestamptz) "
        "WHERE token_id = $2" +
        ScopeClause(scope, &params) + " RETURNING " + TokenColumns();
    return queries_.One<ApiToken>(sql, params, ReadToken, "API token '" + token_id + "' not found");
  }

  Status TouchApiToken(const std::string& token_id, TimePoint when) override {
    return queries_.Write(
        "UPDATE api_tokens SET last_used_at = $1::timestamptz WHERE token_id = $2",
        {Time(when), Text(token_id)}, "API token '" + token_id + "' not found");
  }

  // --- projects ------------------------------------------------------------------------

  Status CreateProject(const Project& p) override {
    A11Y_RETURN_IF_ERROR(CheckWcagLevel(p));
    return queries_.Write(
        "INSERT INTO projects (project_id, user_id, name, description, wcag_level, created_at, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::timestamptz)",
        {Text(p.project_id), Text(p.user_id), Text(p.name), Text(p.description), Text(p.wcag_level),
         Time(p.created_at), Time(p.updated_at)},
        "", "a project named '" + p.name + "' (or with id '" + p.project_id + "') already exists");
  }

  Result<Project> GetProject(const std::string& project_id, const Scope& scope) override {
    Params params = {Text(project_id)};
    const std::string sql = "SELECT " + ProjectColumns() + " FROM projects WHERE project_id = $1" +
                            ScopeClause(scope, &params);
    return queries_.One<Project>(sql, params, ReadProject, ProjectNotFound(project_id));
  }

  Result<Listing<Project>> ListProjects(const PageRequest& page, const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(page));
    Params params = {Text(page.cursor.value_or(""))};
    std::string sql = "SELECT " + ProjectColumns() + " FROM projects WHERE project_id > $1" +
                      ScopeClause(scope, &params);
    sql += " ORDER BY project_id LIMIT " + Placeholder(&params, Int(page.limit + 1)) + "::integer";
    auto rows = queries_.Rows<Project>(sql, params, ReadProject);
    if (!rows.ok()) return rows.status();
    return ToListing(std::move(*rows), page.limit, &Project::project_id);
  }

  Status UpdateProject(const Project& p, const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckWcagLevel(p));
    Params params = {Text(p.name), Text(p.description), Time(p.updated_at), Text(p.project_id),
                     Text(p.wcag_level)};
    const std::string sql =
        "UPDATE projects SET name = $1, description = $2, wcag_level = $5, "
        "updated_at = $3::timestamptz WHERE project_id = $4" +
        ScopeClause(scope, &params);
    return queries_.Write(sql, params, ProjectNotFound(p.project_id),
                          "a project named '" + p.name + "' already exists");
  }

  Status DeleteProject(const std::string& project_id, const Scope& scope) override {
    // Websites, and through them pages, go by ON DELETE CASCADE in the same statement.
    Params params = {Text(project_id)};
    const std::string sql =
        "DELETE FROM projects WHERE project_id = $1" + ScopeClause(scope, &params);
    return queries_.Write(sql, params, ProjectNotFound(project_id));
  }

  // --- websites ------------------------------------------------------------------------

  Status CreateWebsite(const Website& w) override {
    // Inserts only when the project exists and is the owner's: one statement, no race.
    return queries_.Write(
        "INSERT INTO websites (website_id, project_id, user_id, name, start_url, settings, "
        "created_at, updated_at) SELECT $1::text, project_id, user_id, $2::text, $3::text, "
        "$4::jsonb, $5::timestamptz, $6::timestamptz FROM projects "
        "WHERE project_id = $7 AND user_id = $8",
        {Text(w.website_id), Text(w.name), Text(w.start_url), JsonText(w.settings),
         Time(w.created_at), Time(w.updated_at), Text(w.project_id), Text(w.user_id)},
        ProjectNotFound(w.project_id),
        "a website named '" + w.name + "' (or with id '" + w.website_id +
            "') already exists in project '" + w.project_id + "'");
  }

  Result<Website> GetWebsite(const std::string& website_id, const Scope& scope) override {
    Params params = {Text(website_id)};
    const std::string sql = "SELECT " + WebsiteColumns() + " FROM websites WHERE website_id = $1" +
                            ScopeClause(scope, &params);
    return queries_.One<Website>(sql, params, ReadWebsite, WebsiteNotFound(website_id));
  }

  Result<Listing<Website>> ListWebsites(const std::string& project_id, const PageRequest& page,
                                        const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(page));
    Params params = {Text(project_id), Text(page.cursor.value_or(""))};
    std::string sql = "SELECT " + WebsiteColumns() +
                      " FROM websites WHERE project_id = $1 AND website_id > $2" +
                      ScopeClause(scope, &params);
    sql += " ORDER BY website_id LIMIT " + Placeholder(&params, Int(page.limit + 1)) + "::integer";
    auto rows = queries_.Rows<Website>(sql, params, ReadWebsite);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) {
      // Nothing listed: read only to tell an empty project from one out of scope.
      Params check = {Text(project_id)};
      A11Y_RETURN_IF_ERROR(queries_.CheckExists(
          "SELECT 1 FROM projects WHERE project_id = $1" + ScopeClause(scope, &check), check,
          ProjectNotFound(project_id)));
    }
    return ToListing(std::move(*rows), page.limit, &Website::website_id);
  }

  Status UpdateWebsite(const Website& w, const Scope& scope) override {
    Params params = {Text(w.name), Text(w.start_url), JsonText(w.settings), Time(w.updated_at),
                     Text(w.website_id)};
    const std::string sql =
        "UPDATE websites SET name = $1, start_url = $2, settings = $3::jsonb, "
        "updated_at = $4::timestamptz WHERE website_id = $5" +
        ScopeClause(scope, &params);
    return queries_.Write(sql, params, WebsiteNotFound(w.website_id),
                          "a website named '" + w.name + "' already exists in its project");
  }

  Status DeleteWebsite(const std::string& website_id, const Scope& scope) override {
    Params params = {Text(website_id)};
    const std::string sql =
        "DELETE FROM websites WHERE website_id = $1" + ScopeClause(scope, &params);
    return queries_.Write(sql, params, WebsiteNotFound(website_id));
  }

  // --- pages ---------------------------------------------------------------------------

  Status AddPage(const Page& p) override {
    // The owner and project come from the website row, which must be the page owner's.
    return queries_.Write(
        "INSERT INTO pages (page_id, website_id, project_id, user_id, url, source, final_url, "
        "status_code, content_type, title, depth, referrer, content_hash, size_bytes, missing, "
        "fetch_error, last_run_id, first_seen_at, last_seen_at) SELECT $1::text, website_id, "
        "project_id, user_id, $2::text, $3::text, $4::text, $5::integer, $6::text, $7::text, "
        "$8::integer, $9::text, $10::text, $11::bigint, $12::boolean, $13::text, $14::text, "
        "$15::timestamptz, $16::timestamptz FROM websites WHERE website_id = $17 AND user_id = $18",
        {Text(p.page_id), Text(p.url), Text(p.source), OptText(p.final_url),
         p.status_code ? Int(*p.status_code) : Param(), OptText(p.content_type), OptText(p.title),
         Int(p.depth), OptText(p.referrer), OptText(p.content_hash),
         p.size_bytes ? Int(*p.size_bytes) : Param(), Bool(p.missing), OptText(p.fetch_error),
         OptText(p.last_run_id), Time(p.first_seen_at), Time(p.last_seen_at), Text(p.website_id),
         Text(p.user_id)},
        WebsiteNotFound(p.website_id),
        "website '" + p.website_id + "' already has a page '" + p.url + "' (or id '" + p.page_id +
            "')");
  }

  Result<Page> GetPage(const std::string& page_id, const Scope& scope) override {
    Params params = {Text(page_id)};
    const std::string sql =
        "SELECT " + PageColumns() + " FROM pages WHERE page_id = $1" + ScopeClause(scope, &params);
    return queries_.One<Page>(sql, params, ReadPage, "page '" + page_id + "' not found");
  }

  Result<Listing<Page>> ListPages(const PageFilter& f, const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(f.page));
    // Only the filters in use appear, so the planner sees a plain walk of pages_website.
    Params params = {Text(f.website_id), Text(f.page.cursor.value_or(""))};
    std::string sql = "SELECT " + PageColumns() +
                      " FROM pages WHERE website_id = $1 AND page_id > $2" +
                      ScopeClause(scope, &params);
    if (f.status_code) {
      sql += " AND status_code = " + Placeholder(&params, Int(*f.status_code)) + "::integer";
    }
    if (f.url_contains) {
      // strpos() rather than LIKE: the substring is literal, '%' and '_' included.
      sql += " AND strpos(url, " + Placeholder(&params, Text(*f.url_contains)) + "::text) > 0";
    }
    if (f.missing) sql += " AND missing = " + Placeholder(&params, Bool(*f.missing)) + "::boolean";
    sql += " ORDER BY page_id LIMIT " + Placeholder(&params, Int(f.page.limit + 1)) + "::integer";
    auto rows = queries_.Rows<Page>(sql, params, ReadPage);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) {
      Params check = {Text(f.website_id)};
      A11Y_RETURN_IF_ERROR(queries_.CheckExists(
          "SELECT 1 FROM websites WHERE website_id = $1" + ScopeClause(scope, &check), check,
          WebsiteNotFound(f.website_id)));
    }
    return ToListing(std::move(*rows), f.page.limit, &Page::page_id);
  }

 private:
  const pg::Queries queries_;
};

}  // namespace

std::unique_ptr<DomainStore> NewPostgresDomainStore(pg::PgPool* pool, LatencyHistogram* latency) {
  return std::make_unique<PostgresDomainStore>(pool, latency);
}

}  // namespace a11y
