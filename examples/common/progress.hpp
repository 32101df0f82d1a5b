#pragma once
// A one-line progress bar redrawn in place, shown only when stdout is a
// terminal: in a log file or a pipe, carriage returns would only add noise.

#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <string>

class ProgressBar {
 public:
  /// `wanted`: false on all but one rank of a distributed run.
  explicit ProgressBar(bool wanted = true) : enabled_(wanted && isatty(STDOUT_FILENO) != 0) {}

  /// Redraws "label [#####.....]  45%  loss 0.41" at most 50 times per run.
  void update(const std::string& label, std::size_t done, std::size_t total, double loss) {
    if (!enabled_ || total == 0)
      return;
    const std::size_t step = total / 50 + 1;
    if (done % step != 0 && done != total)
      return;
    constexpr std::size_t kWidth = 30;
    const std::size_t filled = kWidth * done / total;
    std::printf("\r%s [%s%s] %3zu%%  loss %.4f", label.c_str(), std::string(filled, '#').c_str(),
                std::string(kWidth - filled, '.').c_str(), 100 * done / total, loss);
    std::fflush(stdout);
    shown_ = true;
  }

  /// Erases the bar so the next line starts clean.
  void clear() {
    if (!shown_)
      return;
    std::printf("\r%80s\r", "");
    std::fflush(stdout);
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
};
