#include "store/sqlite/sqlite_domain_store.h"

#include <utility>
#include <vector>

#include "store/sqlite/sqlite_queries.h"

namespace a11y {
namespace {

using sqlite::ConnectionPool;
using sqlite::Statement;

constexpr const char* kUserColumns =
    "user_id, username, password_hash, role, disabled, created_at, updated_at";
constexpr const char* kSessionColumns =
    "session_id, secret_hash, user_id, csrf_token, created_at, expires_at, last_seen_at";
constexpr const char* kTokenColumns =
    "token_id, secret_hash, user_id, name, prefix, created_at, expires_at, last_used_at, "
    "revoked_at";
constexpr const char* kProjectColumns =
    "project_id, user_id, name, description, wcag_level, created_at, updated_at";
constexpr const char* kWebsiteColumns =
    "website_id, project_id, user_id, name, start_url, settings, created_at, updated_at";
constexpr const char* kPageColumns =
    "page_id, website_id, project_id, user_id, url, source, final_url, status_code, "
    "content_type, title, depth, referrer, content_hash, size_bytes, missing, fetch_error, "
    "last_run_id, first_seen_at, last_seen_at";

std::optional<int64_t> OptMicros(const std::optional<TimePoint>& t) {
  return t ? std::optional<int64_t>(ToUnixMicros(*t)) : std::nullopt;
}

std::optional<TimePoint> OptTime(const Statement& s, int c) {
  auto v = s.OptInt(c);
  return v ? std::optional<TimePoint>(FromUnixMicros(*v)) : std::nullopt;
}

TimePoint Time(const Statement& s, int c) { return FromUnixMicros(s.Int(c)); }

// The table's CHECK would refuse any other level too, but as a constraint error; this
// answers kInvalidArgument, as the PostgreSQL store does.
Status CheckWcagLevel(const Project& p) {
  if (p.wcag_level == "A" || p.wcag_level == "AA" || p.wcag_level == "AAA") return Status::Ok();
  return Status::InvalidArgument("wcag_level: must be A, AA or AAA, not '" + p.wcag_level + "'");
}

// Settings are validated before they get here; invalid UTF-8 is replaced, never thrown.
std::string JsonText(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

User ReadUser(const Statement& s) {
  User u;
  u.user_id = s.Text(0);
  u.username = s.Text(1);
  u.password_hash = s.Text(2);
  u.role = ParseRole(s.Text(3)).value_or(Role::kUser);
  u.disabled = s.Int(4) != 0;
  u.created_at = Time(s, 5);
  u.updated_at = Time(s, 6);
  return u;
}

AuthSession ReadSession(const Statement& s) {
  AuthSession a;
  a.session_id = s.Text(0);
  a.secret_hash = s.Text(1);
  a.user_id = s.Text(2);
  a.csrf_token = s.Text(3);
  a.created_at = Time(s, 4);
  a.expires_at = Time(s, 5);
  a.last_seen_at = Time(s, 6);
  return a;
}

ApiToken ReadToken(const Statement& s) {
  ApiToken t;
  t.token_id = s.Text(0);
  t.secret_hash = s.Text(1);
  t.user_id = s.Text(2);
  t.name = s.Text(3);
  t.prefix = s.Text(4);
  t.created_at = Time(s, 5);
  t.expires_at = OptTime(s, 6);
  t.last_used_at = OptTime(s, 7);
  t.revoked_at = OptTime(s, 8);
  return t;
}

Project ReadProject(const Statement& s) {
  Project p;
  p.project_id = s.Text(0);
  p.user_id = s.Text(1);
  p.name = s.Text(2);
  p.description = s.Text(3);
  p.wcag_level = s.Text(4);
  p.created_at = Time(s, 5);
  p.updated_at = Time(s, 6);
  return p;
}

Website ReadWebsite(const Statement& s) {
  Website w;
  w.website_id = s.Text(0);
  w.project_id = s.Text(1);
  w.user_id = s.Text(2);
  w.name = s.Text(3);
  w.start_url = s.Text(4);
  Json settings = Json::parse(s.Text(5), nullptr, /*allow_exceptions=*/false);
  w.settings = settings.is_discarded() ? Json::object() : std::move(settings);
  w.created_at = Time(s, 6);
  w.updated_at = Time(s, 7);
  return w;
}

Page ReadPage(const Statement& s) {
  Page p;
  p.page_id = s.Text(0);
  p.website_id = s.Text(1);
  p.project_id = s.Text(2);
  p.user_id = s.Text(3);
  p.url = s.Text(4);
  p.source = s.Text(5);
  p.final_url = s.OptText(6);
  if (auto code = s.OptInt(7)) p.status_code = static_cast<int>(*code);
  p.content_type = s.OptText(8);
  p.title = s.OptText(9);
  p.depth = static_cast<int>(s.Int(10));
  p.referrer = s.OptText(11);
  p.content_hash = s.OptText(12);
  p.size_bytes = s.OptInt(13);
  p.missing = s.Int(14) != 0;
  p.fetch_error = s.OptText(15);
  p.last_run_id = s.OptText(16);
  p.first_seen_at = Time(s, 17);
  p.last_seen_at = Time(s, 18);
  return p;
}

class SqliteDomainStore final : public DomainStore {
 public:
  SqliteDomainStore(ConnectionPool* pool, std::mutex* write_mu, LatencyHistogram* latency)
      : queries_(pool, write_mu, latency) {}

  // --- users ---------------------------------------------------------------------------

  Status CreateUser(const User& u) override {
    return queries_.Write(
        "INSERT INTO users (user_id, username, password_hash, role, disabled, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [&](Statement& s) {
          s.Bind(1, u.user_id).Bind(2, u.username).Bind(3, u.password_hash);
          s.Bind(4, RoleName(u.role)).Bind(5, int64_t{u.disabled});
          s.Bind(6, ToUnixMicros(u.created_at)).Bind(7, ToUnixMicros(u.updated_at));
        },
        "", "a user named '" + u.username + "' (or with id '" + u.user_id + "') already exists");
  }

  Result<User> GetUser(const std::string& user_id) override {
    return queries_.One<User>(
        std::string("SELECT ") + kUserColumns + " FROM users WHERE user_id = ?",
        [&](Statement& s) { s.Bind(1, user_id); }, ReadUser, "user '" + user_id + "' not found");
  }

  Result<User> FindUserByName(const std::string& username) override {
    return queries_.One<User>(
        std::string("SELECT ") + kUserColumns + " FROM users WHERE username = ?",
        [&](Statement& s) { s.Bind(1, username); }, ReadUser, "no user named '" + username + "'");
  }

  Result<Listing<User>> ListUsers(const PageRequest& page) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(page));
    auto rows = queries_.Rows<User>(
        std::string("SELECT ") + kUserColumns +
            " FROM users WHERE user_id > ? ORDER BY user_id LIMIT ?",
        [&](Statement& s) { s.Bind(1, page.cursor.value_or("")).Bind(2, page.limit + 1); },
        ReadUser);
    if (!rows.ok()) return rows.status();
    return ToListing(std::move(*rows), page.limit, &User::user_id);
  }

