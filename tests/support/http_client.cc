#include "tests/support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace a11y::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

HttpResult ReadResponse(beast::tcp_stream& stream) {
  HttpResult result;
  beast::flat_buffer buffer;
  beast::http::response_parser<beast::http::string_body> parser;
  parser.body_limit(64 << 20);
  beast::error_code ec;
  beast::http::read(stream, buffer, parser, ec);
  if (ec) {
    result.error = ec.message();
    return result;
  }
  const auto& response = parser.get();
  result.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "set-cookie") result.set_cookies.emplace_back(field.value());
    result.headers[name] = std::string(field.value());
  }
  result.body = response.body();
  return result;
}

bool Connect(asio::io_context& io, beast::tcp_stream& stream, const std::string& host, int port,
             HttpResult* result) {
  beast::error_code ec;
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(tcp::endpoint(asio::ip::make_address(host), static_cast<unsigned short>(port)),
                 ec);
  if (ec) result->error = "connect: " + ec.message();
  (void)io;
  return !ec;
}

}  // namespace

nlohmann::json HttpResult::Json() const {
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}

std::string HttpResult::ErrorCode() const {
  const nlohmann::json json = Json();
  if (json.is_object() && json.contains("error") && json["error"].is_object() &&
      json["error"].contains("code") && json["error"]["code"].is_string()) {
    return json["error"]["code"].get<std::string>();
  }
  return "";
}

HttpResult HttpClient::Send(const std::string& method, const std::string& target,
                            const std::string& body,
                            const std::map<std::string, std::string>& headers) const {
  asio::io_context io;
  beast::tcp_stream stream(io);
  HttpResult result;
  if (!Connect(io, stream, host_, port_, &result)) return result;
  beast::http::request<beast::http::string_body> request(beast::http::string_to_verb(method),
                                                         target, 11);
  request.set(beast::http::field::host, host_ + ":" + std::to_string(port_));
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
    request.body() = body;
    request.prepare_payload();
  }
  beast::error_code ec;
  beast::http::write(stream, request, ec);
  if (ec) {
    result.error = "write: " + ec.message();
    return result;
  }
  return ReadResponse(stream);
}

HttpResult HttpClient::SendRaw(const std::string& bytes) const {
  asio::io_context io;
  beast::tcp_stream stream(io);
  HttpResult result;
  if (!Connect(io, stream, host_, port_, &result)) return result;
  beast::error_code ec;
  asio::write(stream, asio::buffer(bytes), ec);
  if (ec) {
    result.error = "write: " + ec.message();
    return result;
  }
  return ReadResponse(stream);
}

ApiCaller ApiCaller::WithToken(const HttpClient* client, std::string token) {
  ApiCaller caller;
  caller.client_ = client;
  caller.headers["Authorization"] = "Bearer " + token;
  return caller;
}

ApiCaller ApiCaller::WithSession(const HttpClient* client, std::string cookie, std::string csrf) {
  ApiCaller caller;
  caller.client_ = client;
  caller.headers["Cookie"] = std::move(cookie);
  caller.headers["X-CSRF-Token"] = std::move(csrf);
  return caller;
}

HttpResult ApiCaller::Send(const std::string& method, const std::string& target,
                           const nlohmann::json* body) const {
  auto all = headers;
  std::string text;
  if (body) {
    all["Content-Type"] = "application/json";
    text = body->dump();
  }
  return client_->Send(method, target, text, all);
}

struct SseClient::Impl {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  beast::http::response_parser<beast::http::string_body> parser;
};

SseClient::SseClient() : impl_(std::make_unique<Impl>()) {
  impl_->parser.body_limit(std::uint64_t{1} << 40);  // A stream has no end in sight.
}
SseClient::~SseClient() = default;

bool SseClient::Connect(const HttpClient& client, const std::string& target,
                        const std::map<std::string, std::string>& headers, HttpResult* head) {
  if (!::a11y::testing::Connect(impl_->io, impl_->stream, client.host(), client.port(), head))
    return false;
  beast::http::request<beast::http::empty_body> request(beast::http::verb::get, target, 11);
  request.set(beast::http::field::host, client.host());
  request.set(beast::http::field::accept, "text/event-stream");
  for (const auto& [name, value] : headers) request.set(name, value);
  beast::error_code ec;
  beast::http::write(impl_->stream, request, ec);
  if (!ec) beast::http::read_header(impl_->stream, impl_->buffer, impl_->parser, ec);
  if (ec) {
    head->error = ec.message();
    return false;
  }
  head->status = static_cast<int>(impl_->parser.get().result_int());
  for (const auto& field : impl_->parser.get()) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    head->headers[name] = std::string(field.value());
  }
  if (head->status != 200) {
    beast::http::read(impl_->stream, impl_->buffer, impl_->parser, ec);
    head->body = impl_->parser.get().body();
    return false;
  }
  return true;
}

void SseClient::Parse() {
  const std::string& body = impl_->parser.get().body();
  pending_ += body.substr(consumed_);
  consumed_ = body.size();
  for (size_t end; (end = pending_.find("\n\n")) != std::string::npos;) {
    const std::string block = pending_.substr(0, end);
    pending_.erase(0, end + 2);
    SseEvent event;
    bool any = false;
    size_t pos = 0;
    while (pos <= block.size()) {
      size_t eol = block.find('\n', pos);
      if (eol == std::string::npos) eol = block.size();
      const std::string line = block.substr(pos, eol - pos);
      pos = eol + 1;
      if (line.empty()) continue;
      if (line[0] == ':') {
        ++keepalives_;
        continue;
      }
      const size_t colon = line.find(':');
      const std::string field = line.substr(0, colon);
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      if (field == "id") event.id = value, any = true;
      if (field == "event") event.event = value, any = true;
      if (field == "data") event.data += value, any = true;
    }
    if (any && !event.data.empty()) events_.push_back(event);
  }
}

const std::vector<SseEvent>& SseClient::ReadUntil(
    const std::function<bool(const std::vector<SseEvent>&)>& until,
    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ended_ && !until(events_) && std::chrono::steady_clock::now() < deadline) {
    impl_->stream.expires_at(deadline);
    beast::error_code ec;
    beast::http::read_some(impl_->stream, impl_->buffer, impl_->parser, ec);
    Parse();
    if (ec || impl_->parser.is_done()) ended_ = ec != beast::error::timeout;
  }
  return events_;
}

}  // namespace a11y::testing
