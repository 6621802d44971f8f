// Helpers every route uses: who is calling, reading bodies and query strings, and turning
// a Status into the ApiError the server's one catch answers with.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/authenticator.h"
#include "core/json_reader.h"
#include "http/api.h"
#include "http/http.h"
#include "store/json_fields.h"

namespace a11y::http {

inline constexpr const char* kSessionCookie = "a11y_session";

// Authenticates the request by its bearer token or session cookie: 401 without valid
// credentials; 403 csrf_failed for an unsafe method on a session without a matching
// X-CSRF-Token header.
auth::Principal Authenticate(Request& request, ApiContext& context);

using AuthedHandler = std::function<Response(Request&, const auth::Principal&)>;
// A handler that runs only for an authenticated caller (an admin, with `admin_only`;
// another user gets 404, as if the route did not exist).
Handler Authed(ApiContext& context, AuthedHandler handler, bool admin_only = false);

// Registers `handler` as an authenticated route (see Authed).
inline void AddAuthed(Router& router, ApiContext& context, const char* method, const char* pattern,
                      AuthedHandler handler, bool admin_only = false) {
  router.Add(method, pattern, Authed(context, std::move(handler), admin_only));
}

// The body as a JSON object: 415 unless Content-Type is application/json, 400 invalid_json
// when it does not parse, 400 when it is not an object.
Json ReadBody(const Request& request);
// Throws 400 invalid_field with {"field": ...} when the reader found a problem.
void FinishReading(JsonReader& reader);

// Throws the ApiError for a failed status. kInvalidArgument "FIELD: PROBLEM" (the form
// of JsonReader and WebsiteManager messages) becomes 400 invalid_field {"field": FIELD}.
void Check(const Status& status);
template <typename T>
T Value(Result<T> result) {
  Check(result.status());
  return std::move(result).value();
}

// ?limit=N (1..1000, default 50) and ?cursor=...
PageRequest ReadPageQuery(const Request& request);
// An integer query parameter in [min, max]; 400 invalid_query otherwise.
std::optional<int64_t> QueryInt(const Request& request, const std::string& name, int64_t min,
                                int64_t max);

// {"items": [...], "next_cursor": ...}: every paginated list of the API.
template <typename T>
Json PageJson(const std::vector<T>& items, const std::optional<std::string>& next_cursor) {
  Json json = Json::array();
  for (const T& item : items) json.push_back(item.ToJson());
  return {{"items", json}, {"next_cursor", Opt(next_cursor)}};
}
template <typename T>
Json ListingJson(const Listing<T>& listing) {
  return PageJson(listing.items, listing.next_cursor);
}
inline Json JobPageJson(const JobPage& page) { return PageJson(page.jobs, page.next_cursor); }

// Jobs, shared by the user's and the administrator's routes: ?type=&status=a,b&website_id=
// &project_id=&parent_job_id=&limit=&cursor=; a cancel
// answered with {"outcome", "job"} (404 when the job is not in the caller's scope).
JobFilter ReadJobFilter(const Request& request);
Response CancelJob(const std::string& job_id, ApiContext& context,
                   const auth::Principal& principal);

}  // namespace a11y::http
