// A 2-rank training job in which rank 1 throws at step 3, while rank 0 goes
// on into the step's all-reduce — which would wait forever without
// Context::run's MPI_Abort. Started by tests/dist/launch/failing_rank_test.cpp.
#include <cstdio>
#include <stdexcept>

#include <tapegrad/dist.hpp>
#include <tapegrad/tapegrad.hpp>

int main(int argc, char** argv) {
  using namespace tapegrad;
  dist::Context context(argc, argv);
  return context.run([&] {
    Parameter<double> w(Tensor<double>{1.0, 2.0, 3.0}, "w");
    nn::Sgd<double> sgd({&w}, 0.1);
    dist::DataParallel<double> parallel(sgd);
    Tape<double> tape;
    for (int step = 0; step < 1000; ++step) {
      tape.reset();
      if (step == 3 && context.rank() == 1)
        throw std::runtime_error("rank 1 cannot read its batch at step 3");
      parallel.backward(tape, sum(square(tape.watch(w))));
    }
    std::printf("rank %d finished without the failure\n", context.rank());
  });
}
