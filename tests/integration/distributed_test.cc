// Distributed behaviour with real worker processes: exactly-once effects at PostgreSQL
// scale, kill -9 chaos on both backends, a PostgreSQL server restart under load, and a
// worker in another network namespace that shares the work and obeys a cancel.
//
// Pass conditions never depend on timing: the tests wait on conditions with generous
// deadlines and then check counts, the ledger and each job's final state.
//
// The restart and network-namespace tests start a private PostgreSQL cluster of their own
// (in a folder under A11Y_TEST_POSTGRES_DIR, which scripts/run-tests exports): restarting
// the shared test server would break the other PostgreSQL tests ctest runs in parallel.
//
// Sizes (defaults; sanitizer builds use smaller ones): A11Y_TEST_SCALE_JOBS (10,000),
// A11Y_TEST_CHAOS_JOBS (3,000), A11Y_TEST_CHAOS_ROUNDS (6 kills), A11Y_TEST_RESTART_JOBS
// (3,000).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "jobs/job_manager.h"
#include "tests/support/process.h"
#include "tests/support/test_database.h"

#if defined(__SANITIZE_ADDRESS__)
#define A11Y_DT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define A11Y_DT_SANITIZED 1
#endif
#endif
#ifndef A11Y_DT_SANITIZED
#define A11Y_DT_SANITIZED 0
#endif

namespace a11y {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;

bool UnderCi() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::string(value) : fallback;
}

// A positive integer from the environment, or `fallback`.
int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  if (!value || !*value) return fallback;
  const int n = std::atoi(value);
  return n > 0 ? n : fallback;
}

// Polls `condition` every `every` until it holds or `timeout` passes. Slower than
// testing::WaitUntil on purpose: the conditions here are aggregate queries over
// thousands of rows, and the workers need the cores.
bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds every = 100ms) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(every);
  }
  return true;
}

