#pragma once
// One epoch of mini-batch training, and evaluation, for a classifier written
// as the lecture writes it: J = L(y, t) + λ Ω(θ), with L the cross-entropy
// of the logits and Ω = ½ Σ ‖W‖² over the weight matrices. Templated over
// the value type T (float or double); the data set itself stays float, one
// copy, and a float64 run converts each batch as it is drawn.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <sys/resource.h>

#include <tapegrad/tapegrad.hpp>

#include "common/progress.hpp"

using tapegrad::Tape;
using tapegrad::Tensor;
using tapegrad::Var;
namespace nn = tapegrad::nn;

struct TrainSettings {
  std::string optimizer = "adam";
  double learning_rate = 1e-3;  ///< rounded to T when training in T
  double weight_decay = 1e-4;   ///< λ of λΩ (or AdamW's decoupled decay)
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
template <class T>
std::unique_ptr<nn::Optimizer<T>> make_optimizer(
    const TrainSettings& s, const std::vector<tapegrad::Parameter<T>*>& params) {
  const auto rate = static_cast<T>(s.learning_rate);
  if (s.optimizer == "sgd")
    return std::make_unique<nn::Sgd<T>>(params, rate);
  if (s.optimizer == "momentum" || s.optimizer == "nesterov")
    return std::make_unique<nn::Momentum<T>>(params, rate, T(0.9), s.optimizer == "nesterov");
  if (s.optimizer == "adam")
    return std::make_unique<nn::Adam<T>>(params, rate);
  if (s.optimizer == "adamw")
    return std::make_unique<nn::AdamW<T>>(params, rate, static_cast<T>(s.weight_decay));
  throw tapegrad::ValueError("unknown optimiser '" + s.optimizer +
                             "' (sgd, momentum, nesterov, adam, adamw)");
}

inline bool uses_penalty(const TrainSettings& s) {
  return s.optimizer != "adamw" && s.weight_decay > 0;
}

/// `values` as T: themselves for float; for double, converted into `buffer`,
/// whose allocation the next batch of the same shape reuses.
template <class T>
Tensor<T>& as_value_type(Tensor<float>& values, Tensor<T>& buffer) {
  if constexpr (std::is_same_v<T, float>) {
    return values;
  } else {
    if (!std::equal(values.shape().begin(), values.shape().end(), buffer.shape().begin(),
                    buffer.shape().end()))
      buffer.resize(values.shape());
    std::copy_n(values.data(), values.size(), buffer.data());
    return buffer;
  }
}

/// A loader's float batch and, for double, its converted features and labels.
template <class T>
struct TypedBatch {
  nn::Batch<float> batch;
  Tensor<T> features, labels;
  /// Moved onto the tape (no copy: the tape hands back a buffer that the
  /// next batch refills); the labels are copied, as correct() reads them.
  Tensor<T>& typed_features() { return as_value_type(batch.features, features); }
  const Tensor<T>& typed_labels() { return as_value_type(batch.labels, labels); }
};

/// User plus system CPU time of this process so far: unlike the wall clock,
/// it does not count the time other builds on a shared machine take the CPU.
inline double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

/// Rows of `logits` whose largest entry is at the label.
template <class T>
std::size_t correct(const Tensor<T>& logits, const Tensor<float>& labels) {
  const std::size_t rows = logits.shape()[0], classes = logits.shape()[1];
  std::size_t right = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const T* row = logits.data() + r * classes;
    std::size_t best = 0;
    for (std::size_t c = 1; c < classes; ++c)
      best = row[c] > row[best] ? c : best;
    right += best == static_cast<std::size_t>(labels(r));
  }
  return right;
}

struct EpochResult {
  double loss = 0;         ///< mean data loss L over the epoch's batches
  double accuracy = 0;     ///< on those batches, as they were trained on
  double seconds = 0;      ///< wall clock
  double cpu_seconds = 0;  ///< this process's user + system time (all its threads)
  std::size_t samples = 0;
};

/// Backward and the update: in one process, or through dist::DataParallel.
template <class T>
using BackwardStep = std::function<void(Tape<T>&, Var<T>)>;

/// Each layer is updated as soon as its gradient is final (same result as
/// backward, then optimizer.step(), without a second pass over the weights).
template <class T>
BackwardStep<T> update_during_backward(nn::Optimizer<T>& optimizer) {
  return [&optimizer](Tape<T>& tape, Var<T> objective) {
    tape.backward(objective, {.gradient_ready = &optimizer});
  };
}

