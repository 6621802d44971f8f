// The HTTP server over real sockets on loopback: routing and errors as a client sees
// them, malformed and oversized input, timeouts, keep-alive, the access log, the metrics
// and starting up. Streams and Stop are in server_stream_test.cc.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "tests/http/server_fixture.h"

namespace a11y::http::test {
namespace {

TEST_F(HttpServerTest, RoutesWithDecodedParamsAndQueryAndStandardHeaders) {
  StartServer();
  Client client(port());
  const HttpResponse response = client.Send(bhttp::verb::get, "/api/v1/jobs/J%201?q=a+b%26c");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(Json::parse(response.body()), Json({{"id", "J 1"}, {"q", "a b&c"}}));
  EXPECT_EQ(response[bhttp::field::content_type], "application/json");
  EXPECT_EQ(response[bhttp::field::content_length], std::to_string(response.body().size()));
  EXPECT_EQ(response["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(response[bhttp::field::cache_control], "no-store");
  EXPECT_EQ(response[bhttp::field::server], "auto-a11y");

  EXPECT_EQ(Json::parse(client.Send(bhttp::verb::get, "/api/v1/jobs/stats").body()),
            Json({{"stats", true}}));
  const HttpResponse deleted = client.Send(bhttp::verb::delete_, "/api/v1/jobs/J1");
  EXPECT_EQ(deleted.result_int(), 204);
  EXPECT_TRUE(deleted.body().empty());
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405WithAllowHeader) {
  StartServer();
  Client client(port());
  const HttpResponse missing = client.Send(bhttp::verb::get, "/api/v1/nothing");
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_EQ(ErrorOf(missing).at("code"), "not_found");

  const HttpResponse wrong = client.Send(bhttp::verb::post, "/api/v1/jobs/J1");
  EXPECT_EQ(wrong.result_int(), 405);
  EXPECT_EQ(wrong[bhttp::field::allow], "DELETE, GET, HEAD");
  const Json error = ErrorOf(wrong);
  EXPECT_EQ(error.at("code"), "method_not_allowed");
  EXPECT_EQ(error.at("details").at("allow"), Json({"DELETE", "GET", "HEAD"}));
}

TEST_F(HttpServerTest, HeadAnswersWithGetsHeadersAndNoBody) {
  StartServer();
  Client client(port());
  const HttpResponse get = client.Send(bhttp::verb::get, "/api/v1/jobs/J1");
  client.Write("HEAD /api/v1/jobs/J1 HTTP/1.1\r\nHost: x\r\n\r\n");
  bhttp::response_parser<bhttp::empty_body> parser;
  parser.skip(true);  // A response to HEAD has no body whatever its Content-Length says.
  beast::flat_buffer buffer;
  bhttp::read(client.socket(), buffer, parser);
  EXPECT_EQ(parser.get().result_int(), 200);
  EXPECT_EQ(parser.get()[bhttp::field::content_length], std::to_string(get.body().size()));
  // The next response follows at once: no body bytes were sent for the HEAD.
  client.Write("GET /api/v1/jobs/stats HTTP/1.1\r\nHost: x\r\n\r\n");
  HttpResponse next;
  bhttp::read(client.socket(), buffer, next);
  EXPECT_EQ(Json::parse(next.body()), Json({{"stats", true}}));
}

TEST_F(HttpServerTest, ApiErrorBecomesItsStatusAndJsonBody) {
  StartServer();
  Client client(port());
  const HttpResponse response = client.Send(bhttp::verb::get, "/api/v1/conflict");
  EXPECT_EQ(response.result_int(), 409);
  EXPECT_EQ(Json::parse(response.body()),
            Json::parse(R"({"error": {"code": "conflict", "message": "job J1 already exists",
                                      "details": {}}})"));
}

TEST_F(HttpServerTest, HandlerExceptionIs500WithoutItsMessageAndServingGoesOn) {
  StartServer();
  Client client(port());
  const HttpResponse response = client.Send(bhttp::verb::get, "/api/v1/boom");
  EXPECT_EQ(response.result_int(), 500);
  EXPECT_EQ(ErrorOf(response).at("code"), "internal");
  EXPECT_EQ(response.body().find("secret"), std::string::npos);
  // The same connection and a new one both go on working.
  EXPECT_EQ(client.Send(bhttp::verb::get, "/api/v1/jobs/J1").result_int(), 200);
  Client other(port());
  EXPECT_EQ(other.Send(bhttp::verb::get, "/api/v1/jobs/J2").result_int(), 200);
}

TEST_F(HttpServerTest, InvalidJsonBodyIs400InvalidJson) {
  StartServer();
  Client client(port());
  const HttpResponse response = client.Send(bhttp::verb::post, "/api/v1/echo", "{nope",
                                            {{"Content-Type", "application/json"}});
  EXPECT_EQ(response.result_int(), 400);
  EXPECT_EQ(ErrorOf(response).at("code"), "invalid_json");
  EXPECT_EQ(client.Send(bhttp::verb::post, "/api/v1/echo", R"({"a": 1})").result_int(), 200);
}

TEST_F(HttpServerTest, MalformedRequestLineIs400ThenCloseAndOthersAreServed) {
  StartServer();
  Client bad(port());
  bad.Write("THIS IS NOT HTTP\r\n\r\n");
  beast::error_code ended;
  const std::string raw = bad.ReadToEnd(&ended);
  EXPECT_EQ(raw.rfind("HTTP/1.1 400 ", 0), 0u) << raw;
  EXPECT_NE(raw.find("Connection: close"), std::string::npos);
  EXPECT_EQ(ErrorOf(raw).at("code"), "bad_request");
  EXPECT_TRUE(IsEndOfConnection(ended)) << ended.message();

  Client good(port());
  EXPECT_EQ(good.Send(bhttp::verb::get, "/api/v1/jobs/J1").result_int(), 200);
}

TEST_F(HttpServerTest, OversizedBodyIs413AndConnectionCloses) {
  ServerOptions options;
  options.max_body_bytes = 1000;
  StartServer(options);
  {
    Client client(port());  // Declared too large by Content-Length: refused before reading.
    client.Write("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" +
                 std::string(5000, 'a'));
    beast::error_code ended;
    const std::string raw = client.ReadToEnd(&ended);
    EXPECT_EQ(raw.rfind("HTTP/1.1 413 ", 0), 0u) << raw;
    EXPECT_EQ(ErrorOf(raw).at("code"), "payload_too_large");
    EXPECT_TRUE(IsEndOfConnection(ended)) << ended.message();
  }
  {
    Client client(port());  // Chunked: found too large while reading.
    client.Write(
        "POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "7d0\r\n" +
        std::string(2000, 'a') + "\r\n0\r\n\r\n");
    const std::string raw = client.ReadToEnd();
    EXPECT_EQ(raw.rfind("HTTP/1.1 413 ", 0), 0u) << raw;
  }
  Client client(port());
  EXPECT_EQ(client.Send(bhttp::verb::post, "/api/v1/echo", "[1]").result_int(), 200);
}

TEST_F(HttpServerTest, OversizedHeadersAre431) {
  ServerOptions options;
  options.max_header_bytes = 4096;
  StartServer(options);
  Client client(port());
  client.Write("GET /api/v1/jobs/J1 HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'b') +
               "\r\n\r\n");
  const std::string raw = client.ReadToEnd();
  EXPECT_EQ(raw.rfind("HTTP/1.1 431 ", 0), 0u) << raw;
  EXPECT_EQ(ErrorOf(raw).at("code"), "request_header_fields_too_large");
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartServer();
  Client client(port());
  const HttpResponse first = client.Send(bhttp::verb::get, "/api/v1/jobs/1");
  const HttpResponse second = client.Send(bhttp::verb::get, "/api/v1/jobs/2");
  EXPECT_TRUE(first.keep_alive());
  EXPECT_EQ(Json::parse(first.body()).at("id"), "1");
  EXPECT_EQ(Json::parse(second.body()).at("id"), "2");
  // Pipelined: two requests in one write, answered in order.
  client.Write(
      "GET /api/v1/jobs/3 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/v1/jobs/4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string raw = client.ReadToEnd();
  const std::size_t third = raw.find(R"("id":"3")");
  const std::size_t fourth = raw.find(R"("id":"4")");
  ASSERT_NE(third, std::string::npos) << raw;
  ASSERT_NE(fourth, std::string::npos) << raw;
  EXPECT_LT(third, fourth);
}

TEST_F(HttpServerTest, Http10RequestIsAnsweredAndClosed) {
  StartServer();
  Client client(port());
  client.Write("GET /api/v1/jobs/J1 HTTP/1.0\r\n\r\n");
  beast::error_code ended;
  const std::string raw = client.ReadToEnd(&ended);
  EXPECT_EQ(raw.rfind("HTTP/1.1 200 ", 0), 0u) << raw;
  EXPECT_NE(raw.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(IsEndOfConnection(ended)) << ended.message();
}

TEST_F(HttpServerTest, PartialRequestTimesOutWith408AndClose) {
  ServerOptions options;
  options.request_timeout = 200ms;
  StartServer(options);
  Client client(port());
  client.Write("GET /api/v1/jobs/J1 HTTP/1.1\r\nHost: x\r\n");  // No blank line: never ends.
  beast::error_code ended;
  const std::string raw = client.ReadToEnd(&ended);
  EXPECT_TRUE(IsEndOfConnection(ended)) << ended.message();  // Not our receive timeout.
  EXPECT_EQ(raw.rfind("HTTP/1.1 408 ", 0), 0u) << raw;
  EXPECT_EQ(ErrorOf(raw).at("code"), "request_timeout");
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosed) {
  ServerOptions options;
  options.idle_timeout = 200ms;
  StartServer(options);
  Client client(port());
  EXPECT_EQ(client.Send(bhttp::verb::get, "/api/v1/jobs/J1").result_int(), 200);
  beast::error_code ended;
  EXPECT_EQ(client.ReadToEnd(&ended), "");
  EXPECT_TRUE(IsEndOfConnection(ended)) << ended.message();
}

TEST_F(HttpServerTest, RequestSeesHeadersAndRemoteAddressAndAccessLogHasOneJsonLine) {
  std::ostringstream log;
  spdlog::drop("http");
  auto logger = std::make_shared<spdlog::logger>(
      "http", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  logger->set_pattern("%v");
  spdlog::register_logger(logger);

  StartServer();
  {
    Client client(port());
    const HttpResponse response = client.Send(bhttp::verb::get, "/api/v1/whoami?token=s3cret", "",
                                              {{"X-Test", "a"}, {"x-test", "b"}});
    EXPECT_EQ(Json::parse(response.body()), Json({{"remote", "127.0.0.1"}, {"x_test", "a, b"}}));
  }
  server_->Stop();  // Every line is written by now.
  spdlog::drop("http");

  std::istringstream lines(log.str());
  std::string line;
  ASSERT_TRUE(std::getline(lines, line)) << log.str();
  const Json entry = Json::parse(line);
  EXPECT_EQ(entry.at("method"), "GET");
  EXPECT_EQ(entry.at("path"), "/api/v1/whoami");
  EXPECT_EQ(entry.at("route"), "/api/v1/whoami");
  EXPECT_EQ(entry.at("status"), 200);
  EXPECT_EQ(entry.at("user"), "alice");
  EXPECT_EQ(entry.at("remote"), "127.0.0.1");
  EXPECT_GT(entry.at("bytes").get<int>(), 0);
  EXPECT_TRUE(entry.at("duration_ms").is_number());
  EXPECT_TRUE(entry.at("ts").is_string());
  EXPECT_EQ(log.str().find("s3cret"), std::string::npos);  // Queries stay out of the log.
}

TEST_F(HttpServerTest, PrometheusTextCountsByRoutePatternNeverRawPath) {
  StartServer();
  Client client(port());
  client.Send(bhttp::verb::get, "/api/v1/jobs/J1");
  client.Send(bhttp::verb::get, "/api/v1/jobs/J2");
  client.Send(bhttp::verb::get, "/no/such/path");
  client.Send(bhttp::verb::get, "/api/v1/boom");
  EXPECT_TRUE(MetricsEventuallyContain(
      R"(auto_a11y_http_requests_total{method="GET",route="/api/v1/jobs/{id}",status="200"} 2)"));
  EXPECT_TRUE(MetricsEventuallyContain(
      R"(auto_a11y_http_requests_total{method="GET",route="unmatched",status="404"} 1)"));
  EXPECT_TRUE(MetricsEventuallyContain(
      R"(auto_a11y_http_requests_total{method="GET",route="/api/v1/boom",status="500"} 1)"));
  const std::string text = server_->PrometheusText();
  EXPECT_NE(text.find("# TYPE auto_a11y_http_request_duration_seconds histogram"),
            std::string::npos);
  EXPECT_NE(
      text.find(
          R"(auto_a11y_http_request_duration_seconds_bucket{route="/api/v1/jobs/{id}",le="+Inf"} 2)"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(auto_a11y_http_request_duration_seconds_count{route="unmatched"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find("auto_a11y_http_open_connections 1"), std::string::npos) << text;
  EXPECT_NE(text.find("auto_a11y_http_open_streams 0"), std::string::npos);
  EXPECT_EQ(text.find("/no/such/path"), std::string::npos);
}

TEST(HttpServerStartTest, BadListenIsInvalidArgumentAndTakenPortIsIoError) {
  Router router;
  for (const std::string listen :
       {"nonsense", "127.0.0.1:99999", ":8080", "::1:8080", "[::1]8080", "127.0.0.1:http"}) {
    ServerOptions options;
    options.listen = listen;
    HttpServer server(options, &router);
    EXPECT_EQ(server.Start().code(), Status::Code::kInvalidArgument) << listen;
  }

  ServerOptions options;
  options.listen = "127.0.0.1:0";
  HttpServer first(options, &router);
  ASSERT_TRUE(first.Start().ok());
  EXPECT_EQ(first.base_url(), "http://127.0.0.1:" + std::to_string(first.port()));
  EXPECT_EQ(first.Start().code(), Status::Code::kFailedPrecondition);
  options.listen = "127.0.0.1:" + std::to_string(first.port());
  HttpServer second(options, &router);
  const Status taken = second.Start();
  EXPECT_EQ(taken.code(), Status::Code::kIoError);
  EXPECT_NE(taken.message().find(options.listen), std::string::npos) << taken.message();
}

TEST(HttpServerStartTest, ListensOnIpv6Loopback) {
  Router router;
  router.Add("GET", "/healthz", [](Request&) { return Response::Json(200, {{"ok", true}}); });
  ServerOptions options;
  options.listen = "[::1]:0";
  HttpServer server(options, &router);
  const Status started = server.Start();
  if (!started.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << started.ToString();
  EXPECT_EQ(server.base_url(), "http://[::1]:" + std::to_string(server.port()));
  net::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(net::ip::make_address("::1"), static_cast<uint16_t>(server.port())));
  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, "/healthz", 11};
  bhttp::write(socket, request);
  beast::flat_buffer buffer;
  HttpResponse response;
  bhttp::read(socket, buffer, response);
  EXPECT_EQ(response.result_int(), 200);
}

}  // namespace
}  // namespace a11y::http::test
