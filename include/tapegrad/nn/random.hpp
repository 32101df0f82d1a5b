#pragma once
// A seeded random source whose draws are the same on every run and every
// platform. std::mt19937_64's sequence is fixed by the standard, but the
// std:: distributions (normal above all) are not, so the few distributions
// training needs are written here.

#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "tapegrad/export.hpp"

namespace tapegrad::nn {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) : engine_(seed) {}

  /// A raw 64-bit draw.
  std::uint64_t next() { return engine_(); }

  /// Uniform in [0, 1), from the top 53 bits of one draw.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  /// Uniform in [low, high).
  double uniform(double low, double high) { return low + (high - low) * uniform(); }

  /// Standard normal by Box–Muller (one pair per two draws; the second value
  /// is kept for the next call).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - uniform();  // (0, 1]: log(u1) is finite
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    constexpr double kTwoPi = 6.283185307179586476925286766559;
    spare_ = radius * std::sin(kTwoPi * u2);
    has_spare_ = true;
    return radius * std::cos(kTwoPi * u2);
  }

  /// Uniform integer in [0, n) without modulo bias (rejection); 0 when n = 0.
  std::uint64_t below(std::uint64_t n) {
    if (n == 0)
      return 0;
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;  // a multiple of n
    std::uint64_t draw = engine_();
    while (draw >= limit)
      draw = engine_();
    return draw % n;
  }

  /// The whole state as one line of text (for checkpoints): the engine's
  /// words, then the kept normal value's bits and whether it is kept.
  TAPEGRAD_EXPORT std::string state() const;
  /// The generator of a state() string; nullopt when `text` is not one.
  TAPEGRAD_EXPORT static std::optional<Rng> from_state(std::string_view text);

 private:
  std::mt19937_64 engine_;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace tapegrad::nn
