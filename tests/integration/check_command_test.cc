// `auto-a11y check` as a user runs it: files and URLs in one call, JSON Lines in exactly the
// documented shape and in the order given, a clear error line for an input that cannot be
// read or fetched, and the crawler's guard against private addresses.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/process.h"
#include "tests/support/scripted_server.h"

namespace a11y::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kImageWithoutAlt =
    "<!DOCTYPE html><html lang=en><head><title>Team</title></head>"
    "<body><main><h1>Team</h1><img src=team.jpg></main></body></html>";
constexpr const char* kCleanPage =
    "<!DOCTYPE html><html lang=en><head><title>Team</title></head>"
    "<body><main><h1>Team</h1><img src=team.jpg alt=\"The team\"></main></body></html>";

class CheckCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("a11y-check-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& html) {
    fs::path path = dir_ / name;
    std::ofstream(path) << html;
    return path.string();
  }

  // Runs `auto-a11y check ARGS --format json`; returns the exit code, one Json per line.
  int Check(std::vector<std::string> args, std::vector<Json>* lines) {
    std::vector<std::string> argv = {Binary(), "check", "--format", "json"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string output;
    int exit_code = RunCommand(argv, &output);
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);) {
      Json parsed = Json::parse(line, nullptr, false);
      EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << line;
      lines->push_back(parsed);
    }
    return exit_code;
  }

  fs::path dir_;
};

std::vector<std::string> Keys(const Json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST_F(CheckCommandTest, PrintsOneObjectPerInputInOrderInTheDocumentedShape) {
  std::string failing = Write("failing.html", kImageWithoutAlt);
  std::string clean = Write("clean.html", kCleanPage);
  std::vector<Json> lines;
  ASSERT_EQ(Check({failing, clean, failing}, &lines), 0);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["input"], failing);
  EXPECT_EQ(lines[1]["input"], clean);
  EXPECT_EQ(lines[2]["input"], failing);
  EXPECT_EQ(Keys(lines[0]), (std::vector<std::string>{"act", "findings", "input"}));

  const Json* missing_alt = nullptr;
  for (const Json& finding : lines[0]["findings"]) {
    EXPECT_EQ(Keys(finding), (std::vector<std::string>{"code", "impact", "message", "selector",
                                                       "snippet", "type", "wcag", "xpath"}));
    if (finding["code"] == "ErrImageWithNoAlt") missing_alt = &finding;
  }
  ASSERT_NE(missing_alt, nullptr) << lines[0].dump();
  EXPECT_EQ((*missing_alt)["type"], "error");
  EXPECT_EQ((*missing_alt)["wcag"], Json::array({"1.1.1"}));
  EXPECT_EQ((*missing_alt)["xpath"], "/html/body/main/img");
  EXPECT_EQ((*missing_alt)["snippet"], "<img src=team.jpg>");
  for (const Json& finding : lines[1]["findings"]) EXPECT_NE(finding["code"], "ErrImageWithNoAlt");
  for (const Json& act : lines[0]["act"]) {
    EXPECT_EQ(Keys(act), (std::vector<std::string>{"outcome", "rule", "targets"}));
  }
}

TEST_F(CheckCommandTest, AnUnreadableInputGetsAnErrorLineAndTheOthersStillRun) {
  std::string clean = Write("clean.html", kCleanPage);
  std::vector<Json> lines;
  EXPECT_EQ(Check({(dir_ / "nope.html").string(), clean}, &lines), 1);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0]["error"].get<std::string>().find("nope.html"), std::string::npos);
  EXPECT_TRUE(lines[1].contains("findings"));
}

TEST_F(CheckCommandTest, UrlsAreFetchedThroughTheCrawlersGuard) {
  ScriptedServer server;
  server.Route("/team", [](const ScriptedRequest&, ScriptedReply& reply) {
    reply.Write(ScriptedServer::Response(200, "text/html; charset=utf-8", kImageWithoutAlt));
  });
  std::string url = server.base_url() + "/team";

  std::vector<Json> refused;
  EXPECT_EQ(Check({url}, &refused), 1);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_NE(refused[0]["error"].get<std::string>().find("127.0.0.1"), std::string::npos)
      << refused[0].dump();
  EXPECT_EQ(server.RequestCount("/team"), 0);

  std::vector<Json> fetched;
  ASSERT_EQ(Check({url, "--crawler-allow-network", "127.0.0.0/8"}, &fetched), 0);
  ASSERT_EQ(fetched.size(), 1u);
  bool reported = false;
  for (const Json& finding : fetched[0]["findings"]) reported |= finding["code"] == "ErrImageWithNoAlt";
  EXPECT_TRUE(reported) << fetched[0].dump();
}

TEST_F(CheckCommandTest, LevelFiltersRulesAboveIt) {
  std::string page = Write("page.html", kImageWithoutAlt);
  std::vector<Json> lines;
  ASSERT_EQ(Check({page, "--level", "A"}, &lines), 0);
  ASSERT_EQ(lines.size(), 1u);
  for (const Json& finding : lines[0]["findings"]) {
    // Level A keeps ErrImageWithNoAlt (1.1.1) and drops every AA/AAA-only criterion, e.g.
    // contrast (1.4.3, 1.4.6).
    for (const Json& criterion : finding["wcag"]) {
      EXPECT_NE(criterion, "1.4.3");
      EXPECT_NE(criterion, "1.4.6");
    }
  }
}

}  // namespace
}  // namespace a11y::testing
