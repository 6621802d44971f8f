// Child processes for multi-process tests: the real auto-a11y binary, started, signalled
// and reaped like an operator (or a crash) would.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace a11y::testing {

class ChildProcess {
 public:
  // Starts `argv` with stdout and stderr appended to `log_path`.
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path);
  ~ChildProcess();  // Kills (SIGKILL) and reaps the child if it is still running.
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool started() const { return pid_ > 0; }
  void Signal(int signal_number);
  // Waits for exit; returns the exit code, 128 + signal if killed, or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// Runs a command to completion; returns its exit code and fills *output (stdout+stderr).
int RunCommand(const std::vector<std::string>& argv, std::string* output);

// Polls `condition` every 5 ms until it holds or `timeout` passes; returns the last value.
bool WaitUntil(const std::function<bool()>& condition,
               std::chrono::milliseconds timeout = std::chrono::seconds(30));

// The auto-a11y binary built with the tests.
std::string Binary();

}  // namespace a11y::testing