  Result<int64_t> CountUsers() override {
    auto rows = queries_.Rows<int64_t>(
        "SELECT COUNT(*) FROM users", [](Statement&) {},
        [](const Statement& s) { return s.Int(0); });
    if (!rows.ok()) return rows.status();
    return rows->at(0);
  }

  Status UpdateUser(const User& u) override {
    return queries_.Write(
        "UPDATE users SET username = ?, password_hash = ?, role = ?, disabled = ?, "
        "updated_at = ? WHERE user_id = ?",
        [&](Statement& s) {
          s.Bind(1, u.username).Bind(2, u.password_hash).Bind(3, RoleName(u.role));
          s.Bind(4, int64_t{u.disabled}).Bind(5, ToUnixMicros(u.updated_at)).Bind(6, u.user_id);
        },
        "user '" + u.user_id + "' not found", "a user named '" + u.username + "' already exists");
  }

  Status DeleteUser(const std::string& user_id) override {
    // Sessions and tokens go by ON DELETE CASCADE; projects have no foreign key and stay.
    return queries_.Write(
        "DELETE FROM users WHERE user_id = ?", [&](Statement& s) { s.Bind(1, user_id); },
        "user '" + user_id + "' not found");
  }

  // --- login sessions ------------------------------------------------------------------

  Status CreateSession(const AuthSession& a) override {
    // Copied from the user row, so a session of an unknown user inserts nothing.
    return queries_.Write(
        "INSERT INTO auth_sessions (session_id, secret_hash, user_id, csrf_token, created_at, "
        "expires_at, last_seen_at) SELECT ?1, ?2, user_id, ?3, ?4, ?5, ?6 FROM users "
        "WHERE user_id = ?7",
        [&](Statement& s) {
          s.Bind(1, a.session_id).Bind(2, a.secret_hash).Bind(3, a.csrf_token);
          s.Bind(4, ToUnixMicros(a.created_at)).Bind(5, ToUnixMicros(a.expires_at));
          s.Bind(6, ToUnixMicros(a.last_seen_at)).Bind(7, a.user_id);
        },
        "user '" + a.user_id + "' not found",
        "session '" + a.session_id + "' (or its secret) already exists");
  }

