// What the testing and bulk_test jobs share.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "checks/rule.h"
#include "jobs/handler.h"
#include "store/domain_store.h"

namespace a11y {

struct TestLevel {
  checks::WcagLevel level = checks::WcagLevel::kAA;
  std::string text = "AA";
};

// The level a job tests at: its metadata's "level" when set (a bulk_test hands its own to
// its children), else its project's wcag_level.
Result<TestLevel> ResolveTestLevel(DomainStore& domain, const Job& job);

// The job's metadata.page_ids: a non-empty array of strings.
Status ReadPageIds(const Json& metadata, std::vector<std::string>* page_ids);

// The run a testing job's results belong to: its bulk_test parent's, else its own.
std::string RunIdOf(const Job& job);

std::shared_ptr<JobHandler> NewBulkTestJob();

}  // namespace a11y