// Full path of a program: PATH first, then the sbin folders PATH often lacks.
std::string FindProgram(const std::string& name) {
  std::vector<std::string> dirs;
  std::stringstream path(EnvOr("PATH", ""));
  for (std::string dir; std::getline(path, dir, ':');) {
    if (!dir.empty()) dirs.push_back(dir);
  }
  for (const char* dir : {"/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin"}) {
    dirs.push_back(dir);
  }
  for (const auto& dir : dirs) {
    const std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// Waits until the kernel reports `pid` as stopped (SIGSTOP delivered).
bool WaitStopped(pid_t pid) {
  return Eventually(
      [&] {
        std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
        std::string line;
        std::getline(in, line);
        const auto close_paren = line.rfind(')');
        return close_paren != std::string::npos && close_paren + 2 < line.size() &&
               line[close_paren + 2] == 'T';
      },
      10s, 2ms);
}

std::string Join(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

// A PostgreSQL 15 cluster owned by one test: initdb'd into its own folder, listening on
// 127.0.0.1 (and any extra address) on a free port, trusting connections, fsync off.
// Run as root, the server runs as the `postgres` user, as scripts/pg-test-cluster does.
class PrivateCluster {
 public:
  ~PrivateCluster() { Stop(); }

  // Returns "" on success, or why the cluster could not be started.
  std::string Start(const std::filesystem::path& dir, const std::vector<std::string>& listen,
                    const std::vector<std::string>& trusted_hosts = {}) {
    bindir_ = EnvOr("A11Y_TEST_PG_BINDIR", EnvOr("PG_BINDIR", "/usr/lib/postgresql/15/bin"));
    for (const char* tool : {"initdb", "pg_ctl"}) {
      if (access((bindir_ + "/" + tool).c_str(), X_OK) != 0) {
        return "PostgreSQL server binaries not found in " + bindir_ + " (set A11Y_TEST_PG_BINDIR)";
      }
    }
    if (geteuid() == 0) {
      runuser_ = FindProgram("runuser");
      if (runuser_.empty()) return "running as root but runuser is missing";
      const passwd* pw = getpwnam("postgres");
      if (pw == nullptr) return "running as root but there is no `postgres` user";
      uid_ = pw->pw_uid;
      gid_ = pw->pw_gid;
    }
    dir_ = dir;
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    std::filesystem::create_directories(dir_, ec);
    if (ec) return "cannot create " + dir_.string() + ": " + ec.message();
    if (dir_.string().size() + 20 >= 107) return "cluster path too long for a unix socket";
    if (geteuid() == 0 && chown(dir_.c_str(), uid_, gid_) != 0) {
      return "cannot chown " + dir_.string() + " to postgres";
    }
    port_ = FreePort();
    if (port_ <= 0) return "no free port";

    std::string out;
    int code = RunAsOwner({bindir_ + "/initdb", "-D", data_dir(), "-U", "postgres", "--auth=trust",
                           "-E", "UTF8", "--no-locale"},
                          &out);
    if (code != 0) return "initdb failed (" + std::to_string(code) + "): " + out;
    if (!trusted_hosts.empty()) {
      std::ofstream hba(data_dir() + "/pg_hba.conf", std::ios::app);
      for (const auto& host : trusted_hosts) hba << "host all all " << host << "/32 trust\n";
      if (!hba) return "cannot write pg_hba.conf";
    }
    std::string addresses;
    for (const auto& a : listen) addresses += (addresses.empty() ? "" : ",") + a;
    const std::string options = "-c listen_addresses='" + addresses +
                                "' -c port=" + std::to_string(port_) +
                                " -c unix_socket_directories='" + dir_.string() +
                                "' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                                " -c max_connections=120 -c shared_buffers=32MB";
    code = RunAsOwner({bindir_ + "/pg_ctl", "-D", data_dir(), "-l", log_path(), "-w", "-t", "60",
                       "-o", options, "start"},
                      &out);
    if (code != 0) return "pg_ctl start failed (" + std::to_string(code) + "): " + out + Log();
    started_ = true;
    return "";
  }

  // pg_ctl restart -m fast: every connection is cut, the server comes back on the same
  // options (pg_ctl reads them from postmaster.opts). Returns "" on success.
  std::string Restart() {
    std::string out;
    const int code = RunAsOwner({bindir_ + "/pg_ctl", "-D", data_dir(), "-l", log_path(), "-w",
                                 "-t", "60", "-m", "fast", "restart"},
                                &out);
    return code == 0 ? "" : "pg_ctl restart failed (" + std::to_string(code) + "): " + out;
  }

  void Stop() {
    if (started_) {
      std::string out;
      RunAsOwner(
          {bindir_ + "/pg_ctl", "-D", data_dir(), "-m", "immediate", "-w", "-t", "60", "stop"},
          &out);
      started_ = false;
    }
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
      dir_.clear();
    }
  }

  std::string Url(const std::string& host) const {
    return "postgresql://postgres@" + host + ":" + std::to_string(port_) + "/postgres";
  }
  std::string Log() const {
    std::ifstream in(log_path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    return "\n--- postgres.log (tail) ---\n" + (s.size() > 4000 ? s.substr(s.size() - 4000) : s);
  }

 private:
  std::string data_dir() const { return (dir_ / "data").string(); }
  std::string log_path() const { return (dir_ / "postgres.log").string(); }

  int RunAsOwner(std::vector<std::string> argv, std::string* out) const {
    if (!runuser_.empty()) argv.insert(argv.begin(), {runuser_, "-u", "postgres", "--"});
    return testing::RunCommand(argv, out);
  }

  std::string bindir_;
  std::string runuser_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  std::filesystem::path dir_;
  int port_ = 0;
  bool started_ = false;
};

// The folder make test manages PostgreSQL in, or "" with *why set.
std::string PostgresTestDir(std::string* why) {
  const std::string dir = EnvOr("A11Y_TEST_POSTGRES_DIR", "");
  if (dir.empty()) {
    *why =
        "needs A11Y_TEST_POSTGRES_DIR (a folder where it may create a private PostgreSQL "
        "cluster; make test sets it)";
  }
  return dir;
}

class DistributedTest : public ::testing::Test {
 protected:
  void TearDown() override {
    workers_.clear();  // Kills (SIGKILL) any still running.
    if (!HasFailure() && !log_dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(log_dir_, ec);
    } else if (!log_dir_.empty()) {
      std::cerr << "worker logs kept in " << log_dir_ << "\n";
    }
  }

  // A fresh migrated database on `backend` (skips, or fails under CI, if unavailable).
  void OpenBackend(const std::string& backend) {
    std::string skip;
    db_ = testing::TestDatabase::Create(backend, &skip);
    if (!db_) {
      if (UnderCi()) FAIL() << skip;
      GTEST_SKIP() << skip;
    }
    url_ = db_->url();
    store_ = db_->OpenStore(Env::Default());
    ASSERT_NE(store_, nullptr);
    Prepare();
  }

  // A store on `url`, migrated here (private clusters).
  void OpenUrl(const std::string& url) {
    url_ = url;
    auto store = OpenJobStore(url, Env::Default());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    Status migrated = store_->Migrate();
    ASSERT_TRUE(migrated.ok()) << migrated.ToString();
    Prepare();
  }

  void Prepare() {
    manager_ = std::make_unique<JobManager>(store_.get(), Env::Default());
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '-');
    log_dir_ = std::filesystem::temp_directory_path() /
               ("a11y-dt-" + std::to_string(getpid()) + "-" + name);
    std::filesystem::create_directories(log_dir_);
  }

  std::vector<std::string> WorkerArgv(const std::string& url, const std::string& id,
                                      const std::vector<std::string>& extra) const {
    std::vector<std::string> argv = {testing::Binary(), "--database", url, "--json",
                                     "worker",          "--id",       id};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  ChildProcess* Spawn(const std::vector<std::string>& argv, const std::string& id) {
    workers_.push_back(std::make_unique<ChildProcess>(argv, LogPath(id)));
    EXPECT_TRUE(workers_.back()->started()) << Join(argv);
    return workers_.back().get();
  }

  ChildProcess* StartWorker(const std::string& id, const std::vector<std::string>& extra) {
    return Spawn(WorkerArgv(url_, id, extra), id);
  }

  std::string LogPath(const std::string& id) const { return (log_dir_ / (id + ".log")).string(); }

  // The counters a worker printed when it stopped ({"event":"stopped",...}), or null.
  // The worker's JSON line for `event` ("started", "stopped"), or null.
  Json LoggedEvent(const std::string& id, const std::string& event) const {
    std::ifstream in(LogPath(id));
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] != '{') continue;
      Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (j.is_object() && j.value("event", "") == event) return j;
    }
    return Json();
  }

  std::map<std::string, int64_t> CountByStatus() {
    std::map<std::string, int64_t> counts;
    auto stats = store_->Statistics({});
    if (!stats.ok()) return counts;
    for (const auto& [type, by_status] : stats->counts) {
      for (const auto& [status, n] : by_status) counts[status] += n;
    }
    return counts;
  }

  int64_t Count(JobStatus status) {
    auto counts = CountByStatus();
    auto it = counts.find(JobStatusName(status));
    return it == counts.end() ? 0 : it->second;
  }

  // Jobs in a final state; -1 when the database cannot be read right now.
  int64_t Finished() {
    auto stats = store_->Statistics({});
    if (!stats.ok()) return -1;
    int64_t n = 0;
    for (const auto& [type, by_status] : stats->counts) {
      for (const auto& [status, count] : by_status) {
        if (status == "completed" || status == "failed" || status == "cancelled") n += count;
      }
    }
    return n;
  }

  std::string DescribeCounts() {
    std::string s;
    for (const auto& [status, n] : CountByStatus()) {
      s += (s.empty() ? "" : ", ") + status + "=" + std::to_string(n);
    }
    return "{" + s + "}";
  }

  // The first few failed jobs with their errors, for the failure message.
  std::string DescribeFailedJobs() {
    JobFilter filter;
    filter.statuses = {JobStatus::kFailed};
    filter.limit = 10;
    auto page = manager_->ListJobs(filter);
    if (!page.ok()) return page.status().ToString();
    std::string s;
    for (const Job& job : page->jobs) {
      s += "\n  " + job.job_id + " (" + job.job_type + ", attempt " + std::to_string(job.attempt) +
           "): " + job.error.value_or("?");
    }
    return s;
  }

  // Every running or cancelling job, by id.
  std::map<std::string, Job> ActiveJobs() {
    std::map<std::string, Job> jobs;
    JobFilter filter;
    filter.statuses = {JobStatus::kRunning, JobStatus::kCancelling};
    filter.limit = 1000;
    while (true) {
      auto page = manager_->ListJobs(filter);
      if (!page.ok()) {
        ADD_FAILURE() << "listing running jobs: " << page.status().ToString();
        return jobs;
      }
      for (Job& job : page->jobs) jobs[job.job_id] = std::move(job);
      if (!page->next_cursor) return jobs;
      filter.cursor = page->next_cursor;
    }
  }

  Job MustGet(const std::string& id) {
    auto job = manager_->GetJob(id);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? *job : Job{};
  }

  std::vector<std::string> CreateLedgerJobs(int n, int max_attempts = 3) {
    CreateJobRequest request;
    request.job_type = "noop";
    request.metadata = {{"ledger", true}};
    request.max_attempts = max_attempts;
    std::vector<std::string> ids;
    for (int done = 0; done < n;) {  // Batches keep each insert transaction short.
      const int batch = std::min(1000, n - done);
      auto created = manager_->CreateJobs(std::vector<CreateJobRequest>(batch, request));
      EXPECT_TRUE(created.ok()) << created.status().ToString();
      if (!created.ok()) break;
      ids.insert(ids.end(), created->begin(), created->end());
      done += batch;
    }
    return ids;
  }

  std::string CreateSleepJob(int duration_ms, int steps, int max_attempts = 3) {
    CreateJobRequest request;
    request.job_type = "sleep";
    request.metadata = {{"duration_ms", duration_ms}, {"steps", steps}};
    request.max_attempts = max_attempts;
    auto job = manager_->CreateJob(request);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? job->job_id : "";
  }

  // Waits until all `total` jobs are final, then checks that every one completed and
  // that the ledger holds exactly one effect for each of the `ledger_jobs`.
  void ExpectAllCompletedExactlyOnce(int64_t total, int64_t ledger_jobs,
                                     std::chrono::milliseconds deadline) {
    ASSERT_TRUE(Eventually([&] { return Finished() == total; }, deadline))
        << "not every job finished within " << deadline.count() / 1000
        << " s: " << DescribeCounts();
    EXPECT_EQ(Count(JobStatus::kCompleted), total) << DescribeCounts() << DescribeFailedJobs();
    EXPECT_EQ(Count(JobStatus::kFailed), 0) << DescribeFailedJobs();
    auto ledger = store_->GetLedgerSummary();
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    EXPECT_EQ(ledger->rows, ledger_jobs) << "ledger rows (effects) vs ledger jobs";
    EXPECT_EQ(ledger->distinct_jobs, ledger_jobs) << "jobs with an effect vs ledger jobs";
    EXPECT_EQ(ledger->rows, ledger->distinct_jobs) << "a job's effect was committed twice";
  }

  // ChildProcess::Wait answers only once; this remembers the exit code. -1: still running.
  int ExitCode(ChildProcess* w, std::chrono::milliseconds timeout = 0ms) {
    auto it = exit_codes_.find(w);
    if (it != exit_codes_.end()) return it->second;
    const int code = w->Wait(timeout);
    if (code != -1) exit_codes_[w] = code;
    return code;
  }

  // SIGTERM to every worker still running; waits for all of them to exit.
  void StopAllGracefully() {
    for (auto& w : workers_) {
      if (ExitCode(w.get()) == -1) w->Signal(SIGTERM);
    }
    for (auto& w : workers_) ExitCode(w.get(), 60s);
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::string url_;
  std::unique_ptr<JobStore> store_;
  std::unique_ptr<JobManager> manager_;
  std::filesystem::path log_dir_;
  std::vector<std::unique_ptr<ChildProcess>> workers_;
  std::map<ChildProcess*, int> exit_codes_;
};

// ---------------------------------------------------------------------------------------
// 1. PostgreSQL scale: 4 processes, 10,000 jobs, each effect exactly once.

TEST_F(DistributedTest, PostgresFourWorkersTenThousandJobsEachEffectExactlyOnce) {
  OpenBackend("postgresql");
  if (IsSkipped() || HasFatalFailure()) return;
  // 10,000 by default; sanitizer builds (several times slower) default to 4,000 so the
  // suite stays well under a minute there. A11Y_TEST_SCALE_JOBS overrides either.
  const int jobs = EnvInt("A11Y_TEST_SCALE_JOBS", A11Y_DT_SANITIZED ? 4000 : 10000);
  std::cerr << jobs << " ledger jobs\n";
  ASSERT_EQ(static_cast<int>(CreateLedgerJobs(jobs).size()), jobs);
  for (int i = 0; i < 4; ++i) StartWorker("scale-" + std::to_string(i), {"--concurrency", "4"});

  ExpectAllCompletedExactlyOnce(jobs, jobs, 240s);
  StopAllGracefully();
  int64_t completed_by_workers = 0;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(ExitCode(workers_[i].get()), 0) << "worker scale-" << i << " did not stop cleanly";
    const Json report = LoggedEvent("scale-" + std::to_string(i), "stopped");
    completed_by_workers += report.value("completed", int64_t{0});
  }
  // Each completion was written by exactly one worker (finishes are fenced).
  EXPECT_EQ(completed_by_workers, jobs);
}

