// The stream half of a connection: after a handler returns a StreamSource, carry its
// chunks to the client (SSE chunks, or one WebSocket text message each) in order, one
// write at a time, with a read kept pending so that a client that leaves is noticed at
// once; and tell the source exactly once that the stream is over.
#include <cstdio>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "http/connection.h"

namespace a11y::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

namespace {

// Names the stream source's calls in the log when they throw.
const std::string kOpenCall = "stream source Open";
const std::string kClosedCall = "stream source Closed";
constexpr std::chrono::milliseconds kCloseHandshakeTime{2000};

void AppendChunk(const std::string& chunk, std::string* out) {
  char size[20];
  const int length = std::snprintf(size, sizeof(size), "%zx\r\n", chunk.size());
  out->append(size, static_cast<std::size_t>(length));
  out->append(chunk);
  out->append("\r\n");
}

}  // namespace

void Connection::StartSse(Response response) {
  phase_ = Phase::kStreaming;
  is_stream_ = true;
  CancelDeadline();
  source_ = std::move(response.stream);
  status_ = 200;
  stream_chunked_ = request_version_ >= 11;
  head_.clear();
  AppendStreamHead(response, stream_chunked_, &head_);
  net::async_write(stream_, net::buffer(head_),
                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                     if (ec || self->phase_ != Phase::kStreaming) {
                       self->FinishStream();
                       return;
                     }
                     self->ReadUntilClientGoes();
                     self->OpenSource();
                   });
}

void Connection::StartWebSocket(Response response) {
  phase_ = Phase::kStreaming;
  is_stream_ = true;
  CancelDeadline();
  source_ = std::move(response.stream);
  status_ = 101;
  websocket_.emplace(std::move(stream_));
  // Handshake and idle limits, with pings so that a silent but live client stays.
  websocket_->set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  websocket_->set_option(websocket::stream_base::decorator(
      [](websocket::response_type& head) { head.set(beast::http::field::server, "auto-a11y"); }));
  websocket_->read_message_max(64 << 10);  // What clients send is read and dropped.
  websocket_->async_accept(message_, [self = shared_from_this()](beast::error_code ec) {
    if (ec || self->phase_ != Phase::kStreaming) {
      self->FinishStream();
      return;
    }
    self->websocket_->text(true);
    self->ReadUntilClientGoes();
    self->OpenSource();
  });
}

void Connection::OpenSource() {
  stream_opened_ = true;
  server_->metrics().StreamOpened();
  channel_ =
      std::make_shared<StreamChannel>(weak_from_this(), server_->options().max_stream_queue_bytes);
  auto open = [this]() -> Response {
    source_->Open(channel_);
    return Response();
  };
  const Response outcome = Guarded(open, kOpenCall);
  if (outcome.status != 200) {
    spdlog::warn("http: stream source for {} failed to open ({}); closing", route_, outcome.status);
    FinishStream();
  }
}

void Connection::ReadUntilClientGoes() {
  auto on_read = [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) {
      self->FinishStream();
      return;
    }
    if (self->phase_ != Phase::kStreaming) return;
    if (self->websocket_) self->websocket_in_.clear();
    self->ReadUntilClientGoes();
  };
  if (websocket_) {
    websocket_->async_read(websocket_in_, std::move(on_read));
  } else {
    stream_.async_read_some(net::buffer(discard_), std::move(on_read));
  }
}

void Connection::PumpStream() {
  if (phase_ != Phase::kStreaming || stream_writing_ || stream_closing_) return;
  if (shutting_down_) {  // A write was in flight when Stop came; what is queued is dropped.
    CloseWebSocket(websocket::close_code::going_away);
    return;
  }
  StreamChannel::Batch batch = channel_->Take();
  if (!batch.chunks.empty()) {
    if (websocket_) {
      websocket_outbox_ = std::move(batch.chunks);
      WriteNextWsMessage();
    } else {
      WriteSseBatch(std::move(batch));
    }
    return;
  }
  if (batch.close_requested) EndStreamGracefully();
}

