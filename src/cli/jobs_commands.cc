// auto-a11y jobs create|list|show|cancel|stats|cleanup
#include <iostream>
#include <sstream>

#include "cli/cli_common.h"

namespace a11y::cli {
namespace {

void PrintJobLine(const Job& job) {
  std::cout << job.job_id << "  " << job.job_type << "  " << JobStatusName(job.status) << "  "
            << static_cast<int>(job.progress.percentage) << "%  " << job.progress.message << "\n";
}

void PrintJobDetail(const Job& job) {
  std::cout << "job_id:      " << job.job_id << "\n"
            << "type:        " << job.job_type << "\n"
            << "status:      " << JobStatusName(job.status) << "\n"
            << "user:        " << job.user_id << "  session: " << job.session_id << "\n"
            << "website:     " << job.website_id << "  project: " << job.project_id << "\n"
            << "created:     " << FormatRfc3339(job.created_at) << "\n"
            << "started:     " << (job.started_at ? FormatRfc3339(*job.started_at) : "-") << "\n"
            << "completed:   " << (job.completed_at ? FormatRfc3339(*job.completed_at) : "-")
            << "\n"
            << "progress:    " << job.progress.current << "/" << job.progress.total << " ("
            << job.progress.percentage << "%) " << job.progress.message << "\n"
            << "attempt:     " << job.attempt << " of " << job.max_attempts << "\n"
            << "lock:        " << job.lock_holder.value_or("-") << " token " << job.lock_token
            << "\n"
            << "cancel asked:" << (job.cancellation_requested ? " yes" : " no") << "\n";
  if (job.error) std::cout << "error:       " << *job.error << "\n";
  if (job.result) std::cout << "result:      " << job.result->dump() << "\n";
}

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, ',')) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

Status ParseTimeOption(const std::string& text, const char* name, std::optional<TimePoint>* out) {
  if (text.empty()) return Status::Ok();
  TimePoint t;
  if (!ParseRfc3339(text, &t)) {
    return Status::InvalidArgument(std::string(name) + " '" + text +
                                   "' is not an RFC 3339 time such as 2026-11-28T12:00:00Z");
  }
  *out = t;
  return Status::Ok();
}

Status ParseDurationOption(const std::string& text, const char* name, Micros* out) {
  if (!ParseDuration(text, out)) {
    return Status::InvalidArgument(std::string(name) + " '" + text +
                                   "' is not a duration such as 30s, 5m, 1h or 7d");
  }
  return Status::Ok();
}

struct CreateArgs {
  CreateJobRequest request;
  std::string metadata = "{}";
  std::string run_after;
  int count = 1;
};

void AddCreate(CLI::App& jobs, const GlobalOptions& options, int* exit_code) {
  auto args = std::make_shared<CreateArgs>();
  auto* cmd = jobs.add_subcommand("create", "Create a job (or --count jobs in one batch)");
  cmd->add_option("--type", args->request.job_type, "Job type")->required();
  cmd->add_option("--id", args->request.job_id, "Job id (default: generated, sortable)");
  cmd->add_option("--metadata", args->metadata, "Metadata, a JSON object")->capture_default_str();
  cmd->add_option("--priority", args->request.priority, "Higher runs first (-1000..1000)");
  cmd->add_option("--queue", args->request.queue, "Queue name")->capture_default_str();
  cmd->add_option("--user", args->request.user_id, "Owning user id");
  cmd->add_option("--session", args->request.session_id, "Session or token that created it");
  cmd->add_option("--website", args->request.website_id, "Website id");
  cmd->add_option("--project", args->request.project_id, "Project id");
  cmd->add_option("--parent", args->request.parent_job_id, "Parent job id");
  cmd->add_option("--max-attempts", args->request.max_attempts, "Attempts before failing")
      ->capture_default_str();
  cmd->add_option("--run-after", args->run_after, "Earliest start, RFC 3339");
  cmd->add_option("--count", args->count, "Create this many identical jobs in one batch")
      ->check(CLI::Range(1, 1000000));
  cmd->callback([&options, exit_code, args] {
    Json metadata = Json::parse(args->metadata, nullptr, /*allow_exceptions=*/false);
    if (metadata.is_discarded()) {
      *exit_code = Fail(options, Status::InvalidArgument("--metadata is not valid JSON: " +
                                                         args->metadata));
      return;
    }
    if (args->count > 1 && args->request.job_id) {
      *exit_code = Fail(options, Status::InvalidArgument("--id cannot be used with --count"));
      return;
    }
    Status parsed = ParseTimeOption(args->run_after, "--run-after", &args->request.run_after);
    if (!parsed.ok()) {
      *exit_code = Fail(options, parsed);
      return;
    }
    args->request.metadata = metadata;
    auto session = OpenSession(options, exit_code);
    if (!session) return;
    std::vector<CreateJobRequest> requests(static_cast<size_t>(args->count), args->request);
    auto ids = session->manager->CreateJobs(requests);
    if (!ids.ok()) {
      *exit_code = Fail(options, ids.status());
      return;
    }
    if (options.json && ids->size() == 1) {
      auto job = session->manager->GetJob(ids->front());
      PrintJson(job.ok() ? job->ToJson() : Json{{"job_id", ids->front()}});
    } else if (options.json) {
      PrintJson(Json{{"created", ids->size()}, {"first_job_id", ids->front()},
                     {"last_job_id", ids->back()}});
    } else if (ids->size() == 1) {
      std::cout << ids->front() << "\n";
    } else {
      std::cout << "created " << ids->size() << " jobs (" << ids->front() << " .. "
                << ids->back() << ")\n";
    }
  });
}