// ---------------------------------------------------------------------------------------
// 2. Chaos: kill -9 a random worker about every second and start a new one.

class DistributedChaosTest : public DistributedTest,
                             public ::testing::WithParamInterface<std::string> {};

TEST_P(DistributedChaosTest, KilledWorkersJobsAreTakenOverNothingLostNothingDuplicated) {
  OpenBackend(GetParam());
  if (IsSkipped() || HasFatalFailure()) return;
  const int ledger_jobs = EnvInt("A11Y_TEST_CHAOS_JOBS", A11Y_DT_SANITIZED ? 2000 : 3000);
  const int sleep_jobs = 40;
  const int rounds = EnvInt("A11Y_TEST_CHAOS_ROUNDS", 6);
  // Enough attempts that a job hit by several kills is still retried: here a failure
  // can only mean a lost or refused effect, not spent attempts.
  constexpr int kMaxAttempts = 25;

  // Sleep jobs spread among the no-ops keep every worker holding jobs when it dies.
  std::set<std::string> sleepers;
  const int per_sleeper = ledger_jobs / sleep_jobs;
  for (int i = 0; i < sleep_jobs; ++i) {
    CreateLedgerJobs(per_sleeper, kMaxAttempts);
    sleepers.insert(CreateSleepJob(1500, 15, kMaxAttempts));
  }
  CreateLedgerJobs(ledger_jobs - per_sleeper * sleep_jobs, kMaxAttempts);
  const int64_t total = ledger_jobs + sleep_jobs;
  ASSERT_EQ(Count(JobStatus::kPending), total);

  const std::vector<std::string> flags = {"--lease", "1s", "--concurrency", "4", "--grace", "2s"};
  std::vector<std::pair<std::string, ChildProcess*>> alive;
  int next_id = 0;
  auto start = [&] {
    const std::string id = "chaos-" + std::to_string(next_id++);
    alive.emplace_back(id, StartWorker(id, flags));
  };
  for (int i = 0; i < 4; ++i) start();

  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  std::cerr << "chaos seed " << seed << "\n";
  // Jobs the victim held when it was frozen, as they were then.
  std::map<std::string, Job> held_by_killed;
  int kills = 0;
  for (int round = 0; round < rounds; ++round) {
    std::this_thread::sleep_for(1s);
    if (Finished() == total) break;
    const size_t pick = std::uniform_int_distribution<size_t>(0, alive.size() - 1)(rng);
    auto [victim_id, victim] = alive[pick];
    alive.erase(alive.begin() + static_cast<std::ptrdiff_t>(pick));
    // Freeze it first so the list of what it holds cannot change under the snapshot.
    victim->Signal(SIGSTOP);
    ASSERT_TRUE(WaitStopped(victim->pid())) << victim_id << " did not stop";
    for (const auto& [id, job] : ActiveJobs()) {
      if (job.lock_holder == victim_id) held_by_killed[id] = job;
    }
    victim->Signal(SIGKILL);
    EXPECT_EQ(victim->Wait(30s), 128 + SIGKILL) << victim_id;
    ++kills;
    start();
  }
  ASSERT_GT(kills, 0) << "the work finished before the first kill; make it bigger";
  EXPECT_FALSE(held_by_killed.empty()) << "no killed worker held a job: nothing was tested";

  ExpectAllCompletedExactlyOnce(total, ledger_jobs, 180s);

  // Every job a killed worker held was finished by another worker (a new attempt), except
  // one whose final write was already on its way to the database when the worker froze.
  int taken_over = 0, finished_in_flight = 0;
  for (const auto& [id, held] : held_by_killed) {
    const Job job = MustGet(id);
    EXPECT_EQ(job.status, JobStatus::kCompleted) << id;
    if (job.attempt > held.attempt) {
      ++taken_over;
      EXPECT_GT(job.lock_token, held.lock_token) << id << ": a new attempt without a new lease";
    } else {
      // Completed under the killed worker's own lease: nobody else ran it.
      ++finished_in_flight;
      EXPECT_EQ(job.attempt, held.attempt) << id;
      EXPECT_EQ(job.lock_token, held.lock_token) << id;
    }
    if (sleepers.count(id) && job.attempt > held.attempt) {
      // Resumed from (at least) the checkpoint the killed worker had saved, not from zero.
      const int saved_step = held.checkpoint ? held.checkpoint->value("step", 0) : 0;
      EXPECT_EQ(job.progress.current, 15) << id;
      ASSERT_TRUE(job.result.has_value()) << id;
      EXPECT_GE(job.result->value("resumed_from_step", -1), saved_step) << id;
    }
  }
  std::cerr << kills << " kills; " << held_by_killed.size()
            << " jobs held by killed workers: " << taken_over << " taken over, "
            << finished_in_flight << " finished by a write already in flight\n";
  EXPECT_GE(taken_over, 1);
  JobFilter retried;
  retried.limit = 1000;
  int max_attempt = 0;
  for (auto page = manager_->ListJobs(retried); page.ok();) {
    for (const Job& job : page->jobs) max_attempt = std::max(max_attempt, job.attempt);
    if (!page->next_cursor) break;
    retried.cursor = page->next_cursor;
    page = manager_->ListJobs(retried);
  }
  EXPECT_GE(max_attempt, 2) << "no job was ever taken over";

  // The survivors stop cleanly.
  for (auto& [id, w] : alive) w->Signal(SIGTERM);
  for (auto& [id, w] : alive) EXPECT_EQ(w->Wait(60s), 0) << id;
}

