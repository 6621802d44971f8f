#include "store/sqlite/sqlite_queries.h"

namespace a11y::sqlite {

Status Queries::Write(const std::string& sql, const Binder& bind, const std::string& missing,
                      const std::string& taken, int64_t* changed) const {
  std::lock_guard<std::mutex> writing(*write_mu_);
  return WithStatement(sql, bind, [&](Connection& c, Statement& st) -> Status {
    Status run = st.Run();
    if (run.code() == Status::Code::kAlreadyExists && !taken.empty()) {
      return Status::AlreadyExists(taken);
    }
    A11Y_RETURN_IF_ERROR(run);
    if (changed) *changed = c.Changes();
    if (c.Changes() == 0 && !missing.empty()) return Status::NotFound(missing);
    return Status::Ok();
  });
}

Status Queries::CheckExists(const std::string& sql, const Binder& bind,
                            const std::string& missing) const {
  auto rows = Rows<int64_t>(sql, bind, [](const Statement& s) { return s.Int(0); });
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound(missing);
  return Status::Ok();
}

Status Queries::CheckInScope(const std::string& table, const std::string& id_column,
                             const std::string& id, const Scope& scope,
                             const std::string& missing) const {
  return CheckExists("SELECT 1 FROM " + table + " WHERE " + id_column +
                         " = ?1 AND (?2 IS NULL OR user_id = ?2)",
                     [&](Statement& s) { s.Bind(1, id).Bind(2, scope.user_id); }, missing);
}

}  // namespace a11y::sqlite
