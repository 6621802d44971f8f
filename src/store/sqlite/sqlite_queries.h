// The statement helpers of the SQLite stores on the job store's connections (domain,
// discovery): one statement per call on a pooled connection, writes under the job store's
// write mutex, latency recorded, the outcome mapped to the stores' contract (kNotFound,
// kAlreadyExists), and the cut of a listing into pages.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/metrics.h"
#include "core/status.h"
#include "store/domain_store.h"
#include "store/sqlite/sqlite_db.h"

namespace a11y::sqlite {

// Binds a statement's parameters.
using Binder = std::function<void(Statement&)>;

// The first row `st` yields, read with `read`, after which the statement runs to its end
// (finishing its write, if any); kNotFound with `missing` when there is none.
template <typename T>
Result<T> FirstRow(Statement& st, T (*read)(const Statement&), const std::string& missing) {
  Status status;
  if (st.Step(&status)) {
    T row = read(st);
    A11Y_RETURN_IF_ERROR(st.Run());
    return row;
  }
  if (!status.ok()) return status;
  return Status::NotFound(missing);
}

// Runs each statement on a connection leased from `pool` for that statement alone,
// recording its latency in `latency`. Writes take `write_mu` first, as the job store's do,
// so writers in this process queue on a mutex rather than in SQLite's busy handler.
// Statements that must share a transaction lease a connection of their own instead.
class Queries {
 public:
  // REQUIRES: every argument outlives this.
  Queries(ConnectionPool* pool, std::mutex* write_mu, LatencyHistogram* latency)
      : pool_(pool), write_mu_(write_mu), latency_(latency) {}

  // Runs one INSERT/UPDATE/DELETE. No row changed is kNotFound with `missing`; a unique
  // key taken is kAlreadyExists with `taken`. `changed` receives the row count, when given.
  // An empty `missing` or `taken` leaves that outcome as it is.
  Status Write(const std::string& sql, const Binder& bind, const std::string& missing,
               const std::string& taken = "", int64_t* changed = nullptr) const;

  // The first row of `sql` (a SELECT, or with `write` a statement RETURNING the row), or
  // kNotFound with `missing`.
  template <typename T>
  Result<T> One(const std::string& sql, const Binder& bind, T (*read)(const Statement&),
                const std::string& missing, bool write = false) const {
    std::unique_lock<std::mutex> writing(*write_mu_, std::defer_lock);
    if (write) writing.lock();
    return WithStatement(sql, bind,
                         [&](Connection&, Statement& st) { return FirstRow(st, read, missing); });
  }

  // Every row of `sql`, each decoded by `read(statement)`.
  template <typename T, typename Read>
  Result<std::vector<T>> Rows(const std::string& sql, const Binder& bind, Read read) const {
    return WithStatement(sql, bind, [&](Connection&, Statement& st) -> Result<std::vector<T>> {
      std::vector<T> rows;
      Status status;
      while (st.Step(&status)) rows.push_back(read(st));
      if (!status.ok()) return status;
      return rows;
    });
  }

  // OK when `sql` returns a row, else kNotFound with `missing`: how an empty listing tells
  // a parent without rows from one that is missing or out of scope.
  Status CheckExists(const std::string& sql, const Binder& bind, const std::string& missing) const;

  // OK when `table` has the row whose `id_column` is `id` and that `scope` may see, else
  // kNotFound with `missing`. REQUIRES: table and id_column are the code's own names.
  Status CheckInScope(const std::string& table, const std::string& id_column,
                      const std::string& id, const Scope& scope, const std::string& missing) const;

 private:
  // Leases a connection, prepares `sql` on it, binds it and returns `use(connection,
  // statement)`, recording the latency of it all; a failed lease or prepare is returned
  // instead. The statement is reset before the connection goes back to the pool.
  template <typename Use>
  auto WithStatement(const std::string& sql, const Binder& bind, Use use) const
      -> decltype(use(std::declval<Connection&>(), std::declval<Statement&>())) {
    ScopedLatency timer(latency_);
    auto lease = pool_->Acquire();
    if (!lease.ok()) return lease.status();
    auto st = lease->get()->Prepare(sql);
    if (!st.ok()) return st.status();
    bind(*st);
    return use(*lease->get(), *st);
  }

  ConnectionPool* const pool_;
  std::mutex* const write_mu_;
  LatencyHistogram* const latency_;
};

}  // namespace a11y::sqlite
