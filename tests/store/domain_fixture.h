// The fixture the DomainStore and DiscoveryStore conformance suites share: the job store's
// fresh database per backend (job_store_fixture.h) and helpers that create the users,
// projects, websites and pages their tests start from.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "core/ids.h"
#include "store/domain.h"
#include "store/domain_store.h"
#include "tests/store/job_store_fixture.h"

#define EXPECT_OK(expr)                                                                 \
  do {                                                                                  \
    const ::a11y::Status expect_ok_status = (expr);                                     \
    EXPECT_TRUE(expect_ok_status.ok()) << #expr << ": " << expect_ok_status.ToString(); \
  } while (0)

namespace a11y::testing {

// The value of a result that must be there; a default value (and a failure) otherwise.
template <typename T>
T Must(Result<T> result) {
  if (!result.ok()) {
    ADD_FAILURE() << result.status().ToString();
    return T{};
  }
  return std::move(result).value();
}

class DomainStoreFixture : public JobStoreTest {
 protected:
  DomainStore& domain() { return store_->domain(); }

  // Ids sort by creation; the clock moves a little per object so times differ too.
  std::string NewId() {
    env_.Advance(1ms);
    return NewSortableId(Now());
  }

  User AddUser(const std::string& username, Role role = Role::kUser) {
    User user;
    user.user_id = NewId();
    user.username = username;
    user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$" + username;
    user.role = role;
    user.created_at = user.updated_at = Now();
    EXPECT_OK(domain().CreateUser(user));
    return user;
  }

  Project AddProject(const User& owner, const std::string& name) {
    Project project;
    project.project_id = NewId();
    project.user_id = owner.user_id;
    project.name = name;
    project.description = "about " + name;
    project.created_at = project.updated_at = Now();
    EXPECT_OK(domain().CreateProject(project));
    return project;
  }

  Website AddWebsite(const Project& project, const std::string& name) {
    Website website;
    website.website_id = NewId();
    website.project_id = project.project_id;
    website.user_id = project.user_id;
    website.name = name;
    website.start_url = "https://" + name + ".example/";
    website.settings = Json{{"max_pages", 50}};
    website.created_at = website.updated_at = Now();
    EXPECT_OK(domain().CreateWebsite(website));
    return website;
  }

  // A manual page of `website`, seen now, not yet stored.
  Page MakePage(const Website& website, const std::string& url) {
    Page page;
    page.page_id = NewId();
    page.website_id = website.website_id;
    page.project_id = website.project_id;
    page.user_id = website.user_id;
    page.url = url;
    page.first_seen_at = page.last_seen_at = Now();
    return page;
  }

  Page AddPage(const Website& website, const std::string& url,
               std::optional<int> status_code = std::nullopt, bool missing = false) {
    Page page = MakePage(website, url);
    page.status_code = status_code;
    page.missing = missing;
    EXPECT_OK(domain().AddPage(page));
    return page;
  }
};

}  // namespace a11y::testing
