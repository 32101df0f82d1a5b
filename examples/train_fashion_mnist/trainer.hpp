#pragma once
// One epoch of mini-batch training, and evaluation, for a classifier written
// as the lecture writes it: J = L(y, t) + λ Ω(θ), with L the cross-entropy
// of the logits and Ω = ½ Σ ‖W‖² over the weight matrices.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <tapegrad/tapegrad.hpp>

#include "common/progress.hpp"

using tapegrad::Tape;
using tapegrad::Tensor;
using tapegrad::Var;
namespace nn = tapegrad::nn;

struct TrainSettings {
  std::string optimizer = "adam";
  float learning_rate = 1e-3f;
  float weight_decay = 1e-4f;  ///< λ of λΩ (or AdamW's decoupled decay)
  std::size_t batch_size = 128;
  std::uint64_t seed = 1;
  std::string schedule = "cosine";  ///< cosine, step or none
};

/// The learning rate of each step: cosine annealing to 0 over the whole run,
/// halving every 3 epochs, or constant.
inline std::function<double(std::size_t)> make_schedule(const TrainSettings& s, std::size_t epochs,
                                                        std::size_t steps_per_epoch) {
  const double base = s.learning_rate;
  const std::size_t total = std::max<std::size_t>(epochs * steps_per_epoch, 1);
  if (s.schedule == "cosine")
    return nn::CosineAnnealing(base, total, 0.0);
  if (s.schedule == "step")
    return nn::StepDecay(base, std::max<std::size_t>(3 * steps_per_epoch, 1), 0.5);
  return [base](std::size_t) { return base; };
}

/// The optimiser by name; "adamw" takes the weight decay itself, the others
/// get it through λΩ in the loss (see uses_penalty).
inline std::unique_ptr<nn::Optimizer<float>> make_optimizer(
    const TrainSettings& s, const std::vector<tapegrad::Parameter<float>*>& params) {
  if (s.optimizer == "sgd")
    return std::make_unique<nn::Sgd<float>>(params, s.learning_rate);
  if (s.optimizer == "momentum" || s.optimizer == "nesterov")
    return std::make_unique<nn::Momentum<float>>(params, s.learning_rate, 0.9f,
                                                 s.optimizer == "nesterov");
  if (s.optimizer == "adam")
    return std::make_unique<nn::Adam<float>>(params, s.learning_rate);
  if (s.optimizer == "adamw")
    return std::make_unique<nn::AdamW<float>>(params, s.learning_rate, s.weight_decay);
  throw tapegrad::ValueError("unknown optimiser '" + s.optimizer +
                             "' (sgd, momentum, nesterov, adam, adamw)");
}

inline bool uses_penalty(const TrainSettings& s) {
  return s.optimizer != "adamw" && s.weight_decay > 0;
}

/// Rows of `logits` whose largest entry is at the label.
inline std::size_t correct(const Tensor<float>& logits, const Tensor<float>& labels) {
  const std::size_t rows = logits.shape()[0], classes = logits.shape()[1];
  std::size_t right = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = logits.data() + r * classes;
    std::size_t best = 0;
    for (std::size_t c = 1; c < classes; ++c)
      best = row[c] > row[best] ? c : best;
    right += best == static_cast<std::size_t>(labels(r));
  }
  return right;
}

struct EpochResult {
  double loss = 0;      ///< mean data loss L over the epoch's batches
  double accuracy = 0;  ///< on those batches, as they were trained on
  double seconds = 0;
  std::size_t samples = 0;
};

/// Backward and the update: in one process, or through dist::DataParallel.
using BackwardStep = std::function<void(Tape<float>&, Var<float>)>;

/// Each layer is updated as soon as its gradient is final (same result as
/// backward, then optimizer.step(), without a second pass over the weights).
inline BackwardStep update_during_backward(nn::Optimizer<float>& optimizer) {
  return [&optimizer](Tape<float>& tape, Var<float> objective) {
    tape.backward(objective, {.gradient_ready = &optimizer});
  };
}

/// `step` counts optimiser steps across epochs, for the schedule.
inline EpochResult train_epoch(nn::Sequential<float>& net, nn::Optimizer<float>& optimizer,
                               const BackwardStep& backward, nn::DataLoader<float>& loader,
                               const TrainSettings& s,
                               const std::function<double(std::size_t)>& schedule,
                               std::size_t& step, Tape<float>& tape, ProgressBar& progress,
                               const std::string& label) {
  const std::vector<tapegrad::Parameter<float>*>& params = optimizer.parameters();
  const auto start = std::chrono::steady_clock::now();
  EpochResult r;
  nn::Batch<float> batch;
  double loss_sum = 0;
  std::size_t right = 0, batches = 0;
  const std::size_t total = loader.batches_per_epoch();
  while (loader.next(batch)) {
    tape.reset();
    const Var<float> logits = net(tape.constant(batch.features, "images"));
    const Var<float> data_loss = cross_entropy(logits, tape.constant(batch.labels, "labels"));
    Var<float> objective = data_loss;
    if (uses_penalty(s))
      objective = data_loss + s.weight_decay * nn::l2_penalty(tape, params);
    // (Cosine annealing reaches 0 on the last step; an optimiser's rate stays positive.)
    optimizer.set_learning_rate(std::max(static_cast<float>(schedule(step++)), 1e-12f));
    backward(tape, objective);
    loss_sum += data_loss.item();
    right += correct(logits.value(), batch.labels);
    r.samples += batch.indices.size();
    ++batches;
    progress.update(label, batches, total, loss_sum / static_cast<double>(batches));
  }
  progress.clear();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.loss = batches ? loss_sum / static_cast<double>(batches) : 0;
  r.accuracy = r.samples ? static_cast<double>(right) / static_cast<double>(r.samples) : 0;
  return r;
}

struct Evaluation {
  double loss = 0, accuracy = 0;
};

/// Mean cross-entropy and accuracy over a whole data set, without gradients.
inline Evaluation evaluate(nn::Sequential<float>& net, const nn::Dataset<float>& data) {
  Tape<float> tape;
  tapegrad::NoGradScope<float> no_grad(tape);
  nn::DataLoader<float> loader(data, {1000, false, false, 0});
  nn::Batch<float> batch;
  double loss_sum = 0;
  std::size_t right = 0;
  while (loader.next(batch)) {
    tape.reset();
    const Var<float> logits = net(tape.constant(batch.features));
    loss_sum += static_cast<double>(
        cross_entropy(logits, tape.constant(batch.labels), tapegrad::Reduction::sum).item());
    right += correct(logits.value(), batch.labels);
  }
  const auto n = static_cast<double>(data.size());
  return {loss_sum / n, static_cast<double>(right) / n};
}
