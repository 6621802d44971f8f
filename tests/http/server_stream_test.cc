// Long-lived responses over real sockets: Server-Sent Events and WebSocket streams (order,
// client leaving, source closing, slow clients) and a graceful Stop with streams and
// handlers in flight.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "tests/http/server_fixture.h"

namespace a11y::http::test {
namespace {

namespace websocket = boost::beast::websocket;

TEST_F(HttpServerTest, SseChunksArriveInOrderAndClientLeavingCallsClosedOnce) {
  StartServer();
  auto opened = source_->opened();
  auto closed = source_->closed();
  std::shared_ptr<StreamWriter> writer;
  {
    Client client(port());
    client.Write("GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(Ready(opened));
    writer = opened.get();
    for (int i = 1; i <= 20; ++i) EXPECT_TRUE(writer->Write("data: " + std::to_string(i) + "\n\n"));
    const std::string raw = client.ReadUntil("data: 20\n");
    EXPECT_EQ(raw.rfind("HTTP/1.1 200 ", 0), 0u) << raw;
    EXPECT_NE(raw.find("Content-Type: text/event-stream"), std::string::npos);
    EXPECT_NE(raw.find("Transfer-Encoding: chunked"), std::string::npos);
    EXPECT_NE(raw.find("Cache-Control: no-cache"), std::string::npos);
    EXPECT_NE(raw.find("X-Accel-Buffering: no"), std::string::npos);
    EXPECT_EQ(raw.find("Content-Length"), std::string::npos);
    std::size_t previous = 0;
    for (int i = 0; i <= 20; ++i) {
      const std::size_t at = raw.find("data: " + std::to_string(i) + "\n\n");
      ASSERT_NE(at, std::string::npos) << i << raw;
      EXPECT_GT(at, previous) << i;
      previous = at;
    }
    EXPECT_TRUE(MetricsEventuallyContain("auto_a11y_http_open_streams 1"));
  }  // The client leaves.
  ASSERT_TRUE(Ready(closed));
  EXPECT_FALSE(writer->Write("data: late\n\n"));
  server_->Stop();
  EXPECT_EQ(source_->closed_calls(), 1);
  EXPECT_NE(server_->PrometheusText().find("auto_a11y_http_open_streams 0"), std::string::npos);
}

TEST_F(HttpServerTest, SseCloseFromSourceEndsTheResponseAfterQueuedChunks) {
  StartServer();
  auto opened = source_->opened();
  auto closed = source_->closed();
  Client client(port());
  client.Write("GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(Ready(opened));
  std::shared_ptr<StreamWriter> writer = opened.get();
  EXPECT_TRUE(writer->Write("data: last\n\n"));
  writer->Close();
  EXPECT_FALSE(writer->Write("data: after close\n\n"));
  beast::error_code ended;
  const std::string raw = client.ReadToEnd(&ended);
  EXPECT_NE(raw.find("data: last"), std::string::npos);
  EXPECT_NE(raw.find("0\r\n\r\n"), std::string::npos);  // The chunked body's end.
  EXPECT_EQ(raw.find("after close"), std::string::npos);
  EXPECT_TRUE(IsEndOfConnection(ended)) << ended.message();
  ASSERT_TRUE(Ready(closed));
}

TEST_F(HttpServerTest, SlowStreamClientIsDroppedOnceItsQueueIsFull) {
  ServerOptions options;
  options.max_stream_queue_bytes = 64 << 10;
  StartServer(options);
  auto opened = source_->opened();
  auto closed = source_->closed();
  Client client(port());  // Never reads.
  client.Write("GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(Ready(opened));
  std::shared_ptr<StreamWriter> writer = opened.get();
  const std::string chunk(16 << 10, 'x');
  bool refused = false;
  for (int i = 0; i < 64 * 1024 && !refused; ++i) refused = !writer->Write(chunk);  // <= 1 GiB.
  EXPECT_TRUE(refused);
  ASSERT_TRUE(Ready(closed));
}

TEST_F(HttpServerTest, WebSocketMessagesArriveInOrderAndClientCloseCallsClosed) {
  StartServer();
  auto opened = source_->opened();
  auto closed = source_->closed();
  net::io_context io;
  websocket::stream<tcp::socket> ws(io);
  ws.next_layer().connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port())));
  ws.handshake("127.0.0.1", "/api/v1/events");
  ASSERT_TRUE(Ready(opened));
  std::shared_ptr<StreamWriter> writer = opened.get();
  for (int i = 1; i <= 20; ++i) EXPECT_TRUE(writer->Write("m" + std::to_string(i)));
  for (int i = 0; i <= 20; ++i) {
    beast::flat_buffer message;
    ws.read(message);
    EXPECT_TRUE(ws.got_text());
    EXPECT_EQ(beast::buffers_to_string(message.data()),
              i == 0 ? std::string("data: 0\n\n") : "m" + std::to_string(i));
  }
  ws.close(websocket::close_code::normal);
  ASSERT_TRUE(Ready(closed));
  EXPECT_FALSE(writer->Write("late"));
}

TEST_F(HttpServerTest, UpgradeToAPlainRouteGetsAPlainResponse) {
  StartServer();
  net::io_context io;
  websocket::stream<tcp::socket> ws(io);
  ws.next_layer().connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port())));
  websocket::response_type refusal;
  beast::error_code ec;
  ws.handshake(refusal, "127.0.0.1", "/api/v1/jobs/J1", ec);
  EXPECT_TRUE(ec);
  EXPECT_EQ(refusal.result_int(), 200);
}

