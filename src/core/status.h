// Status and Result: the one error type that crosses every seam. No exceptions
// leave a public interface; a failure is a Status with a code a caller can act on.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace a11y {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,     // The caller's input is wrong; retrying will not help.
    kNotFound,            // No such object (or not visible to the caller).
    kAlreadyExists,       // A unique key (e.g. job_id) is taken.
    kFailedPrecondition,  // Illegal state transition, e.g. completing a cancelled job.
    kLeaseLost,           // Fencing: the caller no longer holds the job's lock_token.
    kUnavailable,         // Database busy, locked or unreachable; may succeed later.
    kIoError,             // Files, sockets.
    kInternal,            // A bug or an unexpected database error.
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {Code::kFailedPrecondition, std::move(m)};
  }
  static Status LeaseLost(std::string m) { return {Code::kLeaseLost, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status IoError(std::string m) { return {Code::kIoError, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "not_found: job 01H... does not exist" — stable code name first, for logs and the CLI.
  std::string ToString() const;
  static const char* CodeName(Code code);

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status that explains its absence.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design.
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design.

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace a11y

#define A11Y_RETURN_IF_ERROR(expr)        \
  do {                                    \
    ::a11y::Status _st = (expr);          \
    if (!_st.ok()) return _st;            \
  } while (0)
