// Projects, their websites and the websites' pages: the WebsiteManager over HTTP.
#include "http/api_support.h"

namespace a11y::http {
namespace {

using auth::Principal;

ProjectChange ReadProject(const Request& request, JsonReader::Need need) {
  const Json body = ReadBody(request);
  JsonReader reader(body);
  ProjectChange change;
  change.name = reader.String("name", need, 1, 200);
  change.description = reader.String("description", JsonReader::kOptional, 0, 5000);
  change.wcag_level = reader.String("wcag_level", JsonReader::kOptional, 1, 3);
  FinishReading(reader);
  return change;
}

// `base` is the stored settings on an update (a PATCH changes only what it names).
WebsiteChange ReadWebsite(const Request& request, JsonReader::Need need,
                          const CrawlSettings& base) {
  const Json body = ReadBody(request);
  JsonReader reader(body);
  WebsiteChange change;
  change.name = reader.String("name", JsonReader::kOptional, 1, 200);
  change.start_url = reader.String("start_url", need, 1, 2000);
  if (auto settings = reader.Object("settings", JsonReader::kOptional)) {
    JsonReader settings_reader(*settings, "settings.");
    change.settings = CrawlSettings::Read(settings_reader, base);
    FinishReading(settings_reader);
  }
  FinishReading(reader);
  return change;
}

Response ListPages(Request& request, ApiContext& context, const Principal& principal) {
  PageFilter filter;
  filter.website_id = request.Param("id");
  // The website itself must be visible, so an empty list never hides a 404.
  Value(context.domain().GetWebsite(filter.website_id, principal.scope()));
  if (auto code = QueryInt(request, "status_code", 100, 599))
    filter.status_code = static_cast<int>(*code);
  filter.url_contains = request.Query("url_contains");
  if (auto missing = request.Query("missing")) {
    if (*missing != "true" && *missing != "false") {
      throw ApiError::BadRequest("invalid_query", "missing must be true or false",
                                 {{"parameter", "missing"}});
    }
    filter.missing = *missing == "true";
  }
  filter.page = ReadPageQuery(request);
  return Response::Json(200,
                        ListingJson(Value(context.domain().ListPages(filter, principal.scope()))));
}

}  // namespace

void RegisterProjectRoutes(Router& router, ApiContext& context) {
  auto& c = context;
  // Lists show the caller's own objects, admins included; by id, admins see everything.
  AddAuthed(router, c, "GET", "/api/v1/projects", [&c](Request& r, const Principal& p) {
    return Response::Json(
        200,
        ListingJson(Value(c.domain().ListProjects(ReadPageQuery(r), Scope::User(p.user.user_id)))));
  });
  AddAuthed(router, c, "POST", "/api/v1/projects", [&c](Request& r, const Principal& p) {
    const ProjectChange fields = ReadProject(r, JsonReader::kRequired);
    return Response::Json(201, Value(c.websites->CreateProject(p.user.user_id, fields)).ToJson());
  });
  AddAuthed(router, c, "GET", "/api/v1/projects/{id}", [&c](Request& r, const Principal& p) {
    return Response::Json(200, Value(c.domain().GetProject(r.Param("id"), p.scope())).ToJson());
  });
  AddAuthed(router, c, "PATCH", "/api/v1/projects/{id}", [&c](Request& r, const Principal& p) {
    const ProjectChange change = ReadProject(r, JsonReader::kOptional);
    return Response::Json(
        200, Value(c.websites->UpdateProject(r.Param("id"), change, p.scope())).ToJson());
  });
  AddAuthed(router, c, "DELETE", "/api/v1/projects/{id}", [&c](Request& r, const Principal& p) {
    Check(c.domain().DeleteProject(r.Param("id"), p.scope()));
    return Response::NoContent();
  });

  AddAuthed(router, c, "GET", "/api/v1/projects/{id}/websites",
            [&c](Request& r, const Principal& p) {
              Value(c.domain().GetProject(r.Param("id"), p.scope()));
              return Response::Json(200, ListingJson(Value(c.domain().ListWebsites(
                                             r.Param("id"), ReadPageQuery(r), p.scope()))));
            });
  AddAuthed(router, c, "POST", "/api/v1/projects/{id}/websites",
            [&c](Request& r, const Principal& p) {
              const WebsiteChange fields = ReadWebsite(r, JsonReader::kRequired, CrawlSettings{});
              return Response::Json(
                  201, Value(c.websites->CreateWebsite(r.Param("id"), fields, p.scope())).ToJson());
            });
  AddAuthed(router, c, "GET", "/api/v1/websites/{id}", [&c](Request& r, const Principal& p) {
    return Response::Json(200, Value(c.domain().GetWebsite(r.Param("id"), p.scope())).ToJson());
  });
  AddAuthed(router, c, "PATCH", "/api/v1/websites/{id}", [&c](Request& r, const Principal& p) {
    const Website current = Value(c.domain().GetWebsite(r.Param("id"), p.scope()));
    const WebsiteChange change =
        ReadWebsite(r, JsonReader::kOptional, StoredCrawlSettings(current.settings));
    return Response::Json(
        200, Value(c.websites->UpdateWebsite(r.Param("id"), change, p.scope())).ToJson());
  });
  AddAuthed(router, c, "DELETE", "/api/v1/websites/{id}", [&c](Request& r, const Principal& p) {
    Check(c.domain().DeleteWebsite(r.Param("id"), p.scope()));
    return Response::NoContent();
  });

  AddAuthed(router, c, "GET", "/api/v1/websites/{id}/pages",
            [&c](Request& r, const Principal& p) { return ListPages(r, c, p); });
  AddAuthed(router, c, "POST", "/api/v1/websites/{id}/pages", [&c](Request& r, const Principal& p) {
    const Json body = ReadBody(r);
    JsonReader reader(body);
    const auto url = reader.String("url", JsonReader::kRequired, 1, 2000);
    FinishReading(reader);
    return Response::Json(201, Value(c.websites->AddPage(r.Param("id"), *url, p.scope())).ToJson());
  });
  AddAuthed(router, c, "GET", "/api/v1/pages/{id}", [&c](Request& r, const Principal& p) {
    return Response::Json(200, Value(c.domain().GetPage(r.Param("id"), p.scope())).ToJson());
  });

  // What discovery left: its runs, newest first, and the documents the pages link to.
  AddAuthed(router, c, "GET", "/api/v1/websites/{id}/discovery-runs",
            [&c](Request& r, const Principal& p) {
              return Response::Json(200, ListingJson(Value(c.discovery().ListRuns(
                                             r.Param("id"), ReadPageQuery(r), p.scope()))));
            });
  AddAuthed(router, c, "GET", "/api/v1/discovery-runs/{id}", [&c](Request& r, const Principal& p) {
    return Response::Json(200, Value(c.discovery().GetRun(r.Param("id"), p.scope())).ToJson());
  });
  // What the testing jobs left: each page's results over time, and each run's totals.
  AddAuthed(router, c, "GET", "/api/v1/pages/{id}/results", [&c](Request& r, const Principal& p) {
    return Response::Json(200, ListingJson(Value(c.results().ListPageResults(
                                   r.Param("id"), ReadPageQuery(r), p.scope()))));
  });
  AddAuthed(router, c, "GET", "/api/v1/results/{id}", [&c](Request& r, const Principal& p) {
    return Response::Json(
        200, Value(c.results().GetResult(r.Param("id"), p.scope())).ToJson(/*with_details=*/true));
  });
  AddAuthed(router, c, "GET", "/api/v1/websites/{id}/test-runs",
            [&c](Request& r, const Principal& p) {
              return Response::Json(200, ListingJson(Value(c.results().ListRuns(
                                             r.Param("id"), ReadPageQuery(r), p.scope()))));
            });
  AddAuthed(router, c, "GET", "/api/v1/test-runs/{id}/results",
            [&c](Request& r, const Principal& p) {
              return Response::Json(200, ListingJson(Value(c.results().ListRunResults(
                                             r.Param("id"), ReadPageQuery(r), p.scope()))));
            });
  AddAuthed(router, c, "GET", "/api/v1/websites/{id}/documents",
            [&c](Request& r, const Principal& p) {
              return Response::Json(200, ListingJson(Value(c.discovery().ListDocuments(
                                             r.Param("id"), ReadPageQuery(r), p.scope()))));
            });
}

}  // namespace a11y::http