/// `step` counts optimiser steps across epochs, for the schedule.
template <class T>
EpochResult train_epoch(nn::Sequential<T>& net, nn::Optimizer<T>& optimizer,
                        const BackwardStep<T>& backward, nn::DataLoader<float>& loader,
                        const TrainSettings& s, const std::function<double(std::size_t)>& schedule,
                        std::size_t& step, Tape<T>& tape, ProgressBar& progress,
                        const std::string& label) {
  const std::vector<tapegrad::Parameter<T>*>& params = optimizer.parameters();
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_seconds();
  EpochResult r;
  TypedBatch<T> batch;
  double loss_sum = 0;
  std::size_t right = 0, batches = 0;
  const std::size_t total = loader.batches_per_epoch();
  while (loader.next(batch.batch)) {
    tape.reset();
    const Var<T> logits = net(tape.constant(std::move(batch.typed_features()), "images"));
    const Var<T> data_loss = cross_entropy(logits, tape.constant(batch.typed_labels(), "labels"));
    Var<T> objective = data_loss;
    if (uses_penalty(s))
      objective = data_loss + static_cast<T>(s.weight_decay) * nn::l2_penalty(tape, params);
    // (Cosine annealing reaches 0 on the last step; an optimiser's rate stays positive.)
    optimizer.set_learning_rate(std::max(static_cast<T>(schedule(step++)), T(1e-12)));
    backward(tape, objective);
    loss_sum += static_cast<double>(data_loss.item());
    right += correct(logits.value(), batch.batch.labels);
    r.samples += batch.batch.indices.size();
    ++batches;
    progress.update(label, batches, total, loss_sum / static_cast<double>(batches));
  }
  progress.clear();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.cpu_seconds = cpu_seconds() - cpu_start;
  r.loss = batches ? loss_sum / static_cast<double>(batches) : 0;
  r.accuracy = r.samples ? static_cast<double>(right) / static_cast<double>(r.samples) : 0;
  return r;
}

/// Subnormal values where training could make them (README "Subnormal
/// numbers"): every value and gradient on the tape as the last step left it,
/// and the parameters and the optimiser's state now.
struct SubnormalCount {
  std::size_t tape = 0, parameters = 0, state = 0;
};

template <class T>
std::size_t count_subnormals(const Tensor<T>& t) {
  return static_cast<std::size_t>(
      std::count_if(t.begin(), t.end(), [](T x) { return std::fpclassify(x) == FP_SUBNORMAL; }));
}

template <class T>
SubnormalCount count_subnormals(Tape<T>& tape, nn::Optimizer<T>& optimizer) {
  SubnormalCount count;
  for (tapegrad::NodeId id = 0; id < tape.size(); ++id) {
    count.tape += count_subnormals(tape.value(tape.var(id)));
    if (tape.has_grad(id))
      count.tape += count_subnormals(tape.grad(id));
  }
  for (std::size_t k = 0; k < optimizer.parameters().size(); ++k) {
    count.parameters += count_subnormals(optimizer.parameters()[k]->value());
    for (const auto& [name, tensor] : optimizer.state(k).tensors)
      count.state += count_subnormals(*tensor);
  }
  return count;
}

struct Evaluation {
  double loss = 0, accuracy = 0;
};

/// Mean cross-entropy and accuracy over a whole data set, without gradients.
template <class T>
Evaluation evaluate(nn::Sequential<T>& net, const nn::Dataset<float>& data) {
  Tape<T> tape;
  tapegrad::NoGradScope<T> no_grad(tape);
  nn::DataLoader<float> loader(data, {1000, false, false, 0});
  TypedBatch<T> batch;
  double loss_sum = 0;
  std::size_t right = 0;
  while (loader.next(batch.batch)) {
    tape.reset();
    const Var<T> logits = net(tape.constant(std::move(batch.typed_features())));
    loss_sum += static_cast<double>(
        cross_entropy(logits, tape.constant(batch.typed_labels()), tapegrad::Reduction::sum)
            .item());
    right += correct(logits.value(), batch.batch.labels);
  }
  const auto n = static_cast<double>(data.size());
  return {loss_sum / n, static_cast<double>(right) / n};
}
