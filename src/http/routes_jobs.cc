// Jobs over HTTP: start discovery, tests and reports; list, show, cancel and retry the
// caller's jobs, and a parent's children; their statistics.
#include "http/api_support.h"

namespace a11y::http {
namespace {

using auth::Principal;

// The optional JSON body of a "start" route: an empty body means defaults.
Json OptionalBody(const Request& request) {
  return request.body.empty() ? Json::object() : ReadBody(request);
}

// A job of the caller's on `project_id` and, unless empty, one of its websites.
CreateJobRequest NewJob(const std::string& type, const std::string& project_id,
                        const std::string& website_id, const Principal& principal, Json metadata) {
  CreateJobRequest job;
  job.job_type = type;
  job.website_id = website_id;
  job.project_id = project_id;
  job.user_id = principal.user.user_id;
  job.session_id = principal.credential_id;
  job.metadata = std::move(metadata);
  return job;
}

CreateJobRequest NewJob(const std::string& type, const Website& website, const Principal& principal,
                        Json metadata) {
  return NewJob(type, website.project_id, website.website_id, principal, std::move(metadata));
}

Response Started(ApiContext& context, const CreateJobRequest& request) {
  const Job job = Value(context.jobs->CreateJob(request));
  Response response = Response::Json(202, job.ToJson());
  response.headers.emplace_back("Location", "/api/v1/jobs/" + job.job_id);
  return response;
}

// One discovery per website at a time: two would crawl the same pages twice.
void RefuseSecondDiscovery(ApiContext& context, const std::string& website_id) {
  JobFilter active;
  active.job_type = "discovery";
  active.website_id = website_id;
  active.statuses = {JobStatus::kPending, JobStatus::kRunning, JobStatus::kCancelling};
  active.limit = 1;
  const JobPage running = Value(context.jobs->ListJobs(active));
  if (!running.jobs.empty()) {
    throw ApiError(409, "discovery_active", "a discovery of this website is already under way",
                   {{"job_id", running.jobs.front().job_id}});
  }
}

Response StartDiscovery(Request& request, ApiContext& context, const Principal& principal) {
  const Json body = OptionalBody(request);
  JsonReader reader(body);
  FinishReading(reader);  // No options yet: any field is unknown.
  const Website website =
      Value(context.domain().GetWebsite(request.Param("id"), principal.scope()));
  RefuseSecondDiscovery(context, website.website_id);
  return Started(context,
                 NewJob("discovery", website, principal,
                        {{"start_url", website.start_url}, {"settings", website.settings}}));
}

// A bulk_test's optional chunk_size: pages per child testing job.
Json ReadBulkOptions(JsonReader& reader) {
  Json metadata = Json::object();
  if (auto chunk = reader.Int("chunk_size", JsonReader::kOptional, 1, kMaxPageLimit)) {
    metadata["chunk_size"] = *chunk;
  }
  return metadata;
}

// One page, a chosen set of pages (testing) or every page of the website (bulk_test).
Response StartWebsiteTest(Request& request, ApiContext& context, const Principal& principal) {
  const Json body = OptionalBody(request);
  JsonReader reader(body);
  const auto page_ids = reader.Strings("page_ids", JsonReader::kOptional, 1000, 128);
  Json bulk = ReadBulkOptions(reader);
  FinishReading(reader);
  const Website website =
      Value(context.domain().GetWebsite(request.Param("id"), principal.scope()));
  if (!page_ids) return Started(context, NewJob("bulk_test", website, principal, std::move(bulk)));
  if (page_ids->empty()) {
    throw ApiError::BadRequest("invalid_field", "page_ids: must name at least one page",
                               {{"field", "page_ids"}});
  }
  for (const std::string& page_id : *page_ids) {
    auto page = context.domain().GetPage(page_id, principal.scope());
    if (!page.ok() || page->website_id != website.website_id) {
      throw ApiError::BadRequest("invalid_field",
                                 "page_ids: " + page_id + " is not a page of this website",
                                 {{"field", "page_ids"}});
    }
  }
  return Started(context, NewJob("testing", website, principal, {{"page_ids", *page_ids}}));
}

Response StartPageTest(Request& request, ApiContext& context, const Principal& principal) {
  const Json body = OptionalBody(request);
  JsonReader reader(body);
  FinishReading(reader);
  const Page page = Value(context.domain().GetPage(request.Param("id"), principal.scope()));
  const Website website = Value(context.domain().GetWebsite(page.website_id, principal.scope()));
  return Started(context, NewJob("testing", website, principal, {{"page_ids", {page.page_id}}}));
}

// Every page of every website of the project: one bulk_test without a website.
Response StartProjectTest(Request& request, ApiContext& context, const Principal& principal) {
  const Json body = OptionalBody(request);
  JsonReader reader(body);
  Json bulk = ReadBulkOptions(reader);
  FinishReading(reader);
  const Project project =
      Value(context.domain().GetProject(request.Param("id"), principal.scope()));
  return Started(context,
                 NewJob("bulk_test", project.project_id, "", principal, std::move(bulk)));
}

Response StartReport(Request& request, ApiContext& context, const Principal& principal) {
  const Json body = OptionalBody(request);
  JsonReader reader(body);
  const std::string format = reader.String("format", JsonReader::kOptional, 1, 10).value_or("html");
  const std::string level = reader.String("level", JsonReader::kOptional, 1, 3).value_or("AA");
  if (format != "html" && format != "json" && format != "csv") {
    reader.Fail("format", "must be html, json or csv");
  }
  if (level != "A" && level != "AA" && level != "AAA") reader.Fail("level", "must be A, AA or AAA");
  FinishReading(reader);
  const Website website =
      Value(context.domain().GetWebsite(request.Param("id"), principal.scope()));
  return Started(context, NewJob("report_generation", website, principal,
                                 {{"format", format}, {"level", level}}));
}

}  // namespace

JobFilter ReadJobFilter(const Request& request) {
  JobFilter filter;
  if (auto type = request.Query("type")) {
    if (!IsKnownJobType(*type)) {
      throw ApiError::BadRequest("invalid_query", "type must be a known job type",
                                 {{"parameter", "type"}});
    }
    filter.job_type = *type;
  }
  if (auto statuses = request.Query("status")) {
    size_t start = 0;
    while (start <= statuses->size()) {
      const size_t comma = std::min(statuses->find(',', start), statuses->size());
      const auto status = ParseJobStatus(statuses->substr(start, comma - start));
      if (!status) {
        throw ApiError::BadRequest("invalid_query",
                                   "status must be a comma-separated list of job statuses",
                                   {{"parameter", "status"}});
      }
      filter.statuses.push_back(*status);
      start = comma + 1;
    }
  }
  filter.website_id = request.Query("website_id");
  filter.project_id = request.Query("project_id");
  filter.parent_job_id = request.Query("parent_job_id");
  const PageRequest page = ReadPageQuery(request);
  filter.limit = page.limit;
  filter.cursor = page.cursor;
  return filter;
}

Response CancelJob(const std::string& job_id, ApiContext& context, const Principal& principal) {
  const CancelResult result =
      Value(context.jobs->RequestCancellation(job_id, principal.user.username, principal.scope()));
  if (result.outcome == CancelOutcome::kNotFound) throw ApiError::NotFound("no such job");
  const Job job = Value(context.jobs->GetJob(job_id, principal.scope()));
  return Response::Json(200,
                        {{"outcome", CancelOutcomeName(result.outcome)}, {"job", job.ToJson()}});
}

void RegisterJobRoutes(Router& router, ApiContext& context) {
  auto& c = context;
  AddAuthed(router, c, "POST", "/api/v1/websites/{id}/discovery",
            [&c](Request& r, const Principal& p) { return StartDiscovery(r, c, p); });
  AddAuthed(router, c, "POST", "/api/v1/websites/{id}/test",
            [&c](Request& r, const Principal& p) { return StartWebsiteTest(r, c, p); });
  AddAuthed(router, c, "POST", "/api/v1/projects/{id}/test",
            [&c](Request& r, const Principal& p) { return StartProjectTest(r, c, p); });
  AddAuthed(router, c, "POST", "/api/v1/pages/{id}/test",
            [&c](Request& r, const Principal& p) { return StartPageTest(r, c, p); });
  AddAuthed(router, c, "POST", "/api/v1/websites/{id}/reports",
            [&c](Request& r, const Principal& p) { return StartReport(r, c, p); });

  AddAuthed(router, c, "GET", "/api/v1/jobs", [&c](Request& r, const Principal& p) {
    JobFilter filter = ReadJobFilter(r);
    filter.user_id = p.user.user_id;  // Mine, admins included (they have /admin/jobs).
    return Response::Json(
        200, JobPageJson(Value(c.jobs->ListJobs(filter, Scope::User(p.user.user_id)))));
  });
  AddAuthed(router, c, "GET", "/api/v1/jobs/stats", [&c](Request&, const Principal& p) {
    StatsFilter filter;
    filter.user_id = p.user.user_id;
    return Response::Json(200, Value(c.jobs->GetJobStatistics(filter)).ToJson());
  });
  AddAuthed(router, c, "GET", "/api/v1/jobs/{id}", [&c](Request& r, const Principal& p) {
    return Response::Json(200, Value(c.jobs->GetJob(r.Param("id"), p.scope())).ToJson());
  });
  AddAuthed(router, c, "POST", "/api/v1/jobs/{id}/cancel",
            [&c](Request& r, const Principal& p) { return CancelJob(r.Param("id"), c, p); });
  AddAuthed(router, c, "POST", "/api/v1/jobs/{id}/retry", [&c](Request& r, const Principal& p) {
    const Job failed = Value(c.jobs->GetJob(r.Param("id"), p.scope()));
    if (failed.status != JobStatus::kFailed && failed.status != JobStatus::kCancelled) {
      throw ApiError(409, "not_retryable",
                     std::string("only a failed or cancelled job can be retried; this one is ") +
                         JobStatusName(failed.status));
    }
    if (failed.job_type == "discovery") RefuseSecondDiscovery(c, failed.website_id);
    // The retry belongs to the job's owner (an administrator may retry for them), records
    // who asked for it in session_id and what it retries in metadata.retry_of, and stays
    // in the failed job's family (a retried testing chunk still belongs to its bulk_test).
    CreateJobRequest retry;
    retry.job_type = failed.job_type;
    retry.website_id = failed.website_id;
    retry.project_id = failed.project_id;
    retry.user_id = failed.user_id;
    retry.session_id = p.credential_id;
    retry.metadata = failed.metadata;
    retry.metadata["retry_of"] = failed.job_id;
    retry.priority = failed.priority;
    retry.queue = failed.queue;
    retry.max_attempts = failed.max_attempts;
    retry.parent_job_id = failed.parent_job_id;
    return Started(c, retry);
  });
}

}  // namespace a11y::http