struct ListArgs {
  JobFilter filter;
  std::string statuses, created_from, created_to;
};

void AddList(CLI::App& jobs, const GlobalOptions& options, int* exit_code) {
  auto args = std::make_shared<ListArgs>();
  auto* cmd = jobs.add_subcommand("list", "List jobs, newest first");
  cmd->add_option("--type", args->filter.job_type, "Only this job type");
  cmd->add_option("--status", args->statuses, "Only these statuses, comma separated");
  cmd->add_option("--user", args->filter.user_id, "Only this user's jobs");
  cmd->add_option("--website", args->filter.website_id, "Only this website's jobs");
  cmd->add_option("--project", args->filter.project_id, "Only this project's jobs");
  cmd->add_option("--created-from", args->created_from, "Created at or after (RFC 3339)");
  cmd->add_option("--created-to", args->created_to, "Created before (RFC 3339)");
  cmd->add_option("--limit", args->filter.limit, "Page size (1..1000)")->capture_default_str();
  cmd->add_option("--cursor", args->filter.cursor, "Cursor from the previous page");
  cmd->callback([&options, exit_code, args] {
    for (const auto& name : SplitComma(args->statuses)) {
      auto status = ParseJobStatus(name);
      if (!status) {
        *exit_code = Fail(options, Status::InvalidArgument("unknown status '" + name + "'"));
        return;
      }
      args->filter.statuses.push_back(*status);
    }
    Status parsed = ParseTimeOption(args->created_from, "--created-from", &args->filter.created_from);
    if (parsed.ok()) parsed = ParseTimeOption(args->created_to, "--created-to", &args->filter.created_to);
    if (!parsed.ok()) {
      *exit_code = Fail(options, parsed);
      return;
    }
    auto session = OpenSession(options, exit_code);
    if (!session) return;
    auto page = session->manager->ListJobs(args->filter);
    if (!page.ok()) {
      *exit_code = Fail(options, page.status());
      return;
    }
    if (options.json) {
      Json jobs_json = Json::array();
      for (const Job& job : page->jobs) jobs_json.push_back(job.ToJson());
      PrintJson(Json{{"jobs", jobs_json},
                     {"next_cursor", page->next_cursor ? Json(*page->next_cursor) : Json()}});
      return;
    }
    for (const Job& job : page->jobs) PrintJobLine(job);
    if (page->next_cursor) std::cout << "more: --cursor " << *page->next_cursor << "\n";
  });
}

void AddShow(CLI::App& jobs, const GlobalOptions& options, int* exit_code) {
  auto job_id = std::make_shared<std::string>();
  auto* cmd = jobs.add_subcommand("show", "Show one job");
  cmd->add_option("job_id", *job_id, "Job id")->required();
  cmd->callback([&options, exit_code, job_id] {
    auto session = OpenSession(options, exit_code);
    if (!session) return;
    auto job = session->manager->GetJob(*job_id);
    if (!job.ok()) {
      *exit_code = Fail(options, job.status());
      return;
    }
    if (options.json) PrintJson(job->ToJson());
    else PrintJobDetail(*job);
  });
}

void AddCancel(CLI::App& jobs, const GlobalOptions& options, int* exit_code) {
  auto job_id = std::make_shared<std::string>();
  auto by = std::make_shared<std::string>("cli");
  auto* cmd = jobs.add_subcommand("cancel", "Cancel a job (pending: at once; running: asks it)");
  cmd->add_option("job_id", *job_id, "Job id")->required();
  cmd->add_option("--by", *by, "Who asks (recorded)")->capture_default_str();
  cmd->callback([&options, exit_code, job_id, by] {
    auto session = OpenSession(options, exit_code);
    if (!session) return;
    auto result = session->manager->RequestCancellation(*job_id, *by);
    if (!result.ok()) {
      *exit_code = Fail(options, result.status());
      return;
    }
    if (result->outcome == CancelOutcome::kNotFound) {
      *exit_code = Fail(options, Status::NotFound("job '" + *job_id + "' not found"));
      return;
    }
    if (options.json) {
      PrintJson(Json{{"job_id", *job_id},
                     {"outcome", CancelOutcomeName(result->outcome)},
                     {"status", JobStatusName(result->status)}});
    } else {
      std::cout << *job_id << ": " << CancelOutcomeName(result->outcome) << " (status "
                << JobStatusName(result->status) << ")\n";
    }
  });
}

