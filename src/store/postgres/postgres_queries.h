// The statement helpers of the PostgreSQL stores on the job store's pool (domain,
// discovery): one statement per call on a pooled connection, latency recorded, the outcome
// mapped to the stores' contract (kNotFound, kAlreadyExists), the pieces their SQL is built
// from (select lists, scope clauses, placeholders) and the cut of a listing into pages.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "core/metrics.h"
#include "core/status.h"
#include "store/domain_store.h"
#include "store/job_store.h"
#include "store/postgres/postgres_connection.h"

namespace a11y::pg {

// "a, b, c" followed by each time column as epoch microseconds (UnixMicros). In every
// table the stores read the times come last, so each list reads in its table's column order.
std::string SelectList(const std::string& columns, std::initializer_list<const char*> times);

// " AND user_id = $n" when scoped (pushing the owner onto `params`); "" for the admin.
std::string ScopeClause(const Scope& scope, Params* params);

// Appends `value` and returns its placeholder, e.g. "$3".
std::string Placeholder(Params* params, Param value);

// Runs each statement on a connection taken from `pool` for that statement alone, recording
// its latency in `latency`. Statements that must share a transaction use a connection of
// their own instead (InTransaction).
class Queries {
 public:
  // REQUIRES: pool and latency outlive this.
  Queries(PgPool* pool, LatencyHistogram* latency) : pool_(pool), latency_(latency) {}

  // Runs one INSERT/UPDATE/DELETE. No row changed is kNotFound with `missing`; a unique
  // key taken is kAlreadyExists with `taken`. `affected` receives the row count, if given.
  // An empty `missing` or `taken` leaves that outcome as it is.
  Status Write(const std::string& sql, const Params& params, const std::string& missing,
               const std::string& taken = "", int64_t* affected = nullptr) const;

  // The first row of `sql` (a SELECT, or a write RETURNING the row), else kNotFound.
  template <typename T>
  Result<T> One(const std::string& sql, const Params& params, T (*read)(const PgResult&, int),
                const std::string& missing) const {
    auto r = Exec(sql, params);
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return Status::NotFound(missing);
    return read(*r, 0);
  }

  // Every row of `sql`, each decoded by `read(result, row)`.
  template <typename T, typename Read>
  Result<std::vector<T>> Rows(const std::string& sql, const Params& params, Read read) const {
    auto r = Exec(sql, params);
    if (!r.ok()) return r.status();
    std::vector<T> rows;
    rows.reserve(r->rows());
    for (int i = 0; i < r->rows(); ++i) rows.push_back(read(*r, i));
    return rows;
  }

  // OK when `sql` returns a row, else kNotFound with `missing`: how an empty listing tells
  // a parent without rows from one that is missing or out of scope.
  Status CheckExists(const std::string& sql, const Params& params,
                     const std::string& missing) const;

  // OK when `table` has the row whose `id_column` is `id` and that `scope` may see, else
  // kNotFound with `missing`. REQUIRES: table and id_column are the code's own names.
  Status CheckInScope(const std::string& table, const std::string& id_column,
                      const std::string& id, const Scope& scope, const std::string& missing) const;

 private:
  Result<PgResult> Exec(const std::string& sql, const Params& params) const;

  PgPool* const pool_;
  LatencyHistogram* const latency_;
};

}  // namespace a11y::pg