  Result<AuthSession> FindSession(const std::string& secret_hash) override {
    return queries_.One<AuthSession>(
        std::string("SELECT ") + kSessionColumns + " FROM auth_sessions WHERE secret_hash = ?",
        [&](Statement& s) { s.Bind(1, secret_hash); }, ReadSession, "session not found");
  }

  Status TouchSession(const std::string& session_id, TimePoint last_seen_at,
                      TimePoint expires_at) override {
    return queries_.Write(
        "UPDATE auth_sessions SET last_seen_at = ?, expires_at = ? WHERE session_id = ?",
        [&](Statement& s) {
          s.Bind(1, ToUnixMicros(last_seen_at)).Bind(2, ToUnixMicros(expires_at));
          s.Bind(3, session_id);
        },
        "session '" + session_id + "' not found");
  }

  Status DeleteSession(const std::string& session_id) override {
    return queries_.Write(
        "DELETE FROM auth_sessions WHERE session_id = ?",
        [&](Statement& s) { s.Bind(1, session_id); }, "session '" + session_id + "' not found");
  }

  Result<int64_t> DeleteExpiredSessions(TimePoint now) override {
    int64_t deleted = 0;
    Status st = queries_.Write(
        "DELETE FROM auth_sessions WHERE expires_at <= ?",
        [&](Statement& s) { s.Bind(1, ToUnixMicros(now)); }, "", "", &deleted);
    if (!st.ok()) return st;
    return deleted;
  }

  // --- API tokens ----------------------------------------------------------------------

  Status CreateApiToken(const ApiToken& t) override {
    return queries_.Write(
        "INSERT INTO api_tokens (token_id, secret_hash, user_id, name, prefix, created_at, "
        "expires_at, last_used_at, revoked_at) "
        "SELECT ?1, ?2, user_id, ?3, ?4, ?5, ?6, ?7, ?8 FROM users WHERE user_id = ?9",
        [&](Statement& s) {
          s.Bind(1, t.token_id).Bind(2, t.secret_hash).Bind(3, t.name).Bind(4, t.prefix);
          s.Bind(5, ToUnixMicros(t.created_at)).Bind(6, OptMicros(t.expires_at));
          s.Bind(7, OptMicros(t.last_used_at)).Bind(8, OptMicros(t.revoked_at));
          s.Bind(9, t.user_id);
        },
        "user '" + t.user_id + "' not found",
        "API token '" + t.token_id + "' (or its secret) already exists");
  }

  Result<ApiToken> FindApiToken(const std::string& secret_hash) override {
    return queries_.One<ApiToken>(
        std::string("SELECT ") + kTokenColumns + " FROM api_tokens WHERE secret_hash = ?",
        [&](Statement& s) { s.Bind(1, secret_hash); }, ReadToken, "API token not found");
  }

