#pragma once
// A stack of fully connected layers and activations, applied in order:
//
//   nn::Rng rng(42);
//   nn::Sequential<float> net;
//   net.linear(784, 256, nn::Init::he_uniform, rng).activation(nn::Activation::relu)
//      .linear(256, 10, nn::Init::xavier_uniform, rng);
//
// or, for the common case, nn::mlp<float>({784, 256, 10}, {.seed = 42}).
// Layers are named fc1, fc2, … in order (parameters "fc1.W", "fc1.b", …).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/nn/init.hpp"
#include "tapegrad/nn/linear.hpp"

namespace tapegrad::nn {

enum class Activation { identity, relu, tanh, sigmoid };

/// The activation's op applied to x (identity returns x itself).
template <class T>
TAPEGRAD_EXPORT Var<T> activate(Activation activation, Var<T> x);

template <class T>
class TAPEGRAD_EXPORT Sequential {
 public:
  Sequential();
  ~Sequential();
  Sequential(Sequential&&) noexcept;
  Sequential& operator=(Sequential&&) noexcept;

  /// Appends a layer named fc<k> (k counts layers from 1) unless `name` is given.
  Sequential& linear(std::size_t in, std::size_t out, Init init, Rng& rng,
                     const std::string& name = {});
  Sequential& activation(Activation activation);

  /// Applies every step to x (one row per sample), recording on x's tape.
  Var<T> operator()(Var<T> x);

  /// Every layer's W and b, in layer order; the pointers stay valid as long
  /// as this Sequential lives (also after a move).
  std::vector<Parameter<T>*> parameters();
  std::size_t layer_count() const noexcept { return layers_.size(); }
  Linear<T>& layer(std::size_t i);

 private:
  struct Step {
    bool is_layer;
    std::size_t layer;
    Activation activation;
  };
  std::vector<std::unique_ptr<Linear<T>>> layers_;
  std::vector<Step> steps_;
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
