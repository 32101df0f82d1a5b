#include "core/plugin_probe.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string_view>

#include <fmt/format.h>

#include "core/current_exception.hpp"
#include "core/pending_registrations.hpp"
#include "tapegrad/core/plugins.hpp"

namespace tapegrad {
namespace {

// What the child writes into the report pipe: one message, shorter than
// PIPE_BUF, so the write is atomic and never blocks.
constexpr char kLoaded = 'O';
constexpr char kNotLoadable = 'E';
constexpr char kTerminated = 'T';
constexpr std::size_t kMaxReport = 1024;
constexpr std::size_t kMaxStderrTail = 600;

int report_fd = -1;  // the child's end of the report pipe

void send_report(char kind, std::string_view text) {
  char buffer[kMaxReport];
  buffer[0] = kind;
  const std::size_t length = std::min(text.size(), kMaxReport - 1);
  std::memcpy(buffer + 1, text.data(), length);
  [[maybe_unused]] const ssize_t written = write(report_fd, buffer, length + 1);
}

[[noreturn]] void report_terminate() {
  try {
    send_report(kTerminated, describe_current_exception());
  } catch (...) {
    send_report(kTerminated, "");
  }
  _exit(EXIT_FAILURE);
}

[[noreturn]] void load_in_child(const std::string& path, int report, int null_fd,
                                int stderr_fd) noexcept {
  report_fd = report;
  dup2(null_fd, STDIN_FILENO);
  dup2(null_fd, STDOUT_FILENO);
  dup2(stderr_fd, STDERR_FILENO);
  std::set_terminate(report_terminate);
  // The child's registrations stay pending, as the real load's will be, so
  // Registry::add refuses nothing by throwing (which would end the child).
  PendingRegistrations pending;
  const CollectRegistrations collect(pending);
  if (open_library(path)) {
    send_report(kLoaded, "");
  } else {
    const char* reason = dlerror();
    send_report(kNotLoadable, reason ? reason : "unknown reason");
  }
  _exit(EXIT_SUCCESS);
}

/// A file descriptor closed when it goes out of scope.
class Descriptor {
 public:
  explicit Descriptor(int fd = -1) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0)
      close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0)
      close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

[[noreturn]] void cannot_probe(const std::string& path, std::string_view step) {
  throw PluginError(fmt::format("cannot load ops from '{}': {} failed ({}) while preparing to load "
                                "it in a child process first; PluginOptions{{.probe = false}} "
                                "loads it without that",
                                path, step, std::strerror(errno)),
                    {"load_ops", std::nullopt, {}});
}

/// The last kMaxStderrTail bytes the child wrote to stderr, trimmed.
std::string stderr_tail(int fd) {
  const off_t size = lseek(fd, 0, SEEK_END);
  if (size <= 0)
    return {};
  const off_t start = size > off_t(kMaxStderrTail) ? size - off_t(kMaxStderrTail) : 0;
  std::string text(std::size_t(size - start), '\0');
  const ssize_t got = pread(fd, text.data(), text.size(), start);
  text.resize(got > 0 ? std::size_t(got) : 0);
  const std::size_t first = text.find_first_not_of(" \n\t");
  const std::size_t last = text.find_last_not_of(" \n\t");
  return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

std::string how_it_ended(bool have_status, int status) {
  if (!have_status)
    return "the child process ended before dlopen returned";
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    return fmt::format("the child process was killed by signal {} ({}) before dlopen returned",
                       signal, strsignal(signal));
  }
  return fmt::format("the child process exited with status {} before dlopen returned",
                     WIFEXITED(status) ? WEXITSTATUS(status) : status);
}

}  // namespace

void* open_library(const std::string& path) noexcept {
  return dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
}

ProbeOutcome probe_in_child(const std::string& path) {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0)
    cannot_probe(path, "pipe");
  Descriptor report_in(ends[0]), report_out(ends[1]);
  // A file, not a pipe, for stderr: the child can write any amount without
  // waiting for us to read it.
  const Descriptor child_stderr(memfd_create("tapegrad-plugin-probe-stderr", MFD_CLOEXEC));
  const Descriptor null_fd(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (child_stderr.get() < 0 || null_fd.get() < 0)
    cannot_probe(path, child_stderr.get() < 0 ? "memfd_create" : "open(/dev/null)");

  const pid_t child = fork();
  if (child < 0)
    cannot_probe(path, "fork");
  if (child == 0)
    load_in_child(path, report_out.get(), null_fd.get(), child_stderr.get());

  report_out.reset();
  int status = 0;
  pid_t waited;
  do {
    waited = waitpid(child, &status, 0);
  } while (waited < 0 && errno == EINTR);
  // Waiting fails when the program ignores SIGCHLD (children reap
  // themselves); the report says enough then. A grandchild may still hold
  // the pipe open: read what is there, never wait for more.
  fcntl(report_in.get(), F_SETFL, O_NONBLOCK);
  char buffer[kMaxReport];
  const ssize_t got = read(report_in.get(), buffer, sizeof buffer);
  const std::string_view report(buffer, got > 0 ? std::size_t(got) : 0);

  if (!report.empty() && report[0] == kLoaded)
    return {ProbeOutcome::Kind::loads, {}};
  if (!report.empty() && report[0] == kNotLoadable)
    return {ProbeOutcome::Kind::not_loadable, std::string(report.substr(1))};
  std::string detail;
  if (!report.empty() && report[0] == kTerminated) {
    detail = fmt::format(
        "std::terminate was called with {} in flight (an exception that leaves "
        "a static initialiser calls std::terminate)",
        report.size() > 1 ? report.substr(1) : "no exception");
  } else {
    detail = how_it_ended(waited == child, status);
  }
  if (const std::string tail = stderr_tail(child_stderr.get()); !tail.empty())
    detail += fmt::format("; its last output on stderr: \"{}\"", tail);
  return {ProbeOutcome::Kind::ends_the_process, std::move(detail)};
}

}  // namespace tapegrad