TEST_F(HttpServerTest, StopWithAnOpenStreamCallsClosedAndReturns) {
  StartServer();
  auto opened = source_->opened();
  auto closed = source_->closed();
  Client client(port());
  client.Write("GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(Ready(opened));
  std::shared_ptr<StreamWriter> writer = opened.get();
  server_->Stop();
  EXPECT_EQ(closed.wait_for(0s), std::future_status::ready);
  EXPECT_EQ(source_->closed_calls(), 1);
  EXPECT_FALSE(writer->Write("data: after stop\n\n"));
  beast::error_code ended;
  client.ReadToEnd(&ended);
  EXPECT_TRUE(IsEndOfConnection(ended)) << ended.message();
  server_->Stop();  // Idempotent.
}

TEST_F(HttpServerTest, StopWithAnOpenWebSocketCallsClosedAndReturns) {
  StartServer();
  auto opened = source_->opened();
  auto closed = source_->closed();
  net::io_context io;
  websocket::stream<tcp::socket> ws(io);
  ws.next_layer().connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port())));
  ws.handshake("127.0.0.1", "/api/v1/events");
  ASSERT_TRUE(Ready(opened));
  auto stopped = std::async(std::launch::async, [&] { server_->Stop(); });
  // The client answers the server's close frame, as a browser would.
  beast::flat_buffer message;
  beast::error_code ec;
  while (!ec) ws.read(message, ec);
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  ASSERT_TRUE(Ready(stopped));
  EXPECT_EQ(closed.wait_for(0s), std::future_status::ready);
  EXPECT_EQ(source_->closed_calls(), 1);
}

TEST_F(HttpServerTest, StopLetsARunningHandlerFinish) {
  StartServer();
  auto entered = slow_entered_.get_future();
  auto reply = std::async(std::launch::async, [this] {
    Client client(port());
    return client.Send(bhttp::verb::get, "/api/v1/slow");
  });
  ASSERT_TRUE(Ready(entered));
  auto stopped = std::async(std::launch::async, [this] { server_->Stop(); });
  // Not a pass condition: gives Stop the time to begin before the handler ends.
  EXPECT_EQ(stopped.wait_for(100ms), std::future_status::timeout);
  slow_gate_.set_value();
  ASSERT_TRUE(Ready(reply));
  const HttpResponse response = reply.get();
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_FALSE(response.keep_alive());  // The last response of a stopping server.
  ASSERT_TRUE(Ready(stopped));
  EXPECT_THROW(Client{port()}, boost::system::system_error);  // No longer listening.
}

}  // namespace
}  // namespace a11y::http::test