  Result<std::vector<ApiToken>> ListApiTokens(const std::string& user_id) override {
    return queries_.Rows<ApiToken>(
        std::string("SELECT ") + kTokenColumns +
            " FROM api_tokens WHERE user_id = ? ORDER BY token_id",
        [&](Statement& s) { s.Bind(1, user_id); }, ReadToken);
  }

  Result<ApiToken> RevokeApiToken(const std::string& token_id, TimePoint when,
                                  const Scope& scope) override {
    // COALESCE keeps the first revocation time; the row still matches, so it is returned.
    return queries_.One<ApiToken>(
        std::string("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?1) "
                    "WHERE token_id = ?2 AND (?3 IS NULL OR user_id = ?3) RETURNING ") +
            kTokenColumns,
        [&](Statement& s) {
          s.Bind(1, ToUnixMicros(when)).Bind(2, token_id).Bind(3, scope.user_id);
        },
        ReadToken, "API token '" + token_id + "' not found", /*write=*/true);
  }

  Status TouchApiToken(const std::string& token_id, TimePoint when) override {
    return queries_.Write(
        "UPDATE api_tokens SET last_used_at = ? WHERE token_id = ?",
        [&](Statement& s) { s.Bind(1, ToUnixMicros(when)).Bind(2, token_id); },
        "API token '" + token_id + "' not found");
  }

  // --- projects ------------------------------------------------------------------------

