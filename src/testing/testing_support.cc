#include "testing/testing_support.h"

#include "checks/checker.h"

namespace a11y {

Result<TestLevel> ResolveTestLevel(DomainStore& domain, const Job& job) {
  std::string text;
  if (job.metadata.contains("level") && job.metadata["level"].is_string()) {
    text = job.metadata["level"].get<std::string>();
  } else {
    auto project = domain.GetProject(job.project_id, Scope::Admin());
    if (!project.ok()) return project.status();
    text = project->wcag_level;
  }
  TestLevel level;
  if (!checks::ParseWcagLevel(text, &level.level)) {
    return Status::InvalidArgument("level must be A, AA or AAA, not '" + text + "'");
  }
  level.text = text;
  return level;
}

Status ReadPageIds(const Json& metadata, std::vector<std::string>* page_ids) {
  const auto it = metadata.find("page_ids");
  if (it == metadata.end() || !it->is_array() || it->empty()) {
    return Status::InvalidArgument("metadata.page_ids must list the pages to test");
  }
  for (const Json& id : *it) {
    if (!id.is_string()) return Status::InvalidArgument("metadata.page_ids must be strings");
    page_ids->push_back(id.get<std::string>());
  }
  return Status::Ok();
}

std::string RunIdOf(const Job& job) {
  const auto it = job.metadata.find("run_id");
  return it != job.metadata.end() && it->is_string() ? it->get<std::string>() : job.job_id;
}

}  // namespace a11y
