// One client connection: reads requests (keep-alive), dispatches them, writes responses;
// or, once a handler returns a stream, carries that stream (SSE or WebSocket) until it
// ends. Everything runs on the connection's strand; only the StreamChannel is touched
// from other threads.
//
// Timeouts use one timer (deadline_) whose meaning follows the phase: waiting for a
// request (idle: close), reading one (request_timeout: 408, close), writing one (close),
// lingering after an error response (close). Streams have none: a dead client shows as a
// failed write or a full queue.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "http/dispatch.h"
#include "http/http.h"
#include "http/server_state.h"
#include "http/stream_channel.h"

namespace a11y::http {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `socket` must run on a strand of its own.
  Connection(ServerState* server, boost::asio::ip::tcp::socket socket);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const boost::asio::any_io_executor& executor() const { return executor_; }

  // Starts reading requests.
  void Start();
  // The server is stopping: close if idle, end a stream; a request in flight finishes
  // (the stopping flag makes its response the last). Any thread.
  void OnServerStop();
  // Called by Stop after the io threads are gone, for connections that outlived the
  // grace: tells a stream source it is closed. No io thread may run.
  void AbandonAfterStop();

  // StreamChannel's hooks, on the strand: write what is queued / drop the stream now.
  void PumpStream();
  void AbortStream();

 private:
  enum class Phase { kIdle, kReading, kWriting, kLingering, kStreaming, kClosed };
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;
  using WebSocket = boost::beast::websocket::stream<boost::beast::tcp_stream>;

  // Request/response cycle (connection.cc).
  void WaitForRequest();
  void OnFirstBytes(boost::beast::error_code ec);
  void ReadHeader();
  void OnHeader(boost::beast::error_code ec);
  void ReadBody();
  void OnReadError(boost::beast::error_code ec);
  void OnRequest();
  void SendError(int status, std::string code, std::string message);
  void WriteResponse(Response response, bool keep_alive, bool linger, bool head_only);
  void OnResponseWritten(boost::beast::error_code ec);
  void Linger();
  void Drain();
  void ArmDeadline(std::chrono::milliseconds timeout);
  void CancelDeadline();
  void OnDeadline();
  void CloseSocket();
  boost::asio::ip::tcp::socket& Socket();
  void RecordAccess(int status, std::size_t bytes);

  // Streams (connection_stream.cc).
  void StartSse(Response response);
  void StartWebSocket(Response response);
  void OpenSource();
  void ReadUntilClientGoes();
  void WriteSseBatch(StreamChannel::Batch batch);
  void WriteNextWsMessage();
  void EndStreamGracefully();
  void EndStreamForShutdown();
  void CloseWebSocket(boost::beast::websocket::close_code code);
  void NotifyClosed();
  void FinishStream();

  ServerState* const server_;
  const boost::asio::any_io_executor executor_;  // The strand.
  boost::beast::tcp_stream stream_;
  std::optional<WebSocket> websocket_;  // Owns the TCP stream after an upgrade.
  boost::asio::steady_timer deadline_;
  uint64_t deadline_generation_ = 0;  // Tells a stale expiry from the current one.
  Phase phase_ = Phase::kIdle;
  std::string remote_address_;

  // The request being read or answered.
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  BeastRequest message_;
  unsigned request_version_ = 11;
  bool first_request_ = true;
  bool timed_out_ = false;
  std::chrono::steady_clock::time_point request_start_;
  std::string method_;
  std::string path_;
  std::string route_;
  std::string user_;

  // The response being written.
  std::string head_;
  std::string body_;
  std::size_t body_bytes_sent_ = 0;
  bool close_after_write_ = false;
  bool linger_after_write_ = false;
  int status_ = 0;

  // The stream, once a handler returned one.
  std::shared_ptr<StreamSource> source_;
  std::shared_ptr<StreamChannel> channel_;
  bool is_stream_ = false;
  bool stream_chunked_ = false;   // SSE over HTTP/1.1; HTTP/1.0 ends the body by closing.
  bool stream_opened_ = false;    // Open was called, so Closed must be.
  bool stream_notified_ = false;  // Closed was called.
  bool stream_writing_ = false;
  bool stream_closing_ = false;  // The final chunk or close frame is on its way.
  bool shutting_down_ = false;   // Stop: close the WebSocket once the write in flight ends.
  std::string stream_out_;
  std::deque<std::string> websocket_outbox_;
  std::size_t stream_bytes_ = 0;
  std::array<char, 512> discard_{};
  boost::beast::flat_buffer websocket_in_;
};

}  // namespace a11y::http
