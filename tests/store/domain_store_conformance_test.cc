// The DomainStore conformance suite: users, sessions, API tokens, projects, websites and
// pages. Every test runs on every backend (tests/support/test_database.h).
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "store/domain.h"
#include "store/domain_store.h"
#include "store/job_store.h"
#include "tests/store/domain_fixture.h"
#include "tests/support/test_database.h"

namespace a11y::testing {
namespace {

using namespace std::chrono_literals;
using Code = Status::Code;

// Walks a listing from the start, `limit` items at a time, following next_cursor. Returns
// the ids in order; `sizes` receives the size of each page.
template <typename T>
std::vector<std::string> WalkAll(const std::function<Result<Listing<T>>(const PageRequest&)>& list,
                                 int limit, std::string T::*id, std::vector<size_t>* sizes) {
  PageRequest page;
  page.limit = limit;
  std::vector<std::string> ids;
  for (int guard = 0; guard < 100; ++guard) {
    auto listing = list(page);
    if (!listing.ok()) {
      ADD_FAILURE() << listing.status().ToString();
      break;
    }
    sizes->push_back(listing->items.size());
    for (const T& item : listing->items) ids.push_back(item.*id);
    if (!listing->next_cursor) break;
    EXPECT_FALSE(listing->items.empty()) << "a page with a cursor must hold items";
    if (!listing->items.empty()) {
      EXPECT_EQ(*listing->next_cursor, listing->items.back().*id);
    }
    page.cursor = listing->next_cursor;
  }
  return ids;
}

class DomainStoreTest : public DomainStoreFixture {
 protected:
  AuthSession AddSession(const User& user, const std::string& secret_hash, TimePoint expires_at) {
    AuthSession session;
    session.session_id = NewId();
    session.secret_hash = secret_hash;
    session.user_id = user.user_id;
    session.csrf_token = "csrf-" + secret_hash;
    session.created_at = session.last_seen_at = Now();
    session.expires_at = expires_at;
    EXPECT_OK(domain().CreateSession(session));
    return session;
  }

  ApiToken AddToken(const User& user, const std::string& name) {
    ApiToken token;
    token.token_id = NewId();
    token.secret_hash = "hash-" + token.token_id;
    token.user_id = user.user_id;
    token.name = name;
    token.prefix = "a11y_" + name.substr(0, 3);
    token.created_at = Now();
    EXPECT_OK(domain().CreateApiToken(token));
    return token;
  }

  std::vector<std::string> PageUrls(const PageFilter& filter, const Scope& scope) {
    std::vector<std::string> urls;
    for (const Page& page : Must(domain().ListPages(filter, scope)).items) urls.push_back(page.url);
    return urls;
  }
};

// ---------------------------------------------------------------------------------------
// Users

TEST_P(DomainStoreTest, UserReadsBackFieldByField) {
  User user;
  user.user_id = NewId();
  user.username = "alice";
  user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  user.role = Role::kAdmin;
  user.disabled = true;
  user.created_at = Now() + 123457us;
  user.updated_at = Now() + 2s;
  ASSERT_TRUE(domain().CreateUser(user).ok());

  for (const User& row :
       {Must(domain().GetUser(user.user_id)), Must(domain().FindUserByName("alice"))}) {
    EXPECT_EQ(row.user_id, user.user_id);
    EXPECT_EQ(row.username, "alice");
    EXPECT_EQ(row.password_hash, user.password_hash);
    EXPECT_EQ(row.role, Role::kAdmin);
    EXPECT_TRUE(row.disabled);
    EXPECT_EQ(Rfc(row.created_at), Rfc(user.created_at));
    EXPECT_EQ(Rfc(row.updated_at), Rfc(user.updated_at));
  }
  const User plain = AddUser("bob");
  const User row = Must(domain().GetUser(plain.user_id));
  EXPECT_EQ(row.role, Role::kUser);
  EXPECT_FALSE(row.disabled);

  EXPECT_EQ(domain().GetUser("no-such-user").status().code(), Code::kNotFound);
  EXPECT_EQ(domain().FindUserByName("carol").status().code(), Code::kNotFound);
  EXPECT_EQ(domain().FindUserByName("ALICE").status().code(), Code::kNotFound)
      << "usernames compare as stored";
}

TEST_P(DomainStoreTest, UserIdAndUsernameAreUnique) {
  const User alice = AddUser("alice");
  User same_name = alice;
  same_name.user_id = NewId();
  same_name.password_hash = "other";
  EXPECT_EQ(domain().CreateUser(same_name).code(), Code::kAlreadyExists);

  User same_id = alice;
  same_id.username = "alice2";
  EXPECT_EQ(domain().CreateUser(same_id).code(), Code::kAlreadyExists);

  EXPECT_EQ(Must(domain().GetUser(alice.user_id)).password_hash, alice.password_hash);
  EXPECT_EQ(Must(domain().CountUsers()), 1);
}

TEST_P(DomainStoreTest, UpdateUserWritesItsFieldsAndRefusesATakenName) {
  User alice = AddUser("alice");
  AddUser("bob");
  env_.Advance(1h);
  User changed = alice;
  changed.username = "alice.new";
  changed.password_hash = "new-hash";
  changed.role = Role::kAdmin;
  changed.disabled = true;
  changed.updated_at = Now();
  changed.created_at = Now();  // Not written: created_at never changes.
  ASSERT_TRUE(domain().UpdateUser(changed).ok());

  const User row = Must(domain().GetUser(alice.user_id));
  EXPECT_EQ(row.username, "alice.new");
  EXPECT_EQ(row.password_hash, "new-hash");
  EXPECT_EQ(row.role, Role::kAdmin);
  EXPECT_TRUE(row.disabled);
  EXPECT_EQ(Rfc(row.updated_at), Rfc(Now()));
  EXPECT_EQ(Rfc(row.created_at), Rfc(alice.created_at));
  EXPECT_EQ(domain().FindUserByName("alice").status().code(), Code::kNotFound);

  changed.username = "bob";
  EXPECT_EQ(domain().UpdateUser(changed).code(), Code::kAlreadyExists);
  EXPECT_EQ(Must(domain().GetUser(alice.user_id)).username, "alice.new");

  User ghost = alice;
  ghost.user_id = "no-such-user";
  ghost.username = "ghost";
  EXPECT_EQ(domain().UpdateUser(ghost).code(), Code::kNotFound);
}

TEST_P(DomainStoreTest, ListUsersPagesThroughEveryUserOnce) {
  EXPECT_EQ(Must(domain().CountUsers()), 0);
  std::vector<std::string> created;
  for (int i = 0; i < 7; ++i) created.push_back(AddUser("user" + std::to_string(i)).user_id);
  EXPECT_EQ(Must(domain().CountUsers()), 7);

  std::vector<size_t> sizes;
  const auto ids = WalkAll<User>([&](const PageRequest& p) { return domain().ListUsers(p); }, 3,
                                 &User::user_id, &sizes);
  EXPECT_EQ(ids, created);
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 1}));
}

