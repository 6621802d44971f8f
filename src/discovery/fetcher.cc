#include "discovery/fetcher.h"

#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "discovery/html_page.h"

namespace a11y {

struct Fetcher::Transfer {
  FetchRequest request;
  const Fetcher::Impl* owner = nullptr;
  CURL* easy = nullptr;
  std::string body;
  bool body_skipped = false;
  bool body_too_large = false;
  std::optional<std::string> refusal;  // Set by the network policy.
  char error_buffer[CURL_ERROR_SIZE] = {};
};

struct Fetcher::Impl {
  FetchOptions options;
  CURLM* multi = nullptr;
  curl_slist* headers = nullptr;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers;

  CURL* NewEasy(Transfer* transfer);
  FetchResult Finish(std::unique_ptr<Transfer> transfer, CURLcode code);
};

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

long Millis(Micros micros) {
  return static_cast<long>(std::max<int64_t>(
      1, std::chrono::duration_cast<std::chrono::milliseconds>(micros).count()));
}

// Every connection, first or after a redirect, is opened here, on the resolved address:
// the one place the network policy is checked.
curl_socket_t OpenSocket(void* data, curlsocktype, curl_sockaddr* address) {
  auto* transfer = static_cast<Fetcher::Transfer*>(data);
  if (auto refusal = transfer->owner->options.network.Refusal(&address->addr)) {
    transfer->refusal = std::move(refusal);
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Fetcher::Transfer*>(user);
  const size_t bytes = size * count;
  if (transfer->body.empty() && transfer->request.accept == FetchRequest::Accept::kHtml) {
    // Decided once, on the first bytes: only successful HTML answers are worth their body.
    long status = 0;
    const char* type = nullptr;
    curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(transfer->easy, CURLINFO_CONTENT_TYPE, &type);
    if (status >= 300 || !type || !IsHtmlContentType(type)) {
      transfer->body_skipped = true;
      return CURL_WRITEFUNC_ERROR;
    }
  }
  const auto limit = static_cast<size_t>(transfer->owner->options.max_body_bytes);
  if (transfer->body.size() + bytes > limit) {
    transfer->body_too_large = true;
    return CURL_WRITEFUNC_ERROR;
  }
  transfer->body.append(data, bytes);
  return bytes;
}

template <typename T>
void Set(CURL* easy, CURLoption option, T value) {
  curl_easy_setopt(easy, option, value);
}

}  // namespace

CURL* Fetcher::Impl::NewEasy(Transfer* transfer) {
  CURL* easy = curl_easy_init();
  transfer->easy = easy;
  transfer->owner = this;
  Set(easy, CURLOPT_URL, transfer->request.url.c_str());
  Set(easy, CURLOPT_PRIVATE, transfer);
  Set(easy, CURLOPT_ERRORBUFFER, transfer->error_buffer);
  Set(easy, CURLOPT_WRITEFUNCTION, &WriteBody);
  Set(easy, CURLOPT_WRITEDATA, transfer);
  Set(easy, CURLOPT_OPENSOCKETFUNCTION, &OpenSocket);
  Set(easy, CURLOPT_OPENSOCKETDATA, transfer);
  Set(easy, CURLOPT_NOSIGNAL, 1L);
  Set(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  Set(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  Set(easy, CURLOPT_FOLLOWLOCATION, 1L);
  Set(easy, CURLOPT_MAXREDIRS, static_cast<long>(options.max_redirects));
  Set(easy, CURLOPT_ACCEPT_ENCODING, "");  // Every encoding this libcurl decodes.
  Set(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  // Over TLS, wait to learn whether the connection multiplexes (HTTP/2) rather than open
  // another. Not over plain HTTP: there it serialised transfers on one HTTP/1.1 connection.
  if (transfer->request.url.rfind("https:", 0) == 0) Set(easy, CURLOPT_PIPEWAIT, 1L);
  // A proxy would connect on our behalf and hide the address from the policy.
  Set(easy, CURLOPT_PROXY, "");
  Set(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
  Set(easy, CURLOPT_HTTPHEADER, headers);
  Set(easy, CURLOPT_CONNECTTIMEOUT_MS, Millis(options.connect_timeout));
  Set(easy, CURLOPT_TIMEOUT_MS, Millis(options.request_timeout));
  Set(easy, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(options.low_speed_bytes_per_second));
  Set(easy, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_seconds));
  Set(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_body_bytes));
  return easy;
}

FetchResult Fetcher::Impl::Finish(std::unique_ptr<Transfer> transfer, CURLcode code) {
  FetchResult result;
  result.id = transfer->request.id;
  result.url = transfer->request.url;
  CURL* easy = transfer->easy;
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  result.status_code = static_cast<int>(status);
  if (const char* type = nullptr; curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &type) ==
                                      CURLE_OK && type) {
    result.content_type = type;
  }
  if (char* final_url = nullptr;
      curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &final_url) == CURLE_OK && final_url) {
    result.final_url = final_url;
  }
  if (curl_off_t total = 0;
      curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total) == CURLE_OK && total > 0) {
    result.elapsed = Micros(total);
  }
  if (status == 429 || status == 503) {
    curl_off_t seconds = 0;
    if (curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &seconds) == CURLE_OK && seconds > 0) {
      result.retry_after = std::chrono::seconds(seconds);
    }
  }
  if (transfer->refusal) {
    result.error = *transfer->refusal;
    result.address_refused = true;
  } else if (transfer->body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
    result.error = "body larger than " + std::to_string(options.max_body_bytes) + " bytes";
  } else if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && transfer->body_skipped)) {
    result.error = transfer->error_buffer[0] ? transfer->error_buffer : curl_easy_strerror(code);
  }
  result.body_skipped = transfer->body_skipped;
  result.size_bytes = static_cast<int64_t>(transfer->body.size());
  if (!result.error) result.body = std::move(transfer->body);
  curl_multi_remove_handle(multi, easy);
  curl_easy_cleanup(easy);
  return result;
}

