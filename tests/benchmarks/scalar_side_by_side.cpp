// The scalar chain of workloads.hpp — y = y·a + sin(y), 10,000 statements,
// float64, recorded and then reversed for dy/da and dy/dy0 — in tapegrad,
// Stan Math (reverse mode, stan::math::var), ADOL-C (adouble, taped and
// reversed) and a hand-written adjoint loop, in one process. Prints the time
// per source op (3 per statement: mul, sin, add) of each, and tapegrad's time
// over each other's.
//
// Built only where CMake finds Stan Math's headers or ADOL-C, or both (README
// "Side by side with Stan Math and ADOL-C"); TAPEGRAD_WITH_STAN and
// TAPEGRAD_WITH_ADOLC say which. What each library does per evaluation:
//  * tapegrad: reset(), record, backward(y), read grad(a) and grad(y0): the
//    code of the scalar_chain benchmark (workloads.hpp).
//  * Stan Math: vars on its arena, y.grad(), read the adjoints, then
//    stan::math::recover_memory(), which frees the arena for the next one.
//  * ADOL-C: trace_on(tag, 1) (keep the values for a reverse sweep right
//    after taping), the statements on adoubles, trace_off(), then
//    fos_reverse() with weight 1: taping and the reverse sweep, each time.
//  * Hand-written: the values forward into a std::vector (kept between
//    evaluations), then the adjoints backward, with cos(y) in the backward
//    loop: what no tape can beat.
// Then the same chain recorded once and re-evaluated from its tape, in the
// two that can (Stan Math cannot):
//  * tapegrad: replay() at y0, then backward(y) (the replay/scalar_chain
//    benchmark).
//  * ADOL-C: zos_forward() keeping the values, then fos_reverse(): what its
//    gradient() driver does.
//
// Before timing, every library's y, dy/da and dy/dy0 must agree with the
// hand-written ones to 1e-12 relative, for chains of 1, 10 and 10,000
// statements (dy/dy0 is exactly 0 at 10,000: each statement multiplies it by
// a + cos(y) ≈ −0.001 once y is near its fixed point 3.138, so it underflows
// within 200 statements; the shorter chains check it). Otherwise the program
// exits with status 1.
//
// Timing, for each of the two comparisons: rounds of one block per library, each block as many
// evaluations as make it last kBlockMs (counted once, from the fastest of 5 evaluations), timed
// with steady_clock, in the order A B C D in one round and D C B A in the next, so that a steady
// drift of the machine's speed favours no library. Rounds in which the scheduler preempted us
// (getrusage's involuntary context switches) are left out when at least kMinClean others remain.
// Reported: per library the median over rounds of ns per op, and per pair the median of the
// per-round ratios.
//
//   tapegrad_vs_stan_adolc [--rounds=N]   (N rounds, even; 200 by default)
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tapegrad/tapegrad.hpp>

#include "allocation_counter.hpp"
#include "statistics.hpp"
#include "workloads.hpp"

#if TAPEGRAD_WITH_STAN
#include <stan/math/rev/core.hpp>
#include <stan/math/rev/scal/fun/sin.hpp>
#include <stan/math/version.hpp>
#endif
#if TAPEGRAD_WITH_ADOLC
#include <adolc/adolc.h>
#endif