TEST_P(DomainStoreTest, DeleteUserTakesSessionsAndTokensButKeepsProjects) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  AddSession(alice, "alice-secret", Now() + 1h);
  const AuthSession bob_session = AddSession(bob, "bob-secret", Now() + 1h);
  const ApiToken alice_token = AddToken(alice, "ci");
  const ApiToken bob_token = AddToken(bob, "ci");
  const Project project = AddProject(alice, "site audit");

  ASSERT_TRUE(domain().DeleteUser(alice.user_id).ok());
  EXPECT_EQ(domain().GetUser(alice.user_id).status().code(), Code::kNotFound);
  EXPECT_EQ(domain().FindSession("alice-secret").status().code(), Code::kNotFound);
  EXPECT_EQ(domain().FindApiToken(alice_token.secret_hash).status().code(), Code::kNotFound);
  EXPECT_TRUE(Must(domain().ListApiTokens(alice.user_id)).empty());
  EXPECT_EQ(Must(domain().GetProject(project.project_id, Scope::Admin())).user_id, alice.user_id);

  EXPECT_EQ(Must(domain().FindSession("bob-secret")).session_id, bob_session.session_id);
  EXPECT_EQ(Must(domain().FindApiToken(bob_token.secret_hash)).token_id, bob_token.token_id);
  EXPECT_EQ(domain().DeleteUser(alice.user_id).code(), Code::kNotFound);
}

// ---------------------------------------------------------------------------------------
// Login sessions

TEST_P(DomainStoreTest, SessionReadsBackAndIsFoundAfterItExpires) {
  const User alice = AddUser("alice");
  AuthSession session;
  session.session_id = NewId();
  session.secret_hash = std::string(64, 'a');
  session.user_id = alice.user_id;
  session.csrf_token = "csrf-token-1";
  session.created_at = Now() + 1us;
  session.last_seen_at = Now() + 2us;
  session.expires_at = Now() + 1h;
  ASSERT_TRUE(domain().CreateSession(session).ok());

  env_.Advance(2h);  // Expired now: the store still finds it; the caller decides.
  const AuthSession row = Must(domain().FindSession(session.secret_hash));
  EXPECT_EQ(row.session_id, session.session_id);
  EXPECT_EQ(row.secret_hash, session.secret_hash);
  EXPECT_EQ(row.user_id, alice.user_id);
  EXPECT_EQ(row.csrf_token, "csrf-token-1");
  EXPECT_EQ(Rfc(row.created_at), Rfc(session.created_at));
  EXPECT_EQ(Rfc(row.last_seen_at), Rfc(session.last_seen_at));
  EXPECT_EQ(Rfc(row.expires_at), Rfc(session.expires_at));
  EXPECT_LT(row.expires_at, Now());
  EXPECT_EQ(domain().FindSession(std::string(64, 'b')).status().code(), Code::kNotFound);
}

TEST_P(DomainStoreTest, SessionNeedsAUserAndAUniqueSecret) {
  const User alice = AddUser("alice");
  const AuthSession first = AddSession(alice, "secret-1", Now() + 1h);

  AuthSession same_secret = first;
  same_secret.session_id = NewId();
  EXPECT_EQ(domain().CreateSession(same_secret).code(), Code::kAlreadyExists);

  AuthSession orphan = first;
  orphan.session_id = NewId();
  orphan.secret_hash = "secret-2";
  orphan.user_id = "no-such-user";
  EXPECT_EQ(domain().CreateSession(orphan).code(), Code::kNotFound);
  EXPECT_EQ(domain().FindSession("secret-2").status().code(), Code::kNotFound);
}

TEST_P(DomainStoreTest, TouchAndDeleteSession) {
  const User alice = AddUser("alice");
  const AuthSession session = AddSession(alice, "secret", Now() + 1h);
  env_.Advance(10min);
  ASSERT_TRUE(domain().TouchSession(session.session_id, Now(), Now() + 1h).ok());
  const AuthSession row = Must(domain().FindSession("secret"));
  EXPECT_EQ(Rfc(row.last_seen_at), Rfc(Now()));
  EXPECT_EQ(Rfc(row.expires_at), Rfc(Now() + 1h));
  EXPECT_EQ(Rfc(row.created_at), Rfc(session.created_at));

  EXPECT_EQ(domain().TouchSession("no-such-session", Now(), Now()).code(), Code::kNotFound);
  ASSERT_TRUE(domain().DeleteSession(session.session_id).ok());
  EXPECT_EQ(domain().FindSession("secret").status().code(), Code::kNotFound);
  EXPECT_EQ(domain().DeleteSession(session.session_id).code(), Code::kNotFound);
}

TEST_P(DomainStoreTest, DeleteExpiredSessionsRemovesOnlyExpiredOnes) {
  const User alice = AddUser("alice");
  const TimePoint now = Now() + 1h;
  AddSession(alice, "long-gone", now - 1s);
  AddSession(alice, "ends-now", now);
  AddSession(alice, "still-live", now + 1us);

  EXPECT_EQ(Must(domain().DeleteExpiredSessions(now)), 2);
  EXPECT_EQ(domain().FindSession("long-gone").status().code(), Code::kNotFound);
  EXPECT_EQ(domain().FindSession("ends-now").status().code(), Code::kNotFound);
  EXPECT_TRUE(domain().FindSession("still-live").ok());
  EXPECT_EQ(Must(domain().DeleteExpiredSessions(now)), 0);
}