void Connection::AbortStream() {
  if (phase_ != Phase::kStreaming) return;
  spdlog::info("http: dropping a {} stream client whose queue passed {} bytes", route_,
               server_->options().max_stream_queue_bytes);
  FinishStream();
}

void Connection::WriteSseBatch(StreamChannel::Batch batch) {
  stream_out_.clear();
  std::size_t payload = 0;
  for (const std::string& chunk : batch.chunks) {
    payload += chunk.size();
    if (chunk.empty()) continue;  // An empty chunk would end a chunked body.
    if (stream_chunked_) {
      AppendChunk(chunk, &stream_out_);
    } else {
      stream_out_.append(chunk);
    }
  }
  stream_writing_ = true;
  net::async_write(stream_, net::buffer(stream_out_),
                   [self = shared_from_this(), payload](beast::error_code ec, std::size_t) {
                     self->stream_writing_ = false;
                     self->channel_->Sent(payload);
                     if (ec) {
                       self->FinishStream();
                       return;
                     }
                     self->stream_bytes_ += payload;
                     self->PumpStream();
                   });
}

void Connection::WriteNextWsMessage() {
  stream_writing_ = true;
  websocket_->async_write(net::buffer(websocket_outbox_.front()),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            self->stream_writing_ = false;
                            const std::size_t size = self->websocket_outbox_.front().size();
                            self->websocket_outbox_.pop_front();
                            self->channel_->Sent(size);
                            if (ec) {
                              self->FinishStream();
                              return;
                            }
                            self->stream_bytes_ += size;
                            if (!self->websocket_outbox_.empty() && !self->shutting_down_) {
                              self->WriteNextWsMessage();
                            } else {
                              self->PumpStream();
                            }
                          });
}

void Connection::EndStreamGracefully() {
  if (websocket_) {
    ArmDeadline(kCloseHandshakeTime);
    CloseWebSocket(websocket::close_code::normal);
    return;
  }
  stream_closing_ = true;
  if (!stream_chunked_) {
    FinishStream();  // HTTP/1.0: closing the connection ends the body.
    return;
  }
  static constexpr std::string_view kLastChunk = "0\r\n\r\n";
  net::async_write(
      stream_, net::buffer(kLastChunk.data(), kLastChunk.size()),
      [self = shared_from_this()](beast::error_code, std::size_t) { self->FinishStream(); });
}

void Connection::EndStreamForShutdown() {
  if (!websocket_ || !stream_opened_) {
    FinishStream();  // SSE clients reconnect on their own; a closed connection is enough.
    return;
  }
  // Tell the source now; the close handshake ("going away") may take a moment.
  NotifyClosed();
  shutting_down_ = true;
  ArmDeadline(kCloseHandshakeTime);
  // With a write in flight (or a close on its way), PumpStream closes once it is done.
  if (!stream_writing_ && !stream_closing_) CloseWebSocket(websocket::close_code::going_away);
}

void Connection::CloseWebSocket(websocket::close_code code) {
  stream_closing_ = true;
  websocket_->async_close(code,
                          [self = shared_from_this()](beast::error_code) { self->FinishStream(); });
}

void Connection::NotifyClosed() {
  if (!is_stream_ || stream_notified_) return;
  stream_notified_ = true;
  // Closed first, so that a Write from the source's Closed (or any thread) fails.
  if (channel_) channel_->MarkClosed();
  if (stream_opened_) {
    server_->metrics().StreamClosed();
    auto closed = [this]() -> Response {
      source_->Closed();
      return Response();
    };
    Guarded(closed, kClosedCall);
  }
  source_.reset();
  RecordAccess(status_, stream_bytes_);
}

void Connection::FinishStream() {
  NotifyClosed();
  CloseSocket();
}

}  // namespace a11y::http
