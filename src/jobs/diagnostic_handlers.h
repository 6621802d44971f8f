// Built-in diagnostic job types for tests, benchmarks and health checks.
//
// noop  — completes at once. Metadata knobs: "ledger": true records one fenced ledger
//         effect (at most one per job: a retry finds it applied and completes); "fail_attempts": N asks for a retry on attempts 1..N; "fail": "text"
//         fails permanently; "throw": "text" throws from the handler.
// sleep — sleeps "duration_ms" (default 1000) in "steps" (default 10), reporting progress
//         and checkpointing each step, so a job taken over after a crash resumes at its last
//         step; stops within one wait when cancelled.
#pragma once

#include "jobs/handler.h"

namespace a11y {

void RegisterDiagnosticHandlers(HandlerRegistry* registry);

}  // namespace a11y