namespace {

using tapegrad::Tape;
using namespace tapegrad::bench;

constexpr double kBlockMs = 2.0;
constexpr double kTolerance = 1e-12;
constexpr std::size_t kMinClean = 20;  // rounds without preemption, else all rounds count

/// What one evaluation gives: the chain's value and its two derivatives.
struct Result {
  double y, dy_da, dy_dy0;
};

// -------------------------------------------------------------- the four

Result hand_written(std::vector<double>& ys, int length) {
  const double a = kChainA;
  ys.resize(static_cast<std::size_t>(length));  // capacity kept: no allocation
  double y = kChainY0;
  for (int i = 0; i < length; ++i) {
    ys[static_cast<std::size_t>(i)] = y;
    y = y * a + std::sin(y);
  }
  double y_adjoint = 1, a_adjoint = 0;
  for (int i = length - 1; i >= 0; --i) {
    const double yi = ys[static_cast<std::size_t>(i)];
    a_adjoint += y_adjoint * yi;
    y_adjoint *= a + std::cos(yi);
  }
  return {y, a_adjoint, y_adjoint};
}

Result with_tapegrad(Tape<double>& tape, int length) {
  tape.reset();
  const Chain chain = record_scalar_chain(tape, length);
  tape.backward(chain.y);
  return {chain.y.item(), tape.grad(chain.a)(), tape.grad(chain.y0)()};
}

/// A chain recorded once, for replay_tapegrad.
struct RecordedChain {
  Tape<double> tape;
  Chain chain;
  std::vector<tapegrad::LeafValue<double>> values;
};

/// The chain of `length` statements (recorded on the first call) replayed
/// at y0 = kChainY0, then reversed.
Result replay_tapegrad(std::map<int, RecordedChain>& recorded, int length) {
  const auto [it, first] = recorded.try_emplace(length);
  RecordedChain& r = it->second;
  if (first) {
    r.chain = record_scalar_chain(r.tape, length);
    r.values = {{r.chain.y0, tapegrad::Tensor<double>(kChainY0)}};
  }
  r.tape.replay(r.values);
  r.tape.backward(r.chain.y);
  return {r.chain.y.item(), r.tape.grad(r.chain.a)(), r.tape.grad(r.chain.y0)()};
}

#if TAPEGRAD_WITH_STAN
Result with_stan(int length) {
  using stan::math::var;
  const var a = kChainA, y0 = kChainY0;
  var y = y0;
  for (int i = 0; i < length; ++i)
    y = y * a + sin(y);
  y.grad();
  const Result result{y.val(), a.adj(), y0.adj()};
  stan::math::recover_memory();
  return result;
}
#endif

#if TAPEGRAD_WITH_ADOLC
constexpr short kAdolcTag = 1;

/// Tapes the chain of `length` statements under `tag` (keep = 1: the values
/// stay for a reverse sweep right after); returns y.
double tape_adolc_chain(short tag, int keep, int length) {
  double y_value = 0;
  trace_on(tag, keep);
  {
    adouble a, y;
    a <<= kChainA;
    y <<= kChainY0;
    for (int i = 0; i < length; ++i)
      y = y * a + sin(y);
    y >>= y_value;
  }
  trace_off();
  return y_value;
}

/// The reverse sweep over `tag`'s values, kept by the last forward over it.
Result reverse_adolc(short tag, double y) {
  double weight = 1;
  double gradient[2] = {0, 0};  // d/da, d/dy0: the order of <<=
  fos_reverse(tag, 1, 2, &weight, gradient);
  return {y, gradient[0], gradient[1]};
}

Result with_adolc(int length) {
  return reverse_adolc(kAdolcTag, tape_adolc_chain(kAdolcTag, 1, length));
}

/// The chain of `length` statements, taped on the first call under a tag of
/// its own, evaluated again from that tape at (a, y0) and reversed.
Result replay_adolc(std::map<int, short>& tags, int length) {
  const auto [it, first] =
      tags.try_emplace(length, static_cast<short>(kAdolcTag + 1 + tags.size()));
  const short tag = it->second;
  if (first)
    tape_adolc_chain(tag, 0, length);
  double x[2] = {kChainA, kChainY0};
  double y = 0;
  zos_forward(tag, 1, 2, 1, x, &y);  // keep = 1: the values for fos_reverse
  return reverse_adolc(tag, y);
}
#endif

struct Library {
  Library(std::string name_, std::function<Result(int length)> evaluate_)
      : name(std::move(name_)), evaluate(std::move(evaluate_)) {}

