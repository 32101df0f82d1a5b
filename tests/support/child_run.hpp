#pragma once
// Runs one call in a forked child and reports how it ended and how much the
// child's peak resident memory grew while it ran. The bound a test asserts
// then belongs to that call alone: nothing the test process allocated before
// counts, and a call that hangs (a loader blocked on a FIFO) is ended by an
// alarm instead of hanging the suite.
//
// The growth is ru_maxrss (the kernel's high-water mark, which sees a peak
// even when the memory was freed again) after the call minus before it; a
// forked child starts with its parent's resident pages as its high-water mark.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <sstream>
#include <string>
#include <typeinfo>

#include "tapegrad/core/error.hpp"

namespace tapegrad::testing {

struct ChildRun {
  /// "returned", "FileError", "std::bad_alloc", "other exception <type>",
  /// "timed out" or "killed by signal N".
  std::string outcome;
  std::string message;  // what() of the exception, if one was thrown
  long peak_growth_mib = 0;
};

inline std::ostream& operator<<(std::ostream& out, const ChildRun& run) {
  return out << run.outcome << " after a peak growth of " << run.peak_growth_mib << " MiB"
             << (run.message.empty() ? "" : ": ") << run.message;
}

inline long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux
}

/// Caps the address space at what it is now plus `bytes` (for a child: an
/// allocation beyond that fails with std::bad_alloc). Not under
/// AddressSanitizer, whose failed allocations are fatal by design.
inline void limit_address_space_growth(std::size_t bytes) {
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  unsigned long pages = 0;
  if (statm == nullptr || std::fscanf(statm, "%lu", &pages) != 1)
    std::abort();
  std::fclose(statm);
  const rlim_t limit = static_cast<rlim_t>(pages) * static_cast<rlim_t>(sysconf(_SC_PAGESIZE)) +
                       static_cast<rlim_t>(bytes);
  const rlimit cap{limit, limit};
  if (setrlimit(RLIMIT_AS, &cap) != 0)
    std::abort();
}

template <class F>
ChildRun run_in_child(F&& call, unsigned timeout_seconds = 20) {
  int channel[2];
  if (pipe(channel) != 0) {
    ADD_FAILURE() << "pipe() failed";
    return {};
  }
  std::fflush(nullptr);  // nothing buffered is written twice
  const pid_t child = fork();
  if (child < 0) {
    ADD_FAILURE() << "fork() failed";
    return {};
  }
  if (child == 0) {
    close(channel[0]);
    alarm(timeout_seconds);
    const long before = peak_rss_kib();
    std::string outcome = "returned";
    std::string message;
    try {
      call();
    } catch (const FileError& e) {
      outcome = "FileError";
      message = e.what();
    } catch (const std::bad_alloc& e) {
      outcome = "std::bad_alloc";
    } catch (const std::exception& e) {
      outcome = std::string("other exception ") + typeid(e).name();
      message = e.what();
    } catch (...) {
      outcome = "other exception (not a std::exception)";
    }
    const std::string report =
        std::to_string((peak_rss_kib() - before) / 1024) + "\n" + outcome + "\n" + message;
    std::size_t written = 0;
    while (written < report.size()) {
      const ssize_t n = write(channel[1], report.data() + written, report.size() - written);
      if (n <= 0)
        break;
      written += static_cast<std::size_t>(n);
    }
    _exit(0);  // no atexit handlers, no leak check of the parent's objects
  }
  close(channel[1]);
  std::string report;
  char buffer[4096];
  ssize_t n;
  while ((n = read(channel[0], buffer, sizeof buffer)) > 0)
    report.append(buffer, static_cast<std::size_t>(n));
  close(channel[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ChildRun run;
  if (WIFSIGNALED(status)) {
    run.outcome = WTERMSIG(status) == SIGALRM
                      ? "timed out"
                      : "killed by signal " + std::to_string(WTERMSIG(status));
    return run;
  }
  std::istringstream lines(report);
  std::string growth;
  std::getline(lines, growth);
  std::getline(lines, run.outcome);
  std::getline(lines, run.message, '\0');
  run.peak_growth_mib = growth.empty() ? -1 : std::stol(growth);
  return run;
}

}  // namespace tapegrad::testing
