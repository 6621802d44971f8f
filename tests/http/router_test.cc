// The HTTP vocabulary without a socket: routing rules, request helpers, JSON responses,
// the error mapping, and the URL codecs.
#include <gtest/gtest.h>

#include <string>

#include "http/http.h"
#include "http/url.h"

namespace a11y::http {
namespace {

Handler Named(std::string name) {
  return [name](Request&) { return Response::Json(200, {{"handler", name}}); };
}

std::string MatchAndRun(const Router& router, const std::string& method, const std::string& target,
                        Request* out = nullptr) {
  Request request;
  request.method = method;
  request.target = target;
  request.path = PercentDecode(TargetPath(target));
  const Handler& handler = router.Match(request);
  Response response = handler(request);
  if (out != nullptr) *out = request;
  return Json::parse(response.body).at("handler").get<std::string>();
}

// Runs Match and returns the ApiError it throws.
ApiError MatchError(const Router& router, const std::string& method, const std::string& target) {
  Request request;
  request.method = method;
  request.target = target;
  request.path = target;
  try {
    router.Match(request);
  } catch (const ApiError& error) {
    return error;
  }
  ADD_FAILURE() << method << " " << target << " matched";
  return ApiError(0, "", "");
}

TEST(RouterTest, ParamsAreFilledAndPercentDecoded) {
  Router router;
  router.Add("GET", "/api/v1/jobs/{id}/cancel", Named("cancel"));
  Request request;
  EXPECT_EQ(MatchAndRun(router, "GET", "/api/v1/jobs/a%20b%2Fc/cancel?x=1", &request), "cancel");
  EXPECT_EQ(request.Param("id"), "a b/c");  // An encoded slash stays inside its segment.
  EXPECT_EQ(request.route, "/api/v1/jobs/{id}/cancel");
}

TEST(RouterTest, LiteralSegmentBeatsParamWhateverTheOrder) {
  Router router;
  router.Add("GET", "/api/v1/jobs/{id}", Named("job"));
  router.Add("GET", "/api/v1/jobs/stats", Named("stats"));
  router.Add("GET", "/api/v1/{kind}/stats", Named("kind-stats"));
  EXPECT_EQ(MatchAndRun(router, "GET", "/api/v1/jobs/stats"), "stats");
  EXPECT_EQ(MatchAndRun(router, "GET", "/api/v1/jobs/J1"), "job");
  EXPECT_EQ(MatchAndRun(router, "GET", "/api/v1/pages/stats"), "kind-stats");
}

TEST(RouterTest, TrailingSlashIsTheSameRoute) {
  Router router;
  router.Add("GET", "/api/v1/jobs", Named("list"));
  router.Add("GET", "/", Named("root"));
  EXPECT_EQ(MatchAndRun(router, "GET", "/api/v1/jobs/"), "list");
  EXPECT_EQ(MatchAndRun(router, "GET", "/"), "root");
}

TEST(RouterTest, ParamNeedsANonEmptySegment) {
  Router router;
  router.Add("GET", "/api/v1/jobs/{id}/cancel", Named("cancel"));
  EXPECT_EQ(MatchError(router, "GET", "/api/v1/jobs//cancel").status(), 404);
}

TEST(RouterTest, UnknownPathIs404AndOtherMethodIs405WithAllow) {
  Router router;
  router.Add("GET", "/api/v1/jobs/{id}", Named("get"));
  router.Add("DELETE", "/api/v1/jobs/{id}", Named("delete"));
  const ApiError missing = MatchError(router, "GET", "/api/v1/nothing");
  EXPECT_EQ(missing.status(), 404);
  EXPECT_EQ(missing.code(), "not_found");
  const ApiError wrong_method = MatchError(router, "POST", "/api/v1/jobs/J1");
  EXPECT_EQ(wrong_method.status(), 405);
  EXPECT_EQ(wrong_method.code(), "method_not_allowed");
  EXPECT_EQ(wrong_method.details().at("allow"), Json({"DELETE", "GET", "HEAD"}));
}

TEST(RouterTest, HeadIsServedByGetUnlessRegistered) {
  Router router;
  router.Add("GET", "/a", Named("get-a"));
  router.Add("GET", "/b", Named("get-b"));
  router.Add("HEAD", "/b", Named("head-b"));
  EXPECT_EQ(MatchAndRun(router, "HEAD", "/a"), "get-a");
  EXPECT_EQ(MatchAndRun(router, "HEAD", "/b"), "head-b");
}

TEST(RouterTest, RoutesListsMethodAndPatternInOrder) {
  Router router;
  router.Add("GET", "/b", Named("b"));
  router.Add("POST", "/a/{id}", Named("a"));
  EXPECT_EQ(router.Routes(), (std::vector<std::string>{"GET /b", "POST /a/{id}"}));
}

TEST(RequestTest, HeaderIsCaseInsensitiveAndQueryGivesTheFirstValue) {
  Request request;
  request.headers["content-type"] = "application/json";
  request.query = {{"page", "2"}, {"page", "3"}};
  EXPECT_EQ(request.Header("Content-Type"), "application/json");
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_EQ(request.Header("X-Missing"), "");
  EXPECT_EQ(request.Query("page"), "2");
  EXPECT_EQ(request.Query("size"), std::nullopt);
}

TEST(ResponseTest, JsonReplacesInvalidUtf8InsteadOfThrowing) {
  Response response;
  ASSERT_NO_THROW(response = Response::Json(200, {{"title", std::string("bad \xff byte")}}));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_NE(response.body.find("bad"), std::string::npos);
  EXPECT_TRUE(Json::accept(response.body));
  EXPECT_EQ(Response::NoContent().status, 204);
  EXPECT_TRUE(Response::NoContent().body.empty());
}

TEST(ApiErrorTest, ToJsonAndFromStatus) {
  const ApiError error =
      ApiError::BadRequest("invalid_argument", "limit must be positive", {{"field", "limit"}});
  EXPECT_EQ(error.ToJson(), Json::parse(R"({"error": {"code": "invalid_argument",
      "message": "limit must be positive", "details": {"field": "limit"}}})"));

