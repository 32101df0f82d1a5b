// An exception on one rank ends the whole job with its message, in bounded
// time: mpirun runs tests/dist/child/failing_job.cpp under `timeout`.
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

namespace {

struct Outcome {
  int status = -1;  // the shell's exit status (124: timeout had to stop it)
  std::string output;
  double seconds = 0;
};

Outcome run(const std::string& command) {
  const auto begin = std::chrono::steady_clock::now();
  Outcome outcome;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe)
    return outcome;
  std::array<char, 4096> chunk{};
  while (std::fgets(chunk.data(), chunk.size(), pipe))
    outcome.output += chunk.data();
  const int status = pclose(pipe);
  outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  return outcome;
}

TEST(FailingRank, EndsEveryRankWithItsMessage) {
  // 120 s is the bound; a hang would be stopped by timeout with status 124.
  const Outcome job =
      run(std::string("timeout -k 10 120 ") + TAPEGRAD_MPIRUN + " " + TAPEGRAD_DIST_CHILD);
  EXPECT_NE(job.status, 0) << job.output;
  EXPECT_NE(job.status, 124) << "the job hung until timeout stopped it:\n" << job.output;
  EXPECT_NE(
      job.output.find("tapegrad::dist: rank 1 of 2 failed: rank 1 cannot read its batch at step 3"),
      std::string::npos)
      << job.output;
  EXPECT_EQ(job.output.find("finished without the failure"), std::string::npos) << job.output;
  EXPECT_LT(job.seconds, 120.0);
}

}  // namespace
