// The `testing` and `bulk_test` jobs: the checker run over a website's pages.
//
// testing   tests the pages its metadata names ({"page_ids": [...]}): fetches each through
//           the crawler's Fetcher (network policy, timeouts, body cap), checks it at the
//           project's WCAG level and stores one TestResult per page, fenced on its lease.
//           Progress goes up page by page; cancellation aborts the fetches in flight and
//           stops before the next page. A job taken over after a crash skips the pages it
//           already stored.
// bulk_test tests every page of a website (or of every website of a project, when the job
//           names no website). It fans out child testing jobs of `chunk_size` pages each
//           (metadata, default 25) so many workers share the work, sums their progress,
//           cancels them when it is cancelled, and ends when they have all ended: failed
//           if any of them failed, completed otherwise. Between looks at its children it
//           gives its worker slot back (Outcome::Wait), so one slot is enough. All results
//           of one bulk_test share its job id as their run_id.
#pragma once

#include "discovery/fetcher.h"
#include "jobs/handler.h"

namespace a11y {

struct TestingOptions {
  FetchOptions fetch;
  int fetch_concurrency = 8;  // Pages one testing job fetches at once.
};

void RegisterTestingHandlers(HandlerRegistry* registry, TestingOptions options);

}  // namespace a11y
