// A thin RAII layer over libpq: one connection, its parameterised queries, the mapping
// of server errors to Status, and a small pool whose broken connections are replaced.
#pragma once

#include <libpq-fe.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/env.h"
#include "core/metrics.h"
#include "core/status.h"

namespace a11y::pg {

// Query parameters in libpq's text format; nullopt is SQL NULL.
using Param = std::optional<std::string>;
using Params = std::vector<Param>;

Param Text(const std::string& value);
Param Int(int64_t value);
Param Bool(bool value);
Param Double(double value);
// timestamptz input: RFC 3339 in UTC with microseconds.
Param Time(TimePoint value);
Param OptTime(const std::optional<TimePoint>& value);
Param OptText(const std::optional<std::string>& value);
// jsonb input; invalid UTF-8 is replaced rather than thrown.
Param JsonText(const nlohmann::json& value);
// A text[] literal, e.g. {"a","b"}; an empty list is passed as NULL.
Param TextArray(const std::vector<std::string>& values);
Param IntArray(const std::vector<int64_t>& values);
// An array literal of nullable elements, each quoted, e.g. {"a",NULL,"b"}, for a
// $n::type[] parameter (the element type parses each quoted text). Unlike TextArray, an
// empty list is '{}', so that unnest() over several such arrays lines their rows up.
Param ArrayLiteral(const std::vector<Param>& elements);

// An owned PGresult.
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(PGresult* result) : result_(result, &PQclear) {}

  int rows() const { return result_ ? PQntuples(result_.get()) : 0; }
  bool IsNull(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
  std::string GetText(int row, int col) const { return PQgetvalue(result_.get(), row, col); }
  int64_t GetInt(int row, int col) const;
  double GetDouble(int row, int col) const;
  bool GetBool(int row, int col) const;
  // A timestamptz selected as microseconds since the epoch (see UnixMicros()).
  TimePoint GetTime(int row, int col) const { return FromUnixMicros(GetInt(row, col)); }
  std::optional<TimePoint> GetOptTime(int row, int col) const;
  std::optional<std::string> GetOptText(int row, int col) const;
  // Rows touched by an INSERT/UPDATE/DELETE.
  int64_t AffectedRows() const;

 private:
  std::shared_ptr<PGresult> result_;
};

// SQL for a timestamptz column as bigint microseconds since the epoch: exact, and
// independent of the session's time zone and DateStyle.
std::string UnixMicros(const std::string& column);

// Maps a failed query to a Status: 23505 -> kAlreadyExists; connection loss, server
// shutdown, lock timeouts, deadlocks and serialization failures -> kUnavailable;
// anything else -> kInternal with the server's message.
Status StatusFromError(PGconn* conn, const PGresult* result);

class PgConnection {
 public:
  // Connects to `url` (a libpq URI or key=value string). kUnavailable when the server
  // cannot be reached, kInvalidArgument when the URL cannot be parsed.
  static Result<std::unique_ptr<PgConnection>> Connect(const std::string& url);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one parameterised statement. Records its latency in `latency` when given.
  Result<PgResult> Exec(const std::string& sql, const Params& params = {},
                        LatencyHistogram* latency = nullptr);
  // Runs one or more statements without parameters (migrations, BEGIN, COMMIT).
  Status ExecScript(const std::string& sql, LatencyHistogram* latency = nullptr);

  // False once the connection is known to be broken, or left inside a transaction.
  bool Reusable() const;
  // Cheap liveness check for an idle connection: an idle connection has nothing to
  // read, so a readable socket means the server closed it or is about to.
  bool LooksAlive() const;

  PGconn* raw() { return conn_; }

 private:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  PGconn* conn_;
};

// Runs `body` inside BEGIN ... COMMIT, rolling back when it fails. `begin` may follow
// BEGIN with SET LOCAL statements, in the same round trip.
template <typename Body>
Status InTransaction(PgConnection* conn, LatencyHistogram* latency, Body&& body,
                     const char* begin = "BEGIN") {
  A11Y_RETURN_IF_ERROR(conn->ExecScript(begin, latency));
  Status status = body();
  if (!status.ok()) {
    conn->ExecScript("ROLLBACK", latency);  // A failure leaves the connection unusable.
    return status;
  }
  return conn->ExecScript("COMMIT", latency);
}

// Up to `max_size` connections shared by all threads. A caller waits while every
// connection is in use. Connections are opened lazily; a broken one is closed when it
// comes back and a dead idle one is replaced when taken, so a server restart costs at
// most the queries that were in flight.
class PgPool {
 public:
  class Handle {
   public:
    Handle(PgPool* pool, std::unique_ptr<PgConnection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Handle(Handle&& other) noexcept = default;
    Handle& operator=(Handle&&) = delete;
    ~Handle() {
      if (conn_) pool_->Return(std::move(conn_));
    }
    PgConnection* operator->() { return conn_.get(); }
    PgConnection* get() { return conn_.get(); }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  PgPool(std::string url, int max_size);
  ~PgPool();

  Result<Handle> Acquire();

 private:
  void Return(std::unique_ptr<PgConnection> conn);

  const std::string url_;
  const int max_size_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int open_ = 0;  // Idle plus handed out plus being opened.
};

}  // namespace a11y::pg