  Status CreateProject(const Project& p) override {
    A11Y_RETURN_IF_ERROR(CheckWcagLevel(p));
    return queries_.Write(
        "INSERT INTO projects (project_id, user_id, name, description, wcag_level, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [&](Statement& s) {
          s.Bind(1, p.project_id).Bind(2, p.user_id).Bind(3, p.name).Bind(4, p.description);
          s.Bind(5, p.wcag_level).Bind(6, ToUnixMicros(p.created_at));
          s.Bind(7, ToUnixMicros(p.updated_at));
        },
        "", "a project named '" + p.name + "' (or with id '" + p.project_id + "') already exists");
  }

  Result<Project> GetProject(const std::string& project_id, const Scope& scope) override {
    return queries_.One<Project>(
        std::string("SELECT ") + kProjectColumns +
            " FROM projects WHERE project_id = ?1 AND (?2 IS NULL OR user_id = ?2)",
        [&](Statement& s) { s.Bind(1, project_id).Bind(2, scope.user_id); }, ReadProject,
        ProjectNotFound(project_id));
  }

  Result<Listing<Project>> ListProjects(const PageRequest& page, const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(page));
    // The owner's condition appears only when scoped, so SQLite walks projects_user then
    // and the primary key otherwise.
    std::string sql =
        std::string("SELECT ") + kProjectColumns + " FROM projects WHERE project_id > ?1";
    if (scope.user_id) sql += " AND user_id = ?3";
    sql += " ORDER BY project_id LIMIT ?2";
    auto rows = queries_.Rows<Project>(
        sql,
        [&](Statement& s) {
          s.Bind(1, page.cursor.value_or("")).Bind(2, page.limit + 1);
          if (scope.user_id) s.Bind(3, *scope.user_id);
        },
        ReadProject);
    if (!rows.ok()) return rows.status();
    return ToListing(std::move(*rows), page.limit, &Project::project_id);
  }

  Status UpdateProject(const Project& p, const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckWcagLevel(p));
    return queries_.Write(
        "UPDATE projects SET name = ?1, description = ?2, wcag_level = ?6, updated_at = ?3 "
        "WHERE project_id = ?4 AND (?5 IS NULL OR user_id = ?5)",
        [&](Statement& s) {
          s.Bind(1, p.name).Bind(2, p.description).Bind(3, ToUnixMicros(p.updated_at));
          s.Bind(4, p.project_id).Bind(5, scope.user_id).Bind(6, p.wcag_level);
        },
        ProjectNotFound(p.project_id), "a project named '" + p.name + "' already exists");
  }

  Status DeleteProject(const std::string& project_id, const Scope& scope) override {
    // Websites, and through them pages, go by ON DELETE CASCADE in the same statement.
    return queries_.Write(
        "DELETE FROM projects WHERE project_id = ?1 AND (?2 IS NULL OR user_id = ?2)",
        [&](Statement& s) { s.Bind(1, project_id).Bind(2, scope.user_id); },
        ProjectNotFound(project_id));
  }

  // --- websites ------------------------------------------------------------------------

  Status CreateWebsite(const Website& w) override {
    // Inserts only when the project exists and is the owner's: one statement, no race.
    return queries_.Write(
        "INSERT INTO websites (website_id, project_id, user_id, name, start_url, settings, "
        "created_at, updated_at) SELECT ?1, project_id, user_id, ?2, ?3, ?4, ?5, ?6 "
        "FROM projects WHERE project_id = ?7 AND user_id = ?8",
        [&](Statement& s) {
          s.Bind(1, w.website_id).Bind(2, w.name).Bind(3, w.start_url);
          s.Bind(4, JsonText(w.settings)).Bind(5, ToUnixMicros(w.created_at));
          s.Bind(6, ToUnixMicros(w.updated_at)).Bind(7, w.project_id).Bind(8, w.user_id);
        },
        ProjectNotFound(w.project_id),
        "a website named '" + w.name + "' (or with id '" + w.website_id +
            "') already exists in project '" + w.project_id + "'");
  }

  Result<Website> GetWebsite(const std::string& website_id, const Scope& scope) override {
    return queries_.One<Website>(
        std::string("SELECT ") + kWebsiteColumns +
            " FROM websites WHERE website_id = ?1 AND (?2 IS NULL OR user_id = ?2)",
        [&](Statement& s) { s.Bind(1, website_id).Bind(2, scope.user_id); }, ReadWebsite,
        WebsiteNotFound(website_id));
  }

  Result<Listing<Website>> ListWebsites(const std::string& project_id, const PageRequest& page,
                                        const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(page));
    auto rows = queries_.Rows<Website>(
        std::string("SELECT ") + kWebsiteColumns +
            " FROM websites WHERE project_id = ?1 AND website_id > ?2 "
            "AND (?3 IS NULL OR user_id = ?3) ORDER BY website_id LIMIT ?4",
        [&](Statement& s) {
          s.Bind(1, project_id).Bind(2, page.cursor.value_or("")).Bind(3, scope.user_id);
          s.Bind(4, page.limit + 1);
        },
        ReadWebsite);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) {
      // Nothing listed: read only to tell an empty project from one out of scope.
      A11Y_RETURN_IF_ERROR(queries_.CheckExists(
          "SELECT 1 FROM projects WHERE project_id = ?1 AND (?2 IS NULL OR user_id = ?2)",
          [&](Statement& s) { s.Bind(1, project_id).Bind(2, scope.user_id); },
          ProjectNotFound(project_id)));
    }
    return ToListing(std::move(*rows), page.limit, &Website::website_id);
  }

  Status UpdateWebsite(const Website& w, const Scope& scope) override {
    return queries_.Write(
        "UPDATE websites SET name = ?1, start_url = ?2, settings = ?3, updated_at = ?4 "
        "WHERE website_id = ?5 AND (?6 IS NULL OR user_id = ?6)",
        [&](Statement& s) {
          s.Bind(1, w.name).Bind(2, w.start_url).Bind(3, JsonText(w.settings));
          s.Bind(4, ToUnixMicros(w.updated_at)).Bind(5, w.website_id).Bind(6, scope.user_id);
        },
        WebsiteNotFound(w.website_id),
        "a website named '" + w.name + "' already exists in its project");
  }

  Status DeleteWebsite(const std::string& website_id, const Scope& scope) override {
    return queries_.Write(
        "DELETE FROM websites WHERE website_id = ?1 AND (?2 IS NULL OR user_id = ?2)",
        [&](Statement& s) { s.Bind(1, website_id).Bind(2, scope.user_id); },
        WebsiteNotFound(website_id));
  }

  // --- pages ---------------------------------------------------------------------------

  Status AddPage(const Page& p) override {
    // The owner and project come from the website row, which must be the page owner's.
    return queries_.Write(
        std::string("INSERT INTO pages (") + kPageColumns +
            ") SELECT ?1, website_id, project_id, user_id, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
            "?10, ?11, ?12, ?13, ?14, ?15, ?16 FROM websites WHERE website_id = ?17 "
            "AND user_id = ?18",
        [&](Statement& s) {
          s.Bind(1, p.page_id).Bind(2, p.url).Bind(3, p.source).Bind(4, p.final_url);
          s.Bind(5, p.status_code).Bind(6, p.content_type).Bind(7, p.title).Bind(8, p.depth);
          s.Bind(9, p.referrer).Bind(10, p.content_hash).Bind(11, p.size_bytes);
          s.Bind(12, int64_t{p.missing}).Bind(13, p.fetch_error).Bind(14, p.last_run_id);
          s.Bind(15, ToUnixMicros(p.first_seen_at)).Bind(16, ToUnixMicros(p.last_seen_at));
          s.Bind(17, p.website_id).Bind(18, p.user_id);
        },
        WebsiteNotFound(p.website_id),
        "website '" + p.website_id + "' already has a page '" + p.url + "' (or id '" + p.page_id +
            "')");
  }

  Result<Page> GetPage(const std::string& page_id, const Scope& scope) override {
    return queries_.One<Page>(
        std::string("SELECT ") + kPageColumns +
            " FROM pages WHERE page_id = ?1 AND (?2 IS NULL OR user_id = ?2)",
        [&](Statement& s) { s.Bind(1, page_id).Bind(2, scope.user_id); }, ReadPage,
        "page '" + page_id + "' not found");
  }

  Result<Listing<Page>> ListPages(const PageFilter& f, const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(f.page));
    // instr() rather than LIKE: the substring is literal, '%' and '_' included.
    auto rows = queries_.Rows<Page>(
        std::string("SELECT ") + kPageColumns +
            " FROM pages WHERE website_id = ?1 AND page_id > ?2 "
            "AND (?3 IS NULL OR user_id = ?3) AND (?4 IS NULL OR status_code = ?4) "
            "AND (?5 IS NULL OR instr(url, ?5) > 0) AND (?6 IS NULL OR missing = ?6) "
            "ORDER BY page_id LIMIT ?7",
        [&](Statement& s) {
          s.Bind(1, f.website_id).Bind(2, f.page.cursor.value_or("")).Bind(3, scope.user_id);
          s.Bind(4, f.status_code).Bind(5, f.url_contains);
          s.Bind(6, f.missing ? std::optional<int64_t>(*f.missing) : std::nullopt);
          s.Bind(7, f.page.limit + 1);
        },
        ReadPage);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) {
      A11Y_RETURN_IF_ERROR(queries_.CheckExists(
          "SELECT 1 FROM websites WHERE website_id = ?1 AND (?2 IS NULL OR user_id = ?2)",
          [&](Statement& s) { s.Bind(1, f.website_id).Bind(2, scope.user_id); },
          WebsiteNotFound(f.website_id)));
    }
    return ToListing(std::move(*rows), f.page.limit, &Page::page_id);
  }

 private:
  // One message for a missing object and another user's: existence must not leak.
  static std::string ProjectNotFound(const std::string& id) {
    return "project '" + id + "' not found";
  }
  static std::string WebsiteNotFound(const std::string& id) {
    return "website '" + id + "' not found";
  }

  const sqlite::Queries queries_;
};

}  // namespace

std::unique_ptr<DomainStore> NewSqliteDomainStore(sqlite::ConnectionPool* pool,
                                                  std::mutex* write_mu, LatencyHistogram* latency) {
  return std::make_unique<SqliteDomainStore>(pool, write_mu, latency);
}

}  // namespace a11y