// ---------------------------------------------------------------------------------------
// API tokens

TEST_P(DomainStoreTest, ApiTokenReadsBackWithOptionalsSetAndUnset) {
  const User alice = AddUser("alice");
  ApiToken full;
  full.token_id = NewId();
  full.secret_hash = "hash-full";
  full.user_id = alice.user_id;
  full.name = "deploy bot";
  full.prefix = "a11y_Xy";
  full.created_at = Now() + 7us;
  full.expires_at = Now() + 30 * 24h;
  full.last_used_at = Now() + 1s;
  full.revoked_at = Now() + 2s;
  ASSERT_TRUE(domain().CreateApiToken(full).ok());

  const ApiToken row = Must(domain().FindApiToken("hash-full"));
  EXPECT_EQ(row.token_id, full.token_id);
  EXPECT_EQ(row.secret_hash, "hash-full");
  EXPECT_EQ(row.user_id, alice.user_id);
  EXPECT_EQ(row.name, "deploy bot");
  EXPECT_EQ(row.prefix, "a11y_Xy");
  EXPECT_EQ(Rfc(row.created_at), Rfc(full.created_at));
  EXPECT_EQ(Rfc(row.expires_at), Rfc(full.expires_at));
  EXPECT_EQ(Rfc(row.last_used_at), Rfc(full.last_used_at));
  EXPECT_EQ(Rfc(row.revoked_at), Rfc(full.revoked_at));

  const ApiToken bare = AddToken(alice, "bare");
  const ApiToken bare_row = Must(domain().FindApiToken(bare.secret_hash));
  EXPECT_FALSE(bare_row.expires_at.has_value());
  EXPECT_FALSE(bare_row.last_used_at.has_value());
  EXPECT_FALSE(bare_row.revoked_at.has_value());

  ApiToken clash = bare;
  clash.token_id = NewId();
  EXPECT_EQ(domain().CreateApiToken(clash).code(), Code::kAlreadyExists) << "same secret";
  ApiToken orphan = bare;
  orphan.token_id = NewId();
  orphan.secret_hash = "hash-orphan";
  orphan.user_id = "no-such-user";
  EXPECT_EQ(domain().CreateApiToken(orphan).code(), Code::kNotFound);
  EXPECT_EQ(domain().FindApiToken("hash-orphan").status().code(), Code::kNotFound);
}

TEST_P(DomainStoreTest, ApiTokensListOldestFirstWithRevokedOnes) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  const ApiToken first = AddToken(alice, "first");
  AddToken(bob, "bobs");
  const ApiToken second = AddToken(alice, "second");
  const ApiToken third = AddToken(alice, "third");
  ASSERT_TRUE(domain().RevokeApiToken(second.token_id, Now(), Scope::User(alice.user_id)).ok());

  const auto tokens = Must(domain().ListApiTokens(alice.user_id));
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].token_id, first.token_id);
  EXPECT_EQ(tokens[1].token_id, second.token_id);
  EXPECT_TRUE(tokens[1].revoked_at.has_value());
  EXPECT_EQ(tokens[2].token_id, third.token_id);
  EXPECT_TRUE(Must(domain().ListApiTokens("no-such-user")).empty());
}

TEST_P(DomainStoreTest, RevokeKeepsTheFirstTimeAndIsScoped) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  const ApiToken token = AddToken(alice, "ci");

  auto foreign = domain().RevokeApiToken(token.token_id, Now(), Scope::User(bob.user_id));
  EXPECT_EQ(foreign.status().code(), Code::kNotFound);
  EXPECT_FALSE(Must(domain().FindApiToken(token.secret_hash)).revoked_at.has_value());

  const TimePoint first_time = Now();
  const ApiToken revoked =
      Must(domain().RevokeApiToken(token.token_id, first_time, Scope::User(alice.user_id)));
  EXPECT_EQ(revoked.token_id, token.token_id);
  EXPECT_EQ(Rfc(revoked.revoked_at), Rfc(first_time));

  env_.Advance(1h);
  const ApiToken again =
      Must(domain().RevokeApiToken(token.token_id, Now(), Scope::User(alice.user_id)));
  EXPECT_EQ(Rfc(again.revoked_at), Rfc(first_time));
  const ApiToken by_admin = Must(domain().RevokeApiToken(token.token_id, Now(), Scope::Admin()));
  EXPECT_EQ(Rfc(by_admin.revoked_at), Rfc(first_time));
  EXPECT_EQ(Rfc(Must(domain().FindApiToken(token.secret_hash)).revoked_at), Rfc(first_time));

  const ApiToken bobs = AddToken(bob, "bobs");
  EXPECT_TRUE(domain().RevokeApiToken(bobs.token_id, Now(), Scope::Admin()).ok())
      << "the admin revokes anyone's token";
  EXPECT_EQ(domain().RevokeApiToken("no-such-token", Now(), Scope::Admin()).status().code(),
            Code::kNotFound);
}

TEST_P(DomainStoreTest, TouchApiTokenRecordsLastUse) {
  const User alice = AddUser("alice");
  const ApiToken token = AddToken(alice, "ci");
  env_.Advance(5min);
  ASSERT_TRUE(domain().TouchApiToken(token.token_id, Now()).ok());
  EXPECT_EQ(Rfc(Must(domain().FindApiToken(token.secret_hash)).last_used_at), Rfc(Now()));
  EXPECT_EQ(domain().TouchApiToken("no-such-token", Now()).code(), Code::kNotFound);
}

// ---------------------------------------------------------------------------------------
// Projects