struct StatsArgs {
  StatsFilter filter;
  std::string window;
};

void AddStats(CLI::App& jobs, const GlobalOptions& options, int* exit_code) {
  auto args = std::make_shared<StatsArgs>();
  auto* cmd = jobs.add_subcommand("stats", "Job statistics");
  cmd->add_option("--user", args->filter.user_id, "Only this user's jobs");
  cmd->add_option("--website", args->filter.website_id, "Only this website's jobs");
  cmd->add_option("--window", args->window, "Only jobs created in this window, e.g. 24h");
  cmd->callback([&options, exit_code, args] {
    if (!args->window.empty()) {
      Micros window;
      Status parsed = ParseDurationOption(args->window, "--window", &window);
      if (!parsed.ok()) {
        *exit_code = Fail(options, parsed);
        return;
      }
      args->filter.created_since = Env::Default()->Now() - window;
    }
    auto session = OpenSession(options, exit_code);
    if (!session) return;
    auto stats = session->manager->GetJobStatistics(args->filter);
    if (!stats.ok()) {
      *exit_code = Fail(options, stats.status());
      return;
    }
    if (options.json) {
      PrintJson(stats->ToJson());
      return;
    }
    std::cout << "jobs: " << stats->total_jobs << "\n";
    for (const auto& [type, by_status] : stats->store.counts) {
      std::cout << "  " << type << ":";
      for (const auto& [status, count] : by_status) std::cout << " " << status << "=" << count;
      auto avg = stats->store.average_duration_seconds.find(type);
      if (avg != stats->store.average_duration_seconds.end()) {
        std::cout << "  (mean duration " << avg->second << " s)";
      }
      std::cout << "\n";
    }
    std::cout << "completion rate: " << stats->completion_rate * 100 << "%\n"
              << "cancellation success rate: " << stats->cancellation_success_rate * 100 << "% of "
              << stats->store.cancellation_requests << " requests\n";
  });
}

struct CleanupArgs {
  std::string stale_after, finished_retention = "7d", cancelled_retention = "1h";
};

void AddCleanup(CLI::App& jobs, const GlobalOptions& options, int* exit_code) {
  auto args = std::make_shared<CleanupArgs>();
  auto* cmd = jobs.add_subcommand(
      "cleanup", "Recover jobs of dead workers and delete finished jobs past retention");
  cmd->add_option("--stale-after", args->stale_after,
                  "Also recover running jobs with no heartbeat for this long, e.g. 5m");
  cmd->add_option("--finished-retention", args->finished_retention,
                  "Keep completed and failed jobs this long")
      ->capture_default_str();
  cmd->add_option("--cancelled-retention", args->cancelled_retention,
                  "Keep cancelled jobs this long")
      ->capture_default_str();
  cmd->callback([&options, exit_code, args] {
    JobManagerOptions manager_options;
    std::optional<Micros> stale_after;
    Status parsed = ParseDurationOption(args->finished_retention, "--finished-retention",
                                        &manager_options.finished_retention);
    if (parsed.ok()) {
      parsed = ParseDurationOption(args->cancelled_retention, "--cancelled-retention",
                                   &manager_options.cancelled_retention);
    }
    if (parsed.ok() && !args->stale_after.empty()) {
      Micros value;
      parsed = ParseDurationOption(args->stale_after, "--stale-after", &value);
      stale_after = value;
    }
    if (!parsed.ok()) {
      *exit_code = Fail(options, parsed);
      return;
    }
    auto session = OpenSession(options, exit_code, manager_options);
    if (!session) return;
    auto recovered = session->manager->CleanupStaleJobs(stale_after);
    if (!recovered.ok()) {
      *exit_code = Fail(options, recovered.status());
      return;
    }
    auto deleted = session->manager->ApplyRetention();
    if (!deleted.ok()) {
      *exit_code = Fail(options, deleted.status());
      return;
    }
    if (options.json) {
      PrintJson(Json{{"requeued", recovered->requeued},
                     {"failed", recovered->failed},
                     {"cancelled", recovered->cancelled},
                     {"deleted", *deleted}});
    } else {
      std::cout << "recovered: " << recovered->requeued << " requeued, " << recovered->failed
                << " failed, " << recovered->cancelled << " cancelled; deleted " << *deleted
                << " finished jobs\n";
    }
  });
}

}  // namespace

void AddJobsCommands(CLI::App& app, const GlobalOptions& options, int* exit_code) {
  auto* jobs = app.add_subcommand("jobs", "Create, inspect and cancel jobs");
  jobs->require_subcommand(1);
  AddCreate(*jobs, options, exit_code);
  AddList(*jobs, options, exit_code);
  AddShow(*jobs, options, exit_code);
  AddCancel(*jobs, options, exit_code);
  AddStats(*jobs, options, exit_code);
  AddCleanup(*jobs, options, exit_code);
}

}  // namespace a11y::cli
