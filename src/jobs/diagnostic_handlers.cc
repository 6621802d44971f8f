#include "jobs/diagnostic_handlers.h"

#include <stdexcept>

#include "store/job_store.h"

namespace a11y {
namespace {

class NoopHandler : public JobHandler {
 public:
  Outcome Run(JobContext& context) override {
    const Job& job = context.job();
    const Json& m = job.metadata;
    if (m.contains("throw")) throw std::runtime_error(m["throw"].get<std::string>());
    if (m.contains("fail")) return Outcome::Failed(m["fail"].get<std::string>());
    if (job.attempt <= m.value("fail_attempts", 0)) {
      return Outcome::Retry("requested failure on attempt " + std::to_string(job.attempt));
    }
    if (m.value("ledger", false)) {
      Status st = context.store().RecordLedgerEffect(job.job_id, job.lock_token,
                                                     context.worker_id());
      // An earlier attempt that died before its completion was written already applied
      // the effect (the unique key keeps it to one): the job is done. A database away for
      // a moment is worth another attempt.
      if (st.code() == Status::Code::kUnavailable) return Outcome::Retry(st.ToString());
      if (!st.ok() && st.code() != Status::Code::kAlreadyExists) {
        return Outcome::Failed("ledger effect refused: " + st.ToString());
      }
    }
    return Outcome::Completed(Json{{"attempt", job.attempt}});
  }
};

class SleepHandler : public JobHandler {
 public:
  Outcome Run(JobContext& context) override {
    const Job& job = context.job();
    const int64_t duration_ms = std::max<int64_t>(job.metadata.value("duration_ms", 1000), 0);
    const int64_t steps = std::max<int64_t>(job.metadata.value("steps", 10), 1);
    int64_t step = 0;
    if (job.checkpoint && job.checkpoint->is_object()) step = job.checkpoint->value("step", 0);
    const int64_t resumed_from = step;
    const Micros per_step = std::chrono::milliseconds(duration_ms) / steps;
    while (step < steps) {
      context.ReportProgress(step, steps,
                             "Sleeping: step " + std::to_string(step + 1) + " of " +
                                 std::to_string(steps),
                             Json{{"step", step}});
      if (context.cancellation().WaitFor(per_step)) return Outcome::Cancelled();
      ++step;
      Status saved = context.SaveCheckpoint(Json{{"step", step}});
      if (!saved.ok()) return Outcome::Cancelled();  // Lease lost: stop at once.
    }
    context.ReportProgress(steps, steps, "Slept " + std::to_string(duration_ms) + " ms");
    return Outcome::Completed(Json{{"slept_ms", duration_ms}, {"resumed_from_step", resumed_from}});
  }
};

}  // namespace

void RegisterDiagnosticHandlers(HandlerRegistry* registry) {
  registry->Register("noop", std::make_shared<NoopHandler>());
  registry->Register("sleep", std::make_shared<SleepHandler>());
}

}  // namespace a11y