TEST_P(DomainStoreTest, ProjectReadsBackFieldByField) {
  const User alice = AddUser("alice");
  Project project;
  project.project_id = NewId();
  project.user_id = alice.user_id;
  project.name = "Main site";
  project.description = "Everything under example.org — ünïcode too";
  project.created_at = Now() + 3us;
  project.updated_at = Now() + 4us;
  ASSERT_TRUE(domain().CreateProject(project).ok());

  for (const Scope& scope : {Scope::User(alice.user_id), Scope::Admin()}) {
    const Project row = Must(domain().GetProject(project.project_id, scope));
    EXPECT_EQ(row.project_id, project.project_id);
    EXPECT_EQ(row.user_id, alice.user_id);
    EXPECT_EQ(row.name, "Main site");
    EXPECT_EQ(row.description, project.description);
    EXPECT_EQ(Rfc(row.created_at), Rfc(project.created_at));
    EXPECT_EQ(Rfc(row.updated_at), Rfc(project.updated_at));
  }
  EXPECT_EQ(domain().GetProject("no-such-project", Scope::Admin()).status().code(),
            Code::kNotFound);
}

TEST_P(DomainStoreTest, ProjectNameIsUniquePerOwner) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  const Project original = AddProject(alice, "Main");
  Project clash = original;
  clash.project_id = NewId();
  clash.description = "second";
  EXPECT_EQ(domain().CreateProject(clash).code(), Code::kAlreadyExists);
  EXPECT_EQ(Must(domain().GetProject(original.project_id, Scope::Admin())).description,
            original.description);

  AddProject(bob, "Main");  // Another owner may use the name.
  Project same_id = original;
  same_id.name = "Other";
  EXPECT_EQ(domain().CreateProject(same_id).code(), Code::kAlreadyExists);
}

TEST_P(DomainStoreTest, UpdateProjectWritesNameDescriptionAndTime) {
  const User alice = AddUser("alice");
  const Project project = AddProject(alice, "Main");
  AddProject(alice, "Taken");
  env_.Advance(1h);
  Project changed = project;
  changed.name = "Renamed";
  changed.description = "new words";
  changed.updated_at = Now();
  changed.created_at = Now();  // Not written.
  ASSERT_TRUE(domain().UpdateProject(changed, Scope::User(alice.user_id)).ok());
  const Project row = Must(domain().GetProject(project.project_id, Scope::Admin()));
  EXPECT_EQ(row.name, "Renamed");
  EXPECT_EQ(row.description, "new words");
  EXPECT_EQ(Rfc(row.updated_at), Rfc(Now()));
  EXPECT_EQ(Rfc(row.created_at), Rfc(project.created_at));

  changed.name = "Taken";
  EXPECT_EQ(domain().UpdateProject(changed, Scope::Admin()).code(), Code::kAlreadyExists);
  changed.project_id = "no-such-project";
  changed.name = "Fresh";
  EXPECT_EQ(domain().UpdateProject(changed, Scope::Admin()).code(), Code::kNotFound);
}

TEST_P(DomainStoreTest, ProjectWcagLevelDefaultsToAAAndIsWrittenByUpdate) {
  const User alice = AddUser("alice");
  const Project project = AddProject(alice, "Main");  // Leaves the level at its default.
  Project strict = project;
  strict.project_id = NewId();
  strict.name = "Strict";
  strict.wcag_level = "A";
  ASSERT_TRUE(domain().CreateProject(strict).ok());
  EXPECT_EQ(Must(domain().GetProject(project.project_id, Scope::Admin())).wcag_level, "AA");
  EXPECT_EQ(Must(domain().GetProject(strict.project_id, Scope::Admin())).wcag_level, "A");

  Project changed = project;
  changed.wcag_level = "AAA";
  ASSERT_TRUE(domain().UpdateProject(changed, Scope::User(alice.user_id)).ok());
  EXPECT_EQ(Must(domain().GetProject(project.project_id, Scope::User(alice.user_id))).wcag_level,
            "AAA");
  std::vector<std::string> levels;
  for (const Project& p : Must(domain().ListProjects({}, Scope::User(alice.user_id))).items) {
    levels.push_back(p.wcag_level);
  }
  EXPECT_EQ(levels, (std::vector<std::string>{"AAA", "A"}));

  // Only the three levels: the same answer from every backend, and nothing written.
  changed.wcag_level = "AAAA";
  EXPECT_EQ(domain().UpdateProject(changed, Scope::Admin()).code(), Code::kInvalidArgument);
  Project invalid = project;
  invalid.project_id = NewId();
  invalid.name = "Invalid";
  invalid.wcag_level = "";
  EXPECT_EQ(domain().CreateProject(invalid).code(), Code::kInvalidArgument);
  EXPECT_EQ(Must(domain().GetProject(project.project_id, Scope::Admin())).wcag_level, "AAA");
  EXPECT_EQ(domain().GetProject(invalid.project_id, Scope::Admin()).status().code(),
            Code::kNotFound);
}

TEST_P(DomainStoreTest, AnotherUsersProjectIsNotFound) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  const Project project = AddProject(alice, "Main");
  const Scope as_bob = Scope::User(bob.user_id);

  auto foreign = domain().GetProject(project.project_id, as_bob);
  EXPECT_EQ(foreign.status().code(), Code::kNotFound);
  Project hijack = project;
  hijack.name = "Mine now";
  EXPECT_EQ(domain().UpdateProject(hijack, as_bob).code(), Code::kNotFound);
  EXPECT_EQ(domain().DeleteProject(project.project_id, as_bob).code(), Code::kNotFound);
  PageRequest all;
  EXPECT_TRUE(Must(domain().ListProjects(all, as_bob)).items.empty());

  const Project row = Must(domain().GetProject(project.project_id, Scope::User(alice.user_id)));
  EXPECT_EQ(row.name, "Main") << "bob's update must not land";
  EXPECT_EQ(Must(domain().ListProjects(all, Scope::Admin())).items.size(), 1u);

  // The same answer as for a project that does not exist: existence does not leak.
  ASSERT_TRUE(domain().DeleteProject(project.project_id, Scope::Admin()).ok());
  auto missing = domain().GetProject(project.project_id, Scope::User(alice.user_id));
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(missing.status().message(), foreign.status().message());
}

