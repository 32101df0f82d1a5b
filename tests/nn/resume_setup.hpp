#pragma once
// The training job of the resume test, shared by the test (tests/nn/
// resume_test.cpp) and the program that resumes it in a new process
// (tests/nn/resume_stage.cpp): a small MLP with dropout, Adam under a cosine
// schedule with warmup, a shuffling DataLoader whose batches do not divide
// the data set (so epochs end at different places than checkpoints).

#include <memory>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad::testing {

struct ResumeJob {
  static constexpr std::size_t kSamples = 23, kFeatures = 4, kClasses = 3;

  ResumeJob() : data(make_data()), loader(data, {.batch_size = 5, .seed = 11}) {
    nn::Rng rng(5);
    net.linear(kFeatures, 8, nn::Init::xavier_uniform, rng).activation(nn::Activation::tanh);
    net.add(std::make_unique<nn::Dropout<float>>(0.25, 9), "dropout");
    net.linear(8, kClasses, nn::Init::xavier_uniform, rng);
    adam = std::make_unique<nn::Adam<float>>(net.parameters(), 0.02f);
    scheduler =
        std::make_unique<nn::LrScheduler<float>>(*adam, nn::CosineAnnealing(0.02, 2000, 1e-4, 100));
  }

  static nn::Dataset<float> make_data() {
    nn::Rng rng(3);
    nn::Dataset<float> d{Tensor<float>::from_shape({kSamples, kFeatures}),
                         Tensor<float>::from_shape({kSamples})};
    for (float& x : d.features)
      x = static_cast<float>(rng.normal());
    for (std::size_t i = 0; i < kSamples; ++i)
      d.labels(i) = static_cast<float>(rng.below(kClasses));
    return d;
  }

  nn::TrainingState<float> state() {
    return {net.parameters(), adam.get(), scheduler.get(), &loader, nn::random_generators(net)};
  }

  void train(std::size_t steps) {
    for (std::size_t s = 0; s < steps; ++s) {
      if (!loader.next(batch))  // an epoch ended: the next call starts another
        loader.next(batch);
      tape.reset();
      const Var<float> loss =
          cross_entropy(net(tape.constant(batch.features)), tape.constant(batch.labels));
      tape.backward(loss);
      adam->step();
      scheduler->step();
    }
  }

  nn::Dataset<float> data;
  nn::DataLoader<float> loader;
  nn::Sequential<float> net;
  std::unique_ptr<nn::Adam<float>> adam;
  std::unique_ptr<nn::LrScheduler<float>> scheduler;
  nn::Batch<float> batch;
  Tape<float> tape;
};

}  // namespace tapegrad::testing
