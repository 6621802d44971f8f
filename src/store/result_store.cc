#include "store/result_store.h"

#include "store/json_fields.h"

namespace a11y {

Json FindingCounts::ToJson() const {
  return Json{{"errors", errors}, {"warnings", warnings}, {"info", info}, {"discovery", discovery}};
}

Json TestResult::ToJson(bool with_details) const {
  Json json{{"result_id", result_id},
            {"page_id", page_id},
            {"website_id", website_id},
            {"project_id", project_id},
            {"user_id", user_id},
            {"job_id", job_id},
            {"run_id", run_id},
            {"url", url},
            {"tested_at", FormatRfc3339(tested_at)},
            {"duration_ms", duration_ms},
            {"status_code", Opt(status_code)},
            {"error", Opt(error)},
            {"level", level},
            {"counts", counts.ToJson()},
            {"score", score}};
  if (with_details) {
    json["findings"] = findings;
    json["act"] = act;
  }
  return json;
}

Json TestRunSummary::ToJson() const {
  return Json{{"run_id", run_id},
              {"website_id", website_id},
              {"project_id", project_id},
              {"user_id", user_id},
              {"pages_tested", pages_tested},
              {"pages_failed", pages_failed},
              {"counts", counts.ToJson()},
              {"average_score", average_score},
              {"started_at", FormatRfc3339(started_at)},
              {"finished_at", FormatRfc3339(finished_at)}};
}

std::string ResultNotFound(const std::string& result_id) {
  return "test result '" + result_id + "' not found";
}

std::string PageNotFound(const std::string& page_id) { return "page '" + page_id + "' not found"; }

}  // namespace a11y