TEST_P(DomainStoreTest, ListProjectsPagesWithACursorWithinScope) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  std::vector<std::string> alices, everyone;
  for (int i = 0; i < 7; ++i) {
    const Project a = AddProject(alice, "alice-" + std::to_string(i));
    alices.push_back(a.project_id);
    everyone.push_back(a.project_id);
    if (i % 2 == 0) everyone.push_back(AddProject(bob, "bob-" + std::to_string(i)).project_id);
  }

  std::vector<size_t> sizes;
  auto ids = WalkAll<Project>(
      [&](const PageRequest& p) { return domain().ListProjects(p, Scope::User(alice.user_id)); }, 3,
      &Project::project_id, &sizes);
  EXPECT_EQ(ids, alices) << "no duplicates, no gaps, oldest first, only alice's";
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 1}));

  sizes.clear();
  ids = WalkAll<Project>(
      [&](const PageRequest& p) { return domain().ListProjects(p, Scope::Admin()); }, 11,
      &Project::project_id, &sizes);
  EXPECT_EQ(ids, everyone);
  EXPECT_EQ(sizes, (std::vector<size_t>{11})) << "an exactly full last page has no cursor";
}

TEST_P(DomainStoreTest, ListLimitMustBeOneToAThousand) {
  const User alice = AddUser("alice");
  const Project project = AddProject(alice, "Main");
  const Website website = AddWebsite(project, "site");
  for (int limit : {0, -1, 1001}) {
    PageRequest page;
    page.limit = limit;
    EXPECT_EQ(domain().ListUsers(page).status().code(), Code::kInvalidArgument) << limit;
    EXPECT_EQ(domain().ListProjects(page, Scope::Admin()).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(domain().ListWebsites(project.project_id, page, Scope::Admin()).status().code(),
              Code::kInvalidArgument);
    PageFilter filter;
    filter.website_id = website.website_id;
    filter.page = page;
    EXPECT_EQ(domain().ListPages(filter, Scope::Admin()).status().code(), Code::kInvalidArgument);
  }
  PageRequest page;
  page.limit = 1000;
  EXPECT_TRUE(domain().ListProjects(page, Scope::Admin()).ok());
}

// ---------------------------------------------------------------------------------------
// Websites

TEST_P(DomainStoreTest, WebsiteReadsBackWithJsonSettings) {
  const User alice = AddUser("alice");
  const Project project = AddProject(alice, "Main");
  Website website;
  website.website_id = NewId();
  website.project_id = project.project_id;
  website.user_id = alice.user_id;
  website.name = "Docs";
  website.start_url = "https://docs.example.org/start?x=1";
  website.settings =
      Json{{"max_pages", 500},      {"max_depth", 3}, {"include", {"/docs/", "/api/"}},
           {"follow_robots", true}, {"rate", 1.5},    {"headers", {{"X-Test", "yes"}}},
           {"note", nullptr}};
  website.created_at = Now() + 5us;
  website.updated_at = Now() + 6us;
  ASSERT_TRUE(domain().CreateWebsite(website).ok());

  const Website row = Must(domain().GetWebsite(website.website_id, Scope::User(alice.user_id)));
  EXPECT_EQ(row.website_id, website.website_id);
  EXPECT_EQ(row.project_id, project.project_id);
  EXPECT_EQ(row.user_id, alice.user_id);
  EXPECT_EQ(row.name, "Docs");
  EXPECT_EQ(row.start_url, website.start_url);
  EXPECT_EQ(row.settings, website.settings);
  EXPECT_EQ(Rfc(row.created_at), Rfc(website.created_at));
  EXPECT_EQ(Rfc(row.updated_at), Rfc(website.updated_at));

  Website empty_settings = website;
  empty_settings.website_id = NewId();
  empty_settings.name = "Bare";
  empty_settings.settings = Json::object();
  ASSERT_TRUE(domain().CreateWebsite(empty_settings).ok());
  EXPECT_EQ(Must(domain().GetWebsite(empty_settings.website_id, Scope::Admin())).settings,
            Json::object());
}

TEST_P(DomainStoreTest, WebsiteNeedsTheOwnersProjectAndAUniqueName) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  const Project project = AddProject(alice, "Main");
  const Project other = AddProject(alice, "Other");
  const Website site = AddWebsite(project, "site");

  Website clash = site;
  clash.website_id = NewId();
  EXPECT_EQ(domain().CreateWebsite(clash).code(), Code::kAlreadyExists);
  clash.project_id = other.project_id;
  EXPECT_TRUE(domain().CreateWebsite(clash).ok()) << "the name is unique per project only";

  Website intruder = site;
  intruder.website_id = NewId();
  intruder.name = "intruder";
  intruder.user_id = bob.user_id;  // Bob's website in alice's project.
  EXPECT_EQ(domain().CreateWebsite(intruder).code(), Code::kNotFound);
  intruder.user_id = alice.user_id;
  intruder.project_id = "no-such-project";
  EXPECT_EQ(domain().CreateWebsite(intruder).code(), Code::kNotFound);
  EXPECT_EQ(domain().GetWebsite(intruder.website_id, Scope::Admin()).status().code(),
            Code::kNotFound);
}

TEST_P(DomainStoreTest, UpdateWebsiteWritesNameUrlSettingsAndTime) {
  const User alice = AddUser("alice");
  const Project project = AddProject(alice, "Main");
  const Website site = AddWebsite(project, "site");
  AddWebsite(project, "taken");
  env_.Advance(1h);
  Website changed = site;
  changed.name = "renamed";
  changed.start_url = "https://new.example/";
  changed.settings = Json{{"max_pages", 10}, {"exclude", {"/private/"}}};
  changed.updated_at = Now();
  changed.created_at = Now();  // Not written.
  ASSERT_TRUE(domain().UpdateWebsite(changed, Scope::User(alice.user_id)).ok());
  const Website row = Must(domain().GetWebsite(site.website_id, Scope::Admin()));
  EXPECT_EQ(row.name, "renamed");
  EXPECT_EQ(row.start_url, "https://new.example/");
  EXPECT_EQ(row.settings, changed.settings);
  EXPECT_EQ(Rfc(row.updated_at), Rfc(Now()));
  EXPECT_EQ(Rfc(row.created_at), Rfc(site.created_at));

  changed.name = "taken";
  EXPECT_EQ(domain().UpdateWebsite(changed, Scope::Admin()).code(), Code::kAlreadyExists);
  changed.website_id = "no-such-website";
  changed.name = "fresh";
  EXPECT_EQ(domain().UpdateWebsite(changed, Scope::Admin()).code(), Code::kNotFound);
}