Fetcher::Fetcher(FetchOptions options) : impl_(std::make_unique<Impl>()) {
  GlobalInit();
  impl_->options = std::move(options);
  impl_->multi = curl_multi_init();
  impl_->headers = curl_slist_append(
      nullptr, "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.5");
}

Fetcher::~Fetcher() {
  AbortAll();
  curl_multi_cleanup(impl_->multi);
  curl_slist_free_all(impl_->headers);
}

void Fetcher::Start(FetchRequest request) {
  auto transfer = std::make_unique<Transfer>();
  transfer->request = std::move(request);
  CURL* easy = impl_->NewEasy(transfer.get());
  curl_multi_add_handle(impl_->multi, easy);
  impl_->transfers.emplace(easy, std::move(transfer));
}

void Fetcher::Poll(Micros timeout, std::vector<FetchResult>* finished) {
  const size_t before = finished->size();
  auto collect = [&] {
    int running = 0;
    curl_multi_perform(impl_->multi, &running);
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(impl_->multi, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      auto it = impl_->transfers.find(message->easy_handle);
      if (it == impl_->transfers.end()) continue;
      std::unique_ptr<Transfer> transfer = std::move(it->second);
      impl_->transfers.erase(it);
      finished->push_back(impl_->Finish(std::move(transfer), message->data.result));
    }
  };
  collect();
  if (finished->size() > before || timeout <= Micros(0)) return;
  int ready = 0;
  curl_multi_poll(impl_->multi, nullptr, 0, static_cast<int>(Millis(timeout)), &ready);
  collect();
}

void Fetcher::Wakeup() { curl_multi_wakeup(impl_->multi); }

void Fetcher::AbortAll() {
  for (auto& [easy, transfer] : impl_->transfers) {
    curl_multi_remove_handle(impl_->multi, easy);
    curl_easy_cleanup(easy);
  }
  impl_->transfers.clear();
}

size_t Fetcher::in_flight() const { return impl_->transfers.size(); }

}  // namespace a11y
