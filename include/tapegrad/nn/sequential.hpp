#pragma once
// Modules applied in order. Any module can be appended; fully connected
// layers and activations have shortcuts:
//
//   nn::Rng rng(42);
//   nn::Sequential<float> net;
//   net.linear(784, 256, nn::Init::he_uniform, rng).activation(nn::Activation::relu)
//      .linear(256, 10, nn::Init::xavier_uniform, rng);
//   net.add(std::make_unique<nn::Dropout<float>>(0.1, 7));
//
// or, for the common case, nn::mlp<float>({784, 256, 10}, {.seed = 42}).
// linear() names its layers fc1, fc2, … (parameters "fc1.W", "fc1.b", …);
// add() names a module by its position ("0", "1", …) unless given a name.
// forward() records a Linear followed by a ReLU as one linear_relu op.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/nn/init.hpp"
#include "tapegrad/nn/linear.hpp"
#include "tapegrad/nn/module.hpp"

namespace tapegrad::nn {

/// gelu is the exact (erf) form, PyTorch's default.
enum class Activation { identity, relu, tanh, sigmoid, gelu };

/// The activation's op applied to x (identity returns x itself).
template <class T>
TAPEGRAD_EXPORT Var<T> activate(Activation activation, Var<T> x);

/// An activation as a module (no parameters).
template <class T>
class TAPEGRAD_EXPORT ActivationLayer : public Module<T> {
 public:
  explicit ActivationLayer(Activation activation) : activation_(activation) {}
  Var<T> forward(Var<T> x) override { return activate(activation_, x); }
  Activation activation() const noexcept { return activation_; }

 private:
  Activation activation_;
};

template <class T>
class TAPEGRAD_EXPORT Sequential : public Module<T> {
 public:
  Sequential();
  ~Sequential() override;
  /// The modules live on the heap: pointers to them and to their parameters
  /// stay valid after a move.
  Sequential(Sequential&&) noexcept;
  Sequential& operator=(Sequential&&) noexcept;

  /// Appends `module` under `name` (default: its position, "0", "1", …).
  Sequential& add(std::unique_ptr<Module<T>> module, const std::string& name = {});
  /// Appends a Linear named fc<k> (k counts linear layers from 1) unless `name` is given.
  Sequential& linear(std::size_t in, std::size_t out, Init init, Rng& rng,
                     const std::string& name = {});
  Sequential& activation(Activation activation);

  /// Applies every module to x in order, recording on x's tape.
  Var<T> forward(Var<T> x) override;

  /// How many modules, and the i-th one.
  std::size_t size() const noexcept { return modules_.size(); }
  Module<T>& module(std::size_t i);
  /// How many Linear layers linear() added, and the i-th of them.
  std::size_t layer_count() const noexcept { return layers_.size(); }
  Linear<T>& layer(std::size_t i);

 private:
  std::vector<std::unique_ptr<Module<T>>> modules_;
  std::vector<Linear<T>*> layers_;
};

struct MlpOptions {
  Activation hidden = Activation::relu;
  /// Applied after the last layer; identity gives logits for the losses.
  Activation output = Activation::identity;
  /// Unset: He uniform when the hidden activation is ReLU, Xavier uniform otherwise.
  std::optional<Init> init = std::nullopt;
  std::uint64_t seed = 0;
};

/// sizes {in, h1, …, out}: linear layers between consecutive sizes, the hidden
/// activation after each but the last, the output activation after the last.
template <class T>
TAPEGRAD_EXPORT Sequential<T> mlp(const std::vector<std::size_t>& sizes,
                                  const MlpOptions& options = {});

}  // namespace tapegrad::nn
