// Real processes for end-to-end tests: a sofdir-server child on 127.0.0.1:0
// and one-shot command runs (the CLI) with their output and exit code.
// Not thread-safe per object; separate objects are independent.
#ifndef SOFDIR_TESTS_TESTING_PROCESS_H_
#define SOFDIR_TESTS_TESTING_PROCESS_H_

#include <string>
#include <vector>

namespace sofdir::testing {

struct CommandResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs argv[0] (a path) with the arguments, stdin from `stdin_file` when not
// empty (else /dev/null), extra "NAME=value" entries added to the
// environment, and waits for it.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env = {},
                         const std::string& stdin_file = "");

// A TCP port on 127.0.0.1 that nothing listens on: bound to port 0, read,
// closed. For a server to start on, or for a client to find nobody at.
int UnusedLoopbackPort();

// A sofdir-server child process.
class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess();  // SIGKILLs a server still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts `binary --listen LISTEN --data-dir DIR [extra...]` and waits
  // (up to 30 s) for its "listening on HOST:PORT" line. False on failure,
  // with the server's output in `log()` and, when it exited, its exit code
  // in `exit_code()`.
  bool Start(const std::string& binary, const std::string& data_dir,
             const std::vector<std::string>& extra_args = {},
             const std::string& listen = "127.0.0.1:0");

  // Sends `signal` and waits for the process; returns its exit code
  // (128+N when killed by signal N).
  int Stop(int signal);

  const std::string& address() const { return address_; }
  std::string log() const;
  int pid() const { return pid_; }
  // The exit code of a server that exited while starting; -1 otherwise.
  int exit_code() const { return exit_code_; }

 private:
  int pid_ = -1;
  int exit_code_ = -1;
  std::string address_;
  std::string log_path_;
};

}  // namespace sofdir::testing

#endif  // SOFDIR_TESTS_TESTING_PROCESS_H_