TEST_P(DomainStoreTest, AnotherUsersWebsiteIsNotFound) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  const Project project = AddProject(alice, "Main");
  const Website site = AddWebsite(project, "site");
  const Scope as_bob = Scope::User(bob.user_id);

  EXPECT_EQ(domain().GetWebsite(site.website_id, as_bob).status().code(), Code::kNotFound);
  Website hijack = site;
  hijack.start_url = "https://evil.example/";
  EXPECT_EQ(domain().UpdateWebsite(hijack, as_bob).code(), Code::kNotFound);
  EXPECT_EQ(domain().DeleteWebsite(site.website_id, as_bob).code(), Code::kNotFound);
  EXPECT_EQ(domain().ListWebsites(project.project_id, {}, as_bob).status().code(), Code::kNotFound);

  EXPECT_EQ(Must(domain().GetWebsite(site.website_id, Scope::Admin())).start_url, site.start_url);
  EXPECT_EQ(Must(domain().ListWebsites(project.project_id, {}, Scope::Admin())).items.size(), 1u);
  EXPECT_EQ(
      Must(domain().ListWebsites(project.project_id, {}, Scope::User(alice.user_id))).items.size(),
      1u);
}

TEST_P(DomainStoreTest, ListWebsitesPagesAndTellsAnEmptyProjectFromAMissingOne) {
  const User alice = AddUser("alice");
  const Project project = AddProject(alice, "Main");
  const Project other = AddProject(alice, "Other");
  const Project empty = AddProject(alice, "Empty");
  std::vector<std::string> created;
  for (int i = 0; i < 6; ++i) {
    created.push_back(AddWebsite(project, "site-" + std::to_string(i)).website_id);
    AddWebsite(other, "elsewhere-" + std::to_string(i));
  }

  std::vector<size_t> sizes;
  const auto ids = WalkAll<Website>(
      [&](const PageRequest& p) {
        return domain().ListWebsites(project.project_id, p, Scope::User(alice.user_id));
      },
      3, &Website::website_id, &sizes);
  EXPECT_EQ(ids, created);
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3}));

  const auto none = Must(domain().ListWebsites(empty.project_id, {}, Scope::User(alice.user_id)));
  EXPECT_TRUE(none.items.empty());
  EXPECT_FALSE(none.next_cursor.has_value());
  EXPECT_EQ(domain().ListWebsites("no-such-project", {}, Scope::Admin()).status().code(),
            Code::kNotFound);
}

// ---------------------------------------------------------------------------------------
// Pages

TEST_P(DomainStoreTest, PageReadsBackWithOptionalsSet) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(AddProject(alice, "Main"), "site");
  Page page = MakePage(site, "https://site.example/a?b=c#d");
  page.source = "discovery";
  page.final_url = "https://site.example/a/";
  page.status_code = 301;
  page.content_type = "text/html; charset=utf-8";
  page.title = "A page — with a dash";
  page.depth = 4;
  page.referrer = "https://site.example/";
  page.content_hash = "sha256:abc";
  page.size_bytes = int64_t{5'000'000'000};
  page.missing = true;
  page.first_seen_at = Now() + 9us;
  page.last_seen_at = Now() + 1h;
  ASSERT_TRUE(domain().AddPage(page).ok());

  const Page row = Must(domain().GetPage(page.page_id, Scope::User(alice.user_id)));
  EXPECT_EQ(row.page_id, page.page_id);
  EXPECT_EQ(row.website_id, site.website_id);
  EXPECT_EQ(row.project_id, site.project_id);
  EXPECT_EQ(row.user_id, alice.user_id);
  EXPECT_EQ(row.url, page.url);
  EXPECT_EQ(row.source, "discovery");
  EXPECT_EQ(row.final_url, page.final_url);
  EXPECT_EQ(row.status_code, 301);
  EXPECT_EQ(row.content_type, page.content_type);
  EXPECT_EQ(row.title, page.title);
  EXPECT_EQ(row.depth, 4);
  EXPECT_EQ(row.referrer, page.referrer);
  EXPECT_EQ(row.content_hash, page.content_hash);
  EXPECT_EQ(row.size_bytes, int64_t{5'000'000'000});
  EXPECT_TRUE(row.missing);
  EXPECT_EQ(Rfc(row.first_seen_at), Rfc(page.first_seen_at));
  EXPECT_EQ(Rfc(row.last_seen_at), Rfc(page.last_seen_at));
}

TEST_P(DomainStoreTest, PageReadsBackWithOptionalsUnset) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(AddProject(alice, "Main"), "site");
  const Page page = AddPage(site, "https://site.example/");
  const Page row = Must(domain().GetPage(page.page_id, Scope::Admin()));
  EXPECT_EQ(row.source, "manual");
  EXPECT_FALSE(row.final_url.has_value());
  EXPECT_FALSE(row.status_code.has_value());
  EXPECT_FALSE(row.content_type.has_value());
  EXPECT_FALSE(row.title.has_value());
  EXPECT_FALSE(row.referrer.has_value());
  EXPECT_FALSE(row.content_hash.has_value());
  EXPECT_FALSE(row.size_bytes.has_value());
  EXPECT_EQ(row.depth, 0);
  EXPECT_FALSE(row.missing);
  EXPECT_EQ(domain().GetPage("no-such-page", Scope::Admin()).status().code(), Code::kNotFound);
}

TEST_P(DomainStoreTest, PageNeedsTheOwnersWebsiteAndAUniqueUrl) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  const Project project = AddProject(alice, "Main");
  const Website site = AddWebsite(project, "site");
  const Website other = AddWebsite(project, "other");
  const Page page = AddPage(site, "https://site.example/");

  Page clash = MakePage(site, page.url);
  EXPECT_EQ(domain().AddPage(clash).code(), Code::kAlreadyExists);
  clash = MakePage(other, page.url);
  EXPECT_TRUE(domain().AddPage(clash).ok()) << "the url is unique per website only";

  Page intruder = MakePage(site, "https://site.example/bob");
  intruder.user_id = bob.user_id;
  EXPECT_EQ(domain().AddPage(intruder).code(), Code::kNotFound);
  Page orphan = MakePage(site, "https://site.example/orphan");
  orphan.website_id = "no-such-website";
  EXPECT_EQ(domain().AddPage(orphan).code(), Code::kNotFound);

  // The stored project is the website's, whatever the caller put in the row.
  Page mislabelled = MakePage(site, "https://site.example/x");
  mislabelled.project_id = "wrong-project";
  ASSERT_TRUE(domain().AddPage(mislabelled).ok());
  EXPECT_EQ(Must(domain().GetPage(mislabelled.page_id, Scope::Admin())).project_id,
            project.project_id);
}

