#include "store/postgres/postgres_queries.h"

namespace a11y::pg {

std::string SelectList(const std::string& columns, std::initializer_list<const char*> times) {
  std::string out = columns;
  for (const char* t : times) out += ", " + UnixMicros(t);
  return out;
}

std::string ScopeClause(const Scope& scope, Params* params) {
  if (!scope.user_id) return "";
  params->push_back(Text(*scope.user_id));
  return " AND user_id = $" + std::to_string(params->size());
}

std::string Placeholder(Params* params, Param value) {
  params->push_back(std::move(value));
  return "$" + std::to_string(params->size());
}

Status Queries::Write(const std::string& sql, const Params& params, const std::string& missing,
                      const std::string& taken, int64_t* affected) const {
  auto r = Exec(sql, params);
  if (!r.ok()) {
    const Status& st = r.status();
    if (st.code() == Status::Code::kAlreadyExists && !taken.empty()) {
      return Status::AlreadyExists(taken);
    }
    // 23503: the parent row an INSERT ... SELECT found was deleted before commit.
    if (st.code() == Status::Code::kInternal && !missing.empty() &&
        st.message().rfind("postgres [23503]", 0) == 0) {
      return Status::NotFound(missing);
    }
    return st;
  }
  if (affected) *affected = r->AffectedRows();
  if (r->AffectedRows() == 0 && !missing.empty()) return Status::NotFound(missing);
  return Status::Ok();
}

Status Queries::CheckExists(const std::string& sql, const Params& params,
                            const std::string& missing) const {
  auto r = Exec(sql, params);
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound(missing);
  return Status::Ok();
}

Status Queries::CheckInScope(const std::string& table, const std::string& id_column,
                             const std::string& id, const Scope& scope,
                             const std::string& missing) const {
  Params params = {Text(id)};
  return CheckExists("SELECT 1 FROM " + table + " WHERE " + id_column + " = $1" +
                         ScopeClause(scope, &params),
                     params, missing);
}

Result<PgResult> Queries::Exec(const std::string& sql, const Params& params) const {
  auto handle = pool_->Acquire();
  if (!handle.ok()) return handle.status();
  return handle->get()->Exec(sql, params, latency_);
}

}  // namespace a11y::pg
