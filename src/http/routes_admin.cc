// The administrator's routes: every user's jobs, cluster statistics, cancelling any job,
// the live workers, and managing users. Other callers get 404, as if these routes did not
// exist.
#include "http/api_support.h"

namespace a11y::http {
namespace {

using auth::Principal;

Response CreateUser(Request& request, ApiContext& context) {
  const Json body = ReadBody(request);
  JsonReader reader(body);
  const auto username = reader.String("username", JsonReader::kRequired, 1, 200);
  const auto password = reader.String("password", JsonReader::kRequired, 1, 4096);
  const std::string role_name =
      reader.String("role", JsonReader::kOptional, 1, 10).value_or("user");
  const auto role = ParseRole(role_name);
  if (!role) reader.Fail("role", "must be user or admin");
  FinishReading(reader);
  return Response::Json(201, Value(context.auth->CreateUser(*username, *password, *role)).ToJson());
}

Response UpdateUser(Request& request, ApiContext& context, const Principal& principal) {
  const Json body = ReadBody(request);
  JsonReader reader(body);
  const auto role_name = reader.String("role", JsonReader::kOptional, 1, 10);
  const auto disabled = reader.Bool("disabled", JsonReader::kOptional);
  const auto password = reader.String("password", JsonReader::kOptional, 1, 4096);
  if (role_name && !ParseRole(*role_name)) reader.Fail("role", "must be user or admin");
  FinishReading(reader);
  User user = Value(context.domain().GetUser(request.Param("id")));
  if (role_name) user.role = ParseRole(*role_name).value_or(user.role);
  if (disabled) user.disabled = *disabled;
  if (user.user_id == principal.user.user_id && (user.role != Role::kAdmin || user.disabled)) {
    throw ApiError(409, "would_lock_out",
                   "an administrator cannot demote or disable their own account");
  }
  user.updated_at = context.env->Now();
  if (password) {
    Check(context.auth->SetPassword(&user, *password));
  } else {
    Check(context.domain().UpdateUser(user));
  }
  return Response::Json(200, user.ToJson());
}

}  // namespace

void RegisterAdminRoutes(Router& router, ApiContext& context) {
  auto& c = context;
  auto on = [&](const char* method, const char* pattern, AuthedHandler handler) {
    AddAuthed(router, context, method, pattern, std::move(handler), /*admin_only=*/true);
  };
  on("GET", "/api/v1/admin/jobs", [&c](Request& r, const Principal&) {
    JobFilter filter = ReadJobFilter(r);
    filter.user_id = r.Query("user_id");
    return Response::Json(200, JobPageJson(Value(c.jobs->ListJobs(filter, Scope::Admin()))));
  });
  on("POST", "/api/v1/admin/jobs/{id}/cancel",
     [&c](Request& r, const Principal& p) { return CancelJob(r.Param("id"), c, p); });
  on("GET", "/api/v1/admin/stats", [&c](Request& r, const Principal&) {
    StatsFilter filter;
    filter.user_id = r.Query("user_id");
    return Response::Json(200, Value(c.jobs->GetJobStatistics(filter)).ToJson());
  });
  on("GET", "/api/v1/admin/workers", [&c](Request&, const Principal&) {
    // Workers heartbeat every lease/3 (10 s by default): two minutes without one is a
    // worker that is gone, even before maintenance deletes its row.
    const TimePoint seen_since = c.env->Now() - std::chrono::minutes(2);
    Json items = Json::array();
    for (const WorkerRecord& worker : Value(c.jobs->store().ListWorkers(seen_since))) {
      items.push_back(worker.ToJson());
    }
    return Response::Json(200, Json{{"items", items}});
  });
  on("GET", "/api/v1/admin/users", [&c](Request& r, const Principal&) {
    return Response::Json(200, ListingJson(Value(c.domain().ListUsers(ReadPageQuery(r)))));
  });
  on("POST", "/api/v1/admin/users",
     [&c](Request& r, const Principal&) { return CreateUser(r, c); });
  on("GET", "/api/v1/admin/users/{id}", [&c](Request& r, const Principal&) {
    return Response::Json(200, Value(c.domain().GetUser(r.Param("id"))).ToJson());
  });
  on("PATCH", "/api/v1/admin/users/{id}",
     [&c](Request& r, const Principal& p) { return UpdateUser(r, c, p); });
  on("DELETE", "/api/v1/admin/users/{id}", [&c](Request& r, const Principal& p) {
    if (r.Param("id") == p.user.user_id) {
      throw ApiError(409, "would_lock_out", "an administrator cannot delete their own account");
    }
    Check(c.domain().DeleteUser(r.Param("id")));
    return Response::NoContent();
  });
}

}  // namespace a11y::http
