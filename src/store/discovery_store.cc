#include "store/discovery_store.h"

#include "store/json_fields.h"

namespace a11y {

// The counts are flattened: clients read a run as one flat object, like the other rows.
Json DiscoveryRun::ToJson() const {
  return Json{{"run_id", run_id},
              {"website_id", website_id},
              {"project_id", project_id},
              {"user_id", user_id},
              {"job_id", job_id},
              {"session_id", session_id},
              {"status", status},
              {"error", Opt(error)},
              {"pages_found", counts.pages_found},
              {"pages_processed", counts.pages_processed},
              {"pages_failed", counts.pages_failed},
              {"documents_found", counts.documents_found},
              {"pages_missing", pages_missing},
              {"started_at", FormatRfc3339(started_at)},
              {"finished_at", OptTime(finished_at)}};
}

Json Document::ToJson() const {
  return Json{{"document_id", document_id},
              {"website_id", website_id},
              {"project_id", project_id},
              {"user_id", user_id},
              {"url", url},
              {"doc_type", doc_type},
              {"link_text", link_text},
              {"referrer", referrer},
              {"internal", internal},
              {"missing", missing},
              {"first_seen_at", FormatRfc3339(first_seen_at)},
              {"last_seen_at", FormatRfc3339(last_seen_at)}};
}

Status AsLeaseLost(const Status& fenced) {
  switch (fenced.code()) {
    case Status::Code::kFailedPrecondition:
    case Status::Code::kNotFound:
      return Status::LeaseLost(fenced.message());
    default:
      return fenced;
  }
}

Status CheckFinalStatus(const std::string& status) {
  if (status == "completed" || status == "failed" || status == "cancelled") return Status::Ok();
  return Status::InvalidArgument("a discovery run ends completed, failed or cancelled, not '" +
                                 status + "'");
}

std::string RunNotFound(const std::string& run_id) {
  return "discovery run '" + run_id + "' not found";
}

std::string WebsiteNotFound(const std::string& website_id) {
  return "website '" + website_id + "' not found";
}

}  // namespace a11y
