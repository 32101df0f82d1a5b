// The second half of the resume test, in a process of its own:
//   tapegrad_resume_stage <checkpoint> <out>
// loads the training checkpoint, trains 1,000 more steps and writes the
// parameters to <out> (save_checkpoint). Exit status 1 with the error on stderr.

#include <cstdio>
#include <exception>

#include "nn/resume_setup.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <checkpoint> <out>\n", argv[0]);
    return 2;
  }
  try {
    tapegrad::testing::ResumeJob job;
    tapegrad::nn::load_training_checkpoint(argv[1], job.state());
    job.train(1000);
    tapegrad::nn::save_checkpoint(argv[2], job.net.parameters());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
