// The small pieces everything else leans on: ids, time formats, durations, metrics,
// retry backoff, Status, and the job row's own helpers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/env.h"
#include "core/ids.h"
#include "core/metrics.h"
#include "core/status.h"
#include "jobs/worker.h"
#include "store/job.h"

namespace a11y {
namespace {

using namespace std::chrono_literals;

TimePoint Epoch2027() { return FromUnixMicros(int64_t{1'800'000'000} * 1'000'000); }

// The first ten Crockford base32 digits of a ULID are its 48-bit millisecond stamp.
int64_t IdMillis(const std::string& id) {
  const std::string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  int64_t ms = 0;
  for (int i = 0; i < 10; ++i) ms = ms * 32 + static_cast<int64_t>(alphabet.find(id[i]));
  return ms;
}

// ---------------------------------------------------------------------------------------
// Ids

TEST(SortableIdTest, TenThousandIdsAreUniqueAndSortInCreationOrder) {
  ManualEnv env(Epoch2027());
  std::vector<std::string> ids;
  ids.reserve(10000);
  for (int i = 0; i < 10000; ++i) {
    ids.push_back(NewSortableId(env.Now()));
    if (i % 7 == 0) env.Advance(1ms);  // Most ids share a millisecond with others.
  }
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  for (const std::string& id : ids) {
    ASSERT_EQ(id.size(), 26u) << id;
    ASSERT_EQ(id.find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ"), std::string::npos) << id;
    ASSERT_TRUE(IsValidJobId(id)) << id;
  }
}

TEST(SortableIdTest, LaterMillisecondSortsLaterWhateverTheRandomPart) {
  ManualEnv env(Epoch2027() + 5h);
  for (int i = 0; i < 200; ++i) {
    const std::string earlier = NewSortableId(env.Now());
    env.Advance(1ms);
    const std::string later = NewSortableId(env.Now());
    ASSERT_LT(earlier, later);
  }
}

TEST(SortableIdTest, PrefixEncodesTheCreationMillisecond) {
  // Ids never go back in time within a process, so this must be later than any other
  // id the test binary makes.
  const TimePoint t = Epoch2027() + 24h * 365 * 70 + 123456us;
  const std::string id = NewSortableId(t);
  EXPECT_EQ(IdMillis(id), ToUnixMicros(t) / 1000);
}

TEST(JobIdTest, ValidIds) {
  const std::vector<std::string> ids = {
      "a", "job-1", "01HZX3K9Q7", "tenant.site:scan_2", "A.B_C:D-E", std::string(128, 'z')};
  for (const std::string& id : ids) {
    EXPECT_TRUE(IsValidJobId(id)) << id;
  }
}

TEST(JobIdTest, InvalidIds) {
  const std::vector<std::string> ids = {"",
                                        std::string(129, 'z'),
                                        "two words",
                                        "a/b",
                                        "a\\b",
                                        "a'b",
                                        "tab\there",
                                        "caf\xc3\xa9",
                                        std::string("nul\0byte", 8),
                                        "semi;colon"};
  for (const std::string& id : ids) {
    EXPECT_FALSE(IsValidJobId(id)) << id;
  }
}

// ---------------------------------------------------------------------------------------
// RFC 3339

TEST(Rfc3339Test, FormatsUtcWithMicroseconds) {
  EXPECT_EQ(FormatRfc3339(Epoch2027()), "2027-01-15T08:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339(Epoch2027() + 1s + 42us), "2027-01-15T08:00:01.000042Z");
  EXPECT_EQ(FormatRfc3339(FromUnixMicros(0)), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339(FromUnixMicros(-1)), "1969-12-31T23:59:59.999999Z");
}

TEST(Rfc3339Test, RoundTripsToTheMicrosecond) {
  for (int64_t us : {int64_t{0}, int64_t{1}, int64_t{999'999}, int64_t{1'800'000'000'123'456},
                     int64_t{951'782'400'000'000} /* 2000-02-29 */, int64_t{-1}}) {
    const TimePoint t = FromUnixMicros(us);
    TimePoint parsed;
    ASSERT_TRUE(ParseRfc3339(FormatRfc3339(t), &parsed)) << FormatRfc3339(t);
    EXPECT_EQ(ToUnixMicros(parsed), us) << FormatRfc3339(t);
  }
}

TEST(Rfc3339Test, AcceptsOffsetsAndOptionalFractions) {
  const TimePoint expected = Epoch2027();
  for (const char* text :
       {"2027-01-15T08:00:00Z", "2027-01-15T08:00:00.000Z", "2027-01-15t08:00:00z",
        "2027-01-15T09:00:00+01:00", "2027-01-15T02:30:00-05:30", "2027-01-15T08:00:00+00:00",
        "2027-01-14T23:00:00-09:00"}) {
    TimePoint parsed;
    ASSERT_TRUE(ParseRfc3339(text, &parsed)) << text;
    EXPECT_EQ(FormatRfc3339(parsed), FormatRfc3339(expected)) << text;
  }
  TimePoint parsed;
  ASSERT_TRUE(ParseRfc3339("2027-01-15T08:00:00.5Z", &parsed));
  EXPECT_EQ(parsed, expected + 500ms);
  ASSERT_TRUE(ParseRfc3339("2027-01-15T08:00:00.123456789Z", &parsed));
  EXPECT_EQ(parsed, expected + 123456us) << "digits past microseconds are dropped";
}

void ExpectRfc3339Rejected(const std::vector<std::string>& texts) {
  for (const std::string& text : texts) {
    TimePoint parsed = Epoch2027();
    EXPECT_FALSE(ParseRfc3339(text, &parsed))
        << "accepted '" << text << "' as " << FormatRfc3339(parsed);
  }
}

TEST(Rfc3339Test, RejectsMalformedText) {
  ExpectRfc3339Rejected({
      "", "yesterday", "2027-01-15",
      "2027-01-15T08:00:00",       // No zone.
      "2027-01-15 08:00:00Z",      // Space instead of T.
      "2027-01-15T08:00:00.Z",     // Empty fraction.
      "2027-01-15T08:00:00Zjunk",  // Trailing text.
      "2027-01-15T08:00:00+0100",  // Offset without colon.
      "2027-01-15T08:00:00+01",    // Truncated offset.
  });
}

TEST(Rfc3339Test, RejectsOutOfRangeFields) {
  ExpectRfc3339Rejected({"2027-13-01T00:00:00Z", "2027-00-10T00:00:00Z", "2027-01-32T00:00:00Z",
                         "2027-01-15T24:00:00Z", "2027-01-15T08:60:00Z"});
}

TEST(Rfc3339Test, RejectsDaysTheMonthDoesNotHave) {
  ExpectRfc3339Rejected({"2027-02-30T00:00:00Z", "2027-02-29T00:00:00Z", "2027-04-31T00:00:00Z"});
  TimePoint leap_day;
  EXPECT_TRUE(ParseRfc3339("2028-02-29T00:00:00Z", &leap_day));
}

TEST(Rfc3339Test, RejectsSignedFields) {
  ExpectRfc3339Rejected({"2027-01-15T-1:00:00Z", "2027-01-15T08:-5:00Z", "2027-01-+5T08:00:00Z"});
}

// ---------------------------------------------------------------------------------------
// Durations

TEST(ParseDurationTest, AcceptsEveryUnit) {
  const std::vector<std::pair<std::string, Micros>> cases = {
      {"30s", 30s}, {"250ms", 250ms}, {"5m", 5min}, {"2h", 2h},       {"7d", 24h * 7},
      {"45", 45s},  {"1.5s", 1500ms}, {"0", 0s},    {"100us", 100us}, {"0.5h", 30min},
  };
  for (const auto& [text, expected] : cases) {
    Micros parsed{-1};
    ASSERT_TRUE(ParseDuration(text, &parsed)) << text;
    EXPECT_EQ(parsed.count(), expected.count()) << text;
  }
}

void ExpectDurationRejected(const std::vector<std::string>& texts) {
  for (const std::string& text : texts) {
    Micros parsed{-1};
    EXPECT_FALSE(ParseDuration(text, &parsed))
        << "accepted '" << text << "' as " << parsed.count() << "us";
  }
}

TEST(ParseDurationTest, RejectsMalformedText) {
  ExpectDurationRejected({"", "s", "abc", "5x", "5 s", "-5s", "5sec", "ms5", "1e400"});
}

// Converting these to an integer count of microseconds is undefined behaviour.
TEST(ParseDurationTest, RejectsNonFiniteAndOverflowingValues) {
  ExpectDurationRejected({"inf", "nan", "1e30d", "9999999999999h"});
}

// ---------------------------------------------------------------------------------------
// Latency histogram

TEST(LatencyHistogramTest, EmptyHistogramIsAllZero) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.Count(), 0);
  EXPECT_EQ(histogram.MeanMicros(), 0);
  EXPECT_EQ(histogram.QuantileMicros(0.5), 0);
  EXPECT_EQ(histogram.QuantileMicros(0.99), 0);
  EXPECT_EQ(histogram.MaxMicros(), 0);
}

TEST(LatencyHistogramTest, CountsMeanAndMaxAreExact) {
  LatencyHistogram histogram;
  for (int us = 1; us <= 1000; ++us) histogram.Record(Micros(us));
  EXPECT_EQ(histogram.Count(), 1000);
  EXPECT_DOUBLE_EQ(histogram.MeanMicros(), 500.5);
  EXPECT_EQ(histogram.MaxMicros(), 1000);
}

// A quantile is the upper bound of its bucket: never below the true value, less than twice it.
void ExpectWithinFactorOfTwo(int64_t reported, int64_t truth) {
  EXPECT_GE(reported, truth);
  EXPECT_LT(reported, 2 * truth);
}

TEST(LatencyHistogramTest, QuantilesAreWithinAFactorOfTwo) {
  LatencyHistogram histogram;
  for (int us = 1; us <= 1000; ++us) histogram.Record(Micros(us));
  ExpectWithinFactorOfTwo(histogram.QuantileMicros(0.5), 500);
  ExpectWithinFactorOfTwo(histogram.QuantileMicros(0.9), 900);
  ExpectWithinFactorOfTwo(histogram.QuantileMicros(0.99), 990);
  EXPECT_GE(histogram.QuantileMicros(1.0), 1000);
}

TEST(LatencyHistogramTest, TailQuantileSeesTheSlowRequests) {
  LatencyHistogram histogram;
  for (int i = 0; i < 95; ++i) histogram.Record(10us);
  for (int i = 0; i < 5; ++i) histogram.Record(100ms);
  ExpectWithinFactorOfTwo(histogram.QuantileMicros(0.5), 10);
  ExpectWithinFactorOfTwo(histogram.QuantileMicros(0.99), 100'000);
  EXPECT_EQ(histogram.MaxMicros(), 100'000);
}

TEST(LatencyHistogramTest, ZeroAndNegativeLatenciesCountAsZero) {
  LatencyHistogram histogram;
  histogram.Record(0us);
  histogram.Record(Micros(-50));
  EXPECT_EQ(histogram.Count(), 2);
  EXPECT_EQ(histogram.MeanMicros(), 0);
  EXPECT_EQ(histogram.QuantileMicros(0.99), 0);
}

TEST(LatencyHistogramTest, HugeLatencyLandsInTheLastBucket) {
  LatencyHistogram histogram;
  histogram.Record(Micros(int64_t{1} << 50));
  EXPECT_EQ(histogram.Count(), 1);
  EXPECT_EQ(histogram.MaxMicros(), int64_t{1} << 50);
  EXPECT_GT(histogram.QuantileMicros(0.5), 0);
}

// ---------------------------------------------------------------------------------------
// Retry backoff

TEST(RetryPolicyTest, WithoutJitterEachAttemptDoublesUntilTheCap) {
  RetryPolicy policy;
  policy.base = 1s;
  policy.max = 60s;
  policy.jitter = 0;
  std::mt19937_64 rng(1);
  const std::vector<Micros> expected = {1s, 2s, 4s, 8s, 16s, 32s, 60s, 60s};
  for (size_t i = 0; i < expected.size(); ++i) {
    const int attempt = static_cast<int>(i) + 1;
    EXPECT_EQ(policy.Backoff(attempt, rng).count(), expected[i].count()) << "attempt " << attempt;
  }
  EXPECT_EQ(policy.Backoff(1000, rng).count(), Micros(60s).count()) << "huge attempt";
  EXPECT_EQ(policy.Backoff(0, rng).count(), Micros(1s).count()) << "attempt 0 is the first";
  EXPECT_EQ(policy.Backoff(-3, rng).count(), Micros(1s).count());
}

TEST(RetryPolicyTest, JitterStaysWithinItsBoundsAndVaries) {
  RetryPolicy policy;  // 1 s base, 10 min cap, 25 % jitter.
  std::mt19937_64 rng(42);
  for (int attempt = 1; attempt <= 15; ++attempt) {
    const double nominal =
        std::min(1e6 * std::pow(2.0, attempt - 1), static_cast<double>(policy.max.count()));
    std::set<int64_t> seen;
    for (int sample = 0; sample < 500; ++sample) {
      const int64_t delay = policy.Backoff(attempt, rng).count();
      ASSERT_GE(delay, static_cast<int64_t>(nominal * 0.75) - 1) << "attempt " << attempt;
      ASSERT_LE(delay, static_cast<int64_t>(nominal * 1.25) + 1) << "attempt " << attempt;
      seen.insert(delay);
    }
    EXPECT_GT(seen.size(), 100u) << "jitter should spread attempt " << attempt;
  }
}

TEST(RetryPolicyTest, MeanDelayGrowsExponentially) {
  RetryPolicy policy;
  std::mt19937_64 rng(7);
  auto mean = [&](int attempt) {
    double sum = 0;
    for (int i = 0; i < 2000; ++i) sum += static_cast<double>(policy.Backoff(attempt, rng).count());
    return sum / 2000;
  };
  for (int attempt = 1; attempt <= 8; ++attempt) {
    EXPECT_NEAR(mean(attempt + 1) / mean(attempt), 2.0, 0.1) << "attempt " << attempt;
  }
}

// ---------------------------------------------------------------------------------------
// Status and Result

TEST(StatusTest, ToStringLeadsWithTheStableCodeName) {
  EXPECT_EQ(Status::Ok().ToString(), "ok");
  EXPECT_EQ(Status::NotFound("job x does not exist").ToString(), "not_found: job x does not exist");
  EXPECT_EQ(Status::LeaseLost("m").ToString(), "lease_lost: m");
  EXPECT_EQ(Status::FailedPrecondition("m").code(), Status::Code::kFailedPrecondition);
  EXPECT_FALSE(Status::Unavailable("busy").ok());
}

TEST(StatusTest, ResultCarriesAValueOrAStatus) {
  Result<int> value = 42;
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 42);
  Result<int> error = Status::InvalidArgument("bad");
  EXPECT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), Status::Code::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------
// The job row

TEST(JobTest, StatusNamesRoundTrip) {
  for (JobStatus status : {JobStatus::kPending, JobStatus::kRunning, JobStatus::kCompleted,
                           JobStatus::kFailed, JobStatus::kCancelled, JobStatus::kCancelling}) {
    EXPECT_EQ(ParseJobStatus(JobStatusName(status)), status);
  }
  EXPECT_FALSE(ParseJobStatus("done").has_value());
  EXPECT_FALSE(ParseJobStatus("").has_value());
}

TEST(JobTest, TerminalAndActiveStatuses) {
  EXPECT_FALSE(IsTerminal(JobStatus::kPending));
  EXPECT_FALSE(IsTerminal(JobStatus::kRunning));
  EXPECT_FALSE(IsTerminal(JobStatus::kCancelling));
  EXPECT_TRUE(IsTerminal(JobStatus::kCompleted));
  EXPECT_TRUE(IsTerminal(JobStatus::kFailed));
  EXPECT_TRUE(IsTerminal(JobStatus::kCancelled));
  EXPECT_TRUE(IsActive(JobStatus::kRunning));
  EXPECT_TRUE(IsActive(JobStatus::kCancelling));
  EXPECT_FALSE(IsActive(JobStatus::kPending));
  EXPECT_FALSE(IsActive(JobStatus::kCompleted));
}

TEST(JobTest, KnownJobTypes) {
  for (const char* type : {"discovery", "testing", "report_generation", "bulk_test"}) {
    EXPECT_TRUE(IsKnownJobType(type)) << type;
  }
  EXPECT_FALSE(IsKnownJobType("Discovery"));
  EXPECT_FALSE(IsKnownJobType(""));
}

TEST(JobTest, ProgressPercentageIsClamped) {
  const std::vector<std::tuple<int64_t, int64_t, double>> cases = {
      {3, 4, 75}, {0, 4, 0}, {4, 4, 100}, {9, 4, 100}, {1, 0, 0}, {-1, 4, 0}};
  for (const auto& [current, total, percentage] : cases) {
    Progress progress;
    progress.current = current;
    progress.total = total;
    progress.ComputePercentage();
    EXPECT_DOUBLE_EQ(progress.percentage, percentage) << current << "/" << total;
  }
}

TEST(JobTest, ToJsonUsesTheContractNames) {
  Job job;
  job.job_id = "job-1";
  job.job_type = "discovery";
  job.status = JobStatus::kCancelling;
  job.created_at = Epoch2027();
  job.cancellation_requested_at = Epoch2027() + 1s;
  const Json json = job.ToJson();
  for (const char* key : {"job_id",
                          "job_type",
                          "status",
                          "website_id",
                          "project_id",
                          "user_id",
                          "session_id",
                          "created_at",
                          "updated_at",
                          "started_at",
                          "completed_at",
                          "progress",
                          "metadata",
                          "error",
                          "result",
                          "cancellation_requested",
                          "cancellation_requested_at",
                          "cancellation_requested_by",
                          "lock_holder",
                          "lock_acquired_at",
                          "lock_expiry",
                          "lock_token",
                          "heartbeat_at",
                          "priority",
                          "queue",
                          "run_after",
                          "attempt",
                          "max_attempts",
                          "parent_job_id"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  for (const char* key : {"current", "total", "message", "percentage", "details"}) {
    EXPECT_TRUE(json["progress"].contains(key)) << key;
  }
  EXPECT_EQ(json["status"], "cancelling");
  EXPECT_EQ(json["created_at"], "2027-01-15T08:00:00.000000Z");
  EXPECT_EQ(json["cancellation_requested_at"], "2027-01-15T08:00:01.000000Z");
  EXPECT_TRUE(json["started_at"].is_null());
  EXPECT_TRUE(json["error"].is_null());
}

}  // namespace
}  // namespace a11y
