#include "http/stream_channel.h"

#include <boost/asio/post.hpp>

#include "http/connection.h"

namespace a11y::http {

bool StreamChannel::Write(std::string chunk) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return false;
  if (queued_bytes_ + chunk.size() > max_queued_bytes_) {
    // The client is not reading fast enough: drop it rather than buffer without bound.
    // The abort bypasses the queue, since the write in flight may never finish.
    closed_ = true;
    if (auto connection = connection_.lock()) {
      boost::asio::post(connection->executor(), [connection] { connection->AbortStream(); });
    }
    return false;
  }
  queued_bytes_ += chunk.size();
  pending_.push_back(std::move(chunk));
  SchedulePumpLocked();
  return true;
}

void StreamChannel::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  closed_ = true;
  close_requested_ = true;
  SchedulePumpLocked();
}

void StreamChannel::SchedulePumpLocked() {
  if (pump_scheduled_) return;
  // The connection is locked only under mu_: MarkClosed, which the server calls before
  // its io_context goes, waits for mu_, so no post can reach a destroyed executor; and
  // the posted handler holds its own reference, so the one dropped here is never the last.
  if (auto connection = connection_.lock()) {
    pump_scheduled_ = true;
    boost::asio::post(connection->executor(), [connection] { connection->PumpStream(); });
  }
}

StreamChannel::Batch StreamChannel::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  pump_scheduled_ = false;
  Batch batch;
  batch.chunks.swap(pending_);
  batch.close_requested = close_requested_;
  return batch;
}

void StreamChannel::Sent(std::size_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  queued_bytes_ -= std::min(bytes, queued_bytes_);
}

void StreamChannel::MarkClosed() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
}

}  // namespace a11y::http
