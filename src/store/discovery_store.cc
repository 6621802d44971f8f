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

}  // namespace a11y
