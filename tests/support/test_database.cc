#include "tests/support/test_database.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <filesystem>
#include <random>

namespace a11y::testing {
namespace {

std::string RandomSuffix() {
  std::random_device rd;
  std::mt19937_64 rng(rd() ^ (static_cast<uint64_t>(getpid()) << 32));
  const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 12; ++i) s += hex[rng() % 16];
  return s;
}


// Replaces the database name (the path after the last '/', before any '?').
std::string WithDatabase(const std::string& url, const std::string& name) {
  const auto query = url.find('?');
  const std::string base = url.substr(0, query);
  const std::string rest = query == std::string::npos ? "" : url.substr(query);
  const auto slash = base.rfind('/');
  if (slash == std::string::npos || slash < std::string("postgresql://").size()) {
    return base + "/" + name + rest;
  }
  return base.substr(0, slash + 1) + name + rest;
}

}  // namespace

std::string PgExec(const std::string& url, const std::string& sql,
                   std::vector<std::string>* first_row) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* res = PQexec(conn, sql.c_str());
    const ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      error = PQresultErrorMessage(res);
    } else if (first_row != nullptr && PQntuples(res) > 0) {
      for (int col = 0; col < PQnfields(res); ++col) first_row->push_back(PQgetvalue(res, 0, col));
    }
    PQclear(res);
  }
  PQfinish(conn);
  return error;
}

TimePoint TestEpoch() { return FromUnixMicros(int64_t{1'800'000'000} * 1'000'000); }

std::vector<std::string> AllBackends() { return {"sqlite", "postgresql"}; }

void BackendTest::SetUp() {
  A11Y_REQUIRE_DATABASE(db, GetParam());
  db_ = std::move(db);
  store_ = db_->OpenStore(&env_);
  ASSERT_NE(store_, nullptr) << "cannot open " << db_->url();
}

std::unique_ptr<TestDatabase> TestDatabase::Create(const std::string& backend,
                                                   std::string* skip_reason) {
  auto db = std::unique_ptr<TestDatabase>(new TestDatabase());
  db->backend_ = backend;
  if (backend == "sqlite") {
    const auto dir = std::filesystem::temp_directory_path() / ("a11y-test-" + RandomSuffix());
    std::filesystem::create_directories(dir);
    db->cleanup_ = dir.string();
    db->url_ = "sqlite:" + (dir / "jobs.db").string();
  } else {
    const char* admin = std::getenv("A11Y_TEST_POSTGRES_URL");
    if (!admin || !*admin) {
      *skip_reason =
          "PostgreSQL tests need A11Y_TEST_POSTGRES_URL (make test starts a server and sets it)";
      return nullptr;
    }
    const std::string name = "a11y_t_" + RandomSuffix();
    const std::string error = PgExec(admin, "CREATE DATABASE " + name);
    if (!error.empty()) {
      *skip_reason = "cannot create a PostgreSQL test database: " + error;
      return nullptr;
    }
    db->admin_url_ = admin;
    db->cleanup_ = name;
    db->url_ = WithDatabase(admin, name);
  }
  auto store = db->OpenStore(Env::Default());
  if (!store) {
    *skip_reason = "cannot open " + db->url_;
    return nullptr;
  }
  Status migrated = store->Migrate();
  if (!migrated.ok()) {
    *skip_reason = "cannot migrate " + db->url_ + ": " + migrated.ToString();
    return nullptr;
  }
  return db;
}

std::unique_ptr<JobStore> TestDatabase::OpenStore(Env* env) const {
  auto store = OpenJobStore(url_, env);
  return store.ok() ? std::move(store).value() : nullptr;
}

TestDatabase::~TestDatabase() {
  if (backend_ == "sqlite") {
    std::error_code ec;
    std::filesystem::remove_all(cleanup_, ec);
  } else if (!cleanup_.empty()) {
    PgExec(admin_url_, "DROP DATABASE IF EXISTS " + cleanup_ + " WITH (FORCE)");
  }
}

}  // namespace a11y::testing
