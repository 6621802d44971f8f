#include "store/sqlite/sqlite_db.h"

#include <atomic>
#include <chrono>
#include <thread>

namespace a11y::sqlite {

Statement::~Statement() {
  if (stmt_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, const std::string& value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::Step(Status* status) {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) *status = connection_->LastError("step");
  return false;
}

Status Statement::Run() {
  Status status;
  while (Step(&status)) {
  }
  sqlite3_reset(stmt_);  // Ready for the next binds when the statement is reused in a loop.
  return status;
}

bool Statement::IsNull(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
int64_t Statement::Int(int c) const { return sqlite3_column_int64(stmt_, c); }
double Statement::Double(int c) const { return sqlite3_column_double(stmt_, c); }
std::string Statement::Text(int c) const {
  const auto* text = sqlite3_column_text(stmt_, c);
  return text ? std::string(reinterpret_cast<const char*>(text),
                            static_cast<size_t>(sqlite3_column_bytes(stmt_, c)))
              : std::string();
}
std::optional<int64_t> Statement::OptInt(int c) const {
  return IsNull(c) ? std::nullopt : std::optional<int64_t>(Int(c));
}
std::optional<std::string> Statement::OptText(int c) const {
  return IsNull(c) ? std::nullopt : std::optional<std::string>(Text(c));
}

// Short sleeps first: write transactions here last well under a millisecond, and the
// default handler's long sleeps would cost throughput when processes share a file.
int Connection::OnBusy(void* connection, int attempt) {
  auto* self = static_cast<Connection*>(connection);
  const auto now = std::chrono::steady_clock::now();
  if (attempt == 0) {
    self->busy_since_ = now;
    if (self->busy_.contention) self->busy_.contention->fetch_add(1, std::memory_order_relaxed);
  }
  if (now - self->busy_since_ >= self->busy_.timeout) return 0;
  std::this_thread::sleep_for(std::chrono::microseconds(attempt < 10 ? 50 : attempt < 100 ? 500 : 2000));
  return 1;
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, BusyPolicy busy) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::IoError("cannot open database file '" + path + "': " + message);
  }
  std::unique_ptr<Connection> connection(new Connection(db, busy));
  sqlite3_busy_handler(db, &Connection::OnBusy, connection.get());
  Status st = connection->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
      "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824; PRAGMA wal_autocheckpoint=8192;");
  if (!st.ok()) {
    return Status::IoError("'" + path + "' is not a usable database: " + st.message());
  }
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Result<Statement> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Statement(this, it->second);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return LastError("prepare");
  }
  cache_.emplace(sql, stmt);
  return Statement(this, stmt);
}

Status Connection::Exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    Status st = LastError("exec");
    return st.code() == Status::Code::kInternal ? Status::Internal(message) : st;
  }
  return Status::Ok();
}

Status Connection::LastError(const std::string& context) const {
  const int code = sqlite3_extended_errcode(db_);
  const std::string message = context + ": " + sqlite3_errmsg(db_);
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable("database is locked by another process or connection (" +
                                 message + ")");
    case SQLITE_CONSTRAINT:
      if (code == SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLITE_CONSTRAINT_UNIQUE) {
        return Status::AlreadyExists(message);
      }
      return Status::InvalidArgument(message);
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FULL:
    case SQLITE_PERM:
      return Status::IoError(message);
    default:
      return Status::Internal(message);
  }
}

WriteTransaction::~WriteTransaction() {
  if (open_) connection_->Exec("ROLLBACK");
}

Status WriteTransaction::Begin() {
  A11Y_RETURN_IF_ERROR(connection_->Exec("BEGIN IMMEDIATE"));
  open_ = true;
  return Status::Ok();
}

Status WriteTransaction::Commit() {
  Status st = connection_->Exec("COMMIT");
  if (st.ok()) open_ = false;
  return st;
}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_size_; });
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(connection));
  }
  ++open_;
  lock.unlock();
  auto opened = Connection::Open(path_, busy_);
  if (!opened.ok()) {
    std::lock_guard<std::mutex> relock(mu_);
    --open_;
    cv_.notify_one();
    return opened.status();
  }
  return Lease(this, std::move(opened).value());
}

void ConnectionPool::Return(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(connection));
  }
  cv_.notify_one();
}

}  // namespace a11y::sqlite
