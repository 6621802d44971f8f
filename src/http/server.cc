// Listening, accepting, the io threads, and the order of a graceful stop. The work on a
// connection is in connection.cc and connection_stream.cc.
#include "http/server.h"

#include <charconv>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include "http/connection.h"
#include "http/server_state.h"

namespace a11y::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// After a failed accept (e.g. out of file descriptors), wait before the next try rather
// than spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

struct ListenAddress {
  std::string host;
  uint16_t port = 0;
};

// "host:port" or "[v6]:port".
Status ParseListen(const std::string& listen, ListenAddress* out) {
  std::string_view text = listen;
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Status::InvalidArgument("listen address '" + listen +
                                     "' is not [IPv6]:port, e.g. [::1]:8080");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      return Status::InvalidArgument("listen address '" + listen +
                                     "' is not host:port, e.g. 127.0.0.1:8080 or [::1]:8080");
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  const auto parsed = std::from_chars(port.data(), port.data() + port.size(), value);
  if (host.empty() || port.empty() || parsed.ec != std::errc() ||
      parsed.ptr != port.data() + port.size() || value > 65535) {
    return Status::InvalidArgument("listen address '" + listen +
                                   "' needs a host and a port from 0 to 65535");
  }
  out->host = std::string(host);
  out->port = static_cast<uint16_t>(value);
  return Status::Ok();
}

Status ResolveListen(net::io_context& io, const std::string& listen, tcp::endpoint* out) {
  ListenAddress address;
  A11Y_RETURN_IF_ERROR(ParseListen(listen, &address));
  boost::system::error_code ec;
  const net::ip::address ip = net::ip::make_address(address.host, ec);
  if (!ec) {
    *out = tcp::endpoint(ip, address.port);
    return Status::Ok();
  }
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(address.host, std::to_string(address.port), ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("listen host '" + address.host +
                                   "' does not resolve: " + ec.message());
  }
  *out = results.begin()->endpoint();
  return Status::Ok();
}

}  // namespace

class HttpServer::Impl {
 public:
  explicit Impl(ServerState* state) : state_(state) {}

  Status Start();
  void Stop();
  const tcp::endpoint& endpoint() const { return endpoint_; }

 private:
  void Accept();
  void OnAccept(boost::system::error_code ec, tcp::socket socket);

  ServerState* const state_;
  std::mutex mu_;  // Serializes Start and Stop.
  bool started_ = false;
  bool stopped_ = false;
  tcp::endpoint endpoint_;
  std::unique_ptr<net::io_context> io_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::optional<tcp::acceptor> acceptor_;  // On a strand of its own.
  std::optional<net::steady_timer> accept_retry_;
  std::vector<std::thread> threads_;
};

Status HttpServer::Impl::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return Status::FailedPrecondition("the HTTP server was already started");
  const ServerOptions& options = state_->options();
  if (options.io_threads < 1) return Status::InvalidArgument("io_threads must be at least 1");
  auto io = std::make_unique<net::io_context>(options.io_threads);
  tcp::endpoint endpoint;
  A11Y_RETURN_IF_ERROR(ResolveListen(*io, options.listen, &endpoint));

  tcp::acceptor acceptor(net::make_strand(*io));
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  // A restarted server must not wait for the old one's TIME_WAIT sockets.
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (!ec) endpoint_ = acceptor.local_endpoint(ec);
  if (ec) {
    return Status::IoError("cannot listen on " + options.listen + ": " + ec.message());
  }

  started_ = true;
  io_ = std::move(io);
  work_.emplace(io_->get_executor());
  acceptor_.emplace(std::move(acceptor));
  accept_retry_.emplace(acceptor_->get_executor());
  net::post(acceptor_->get_executor(), [this] { Accept(); });
  for (int i = 0; i < options.io_threads; ++i) {
    threads_.emplace_back([this] { io_->run(); });
  }
  spdlog::info("http: listening on {}:{}", endpoint_.address().to_string(), endpoint_.port());
  return Status::Ok();
}

void HttpServer::Impl::Accept() {
  acceptor_->async_accept(net::make_strand(*io_),
                          [this](boost::system::error_code ec, tcp::socket socket) {
                            OnAccept(ec, std::move(socket));
                          });
}

void HttpServer::Impl::OnAccept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || state_->stopping() || !acceptor_->is_open()) return;
  if (ec) {
    spdlog::warn("http: accept failed: {}", ec.message());
    accept_retry_->expires_after(kAcceptRetryDelay);
    accept_retry_->async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec && !state_->stopping()) Accept();
    });
    return;
  }
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);  // Small SSE chunks go out at once.
  auto connection = std::make_shared<Connection>(state_, std::move(socket));
  if (state_->Register(connection)) connection->Start();
  Accept();
}

void HttpServer::Impl::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!started_ || stopped_) return;
  stopped_ = true;
  const auto deadline = std::chrono::steady_clock::now() + state_->options().shutdown_grace;

  // 1. No new connections; idle ones close, streams end, requests in flight finish.
  std::vector<std::shared_ptr<Connection>> live = state_->BeginStop();
  net::post(acceptor_->get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_->close(ignored);
    accept_retry_->cancel();
  });
  for (const auto& connection : live) connection->OnServerStop();
  live.clear();

  // 2. Wait for them (up to the grace), then stop the io threads.
  if (!state_->WaitDrained(deadline)) {
    spdlog::warn("http: connections still open after the shutdown grace; dropping them");
  }
  work_.reset();
  io_->stop();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();

  // 3. What outlived the grace: its stream sources hear Closed here, with no io thread
  // left to race; then the io_context goes, and with it every pending handler.
  for (const auto& connection : state_->LiveConnections()) connection->AbandonAfterStop();
  accept_retry_.reset();
  acceptor_.reset();
  io_.reset();
  spdlog::info("http: stopped");
}

HttpServer::HttpServer(ServerOptions options, const Router* router)
    : state_(std::make_unique<ServerState>(std::move(options), router)),
      impl_(std::make_unique<Impl>(state_.get())) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() { return impl_->Start(); }

void HttpServer::Stop() { impl_->Stop(); }

int HttpServer::port() const { return impl_->endpoint().port(); }

std::string HttpServer::base_url() const {
  const net::ip::address address = impl_->endpoint().address();
  if (address.is_v6()) {
    const std::string host = address.is_unspecified() ? "::1" : address.to_string();
    return "http://[" + host + "]:" + std::to_string(port());
  }
  const std::string host = address.is_unspecified() ? "127.0.0.1" : address.to_string();
  return "http://" + host + ":" + std::to_string(port());
}

std::string HttpServer::PrometheusText() const { return state_->metrics().PrometheusText(); }

}  // namespace a11y::http