INSTANTIATE_TEST_SUITE_P(Backends, DistributedChaosTest,
                         ::testing::ValuesIn(testing::AllBackends()),
                         [](const auto& backend) { return backend.param; });

// ---------------------------------------------------------------------------------------
// 3. The PostgreSQL server restarts (pg_ctl restart -m fast) in the middle of a run.

// A test with a PostgreSQL cluster of its own: it restarts the server or gives it other
// addresses, which the shared test server must not suffer.
class PrivateClusterTest : public DistributedTest {
 protected:
  // Sets *parent to the folder make test manages PostgreSQL in; leaves it empty and fails
  // (under CI) or skips when there is none.
  void FindClusterParent(std::string* parent) {
    std::string why;
    *parent = PostgresTestDir(&why);
    if (parent->empty()) {
      if (UnderCi()) FAIL() << why;
      GTEST_SKIP() << why;
    }
  }

  // Starts the cluster in parent/name, listening on `listen`, and opens this test's store.
  void StartCluster(const std::string& parent, const std::string& name,
                    const std::vector<std::string>& listen,
                    const std::vector<std::string>& trusted_hosts = {}) {
    const std::string error =
        cluster_.Start(std::filesystem::path(parent) / name, listen, trusted_hosts);
    ASSERT_EQ(error, "");
    OpenUrl(cluster_.Url("127.0.0.1"));
  }

