// auto-a11y: one binary, many subcommands (DESIGN.md section 1).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/cli_common.h"

int main(int argc, char** argv) {
  using namespace a11y::cli;
  CLI::App app{"auto-a11y: crawl websites, test every page for accessibility, report"};
  app.require_subcommand(1);
  app.fallthrough();  // Global options may follow the subcommand too.
  GlobalOptions options;
  if (const char* url = std::getenv("AUTO_A11Y_DATABASE")) options.database = url;
  app.add_option("--database", options.database,
                 "Database URL: sqlite:PATH or postgresql://... (env AUTO_A11Y_DATABASE)")
      ->capture_default_str();
  app.add_flag("--json", options.json, "Print machine-readable JSON");
  app.add_option("--log-level", options.log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.parse_complete_callback(
      [&] { spdlog::set_level(spdlog::level::from_str(options.log_level)); });
  // Logs go to stderr so that stdout carries only results (and stays valid JSON).
  spdlog::set_default_logger(spdlog::stderr_color_mt("auto-a11y"));

  int exit_code = kExitOk;
  AddMigrateCommand(app, options, &exit_code);
  AddJobsCommands(app, options, &exit_code);
  AddWorkerCommand(app, options, &exit_code);
  AddServeCommand(app, options, &exit_code);
  AddUserCommands(app, options, &exit_code);
  AddCheckCommand(app, options, &exit_code);
  AddRulesCommand(app, options, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return exit_code;
}
