#pragma once
// Runs the registered benchmarks and keeps every run's time so that a program
// can print a ratio table after Google Benchmark's own report: on stdout, or
// on stderr when --benchmark_format=json so that stdout stays valid JSON.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace tapegrad::bench {

/// Per benchmark name: the time in the benchmark's unit and the counters, of
/// the single run or, with repetitions, of the median.
struct Recorded {
  std::map<std::string, double> times;
  std::map<std::string, std::map<std::string, double>> counters;
};

template <class Base>
class Recording : public Base {
 public:
  void ReportRuns(const std::vector<benchmark::BenchmarkReporter::Run>& runs) override {
    for (const auto& run : runs) {
      if (run.run_type == benchmark::BenchmarkReporter::Run::RT_Aggregate &&
          run.aggregate_name != "median") {
        continue;
      }
      recorded.times[run.run_name.str()] = run.GetAdjustedRealTime();
      for (const auto& [name, counter] : run.counters)
        recorded.counters[run.run_name.str()][name] = counter.value;
    }
    Base::ReportRuns(runs);
  }
  Recorded recorded;
};

/// Initialises Google Benchmark from the command line, runs what is
/// registered, then calls print(recorded, out). Returns main's exit code.
template <class Print>
int run_and_print(int argc, char** argv, Print print) {
  // Looked for first: Initialize removes the flags it knows from argv.
  bool json = false;
  for (int i = 1; i < argc; ++i)
    json = json || std::string(argv[i]) == "--benchmark_format=json";
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  if (json) {
    Recording<benchmark::JSONReporter> reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print(reporter.recorded, stderr);
  } else {
    Recording<benchmark::ConsoleReporter> reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print(reporter.recorded, stdout);
  }
  benchmark::Shutdown();
  return 0;
}

}  // namespace tapegrad::bench
