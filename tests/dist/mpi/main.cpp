// GoogleTest under mpirun: every rank runs every test; MPI lives as long as
// the Context. Rank 0 prints the usual progress, the other ranks only their
// failures; any failing rank fails the job.
#include <cstdio>

#include <gtest/gtest.h>

#include <tapegrad/dist/context.hpp>

namespace {

class FailurePrinter : public testing::EmptyTestEventListener {
 public:
  explicit FailurePrinter(int rank) : rank_(rank) {}
  void OnTestPartResult(const testing::TestPartResult& result) override {
    if (result.failed()) {
      std::fprintf(stderr, "rank %d: %s:%d: failure\n%s\n", rank_,
                   result.file_name() ? result.file_name() : "?", result.line_number(),
                   result.message());
    }
  }

 private:
  int rank_;
};

}  // namespace

int main(int argc, char** argv) {
  tapegrad::dist::Context context(argc, argv);
  testing::InitGoogleTest(&argc, argv);
  if (context.rank() != 0) {
    testing::TestEventListeners& listeners = testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new FailurePrinter(context.rank()));
  }
  const int failed = RUN_ALL_TESTS();
  int any = 0;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, context.comm());
  return any;
}
