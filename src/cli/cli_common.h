// What every subcommand shares: global options, opening the database, printing results
// for people or as JSON, and turning a Status into an exit code.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "discovery/fetcher.h"
#include "jobs/handler.h"
#include "jobs/job_manager.h"
#include "store/job_store.h"

namespace a11y::cli {

// Exit codes, documented in README.md.
enum ExitCode {
  kExitOk = 0,
  kExitError = 1,      // Database unavailable, I/O or internal errors.
  kExitUsage = 2,      // Bad command line or invalid argument.
  kExitNotFound = 3,   // No such job.
  kExitConflict = 4,   // Illegal transition, duplicate id, lock held by another.
};

struct GlobalOptions {
  std::string database = "sqlite:./data/auto-a11y.db";
  bool json = false;
  std::string log_level = "info";
};

// An open, migrated store and a JobManager over it.
struct Session {
  std::unique_ptr<JobStore> store;
  std::unique_ptr<JobManager> manager;
};

// Opens and migrates the database named by the global options. Prints the error and
// returns null on failure, setting *exit_code.
std::unique_ptr<Session> OpenSession(const GlobalOptions& options, int* exit_code,
                                     JobManagerOptions manager_options = {});

int ExitCodeFor(const Status& status);
// Prints the error (to stderr, or as {"error": ...} JSON on stdout) and returns its exit code.
int Fail(const GlobalOptions& options, const Status& status);
void PrintJson(const Json& value);

// Blocks SIGTERM and SIGINT in this thread and the threads it starts afterwards, so that
// WaitForStopSignal() (on this thread) is the only one to receive them.
void BlockStopSignals();
void WaitForStopSignal();

// How `serve` and `worker` crawl: which networks the crawler may reach (none that is not
// public, by default) and its timeouts.
struct CrawlerArgs {
  std::vector<std::string> allow_networks;  // CIDRs, e.g. 127.0.0.0/8.
  std::string request_timeout = "30s";
};
void AddCrawlerOptions(CLI::App* command, CrawlerArgs* args);
// The fetch settings (network policy, timeout) `args` give; kInvalidArgument when bad.
Result<FetchOptions> FetchOptionsFrom(const CrawlerArgs& args);
// Registers the handler of every job type, the crawler configured from `args`.
// kInvalidArgument for a bad network or duration.
Status RegisterHandlers(const CrawlerArgs& args, HandlerRegistry* handlers);

void AddJobsCommands(CLI::App& app, const GlobalOptions& options, int* exit_code);
void AddWorkerCommand(CLI::App& app, const GlobalOptions& options, int* exit_code);
void AddMigrateCommand(CLI::App& app, const GlobalOptions& options, int* exit_code);
void AddServeCommand(CLI::App& app, const GlobalOptions& options, int* exit_code);
void AddUserCommands(CLI::App& app, const GlobalOptions& options, int* exit_code);
void AddCheckCommand(CLI::App& app, const GlobalOptions& options, int* exit_code);
void AddRulesCommand(CLI::App& app, const GlobalOptions& options, int* exit_code);

}  // namespace a11y::cli
