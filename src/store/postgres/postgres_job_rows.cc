#include "store/postgres/postgres_job_rows.h"

#include <cerrno>
#include <cstdlib>
#include <string_view>

namespace a11y::pg {
namespace {

struct Column {
  const char* name;
  const char* type;
};

// Order matters: it is the order of JobSelectList, AppendJobParams and the Col enum.
constexpr Column kColumns[] = {
    {"job_id", "text"},
    {"job_type", "text"},
    {"status", "text"},
    {"website_id", "text"},
    {"project_id", "text"},
    {"user_id", "text"},
    {"session_id", "text"},
    {"created_at", "timestamptz"},
    {"updated_at", "timestamptz"},
    {"started_at", "timestamptz"},
    {"completed_at", "timestamptz"},
    {"progress_current", "bigint"},
    {"progress_total", "bigint"},
    {"progress_message", "text"},
    {"progress_percentage", "float8"},
    {"progress_details", "jsonb"},
    {"metadata", "jsonb"},
    {"error", "text"},
    {"result", "jsonb"},
    {"cancellation_requested", "boolean"},
    {"cancellation_requested_at", "timestamptz"},
    {"cancellation_requested_by", "text"},
    {"lock_holder", "text"},
    {"lock_acquired_at", "timestamptz"},
    {"lock_expiry", "timestamptz"},
    {"lock_token", "bigint"},
    {"heartbeat_at", "timestamptz"},
    {"priority", "integer"},
    {"queue", "text"},
    {"run_after", "timestamptz"},
    {"attempt", "integer"},
    {"max_attempts", "integer"},
    {"parent_job_id", "text"},
    {"checkpoint", "jsonb"},
};

enum Col {
  kJobId,
  kJobType,
  kStatus,
  kWebsiteId,
  kProjectId,
  kUserId,
  kSessionId,
  kCreatedAt,
  kUpdatedAt,
  kStartedAt,
  kCompletedAt,
  kProgressCurrent,
  kProgressTotal,
  kProgressMessage,
  kProgressPercentage,
  kProgressDetails,
  kMetadata,
  kError,
  kResult,
  kCancellationRequested,
  kCancellationRequestedAt,
  kCancellationRequestedBy,
  kLockHolder,
  kLockAcquiredAt,
  kLockExpiry,
  kLockToken,
  kHeartbeatAt,
  kPriority,
  kQueue,
  kRunAfter,
  kAttempt,
  kMaxAttempts,
  kParentJobId,
  kCheckpoint,
  kColumnCount,
};
static_assert(kColumnCount == sizeof(kColumns) / sizeof(kColumns[0]));

// jsonb from the server is always valid; a parse failure would be a bug, kept visible as
// null rather than thrown across the seam.
Json ParseJson(const std::string& text) {
  Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return value.is_discarded() ? Json(nullptr) : value;
}

std::optional<Json> ParseOptJson(const PgResult& r, int row, int col) {
  if (r.IsNull(row, col)) return std::nullopt;
  return ParseJson(r.GetText(row, col));
}

}  // namespace

const std::string& JobSelectList() {
  static const std::string list = [] {
    std::string out;
    for (const Column& c : kColumns) {
      if (!out.empty()) out += ", ";
      out += std::string_view(c.type) == "timestamptz" ? UnixMicros(c.name) : c.name;
    }
    return out;
  }();
  return list;
}

const std::string& JobInsertColumns() {
  static const std::string list = [] {
    std::string out = "(";
    for (const Column& c : kColumns) {
      if (out.size() > 1) out += ", ";
      out += c.name;
    }
    return out + ")";
  }();
  return list;
}

int JobColumnCount() { return kColumnCount; }

std::string JobUnnestSource(int first) {
  std::string out = "unnest(";
  for (int i = 0; i < kColumnCount; ++i) {
    if (i > 0) out += ", ";
    out += "$" + std::to_string(first + i) + "::" + kColumns[i].type + "[]";
  }
  return out + ")";
}

void AppendJobArrayParams(const std::vector<Job>& jobs, Params* params) {
  // Row-major values, then one array literal per column.
  Params values;
  values.reserve(jobs.size() * kColumnCount);
  for (const Job& job : jobs) AppendJobParams(job, &values);
  for (int col = 0; col < kColumnCount; ++col) {
    Params column;
    column.reserve(jobs.size());
    for (size_t row = 0; row < jobs.size(); ++row) {
      column.push_back(std::move(values[row * kColumnCount + col]));
    }
    params->push_back(ArrayLiteral(column));
  }
}

void AppendJobParams(const Job& job, Params* p) {
  p->push_back(Text(job.job_id));
  p->push_back(Text(job.job_type));
  p->push_back(Text(JobStatusName(job.status)));
  p->push_back(Text(job.website_id));
  p->push_back(Text(job.project_id));
  p->push_back(Text(job.user_id));
  p->push_back(Text(job.session_id));
  p->push_back(Time(job.created_at));
  p->push_back(Time(job.updated_at));
  p->push_back(OptTime(job.started_at));
  p->push_back(OptTime(job.completed_at));
  p->push_back(Int(job.progress.current));
  p->push_back(Int(job.progress.total));
  p->push_back(Text(job.progress.message));
  p->push_back(Double(job.progress.percentage));
  p->push_back(JsonText(job.progress.details));
  p->push_back(JsonText(job.metadata));
  p->push_back(OptText(job.error));
  p->push_back(job.result ? JsonText(*job.result) : Param());
  p->push_back(Bool(job.cancellation_requested));
  p->push_back(OptTime(job.cancellation_requested_at));
  p->push_back(OptText(job.cancellation_requested_by));
  p->push_back(OptText(job.lock_holder));
  p->push_back(OptTime(job.lock_acquired_at));
  p->push_back(OptTime(job.lock_expiry));
  p->push_back(Int(job.lock_token));
  p->push_back(OptTime(job.heartbeat_at));
  p->push_back(Int(job.priority));
  p->push_back(Text(job.queue));
  p->push_back(Time(job.run_after));
  p->push_back(Int(job.attempt));
  p->push_back(Int(job.max_attempts));
  p->push_back(OptText(job.parent_job_id));
  p->push_back(job.checkpoint ? JsonText(*job.checkpoint) : Param());
}

Job RowToJob(const PgResult& r, int row) {
  Job job;
  job.job_id = r.GetText(row, kJobId);
  job.job_type = r.GetText(row, kJobType);
  job.status = ParseJobStatus(r.GetText(row, kStatus)).value_or(JobStatus::kPending);
  job.website_id = r.GetText(row, kWebsiteId);
  job.project_id = r.GetText(row, kProjectId);
  job.user_id = r.GetText(row, kUserId);
  job.session_id = r.GetText(row, kSessionId);
  job.created_at = r.GetTime(row, kCreatedAt);
  job.updated_at = r.GetTime(row, kUpdatedAt);
  job.started_at = r.GetOptTime(row, kStartedAt);
  job.completed_at = r.GetOptTime(row, kCompletedAt);
  job.progress.current = r.GetInt(row, kProgressCurrent);
  job.progress.total = r.GetInt(row, kProgressTotal);
  job.progress.message = r.GetText(row, kProgressMessage);
  job.progress.percentage = r.GetDouble(row, kProgressPercentage);
  job.progress.details = ParseJson(r.GetText(row, kProgressDetails));
  job.metadata = ParseJson(r.GetText(row, kMetadata));
  job.error = r.GetOptText(row, kError);
  job.result = ParseOptJson(r, row, kResult);
  job.cancellation_requested = r.GetBool(row, kCancellationRequested);
  job.cancellation_requested_at = r.GetOptTime(row, kCancellationRequestedAt);
  job.cancellation_requested_by = r.GetOptText(row, kCancellationRequestedBy);
  job.lock_holder = r.GetOptText(row, kLockHolder);
  job.lock_acquired_at = r.GetOptTime(row, kLockAcquiredAt);
  job.lock_expiry = r.GetOptTime(row, kLockExpiry);
  job.lock_token = r.GetInt(row, kLockToken);
  job.heartbeat_at = r.GetOptTime(row, kHeartbeatAt);
  job.priority = static_cast<int>(r.GetInt(row, kPriority));
  job.queue = r.GetText(row, kQueue);
  job.run_after = r.GetTime(row, kRunAfter);
  job.attempt = static_cast<int>(r.GetInt(row, kAttempt));
  job.max_attempts = static_cast<int>(r.GetInt(row, kMaxAttempts));
  job.parent_job_id = r.GetOptText(row, kParentJobId);
  job.checkpoint = ParseOptJson(r, row, kCheckpoint);
  return job;
}

namespace {
constexpr char kHex[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
}  // namespace

// "<created_at micros>.<job_id in hex>": opaque to callers, safe in a URL.
std::string EncodeCursor(TimePoint created_at, const std::string& job_id) {
  std::string out = std::to_string(ToUnixMicros(created_at)) + ".";
  for (unsigned char c : job_id) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

Status DecodeCursor(const std::string& cursor, TimePoint* created_at, std::string* job_id) {
  const Status bad = Status::InvalidArgument("malformed list cursor");
  const size_t dot = cursor.find('.');
  if (dot == std::string::npos || dot == 0 || (cursor.size() - dot - 1) % 2 != 0) return bad;
  const std::string micros = cursor.substr(0, dot);
  char* end = nullptr;
  errno = 0;
  const long long us = std::strtoll(micros.c_str(), &end, 10);
  if (errno != 0 || end != micros.c_str() + micros.size()) return bad;
  std::string id;
  for (size_t i = dot + 1; i < cursor.size(); i += 2) {
    const int hi = HexValue(cursor[i]);
    const int lo = HexValue(cursor[i + 1]);
    if (hi < 0 || lo < 0) return bad;
    id += static_cast<char>(hi * 16 + lo);
  }
  *created_at = FromUnixMicros(us);
  *job_id = std::move(id);
  return Status::Ok();
}

}  // namespace a11y::pg
