// auto-a11y check FILE|URL...: the checker from the command line. Pages are checked on every
// core at once and printed in the order given, as text or as JSON Lines.
#include <atomic>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "checks/checker.h"
#include "checks/report_json.h"
#include "checks/rules_doc.h"
#include "cli/cli_common.h"
#include "discovery/charset.h"
#include "discovery/fetch_pages.h"

namespace a11y::cli {
namespace {

struct CheckArgs {
  std::vector<std::string> inputs;
  std::string format = "text";
  std::string level = "AA";
  unsigned jobs = 0;  // Threads checking pages; 0: one per core.
  CrawlerArgs crawler;
};

// One input's page, or why there is none.
struct Input {
  std::string name;
  std::string html;
  std::string error;
};

bool IsUrl(std::string_view input) {
  return input.rfind("http://", 0) == 0 || input.rfind("https://", 0) == 0;
}

// A file's bytes, decoded to UTF-8; read when its page is checked, so memory holds only the
// pages in flight.
void ReadFile(Input& input) {
  // stdio rather than a stream: opening an ifstream costs more than reading a page.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(input.name.c_str(), "rb"),
                                                       &std::fclose);
  std::string bytes;
  char chunk[1 << 16];
  size_t got = 0;
  while (file != nullptr && (got = std::fread(chunk, 1, sizeof chunk, file.get())) > 0) {
    bytes.append(chunk, got);
  }
  if (file == nullptr || std::ferror(file.get())) {  // Not opened, or a read failed (a folder).
    input.error = "cannot read " + input.name;
    return;
  }
  input.html = DecodeToUtf8(bytes, "");
}

void FetchUrls(std::vector<Input>& inputs, const FetchOptions& options) {
  std::vector<std::string> urls;
  std::vector<Input*> targets;
  for (Input& input : inputs) {
    if (!IsUrl(input.name)) continue;
    urls.push_back(input.name);
    targets.push_back(&input);
  }
  if (urls.empty()) return;
  std::vector<FetchResult> results = FetchPages(urls, options, /*concurrency=*/8);
  for (size_t i = 0; i < results.size(); ++i) {
    if (auto unusable = UnusablePage(results[i])) {
      targets[i]->error = *unusable;
    } else {
      targets[i]->html = std::move(results[i].body);
    }
  }
}

std::string Printed(Input& input, const checks::CheckOptions& check, bool json) {
  if (!IsUrl(input.name)) ReadFile(input);
  if (!input.error.empty()) {
    return json
               ? nlohmann::ordered_json{{"input", input.name}, {"error", input.error}}.dump() + "\n"
               : input.name + ": error: " + input.error + "\n";
  }
  checks::PageReport report = checks::CheckHtml(std::move(input.html), check);
  return json ? checks::ReportToJson<nlohmann::ordered_json>(input.name, std::move(report)).dump() +
                    "\n"
              : checks::ReportToText(input.name, report);
}

// Checks every input on `jobs` threads and prints each one as soon as the inputs before it
// are printed: the output is in the order given, and finished pages do not pile up.
void CheckAll(std::vector<Input>& inputs, const checks::CheckOptions& check, bool json,
              unsigned jobs, std::ostream& out) {
  std::vector<std::optional<std::string>> printed(inputs.size());
  std::atomic<size_t> next{0};
  std::mutex mutex;
  size_t next_to_print = 0;
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < inputs.size();) {
      std::string text = Printed(inputs[i], check, json);
      std::lock_guard lock(mutex);
      printed[i] = std::move(text);
      for (; next_to_print < printed.size() && printed[next_to_print]; ++next_to_print) {
        out << *printed[next_to_print];
        printed[next_to_print].reset();
      }
    }
  };
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  size_t threads = std::min<size_t>(jobs, inputs.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();
  out.flush();
}

}  // namespace

void AddCheckCommand(CLI::App& app, const GlobalOptions& options, int* exit_code) {
  auto args = std::make_shared<CheckArgs>();
  auto* check = app.add_subcommand("check", "Check HTML files or URLs for accessibility problems");
  check->add_option("inputs", args->inputs, "HTML files and http(s) URLs")->required();
  check->add_option("--format", args->format, "text, or json (one JSON object per line)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  check->add_option("--level", args->level,
                    "Report rules of WCAG levels up to this one (A, AA or AAA); "
                    "best-practice rules always run")
      ->capture_default_str()
      ->check(CLI::IsMember({"A", "AA", "AAA", "a", "aa", "aaa"}));
  check->add_option("--jobs", args->jobs, "Pages checked at once (default: one per core)")
      ->check(CLI::Range(1u, 256u));
  AddCrawlerOptions(check, &args->crawler);
  check->callback([&options, exit_code, args] {
    auto fetch = FetchOptionsFrom(args->crawler);
    if (!fetch.ok()) {
      *exit_code = Fail(options, fetch.status());
      return;
    }
    checks::CheckOptions check_options;
    checks::ParseWcagLevel(args->level, &check_options.level);
    std::vector<Input> inputs;
    for (const std::string& name : args->inputs) inputs.push_back({name, {}, {}});
    FetchUrls(inputs, *fetch);
    bool json = args->format == "json" || options.json;
    CheckAll(inputs, check_options, json, args->jobs, std::cout);
    for (const Input& input : inputs) {
      if (!input.error.empty()) *exit_code = kExitError;
    }
  });
}

void AddRulesCommand(CLI::App& app, const GlobalOptions& options, int* exit_code) {
  auto format = std::make_shared<std::string>("markdown");
  auto* rules = app.add_subcommand("rules", "List the checker's rules (docs/RULES.md is this)");
  rules->add_option("--format", *format, "markdown or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"markdown", "json"}));
  rules->callback([&options, exit_code, format] {
    if (*format == "json" || options.json) {
      PrintJson(checks::RulesJson());
    } else {
      std::cout << checks::RulesMarkdown();
    }
    *exit_code = kExitOk;
  });
}

}  // namespace a11y::cli
