// DomainStore: accounts and the things users check, beside the jobs in the same database.
// Each backend implements it next to its JobStore (store/sqlite, store/postgres) and the
// conformance suite in tests/store runs the same tests against both.
//
// Tenancy: every read or write of a project, website or page takes a Scope. Another
// user's object is kNotFound, never "forbidden"; Scope::Admin() sees everything.
// Updates, deletes and touches of a missing (or out-of-scope) object are kNotFound.
//
// Thread safety: every method may be called from any thread at any time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/domain.h"
#include "store/job_store.h"

namespace a11y {

inline constexpr int kMaxPageLimit = 1000;

// Keyset pagination over ids, which sort by creation time (core/ids.h): the oldest first,
// `cursor` is the last id of the previous page.
struct PageRequest {
  int limit = 50;  // 1..kMaxPageLimit; anything else is kInvalidArgument.
  std::optional<std::string> cursor;
};

// kInvalidArgument unless 1 <= page.limit <= kMaxPageLimit. Every List method checks it;
// callers may check earlier to answer bad input before touching the database.
Status CheckPageRequest(const PageRequest& page);

template <typename T>
struct Listing {
  std::vector<T> items;
  std::optional<std::string> next_cursor;  // Absent on the last page.
};

// For backends: a listing from rows read with LIMIT limit + 1 (the extra row only says
// another page exists), its cursor the last row's `id`.
template <typename T>
Listing<T> ToListing(std::vector<T> rows, int limit, std::string T::*id) {
  Listing<T> listing;
  if (static_cast<int>(rows.size()) > limit) {
    rows.resize(limit);
    listing.next_cursor = rows.back().*id;
  }
  listing.items = std::move(rows);
  return listing;
}

struct PageFilter {
  std::string website_id;
  std::optional<int> status_code;
  std::optional<std::string> url_contains;  // Case-sensitive substring; no wildcards.
  std::optional<bool> missing;
  PageRequest page;
};

class DomainStore {
 public:
  virtual ~DomainStore() = default;

  // --- users ---------------------------------------------------------------------------
  // kAlreadyExists when the user_id or username is taken.
  virtual Status CreateUser(const User& user) = 0;
  virtual Result<User> GetUser(const std::string& user_id) = 0;
  virtual Result<User> FindUserByName(const std::string& username) = 0;
  virtual Result<Listing<User>> ListUsers(const PageRequest& page) = 0;
  virtual Result<int64_t> CountUsers() = 0;
  // Writes username, password_hash, role, disabled and updated_at of an existing user.
  virtual Status UpdateUser(const User& user) = 0;
  // Deletes the user with their sessions and tokens (their projects and jobs stay).
  virtual Status DeleteUser(const std::string& user_id) = 0;

  // --- login sessions ------------------------------------------------------------------
  // kNotFound when session.user_id names no user; kAlreadyExists for a taken id or hash.
  virtual Status CreateSession(const AuthSession& session) = 0;
  // The session whose secret hashes to `secret_hash`, expired or not (the caller decides).
  virtual Result<AuthSession> FindSession(const std::string& secret_hash) = 0;
  virtual Status TouchSession(const std::string& session_id, TimePoint last_seen_at,
                              TimePoint expires_at) = 0;
  virtual Status DeleteSession(const std::string& session_id) = 0;
  // Deletes the sessions with expires_at <= now; returns how many.
  virtual Result<int64_t> DeleteExpiredSessions(TimePoint now) = 0;

  // --- API tokens ----------------------------------------------------------------------
  // kNotFound when token.user_id names no user; kAlreadyExists for a taken id or hash.
  virtual Status CreateApiToken(const ApiToken& token) = 0;
  virtual Result<ApiToken> FindApiToken(const std::string& secret_hash) = 0;
  // The user's tokens, revoked ones included, oldest first.
  virtual Result<std::vector<ApiToken>> ListApiTokens(const std::string& user_id) = 0;
  // Sets revoked_at once (a second revoke keeps the first time). kNotFound when the token
  // is not the user's, unless scope is admin.
  virtual Result<ApiToken> RevokeApiToken(const std::string& token_id, TimePoint when,
                                          const Scope& scope) = 0;
  virtual Status TouchApiToken(const std::string& token_id, TimePoint when) = 0;

  // --- projects ------------------------------------------------------------------------
  // kAlreadyExists when the owner already has a project with that name.
  virtual Status CreateProject(const Project& project) = 0;
  virtual Result<Project> GetProject(const std::string& project_id, const Scope& scope) = 0;
  virtual Result<Listing<Project>> ListProjects(const PageRequest& page, const Scope& scope) = 0;
  // Writes name, description, wcag_level and updated_at. kInvalidArgument when wcag_level
  // is not A, AA or AAA (CreateProject too).
  virtual Status UpdateProject(const Project& project, const Scope& scope) = 0;
  // Deletes the project with its websites and their pages.
  virtual Status DeleteProject(const std::string& project_id, const Scope& scope) = 0;

  // --- websites ------------------------------------------------------------------------
  // REQUIRES: website.project_id names a project of website.user_id (the caller checked
  // it through GetProject). The store checks it again in the same statement: kNotFound
  // otherwise. kAlreadyExists when the project has a website with that name.
  virtual Status CreateWebsite(const Website& website) = 0;
  virtual Result<Website> GetWebsite(const std::string& website_id, const Scope& scope) = 0;
  // kNotFound when the project is not in scope: an empty listing is an empty project.
  virtual Result<Listing<Website>> ListWebsites(const std::string& project_id,
                                                const PageRequest& page,
                                                const Scope& scope) = 0;
  // Writes name, start_url, settings and updated_at.
  virtual Status UpdateWebsite(const Website& website, const Scope& scope) = 0;
  // Deletes the website with its pages.
  virtual Status DeleteWebsite(const std::string& website_id, const Scope& scope) = 0;

  // --- pages ---------------------------------------------------------------------------
  // kNotFound unless page.website_id names a website of page.user_id; the stored
  // project_id is that website's. kAlreadyExists when the website has a page with that url.
  virtual Status AddPage(const Page& page) = 0;
  virtual Result<Page> GetPage(const std::string& page_id, const Scope& scope) = 0;
  // kNotFound when filter.website_id is not in scope: an empty listing is a website
  // without matching pages.
  virtual Result<Listing<Page>> ListPages(const PageFilter& filter, const Scope& scope) = 0;
};

}  // namespace a11y