  std::string name;
  std::function<Result(int length)> evaluate;
  int per_block = 1;
  std::vector<double> ns_per_op;  // one per round
  std::size_t allocations = 0, evaluations = 0;
};

// -------------------------------------------------------------- the check

/// |ours − reference| relative to the larger of the two (0 when both are 0).
double relative_difference(double ours, double reference) {
  const double scale = std::max(std::abs(ours), std::abs(reference));
  return scale == 0 ? 0 : std::abs(ours - reference) / scale;
}

/// Every library against the hand-written loop, on chains of 1, 10 and
/// kChainLength statements: prints the figures and each library's largest
/// relative difference; false if one exceeds kTolerance.
bool check(std::vector<Library>& libraries) {
  std::vector<double> largest(libraries.size(), 0.0);
  for (int length : {1, 10, kChainLength}) {
    const Result reference = libraries.front().evaluate(length);
    fmt::print("check, length {}: y = {:.17g}, dy/da = {:.17g}, dy/dy0 = {:.17g} ({})\n", length,
               reference.y, reference.dy_da, reference.dy_dy0, libraries.front().name);
    for (std::size_t i = 1; i < libraries.size(); ++i) {
      const Result r = libraries[i].evaluate(length);
      const double difference = std::max({relative_difference(r.y, reference.y),
                                          relative_difference(r.dy_da, reference.dy_da),
                                          relative_difference(r.dy_dy0, reference.dy_dy0)});
      largest[i] = std::max(largest[i], difference);
      if (!(difference <= kTolerance)) {
        fmt::print("  {}: y = {:.17g}, dy/da = {:.17g}, dy/dy0 = {:.17g}: DIFFERS\n",
                   libraries[i].name, r.y, r.dy_da, r.dy_dy0);
      }
    }
  }
  bool ok = true;
  fmt::print("largest relative difference from the hand-written loop (at most {:g}):", kTolerance);
  for (std::size_t i = 1; i < libraries.size(); ++i) {
    fmt::print("{} {} {:.1e}", i == 1 ? "" : ",", libraries[i].name, largest[i]);
    ok = ok && largest[i] <= kTolerance;
  }
  fmt::print("\n");
  return ok;
}

// --------------------------------------------------------------- timing

using Clock = std::chrono::steady_clock;

double elapsed_ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string quartiles(const std::vector<double>& values, const char* format) {
  return fmt::format(fmt::runtime(std::string(format) + "-" + format), quantile(values, 0.25),
                     quantile(values, 0.75));
}

volatile double sink;  // keeps every evaluation's result alive

void time_block(Library& library) {
  const std::size_t allocations = allocation_count();
  const auto start = Clock::now();
  double sum = 0;
  for (int i = 0; i < library.per_block; ++i)
    sum += library.evaluate(kChainLength).dy_da;
  const double ms = elapsed_ms(start);
  library.allocations += allocation_count() - allocations;
  library.evaluations += static_cast<std::size_t>(library.per_block);
  library.ns_per_op.push_back(ms * 1e6 / (library.per_block * double{kChainOps}));
  sink = sum;
}

/// Involuntary context switches of the process so far: the times the
/// scheduler took the core from us for another program.
long preemptions() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_nivcsw;
}

/// Times `rounds` rounds; returns, per round, whether we were preempted in it.
std::vector<char> run(std::vector<Library>& libraries, int rounds) {
  for (Library& library : libraries) {
    for (int i = 0; i < 3; ++i)  // warm-up: arenas and tapes reach their sizes
      library.evaluate(kChainLength);
    double ms = std::numeric_limits<double>::infinity();
    for (int i = 0; i < 5; ++i) {  // the fastest: what the machine gives when left alone
      const auto start = Clock::now();
      library.evaluate(kChainLength);
      ms = std::min(ms, elapsed_ms(start));
    }
    library.per_block = std::max(1, static_cast<int>(std::ceil(kBlockMs / ms)));
  }
  std::vector<char> preempted;
  for (int round = 0; round < rounds; ++round) {
    const long before = preemptions();
    if (round % 2 == 0) {
      for (Library& library : libraries)
        time_block(library);
    } else {
      for (auto library = libraries.rbegin(); library != libraries.rend(); ++library)
        time_block(*library);
    }
    preempted.push_back(preemptions() != before);
  }
  return preempted;
}

/// The rounds the figures come from: those without preemption when there are
/// at least kMinClean of them, else all.
std::vector<std::size_t> rounds_used(const std::vector<char>& preempted) {
  std::vector<std::size_t> clean, all;
  for (std::size_t r = 0; r < preempted.size(); ++r) {
    all.push_back(r);
    if (!preempted[r])
      clean.push_back(r);
  }
  return clean.size() >= kMinClean ? clean : all;
}

void print(std::string_view title, const std::vector<Library>& libraries,
           const std::vector<char>& preempted) {
  const std::vector<std::size_t> used = rounds_used(preempted);
  const auto pick = [&used](const auto& per_round) {
    std::vector<double> out;
    for (std::size_t r : used)
      out.push_back(per_round(r));
    return out;
  };
  const auto clean = static_cast<std::size_t>(std::count(preempted.begin(), preempted.end(), 0));
  fmt::print("{} of the {} rounds used ({})\n", used.size(), preempted.size(),
             clean == preempted.size() ? "none was preempted"
             : clean >= kMinClean
                 ? "those in which the scheduler did not preempt us"
                 : fmt::format("all: fewer than {} without preemption", kMinClean));
  fmt::print("\n{:<28} {:>8} {:>15} {:>9} {:>12}\n", title, "ns/op", "q1-q3", "per block",
             "allocs/eval");
  for (const Library& library : libraries) {
    const std::vector<double> ns = pick([&](std::size_t r) { return library.ns_per_op[r]; });
    fmt::print("{:<28} {:>8.1f} {:>15} {:>9} {:>12.1f}\n", library.name, median(ns),
               quartiles(ns, "{:.1f}"), library.per_block,
               static_cast<double>(library.allocations) / static_cast<double>(library.evaluations));
  }
  const Library& ours = libraries[1];
  fmt::print("\n{:<28} {:>8} {:>15}  (median of per-round ratios)\n", "ratio", "", "q1-q3");
  for (std::size_t i = 0; i < libraries.size(); ++i) {
    if (i == 1)
      continue;
    const std::vector<double> ratios =
        pick([&](std::size_t r) { return ours.ns_per_op[r] / libraries[i].ns_per_op[r]; });
    fmt::print("{:<28} {:>8.3f} {:>15}\n", "tapegrad / " + libraries[i].name, median(ratios),
               quartiles(ratios, "{:.3f}"));
  }
}

