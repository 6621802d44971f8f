// Fresh, migrated databases for tests, one per test, on every backend the suite covers.
// SQLite always runs (a file in a temporary folder). PostgreSQL runs when
// A11Y_TEST_POSTGRES_URL names a server where the test may create databases; without it
// those tests skip with a message — except under CI (CI=true), where they fail.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/env.h"
#include "store/job.h"
#include "store/job_store.h"

namespace a11y::testing {

class TestDatabase {
 public:
  ~TestDatabase();
  const std::string& url() const { return url_; }
  const std::string& backend() const { return backend_; }
  // A new store on the same database (as another process would open it).
  std::unique_ptr<JobStore> OpenStore(Env* env) const;

  // Creates the database and migrates it. Returns null and sets *skip_reason when the
  // backend is not available here.
  static std::unique_ptr<TestDatabase> Create(const std::string& backend,
                                              std::string* skip_reason);

 private:
  std::string backend_;
  std::string url_;
  std::string cleanup_;  // SQLite: folder to remove; PostgreSQL: database to drop.
  std::string admin_url_;
};

// "sqlite", and "postgresql" (which may skip).
std::vector<std::string> AllBackends();

// Runs one statement on its own connection to a PostgreSQL server (as an administrator
// would); returns "" or the error text. With `first_row`, the first row's values (as text)
// go there.
std::string PgExec(const std::string& url, const std::string& sql,
                   std::vector<std::string>* first_row = nullptr);

// A fixed starting instant for ManualEnv, so tests can move time freely.
TimePoint TestEpoch();

// Names parameterised tests by backend: ".../sqlite", ".../postgresql".
inline std::string BackendName(const ::testing::TestParamInfo<std::string>& param) {
  return param.param;
}

// RFC 3339 text, or "null": readable in failure messages, unlike raw time points.
inline std::string Rfc(std::optional<TimePoint> t) { return t ? FormatRfc3339(*t) : "null"; }

// Every stored field of a job, for "this row did not change" assertions.
inline Json Snapshot(const Job& job) {
  Json snapshot = job.ToJson();
  snapshot["checkpoint"] = job.checkpoint ? *job.checkpoint : Json(nullptr);
  return snapshot;
}

// Parameterised by backend: a fresh, migrated database per test and a store on it, opened
// with a ManualEnv so tests move time instead of sleeping.
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  TimePoint Now() const { return env_.Now(); }

  ManualEnv env_{TestEpoch()};
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<JobStore> store_;
};

}  // namespace a11y::testing

// Inside a test or SetUp: creates `var` for `backend`, or skips (fails under CI).
#define A11Y_REQUIRE_DATABASE(var, backend)                                         \
  std::string var##_skip;                                                             \
  auto var = ::a11y::testing::TestDatabase::Create(backend, &var##_skip);             \
  if (!var) {                                                                         \
    if (std::getenv("CI") && std::string(std::getenv("CI")) == "true")               \
      FAIL() << var##_skip;                                                          \
    GTEST_SKIP() << var##_skip;                                                      \
  }
