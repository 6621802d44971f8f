// Shared by the HTTP server suites: a blocking client for loopback, a stream source that
// reports to the test, and a fixture whose router has one route per behaviour under test.
// Clients have a receive timeout, so a server bug fails a test instead of hanging it;
// waits are futures with generous timeouts, never sleeps as pass conditions.
#pragma once

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "http/http.h"
#include "http/server.h"

namespace a11y::http::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

constexpr auto kWait = 10s;

template <typename T>
bool Ready(std::future<T>& future) {
  return future.wait_for(kWait) == std::future_status::ready;
}

using HttpResponse = bhttp::response<bhttp::string_body>;

// A blocking connection to the server under test.
class Client {
 public:
  explicit Client(int port) : socket_(io_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
    timeval timeout{static_cast<time_t>(kWait.count()), 0};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }

  HttpResponse Send(bhttp::verb method, const std::string& target, const std::string& body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    bhttp::request<bhttp::string_body> request{method, target, 11};
    request.set(bhttp::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) request.insert(name, value);
    request.body() = body;
    request.prepare_payload();
    bhttp::write(socket_, request);
    HttpResponse response;
    bhttp::read(socket_, buffer_, response);
    return response;
  }

  void Write(std::string_view bytes) {
    net::write(socket_, net::buffer(bytes.data(), bytes.size()));
  }

  // Everything until the server closes; `ended` tells how the reading ended.
  std::string ReadToEnd(beast::error_code* ended = nullptr) {
    std::string all(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    buffer_.clear();
    char chunk[16384];
    beast::error_code ec;
    while (true) {
      const std::size_t n = socket_.read_some(net::buffer(chunk), ec);
      all.append(chunk, n);
      if (ec) break;
    }
    if (ended != nullptr) *ended = ec;
    return all;
  }

  // Reads until `needle` has arrived (or the connection ends); returns all read so far.
  std::string ReadUntil(const std::string& needle) {
    char chunk[16384];
    beast::error_code ec;
    while (received_.find(needle) == std::string::npos) {
      const std::size_t n = socket_.read_some(net::buffer(chunk), ec);
      received_.append(chunk, n);
      if (ec) break;
    }
    return received_;
  }

  tcp::socket& socket() { return socket_; }

 private:
  net::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  std::string received_;
};

inline bool IsEndOfConnection(const beast::error_code& ec) {
  return ec == net::error::eof || ec == net::error::connection_reset;
}

inline Json ErrorOf(const HttpResponse& response) {
  EXPECT_EQ(response[bhttp::field::content_type], "application/json");
  const Json body = Json::parse(response.body());
  EXPECT_TRUE(body.at("error").contains("message"));
  EXPECT_TRUE(body.at("error").contains("details"));
  return body.at("error");
}

inline Json ErrorOf(const std::string& raw) {
  const std::size_t body = raw.find("\r\n\r\n");
  EXPECT_NE(body, std::string::npos) << raw;
  return Json::parse(raw.substr(body + 4)).at("error");
}

// A stream source that hands its writer to the test and counts Closed calls.
class ProbeSource : public StreamSource {
 public:
  void Open(std::shared_ptr<StreamWriter> writer) override {
    writer->Write("data: 0\n\n");          // Writing from inside Open must work too.
    opened_.set_value(std::move(writer));  // The source itself keeps no writer.
  }
  void Closed() override {
    if (closed_calls_.fetch_add(1) == 0) closed_.set_value();
  }

  std::future<std::shared_ptr<StreamWriter>> opened() { return opened_.get_future(); }
  std::future<void> closed() { return closed_.get_future(); }
  int closed_calls() const { return closed_calls_.load(); }

 private:
  std::promise<std::shared_ptr<StreamWriter>> opened_;
  std::promise<void> closed_;
  std::atomic<int> closed_calls_{0};
};

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() {
    router_.Add("GET", "/api/v1/jobs/{id}", [](Request& request) {
      return Response::Json(200,
                            {{"id", request.Param("id")}, {"q", request.Query("q").value_or("")}});
    });
    router_.Add("GET", "/api/v1/jobs/stats", [](Request&) {
      return Response::Json(200, {{"stats", true}});
    });
    router_.Add("DELETE", "/api/v1/jobs/{id}", [](Request&) { return Response::NoContent(); });
    router_.Add("POST", "/api/v1/echo", [](Request& request) {
      const Json body = Json::parse(request.body);  // Throws on invalid JSON.
      return Response::Json(200, {{"echo", body}});
    });
    router_.Add("GET", "/api/v1/conflict", [](Request&) -> Response {
      throw ApiError::FromStatus(Status::AlreadyExists("job J1 already exists"));
    });
    router_.Add("GET", "/api/v1/boom",
                [](Request&) -> Response { throw std::runtime_error("secret detail"); });
    router_.Add("GET", "/api/v1/whoami", [](Request& request) {
      Response response = Response::Json(
          200, {{"remote", request.remote_address}, {"x_test", request.Header("X-Test")}});
      response.log_user = "alice";
      return response;
    });
    router_.Add("GET", "/api/v1/slow", [this](Request&) {
      slow_entered_.set_value();
      slow_gate_.get_future().wait();
      return Response::Json(200, {{"slow", true}});
    });
    router_.Add("GET", "/api/v1/events", [this](Request&) {
      Response response;
      response.content_type = "text/event-stream";
      response.stream = source_;
      return response;
    });
  }

  void StartServer(ServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    server_ = std::make_unique<HttpServer>(options, &router_);
    const Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    ASSERT_GT(server_->port(), 0);
  }

  int port() const { return server_->port(); }

  // Polls the metrics text: a request is counted once its response is written, which a
  // fast client can see a moment before the server's bookkeeping.
  bool MetricsEventuallyContain(const std::string& needle) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      if (server_->PrometheusText().find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(5ms);
    }
    ADD_FAILURE() << "metrics lack " << needle << ":\n" << server_->PrometheusText();
    return false;
  }

  Router router_;
  std::shared_ptr<ProbeSource> source_ = std::make_shared<ProbeSource>();
  std::promise<void> slow_entered_;
  std::promise<void> slow_gate_;
  std::unique_ptr<HttpServer> server_;  // Last: stops before what its handlers use goes.
};

}  // namespace a11y::http::test
