// tapegrad_random_graphs: random-graph differential testing.
//
//   tapegrad_random_graphs [--first N] [--count N]   seeds N.. (count: env
//                                                    TAPEGRAD_RANDOM_GRAPH_SEEDS,
//                                                    else --default-count, else 2000)
//   tapegrad_random_graphs --seeds-file FILE         the seeds listed in FILE
//                                                    (one per line, # comments)
//   tapegrad_random_graphs --seed N                  one seed, graph always printed
//
// Every seed's graph is checked (float64 against central differences, float32
// against float64, replay against a fresh recording); a failing seed prints its graph, one line per node, and
// the command that reproduces it. Exit status 1 when any seed failed.

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "reliability/random_graph.hpp"

namespace {

using tapegrad::reliability::check;
using tapegrad::reliability::CheckResult;
using tapegrad::reliability::generate;
using tapegrad::reliability::Graph;

std::uint64_t parse_number(std::string_view text, std::string_view what) {
  try {
    std::size_t used = 0;
    const unsigned long long value = std::stoull(std::string(text), &used);
    if (used == text.size())
      return value;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(fmt::format("{}: not a number: '{}'", what, text));
}

std::vector<std::uint64_t> read_seeds(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::invalid_argument("cannot open seeds file " + path);
  std::vector<std::uint64_t> seeds;
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t hash = line.find('#');
    if (hash != std::string::npos)
      line.resize(hash);
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos)
      continue;
    const std::size_t last = line.find_last_not_of(" \t\r");
    seeds.push_back(parse_number(line.substr(first, last - first + 1), path));
  }
  return seeds;
}

/// Checks one seed; prints the reproduction when it fails (or when verbose).
bool run_seed(std::uint64_t seed, bool verbose) {
  CheckResult result;
  Graph graph;
  try {
    graph = generate(seed);
    result = check(graph);
  } catch (const std::exception& e) {
    result.ok = false;
    result.failure = std::string("exception: ") + e.what();
  }
  if (verbose || !result.ok)
    fmt::print("{}", graph.text());
  if (!result.ok) {
    fmt::print("FAILED seed {}: {}\n  reproduce: tapegrad_random_graphs --seed {}\n", seed,
               result.failure, seed);
  } else if (verbose) {
    fmt::print("seed {} passed\n", seed);
  }
  return result.ok;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::uint64_t first = 0;
    std::uint64_t count = 2000;
    bool count_given = false;
    std::vector<std::uint64_t> seeds;
    bool listed = false;
    bool verbose = false;
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      auto next = [&]() -> std::string_view {
        if (i + 1 >= argc)
          throw std::invalid_argument(fmt::format("{} needs a value", arg));
        return argv[++i];
      };
      if (arg == "--first") {
        first = parse_number(next(), arg);
      } else if (arg == "--count") {
        count = parse_number(next(), arg);
        count_given = true;
      } else if (arg == "--default-count") {
        count = parse_number(next(), arg);
      } else if (arg == "--seeds-file") {
        const std::vector<std::uint64_t> more = read_seeds(std::string(next()));
        seeds.insert(seeds.end(), more.begin(), more.end());
        listed = true;
      } else if (arg == "--seed") {
        seeds.push_back(parse_number(next(), arg));
        listed = true;
        verbose = true;
      } else {
        throw std::invalid_argument(fmt::format("unknown argument '{}'", arg));
      }
    }
    if (!listed) {
      const char* env = std::getenv("TAPEGRAD_RANDOM_GRAPH_SEEDS");
      if (env && *env && !count_given)
        count = parse_number(env, "TAPEGRAD_RANDOM_GRAPH_SEEDS");
      for (std::uint64_t s = 0; s < count; ++s)
        seeds.push_back(first + s);
    }
    const auto start = std::chrono::steady_clock::now();
    std::size_t failed = 0;
    for (std::uint64_t seed : seeds) {
      if (!run_seed(seed, verbose))
        ++failed;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print("random graphs: {} seeds, {} failed, {:.1f} s\n", seeds.size(), failed, seconds);
    return failed == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "tapegrad_random_graphs: {}\n", e.what());
    return 2;
  }
}