  struct Case {
    Status status;
    int http_status;
    std::string code;
  };
  const Case cases[] = {
      {Status::InvalidArgument("x"), 400, "invalid_argument"},
      {Status::NotFound("x"), 404, "not_found"},
      {Status::AlreadyExists("x"), 409, "conflict"},
      {Status::FailedPrecondition("x"), 409, "conflict"},
      {Status::Unavailable("x"), 503, "unavailable"},
      {Status::Internal("secret SQL"), 500, "internal"},
      {Status::IoError("x"), 500, "internal"},
  };
  for (const Case& c : cases) {
    const ApiError mapped = ApiError::FromStatus(c.status);
    EXPECT_EQ(mapped.status(), c.http_status) << c.status.ToString();
    EXPECT_EQ(mapped.code(), c.code) << c.status.ToString();
  }
  EXPECT_EQ(std::string(ApiError::FromStatus(Status::Internal("secret SQL")).what()).find("SQL"),
            std::string::npos);
}

TEST(UrlTest, DecodingAndSplittingTargets) {
  EXPECT_EQ(PercentDecode("a%20b%zz%4"), "a b%zz%4");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  std::multimap<std::string, std::string> query;
  ParseQuery("a=1&&b=x%20y&c&a=2", &query);
  EXPECT_EQ(query, (std::multimap<std::string, std::string>{
                       {"a", "1"}, {"a", "2"}, {"b", "x y"}, {"c", ""}}));
  EXPECT_EQ(TargetPath("/a/b?x=1"), "/a/b");
  EXPECT_EQ(TargetPath("http://host:1/a?x"), "/a");
  EXPECT_EQ(TargetQuery("/a?x=1#frag"), "x=1");
  EXPECT_EQ(TargetQuery("/a"), "");
}

}  // namespace
}  // namespace a11y::http