void print_rounds(int rounds) {
  std::array<double, 3> load{};
  if (getloadavg(load.data(), 3) != 3)
    load.fill(std::numeric_limits<double>::quiet_NaN());
  fmt::print(
      "\n{} rounds, blocks of ≥ {} ms, orders A B C … and … C B A; load average now {:.2f}, "
      "{:.2f}, {:.2f}\n",
      rounds, kBlockMs, load[0], load[1], load[2]);
}

int rounds_from(int argc, char** argv) {
  int rounds = 200;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.rfind("--rounds=", 0) == 0) {
      rounds = std::atoi(argv[i] + 9);
    } else {
      fmt::print(stderr, "usage: {} [--rounds=N]  (N > 0, 200 by default)\n", argv[0]);
      std::exit(2);
    }
  }
  if (rounds <= 0) {
    fmt::print(stderr, "--rounds must be positive\n");
    std::exit(2);
  }
  return rounds + rounds % 2;  // as many rounds in each order
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = rounds_from(argc, argv);
  std::vector<double> ys;
  ys.reserve(kChainLength);
  Tape<double> tape;
  std::vector<Library> libraries;
  libraries.emplace_back("hand-written", [&ys](int n) { return hand_written(ys, n); });
  libraries.emplace_back("tapegrad", [&tape](int n) { return with_tapegrad(tape, n); });
#if TAPEGRAD_WITH_STAN
  libraries.emplace_back(
      fmt::format("Stan Math {}.{}.{}", STAN_MATH_MAJOR, STAN_MATH_MINOR, STAN_MATH_PATCH),
      with_stan);
#endif
#if TAPEGRAD_WITH_ADOLC
  libraries.emplace_back("ADOL-C " TAPEGRAD_ADOLC_VERSION, with_adolc);
#endif

  fmt::print("tapegrad_vs_stan_adolc: {}", libraries[0].name);
  for (std::size_t i = 1; i < libraries.size(); ++i)
    fmt::print(", {}", libraries[i].name);
#if !TAPEGRAD_WITH_STAN
  fmt::print(" (Stan Math not found at configure time: left out)");
#endif
#if !TAPEGRAD_WITH_ADOLC
  fmt::print(" (ADOL-C not found at configure time: left out)");
#endif
  fmt::print("\n{} × y = y·a + sin(y), float64, a = {}, y0 = {}: {} source ops per evaluation\n",
             kChainLength, kChainA, kChainY0, kChainOps);

  if (!check(libraries)) {
    fmt::print("the libraries do not compute the same gradient to {:g}: not timed\n", kTolerance);
    return 1;
  }

  const std::vector<char> preempted = run(libraries, rounds);
  print_rounds(rounds);
  print("scalar_chain, record + reverse", libraries, preempted);

  // Recorded once, evaluated again from the tape.
  std::map<int, RecordedChain> recorded;
  std::vector<Library> replaying;
  replaying.emplace_back("hand-written", [&ys](int n) { return hand_written(ys, n); });
  replaying.emplace_back("tapegrad", [&recorded](int n) { return replay_tapegrad(recorded, n); });
#if TAPEGRAD_WITH_ADOLC
  std::map<int, short> adolc_tags;
  replaying.emplace_back("ADOL-C " TAPEGRAD_ADOLC_VERSION,
                         [&adolc_tags](int n) { return replay_adolc(adolc_tags, n); });
#endif
  fmt::print("\nthe same chain recorded once, then replayed and reversed:\n");
  if (!check(replaying)) {
    fmt::print("the replays do not compute the same gradient to {:g}: not timed\n", kTolerance);
    return 1;
  }
  const std::vector<char> replay_preempted = run(replaying, rounds);
  print_rounds(rounds);
  print("scalar_chain, replay + reverse", replaying, replay_preempted);
  return 0;
}
