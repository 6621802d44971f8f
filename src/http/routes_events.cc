// Live progress: Server-Sent Events of one job or of all the caller's jobs, and a
// WebSocket carrying the same events. Streams are scoped like every other read: another
// user's job is 404, and a user stream carries only the caller's own jobs.
#include <charconv>

#include "http/api_support.h"
#include "http/events.h"

namespace a11y::http {
namespace {

using auth::Principal;

// Last-Event-ID from a reconnecting EventSource; anything but an id we issued is ignored.
std::optional<int64_t> LastEventId(const Request& request) {
  const std::string text = request.Header("last-event-id");
  int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return id;
}

EventHub& Hub(ApiContext& context) {
  if (!context.events)
    throw ApiError(503, "unavailable", "live events are not enabled on this server");
  return *context.events;
}

Response Stream(std::shared_ptr<StreamSource> source) {
  Response response;
  response.content_type = "text/event-stream";
  response.stream = std::move(source);
  return response;
}

}  // namespace

void RegisterEventRoutes(Router& router, ApiContext& context) {
  auto& c = context;
  AddAuthed(router, c, "GET", "/api/v1/jobs/{id}/events", [&c](Request& r, const Principal& p) {
    const Job job = Value(c.jobs->GetJob(r.Param("id"), p.scope()));
    return Stream(Hub(c).FollowJob(job, LastEventId(r), StreamFormat::kServerSentEvents));
  });
  AddAuthed(router, c, "GET", "/api/v1/events", [&c](Request& r, const Principal& p) {
    return Stream(
        Hub(c).FollowUser(p.user.user_id, LastEventId(r), StreamFormat::kServerSentEvents));
  });
  AddAuthed(router, c, "GET", "/api/v1/ws", [&c](Request& r, const Principal& p) {
    if (!r.websocket) {
      throw ApiError(426, "upgrade_required", "connect with a WebSocket client");
    }
    Response response;
    if (auto job_id = r.Query("job_id")) {
      const Job job = Value(c.jobs->GetJob(*job_id, p.scope()));
      response.stream = Hub(c).FollowJob(job, LastEventId(r), StreamFormat::kWebSocket);
    } else {
      response.stream = Hub(c).FollowUser(p.user.user_id, LastEventId(r), StreamFormat::kWebSocket);
    }
    return response;
  });
}

}  // namespace a11y::http