  void TearDown() override {
    DistributedTest::TearDown();  // Workers first: they hold connections to the cluster.
    store_.reset();
    manager_.reset();
    if (HasFailure()) std::cerr << cluster_.Log() << "\n";
    cluster_.Stop();
  }

  PrivateCluster cluster_;
};

class DistributedPostgresRestartTest : public PrivateClusterTest {
 protected:
  void SetUp() override {
    std::string parent;
    FindClusterParent(&parent);
    if (parent.empty()) return;
    StartCluster(parent, "restart-" + std::to_string(getpid()), {"127.0.0.1"});
  }
};

TEST_F(DistributedPostgresRestartTest, WorkersSurviveAServerRestartAndFinishEveryJobExactlyOnce) {
  const int jobs = EnvInt("A11Y_TEST_RESTART_JOBS", A11Y_DT_SANITIZED ? 2000 : 3000);
  ASSERT_EQ(static_cast<int>(CreateLedgerJobs(jobs).size()), jobs);
  for (int i = 0; i < 4; ++i) {
    StartWorker("pgr-" + std::to_string(i), {"--concurrency", "4", "--lease", "2s"});
  }
  ASSERT_TRUE(Eventually([&] { return Count(JobStatus::kCompleted) >= jobs / 5; }, 120s))
      << DescribeCounts();
  const int64_t before = Count(JobStatus::kCompleted);
  ASSERT_LT(before, jobs) << "the run finished before the restart; make it bigger";

  ASSERT_EQ(cluster_.Restart(), "") << cluster_.Log();
  std::cerr << "server restarted with " << before << " of " << jobs << " jobs completed\n";

  ExpectAllCompletedExactlyOnce(jobs, jobs, 180s);
  for (size_t i = 0; i < workers_.size(); ++i) {
    EXPECT_EQ(ExitCode(workers_[i].get()), -1) << "worker pgr-" << i << " exited";
  }
  StopAllGracefully();
  for (size_t i = 0; i < workers_.size(); ++i) {
    EXPECT_EQ(ExitCode(workers_[i].get()), 0) << "worker pgr-" << i << " did not stop cleanly";
  }
}

