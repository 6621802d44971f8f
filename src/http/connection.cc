// The request/response half of a connection: read a request within its deadline, answer
// it, keep the connection for the next one or close it. Malformed input is answered with
// a JSON error and the connection closed; nothing a client sends can stop the server.
#include "http/connection.h"

#include <algorithm>
#include <limits>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <spdlog/spdlog.h>

#include "core/ascii.h"
#include "http/url.h"

namespace a11y::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kFirstReadBytes = 4096;
// A buffer grown by a large request is given back before the connection waits again.
constexpr std::size_t kKeptBufferBytes = 64 << 10;
// How long to keep reading (and discarding) after an error response before closing, so
// that the client sees the response instead of a reset.
constexpr std::chrono::milliseconds kLingerTime{1000};

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == beast_http::make_error_code(beast_http::error::bad_method).category();
}

}  // namespace

Connection::Connection(ServerState* server, tcp::socket socket)
    : server_(server),
      executor_(socket.get_executor()),
      stream_(std::move(socket)),
      deadline_(executor_) {
  beast::error_code ec;
  const tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_address_ = remote.address().to_string();
  server_->metrics().ConnectionOpened();
}

Connection::~Connection() {
  server_->metrics().ConnectionClosed();
  server_->Unregister(this);
}

void Connection::Start() {
  net::dispatch(executor_, [self = shared_from_this()] { self->WaitForRequest(); });
}

void Connection::OnServerStop() {
  net::post(executor_, [self = shared_from_this()] {
    switch (self->phase_) {
      case Phase::kIdle: self->CloseSocket(); break;
      case Phase::kStreaming: self->EndStreamForShutdown(); break;
      // A request being read or answered finishes; the stopping flag makes it the last.
      default: break;
    }
  });
}

void Connection::AbandonAfterStop() {
  if (channel_) channel_->MarkClosed();
  NotifyClosed();
}

void Connection::WaitForRequest() {
  if (server_->stopping()) {
    CloseSocket();
    return;
  }
  phase_ = Phase::kIdle;
  const ServerOptions& options = server_->options();
  parser_.emplace();
  parser_->body_limit(options.max_body_bytes);
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  if (buffer_.size() > 0) {  // A pipelined request is already here.
    ReadHeader();
    return;
  }
  if (buffer_.capacity() > kKeptBufferBytes) buffer_.shrink_to_fit();
  // A new connection gets request_timeout to start its request; a kept-alive one may
  // wait idle_timeout for the next.
  ArmDeadline(first_request_ ? options.request_timeout : options.idle_timeout);
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                          [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                            self->buffer_.commit(bytes);
                            self->OnFirstBytes(ec);
                          });
}

void Connection::OnFirstBytes(beast::error_code ec) {
  if (ec || phase_ != Phase::kIdle) {
    CloseSocket();  // The client left, or the idle deadline or Stop closed the socket.
    return;
  }
  ReadHeader();
}

void Connection::ReadHeader() {
  phase_ = Phase::kReading;
  timed_out_ = false;
  request_start_ = std::chrono::steady_clock::now();
  method_.clear();
  path_.clear();
  route_.clear();
  user_.clear();
  ArmDeadline(server_->options().request_timeout);
  beast_http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
}

void Connection::OnHeader(beast::error_code ec) {
  if (ec) {
    OnReadError(ec);
    return;
  }
  if (parser_->is_done()) {
    OnRequest();
    return;
  }
  const auto& header = parser_->get();
  const auto expect = header[beast_http::field::expect];
  if (header.version() >= 11 && EqualsIgnoreCase({expect.data(), expect.size()}, "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                       if (write_ec) {
                         self->CloseSocket();
                         return;
                       }
                       self->ReadBody();
                     });
    return;
  }
  ReadBody();
}

void Connection::ReadBody() {
  if (timed_out_) {
    // The deadline fired while no read was pending (its cancel found nothing to cancel).
    OnReadError(net::error::operation_aborted);
    return;
  }
  beast_http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                           if (ec) {
                             self->OnReadError(ec);
                           } else {
                             self->OnRequest();
                           }
                         });
}

void Connection::OnReadError(beast::error_code ec) {
  if (phase_ != Phase::kReading) return;  // Closed meanwhile.
  if (parser_ && parser_->is_header_done()) {
    const auto& header = parser_->get();
    method_.assign(header.method_string().data(), header.method_string().size());
    path_ = PercentDecode(TargetPath({header.target().data(), header.target().size()}));
  }
  const ServerOptions& options = server_->options();
  if (timed_out_) {
    SendError(408, "request_timeout",
              "the request did not arrive within " +
                  std::to_string(options.request_timeout.count()) + " ms");
  } else if (ec == beast_http::error::body_limit) {
    SendError(413, "payload_too_large",
              "the request body is larger than the limit of " +
                  std::to_string(options.max_body_bytes) + " bytes");
  } else if (ec == beast_http::error::header_limit) {
    SendError(431, "request_header_fields_too_large",
              "the request line and headers are larger than the limit of " +
                  std::to_string(options.max_header_bytes) + " bytes");
  } else if (IsHttpParseError(ec) && ec != beast_http::error::end_of_stream &&
             ec != beast_http::error::partial_message) {
    SendError(400, "bad_request", "malformed HTTP request: " + ec.message());
  } else {
    CloseSocket();  // The client went away, or the network failed: nobody to answer.
  }
}