TEST_P(DomainStoreTest, AnotherUsersPageIsNotFound) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  const Website site = AddWebsite(AddProject(alice, "Main"), "site");
  const Page page = AddPage(site, "https://site.example/");
  const Scope as_bob = Scope::User(bob.user_id);

  EXPECT_EQ(domain().GetPage(page.page_id, as_bob).status().code(), Code::kNotFound);
  PageFilter filter;
  filter.website_id = site.website_id;
  EXPECT_EQ(domain().ListPages(filter, as_bob).status().code(), Code::kNotFound);

  EXPECT_EQ(Must(domain().GetPage(page.page_id, Scope::Admin())).url, page.url);
  EXPECT_EQ(PageUrls(filter, Scope::Admin()), std::vector<std::string>{page.url});
  EXPECT_EQ(PageUrls(filter, Scope::User(alice.user_id)), std::vector<std::string>{page.url});
}

TEST_P(DomainStoreTest, ListPagesFiltersByStatusMissingAndUrl) {
  const User alice = AddUser("alice");
  const Project project = AddProject(alice, "Main");
  const Website site = AddWebsite(project, "site");
  const Website other = AddWebsite(project, "other");
  AddPage(site, "https://site.example/", 200);
  AddPage(site, "https://site.example/gone", 404, /*missing=*/true);
  AddPage(site, "https://site.example/docs/old", 404);
  AddPage(site, "https://site.example/docs/new", 200, /*missing=*/true);
  AddPage(site, "https://site.example/pending");
  AddPage(other, "https://site.example/docs/elsewhere", 404);
  const Scope scope = Scope::User(alice.user_id);

  PageFilter filter;
  filter.website_id = site.website_id;
  EXPECT_EQ(PageUrls(filter, scope).size(), 5u) << "only this website's pages";

  filter.status_code = 404;
  EXPECT_EQ(PageUrls(filter, scope), (std::vector<std::string>{"https://site.example/gone",
                                                               "https://site.example/docs/old"}));
  filter.missing = false;
  EXPECT_EQ(PageUrls(filter, scope), std::vector<std::string>{"https://site.example/docs/old"});

  filter = {};
  filter.website_id = site.website_id;
  filter.missing = true;
  EXPECT_EQ(PageUrls(filter, scope), (std::vector<std::string>{"https://site.example/gone",
                                                               "https://site.example/docs/new"}));

  filter = {};
  filter.website_id = site.website_id;
  filter.url_contains = "/docs/";
  EXPECT_EQ(PageUrls(filter, scope), (std::vector<std::string>{"https://site.example/docs/old",
                                                               "https://site.example/docs/new"}));
  filter.url_contains = "/DOCS/";
  EXPECT_TRUE(PageUrls(filter, scope).empty()) << "the substring match is case-sensitive";

  filter.url_contains = "/docs/";
  filter.status_code = 200;
  filter.missing = true;
  EXPECT_EQ(PageUrls(filter, scope), std::vector<std::string>{"https://site.example/docs/new"});
  filter.status_code = 500;
  const auto none = Must(domain().ListPages(filter, scope));
  EXPECT_TRUE(none.items.empty()) << "no match in an existing website is an empty list";
  EXPECT_FALSE(none.next_cursor.has_value());

  filter.website_id = "no-such-website";
  EXPECT_EQ(domain().ListPages(filter, Scope::Admin()).status().code(), Code::kNotFound);
}

TEST_P(DomainStoreTest, UrlFilterTreatsPercentAndUnderscoreLiterally) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(AddProject(alice, "Main"), "site");
  AddPage(site, "https://site.example/100%25/a%b");
  AddPage(site, "https://site.example/axb");
  AddPage(site, "https://site.example/snake_case");
  AddPage(site, "https://site.example/snakeXcase");
  AddPage(site, "https://site.example/back\\slash");
  PageFilter filter;
  filter.website_id = site.website_id;

  filter.url_contains = "a%b";
  EXPECT_EQ(PageUrls(filter, Scope::Admin()),
            std::vector<std::string>{"https://site.example/100%25/a%b"});
  filter.url_contains = "%";
  EXPECT_EQ(PageUrls(filter, Scope::Admin()),
            std::vector<std::string>{"https://site.example/100%25/a%b"});
  filter.url_contains = "snake_case";
  EXPECT_EQ(PageUrls(filter, Scope::Admin()),
            std::vector<std::string>{"https://site.example/snake_case"});
  filter.url_contains = "_";
  EXPECT_EQ(PageUrls(filter, Scope::Admin()),
            std::vector<std::string>{"https://site.example/snake_case"});
  filter.url_contains = "\\s";
  EXPECT_EQ(PageUrls(filter, Scope::Admin()),
            std::vector<std::string>{"https://site.example/back\\slash"});
}