// ---------------------------------------------------------------------------------------
// 4. A worker in another network namespace, reaching PostgreSQL over a veth pair: it
// takes a share of the jobs and obeys a cancel issued by this process.

class DistributedNetworkNamespaceTest : public PrivateClusterTest {
 protected:
  void SetUp() override {
    std::string parent;
    FindClusterParent(&parent);
    if (parent.empty()) return;
    // Optional by design: skipped (even under CI) where namespaces cannot be made.
    ip_ = FindProgram("ip");
    if (ip_.empty()) GTEST_SKIP() << "iproute2 (`ip`) is not installed";
    const std::string tag = std::to_string(getpid());
    netns_ = "a11y-dt-" + tag;
    veth_host_ = "a11yh" + tag;
    veth_ns_ = "a11yn" + tag;
    std::string out;
    if (Ip({"netns", "add", netns_}, &out) != 0) {
      netns_.clear();
      GTEST_SKIP() << "cannot create a network namespace here (needs root: CAP_SYS_ADMIN and "
                      "CAP_NET_ADMIN): "
                   << out;
    }
    // A private /30 in 10.200.0.0/16 picked by pid, so parallel runs do not collide;
    // both ends are on this machine and nothing is routed anywhere else.
    const int subnet = static_cast<int>(getpid() % 16384);
    const std::string net = "10.200." + std::to_string(subnet / 64) + ".";
    host_ip_ = net + std::to_string((subnet % 64) * 4 + 1);
    ns_ip_ = net + std::to_string((subnet % 64) * 4 + 2);
    const std::vector<std::vector<std::string>> steps = {
        {"link", "add", veth_host_, "type", "veth", "peer", "name", veth_ns_},
        {"link", "set", veth_ns_, "netns", netns_},
        {"addr", "add", host_ip_ + "/30", "dev", veth_host_},
        {"link", "set", veth_host_, "up"},
        {"-n", netns_, "addr", "add", ns_ip_ + "/30", "dev", veth_ns_},
        {"-n", netns_, "link", "set", veth_ns_, "up"},
        {"-n", netns_, "link", "set", "lo", "up"},
    };
    for (const auto& step : steps) {
      if (Ip(step, &out) != 0) {
        GTEST_SKIP() << "cannot set up the veth pair (`ip " << Join(step) << "`): " << out;
      }
    }
    StartCluster(parent, "netns-" + tag, {"127.0.0.1", host_ip_}, {ns_ip_});
  }