void Connection::OnRequest() {
  message_ = parser_->release();
  parser_.reset();
  request_version_ = message_.version();
  const bool head_only = message_.method() == beast_http::verb::head;
  Request request = MakeRequest(message_, remote_address_);
  Response response = Dispatch(server_->router(), request);
  // After the handler: a Stop that began while it ran makes this response the last.
  const bool keep_alive = message_.keep_alive() && !server_->stopping();
  method_ = std::move(request.method);
  path_ = std::move(request.path);
  route_ = std::move(request.route);
  user_ = std::move(response.log_user);
  if (response.stream && !head_only) {
    if (request.websocket) {
      StartWebSocket(std::move(response));
    } else {
      StartSse(std::move(response));
    }
    return;
  }
  response.stream.reset();
  WriteResponse(std::move(response), keep_alive, /*linger=*/false, head_only);
}

void Connection::SendError(int status, std::string code, std::string message) {
  request_version_ = 11;
  WriteResponse(ErrorResponse(status, std::move(code), std::move(message)), /*keep_alive=*/false,
                /*linger=*/true, /*head_only=*/false);
}

void Connection::WriteResponse(Response response, bool keep_alive, bool linger, bool head_only) {
  status_ = response.status;
  head_.clear();
  AppendResponseHead(response, response.body.size(), keep_alive, request_version_, &head_);
  if (head_only || status_ == 204 || status_ == 304) {
    body_.clear();
  } else {
    body_ = std::move(response.body);
  }
  close_after_write_ = !keep_alive;
  linger_after_write_ = linger;
  phase_ = Phase::kWriting;
  ArmDeadline(server_->options().request_timeout);  // A client that will not read.
  const std::array<net::const_buffer, 2> buffers = {net::buffer(head_), net::buffer(body_)};
  net::async_write(stream_, buffers,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                     self->OnResponseWritten(ec);
                   });
}

void Connection::OnResponseWritten(beast::error_code ec) {
  RecordAccess(status_, ec ? 0 : body_.size());
  if (body_.capacity() > kKeptBufferBytes) {
    std::string().swap(body_);
  } else {
    body_.clear();
  }
  if (ec || phase_ != Phase::kWriting) {
    CloseSocket();
    return;
  }
  if (close_after_write_) {
    beast::error_code ignored;
    // Unread input would make close() send a reset, which can destroy the response
    // before the client reads it; read it away first.
    if (linger_after_write_ || buffer_.size() > 0 || Socket().available(ignored) > 0) {
      Linger();
    } else {
      CloseSocket();
    }
    return;
  }
  first_request_ = false;
  WaitForRequest();
}

void Connection::Linger() {
  phase_ = Phase::kLingering;
  beast::error_code ignored;
  Socket().shutdown(tcp::socket::shutdown_send, ignored);
  buffer_.clear();
  ArmDeadline(std::min(kLingerTime, server_->options().request_timeout));
  Drain();
}

void Connection::Drain() {
  stream_.async_read_some(net::buffer(discard_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec || self->phase_ != Phase::kLingering) {
                              self->CloseSocket();
                              return;
                            }
                            self->Drain();
                          });
}

void Connection::ArmDeadline(std::chrono::milliseconds timeout) {
  const uint64_t generation = ++deadline_generation_;
  deadline_.expires_after(timeout);
  deadline_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
    if (ec || generation != self->deadline_generation_) return;
    self->OnDeadline();
  });
}

void Connection::CancelDeadline() {
  ++deadline_generation_;
  deadline_.cancel();
}

void Connection::OnDeadline() {
  switch (phase_) {
    case Phase::kReading: {
      // Cancel rather than close, so the read fails and a 408 can still be written.
      timed_out_ = true;
      beast::error_code ignored;
      Socket().cancel(ignored);
      break;
    }
    case Phase::kStreaming: FinishStream(); break;
    default: CloseSocket(); break;
  }
}

void Connection::CloseSocket() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  CancelDeadline();
  beast::error_code ignored;
  Socket().shutdown(tcp::socket::shutdown_both, ignored);
  Socket().close(ignored);
}

tcp::socket& Connection::Socket() {
  return websocket_ ? beast::get_lowest_layer(*websocket_).socket() : stream_.socket();
}

void Connection::RecordAccess(int status, std::size_t bytes) {
  const auto duration = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - request_start_);
  server_->Record(
      AccessRecord{remote_address_, method_, path_, route_, status, bytes, duration, user_});
}

}  // namespace a11y::http
