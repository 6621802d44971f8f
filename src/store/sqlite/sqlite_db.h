// A thin RAII layer over the SQLite C API: connections with a prepared-statement
// cache, statements with typed binds, and a pool so each thread writes on its own
// connection.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace a11y::sqlite {

class Connection;

// A prepared statement borrowed from a connection's cache; reset when it goes out of scope.
class Statement {
 public:
  Statement(Connection* connection, sqlite3_stmt* stmt) : connection_(connection), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept
      : connection_(other.connection_), stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds by 1-based index. nullopt binds NULL.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, const std::string& value);
  Statement& Bind(int index, const char* value) { return Bind(index, std::string(value)); }
  Statement& BindNull(int index);
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // Advances to the next row: true with a row, false when done; errors land in *status.
  bool Step(Status* status);
  // Runs to completion, ignoring rows, then resets so it can be bound and run again.
  Status Run();

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;
  std::optional<int64_t> OptInt(int column) const;
  std::optional<std::string> OptText(int column) const;

 private:
  Connection* connection_;
  sqlite3_stmt* stmt_;
};

// How a connection waits for another connection's write transaction.
struct BusyPolicy {
  std::chrono::milliseconds timeout{15000};  // Then the call fails with kUnavailable.
  std::atomic<int64_t>* contention = nullptr;  // Counts waits, when set.
};

class Connection {
 public:
  // Opens (creating if needed) the database file and sets WAL mode, synchronous=NORMAL,
  // foreign keys, and a busy handler that follows `busy`.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, BusyPolicy busy);
  ~Connection();

  // Prepares (or reuses) the statement for `sql`.
  Result<Statement> Prepare(const std::string& sql);
  Status Exec(const std::string& sql);  // Several statements, no binds, no rows.
  int64_t Changes() const { return sqlite3_changes64(db_); }
  sqlite3* raw() { return db_; }
  // Turns the last error into a Status: busy/locked -> kUnavailable, constraint ->
  // kAlreadyExists, I/O and corruption -> kIoError.
  Status LastError(const std::string& context) const;

 private:
  Connection(sqlite3* db, BusyPolicy busy) : db_(db), busy_(busy) {}
  static int OnBusy(void* connection, int attempt);

  sqlite3* db_;
  BusyPolicy busy_;
  std::chrono::steady_clock::time_point busy_since_{};
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed uncommitted.
class WriteTransaction {
 public:
  explicit WriteTransaction(Connection* connection) : connection_(connection) {}
  ~WriteTransaction();
  Status Begin();
  Status Commit();

 private:
  Connection* connection_;
  bool open_ = false;
};

class ConnectionPool {
 public:
  ConnectionPool(std::string path, BusyPolicy busy, int max_size)
      : path_(std::move(path)), busy_(busy), max_size_(max_size) {}

  // A connection for the caller's exclusive use, returned to the pool on destruction.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> c) : pool_(pool), c_(std::move(c)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (c_) pool_->Return(std::move(c_));
    }
    Connection* operator->() { return c_.get(); }
    Connection* get() { return c_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> c_;
  };

  Result<Lease> Acquire();

 private:
  void Return(std::unique_ptr<Connection> connection);

  const std::string path_;
  const BusyPolicy busy_;
  const int max_size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
};

}  // namespace a11y::sqlite