TEST_P(DomainStoreTest, ListPagesPagesThroughAFilterWithACursor) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(AddProject(alice, "Main"), "site");
  std::vector<std::string> broken;
  for (int i = 0; i < 11; ++i) {
    const bool is_broken = i % 2 == 1;
    const Page page =
        AddPage(site, "https://site.example/" + std::to_string(i), is_broken ? 404 : 200);
    if (is_broken) broken.push_back(page.page_id);
  }
  std::vector<size_t> sizes;
  const auto ids = WalkAll<Page>(
      [&](const PageRequest& p) {
        PageFilter filter;
        filter.website_id = site.website_id;
        filter.status_code = 404;
        filter.page = p;
        return domain().ListPages(filter, Scope::User(alice.user_id));
      },
      2, &Page::page_id, &sizes);
  EXPECT_EQ(ids, broken);
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 1}));
}

// ---------------------------------------------------------------------------------------
// Cascades

TEST_P(DomainStoreTest, DeleteProjectTakesItsWebsitesAndPages) {
  const User alice = AddUser("alice");
  const Project doomed = AddProject(alice, "Doomed");
  const Project kept = AddProject(alice, "Kept");
  const Website w1 = AddWebsite(doomed, "one");
  const Website w2 = AddWebsite(doomed, "two");
  const Page p1 = AddPage(w1, "https://one.example/");
  const Page p2 = AddPage(w2, "https://two.example/");
  const Website w3 = AddWebsite(kept, "three");
  const Page p3 = AddPage(w3, "https://three.example/");

  ASSERT_TRUE(domain().DeleteProject(doomed.project_id, Scope::User(alice.user_id)).ok());
  EXPECT_EQ(domain().GetProject(doomed.project_id, Scope::Admin()).status().code(),
            Code::kNotFound);
  for (const Website& w : {w1, w2}) {
    EXPECT_EQ(domain().GetWebsite(w.website_id, Scope::Admin()).status().code(), Code::kNotFound);
  }
  for (const Page& p : {p1, p2}) {
    EXPECT_EQ(domain().GetPage(p.page_id, Scope::Admin()).status().code(), Code::kNotFound);
  }
  EXPECT_TRUE(domain().GetWebsite(w3.website_id, Scope::Admin()).ok());
  EXPECT_TRUE(domain().GetPage(p3.page_id, Scope::Admin()).ok());
  EXPECT_EQ(domain().DeleteProject(doomed.project_id, Scope::Admin()).code(), Code::kNotFound);
}

TEST_P(DomainStoreTest, DeleteWebsiteTakesItsPages) {
  const User alice = AddUser("alice");
  const Project project = AddProject(alice, "Main");
  const Website doomed = AddWebsite(project, "doomed");
  const Website kept = AddWebsite(project, "kept");
  const Page gone = AddPage(doomed, "https://site.example/");
  const Page stays = AddPage(kept, "https://site.example/");

  ASSERT_TRUE(domain().DeleteWebsite(doomed.website_id, Scope::Admin()).ok());
  EXPECT_EQ(domain().GetPage(gone.page_id, Scope::Admin()).status().code(), Code::kNotFound);
  EXPECT_TRUE(domain().GetPage(stays.page_id, Scope::Admin()).ok());
  EXPECT_TRUE(domain().GetProject(project.project_id, Scope::Admin()).ok());
  PageFilter filter;
  filter.website_id = doomed.website_id;
  EXPECT_EQ(domain().ListPages(filter, Scope::Admin()).status().code(), Code::kNotFound);
  EXPECT_EQ(domain().DeleteWebsite(doomed.website_id, Scope::Admin()).code(), Code::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, DomainStoreTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

// ---------------------------------------------------------------------------------------
// The JSON forms (no database)

TEST(DomainJsonTest, UserAndTokenNeverShowTheirHashes) {
  User user;
  user.user_id = "u1";
  user.username = "alice";
  user.password_hash = "$argon2id$secret-material";
  user.role = Role::kAdmin;
  const Json user_json = user.ToJson();
  EXPECT_FALSE(user_json.contains("password_hash"));
  EXPECT_EQ(user_json.dump().find("secret-material"), std::string::npos);
  EXPECT_EQ(user_json["role"], "admin");
  EXPECT_EQ(user_json["created_at"], FormatRfc3339(user.created_at));

  ApiToken token;
  token.token_id = "t1";
  token.secret_hash = "deadbeefcafe";
  token.prefix = "a11y_de";
  token.created_at = TestEpoch();
  token.revoked_at = TestEpoch() + std::chrono::seconds(5);
  const Json token_json = token.ToJson();
  EXPECT_FALSE(token_json.contains("secret_hash"));
  EXPECT_EQ(token_json.dump().find("deadbeefcafe"), std::string::npos);
  EXPECT_EQ(token_json["prefix"], "a11y_de");
  EXPECT_TRUE(token_json["expires_at"].is_null());
  EXPECT_TRUE(token_json["last_used_at"].is_null());
  EXPECT_EQ(token_json["revoked_at"], FormatRfc3339(*token.revoked_at));
}

TEST(DomainJsonTest, PageOptionalsAreNullOrTheirValue) {
  Page page;
  page.page_id = "p1";
  page.first_seen_at = TestEpoch();
  Json json = page.ToJson();
  for (const char* key : {"final_url", "status_code", "content_type", "title", "referrer",
                          "content_hash", "size_bytes"}) {
    EXPECT_TRUE(json.contains(key)) << key;
    EXPECT_TRUE(json[key].is_null()) << key;
  }
  EXPECT_EQ(json["first_seen_at"], FormatRfc3339(TestEpoch()));
  page.status_code = 404;
  page.size_bytes = 12;
  json = page.ToJson();
  EXPECT_EQ(json["status_code"], 404);
  EXPECT_EQ(json["size_bytes"], 12);

  Website website;
  website.settings = Json{{"max_pages", 3}};
  EXPECT_EQ(website.ToJson()["settings"]["max_pages"], 3);
}

TEST(DomainJsonTest, RoleNamesRoundTrip) {
  EXPECT_STREQ(RoleName(Role::kUser), "user");
  EXPECT_STREQ(RoleName(Role::kAdmin), "admin");
  EXPECT_EQ(ParseRole("admin"), Role::kAdmin);
  EXPECT_EQ(ParseRole("user"), Role::kUser);
  EXPECT_FALSE(ParseRole("Admin").has_value());
  EXPECT_FALSE(ParseRole("").has_value());
}

}  // namespace
}  // namespace a11y::testing
