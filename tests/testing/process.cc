#include "tests/testing/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace sofdir::testing {

int UnusedLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string TempPath(const char* tag) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/sofdir-" + tag + "-XXXXXX";
  int fd = mkstemp(pattern.data());
  if (fd >= 0) close(fd);
  return pattern;
}

// fork + exec with stdout/stderr sent to files; returns the child's pid.
int Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
          const std::string& stdin_file, const std::string& out_path, const std::string& err_path) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int pid = fork();
  if (pid != 0) return pid;
  int in = open(stdin_file.empty() ? "/dev/null" : stdin_file.c_str(), O_RDONLY);
  int out = open(out_path.c_str(), O_WRONLY | O_TRUNC | O_CREAT, 0600);
  int err = open(err_path.c_str(), O_WRONLY | O_TRUNC | O_CREAT, 0600);
  dup2(in, 0);
  dup2(out, 1);
  dup2(err, 2);
  for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));
  execv(args[0], args.data());
  _exit(127);
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         const std::string& stdin_file) {
  std::string out_path = TempPath("out");
  std::string err_path = TempPath("err");
  int pid = Spawn(argv, env, stdin_file, out_path, err_path);
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult result{ExitCode(status), ReadFile(out_path), ReadFile(err_path)};
  unlink(out_path.c_str());
  unlink(err_path.c_str());
  return result;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop(SIGKILL);
  if (!log_path_.empty()) {
    unlink(log_path_.c_str());
    unlink((log_path_ + ".err").c_str());
  }
}

bool ServerProcess::Start(const std::string& binary, const std::string& data_dir,
                          const std::vector<std::string>& extra_args, const std::string& listen) {
  // A fresh log per start, so an earlier run's ready line is never read.
  if (!log_path_.empty()) {
    unlink(log_path_.c_str());
    unlink((log_path_ + ".err").c_str());
  }
  log_path_ = TempPath("server");
  exit_code_ = -1;
  std::vector<std::string> argv = {binary, "--listen", listen, "--data-dir", data_dir};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  // stdout and stderr both go to the log; the ready line is on stdout.
  pid_ = Spawn(argv, {}, "", log_path_, log_path_ + ".err");
  const std::string marker = "listening on ";
  for (int i = 0; i < 600; ++i) {
    std::string out = ReadFile(log_path_);
    size_t at = out.find(marker);
    if (at != std::string::npos) {
      size_t begin = at + marker.size();
      address_ = out.substr(begin, out.find(' ', begin) - begin);
      return true;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_code_ = ExitCode(status);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

int ServerProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return ExitCode(status);
}

std::string ServerProcess::log() const {
  return ReadFile(log_path_) + ReadFile(log_path_ + ".err");
}

}  // namespace sofdir::testing
