// The StreamWriter a stream source is given: a queue between the source's threads and the
// connection's strand. Write and Close may be called from any thread; the connection
// takes the queued chunks on its strand and writes them in order, one write at a time.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "http/http.h"

namespace a11y::http {

class Connection;

class StreamChannel : public StreamWriter {
 public:
  StreamChannel(std::weak_ptr<Connection> connection, std::size_t max_queued_bytes)
      : connection_(std::move(connection)), max_queued_bytes_(max_queued_bytes) {}

  // StreamWriter.
  bool Write(std::string chunk) override;
  void Close() override;

  // The connection's side, on its strand.
  struct Batch {
    std::deque<std::string> chunks;
    bool close_requested = false;  // Close() was called: end after these chunks.
  };
  // Moves out what is queued. The bytes stay counted against the limit until Sent.
  Batch Take();
  void Sent(std::size_t bytes);
  // No more writes are accepted (Write returns false); idempotent. The connection marks
  // the channel closed before it tells the source, and the server marks every channel
  // closed before its io_context goes, so a Write never posts to a dead executor.
  void MarkClosed();

 private:
  // Posts a pump to the connection unless one is pending. REQUIRES: mu_ held.
  void SchedulePumpLocked();

  const std::weak_ptr<Connection> connection_;
  const std::size_t max_queued_bytes_;
  std::mutex mu_;
  std::deque<std::string> pending_;
  std::size_t queued_bytes_ = 0;  // Pending and being written.
  bool closed_ = false;
  bool close_requested_ = false;
  bool pump_scheduled_ = false;  // A PumpStream will run and take pending_.
};

}  // namespace a11y::http