  void TearDown() override {
    PrivateClusterTest::TearDown();  // Workers first: they hold connections over the veth.
    std::string out;
    if (!netns_.empty()) Ip({"netns", "del", netns_}, &out);  // Takes its veth end along.
    if (!veth_host_.empty()) {
      std::string ignored;
      if (Ip({"link", "show", veth_host_}, &ignored) == 0) Ip({"link", "del", veth_host_}, &out);
    }
  }

  int Ip(const std::vector<std::string>& args, std::string* out) {
    std::vector<std::string> argv = {ip_};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv, out);
  }

  ChildProcess* StartWorkerInNamespace(const std::string& id,
                                       const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {ip_, "netns", "exec", netns_};
    const auto worker = WorkerArgv(cluster_.Url(host_ip_), id, extra);
    argv.insert(argv.end(), worker.begin(), worker.end());
    return Spawn(argv, id);  // `ip netns exec` execs the worker: same pid.
  }

  std::string ip_, netns_, veth_host_, veth_ns_, host_ip_, ns_ip_;
};

TEST_F(DistributedNetworkNamespaceTest, WorkerInAnotherNamespaceSharesJobsAndObeysACancel) {
  constexpr int kJobs = 600;
  ChildProcess* remote = StartWorkerInNamespace("remote", {"--concurrency", "4"});
  ASSERT_EQ(static_cast<int>(CreateLedgerJobs(kJobs).size()), kJobs);
  // The remote worker alone at first: whatever completes now went over the veth.
  ASSERT_TRUE(Eventually([&] { return Count(JobStatus::kCompleted) >= 100; }, 60s))
      << "the worker in namespace " << netns_ << " completed nothing via " << host_ip_ << ": "
      << DescribeCounts() << "\nworker log: " << LogPath("remote");
  ChildProcess* local = StartWorker("local", {"--concurrency", "4"});
  ExpectAllCompletedExactlyOnce(kJobs, kJobs, 120s);

  // The remote worker may have finished every job before the local one got going: stop
  // it only once it runs (a SIGTERM during start-up would kill it, not stop it).
  ASSERT_TRUE(Eventually([&] { return !LoggedEvent("local", "started").is_null(); }, 60s));
  local->Signal(SIGTERM);
  ASSERT_EQ(local->Wait(60s), 0);
  const int64_t local_share = LoggedEvent("local", "stopped").value("completed", int64_t{-1});

  // Only the remote worker is left: a long job must be running there.
  const std::string id = CreateSleepJob(60000, 600);
  ASSERT_TRUE(Eventually(
      [&] {
        const Job job = MustGet(id);
        return job.lock_holder == std::string("remote") && job.progress.current >= 1;
      },
      60s))
      << "status " << JobStatusName(MustGet(id).status);
  auto outcome = manager_->RequestCancellation(id, "host");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->outcome, CancelOutcome::kCancelling);
  ASSERT_TRUE(Eventually([&] { return MustGet(id).status == JobStatus::kCancelled; }, 30s, 20ms))
      << "the remote worker did not stop the job: " << JobStatusName(MustGet(id).status);
  const Job cancelled = MustGet(id);
  EXPECT_EQ(cancelled.cancellation_requested_by, "host");
  EXPECT_LT(cancelled.progress.current, 600);
  EXPECT_FALSE(cancelled.lock_holder.has_value());

  remote->Signal(SIGTERM);
  ASSERT_EQ(remote->Wait(60s), 0);
  const Json report = LoggedEvent("remote", "stopped");
  const int64_t remote_share = report.value("completed", int64_t{-1});
  EXPECT_GE(remote_share, 100) << report.dump();
  EXPECT_EQ(report.value("cancelled", int64_t{-1}), 1) << report.dump();
  EXPECT_EQ(remote_share + local_share, kJobs)
      << "remote " << remote_share << ", local " << local_share;
  std::cerr << "remote worker (namespace " << netns_ << ", " << ns_ip_ << " -> " << host_ip_
            << ") completed " << remote_share << " of " << kJobs << " jobs\n";
}

}  // namespace
}  // namespace a11y
