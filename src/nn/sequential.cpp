#include "tapegrad/nn/sequential.hpp"

#include <memory>
#include <string>
#include <typeinfo>
#include <utility>

#include "tapegrad/core/error.hpp"
#include "tapegrad/ops/activations.hpp"

namespace tapegrad::nn {

namespace {

void check_position(const char* what, std::size_t i, std::size_t count) {
  if (i >= count) {
    throw ValueError(std::string(what) + " " + std::to_string(i) + " does not exist (there are " +
                         std::to_string(count) + ")",
                     {"sequential", std::nullopt, {}});
  }
}

/// `module` as a Linear that may be fused with a ReLU after it: exactly a
/// Linear (a subclass may override forward()), else null.
template <class T>
Linear<T>* plain_linear(Module<T>& module) {
  return typeid(module) == typeid(Linear<T>) ? static_cast<Linear<T>*>(&module) : nullptr;
}

template <class T>
bool is_relu(const Module<T>& module) {
  return typeid(module) == typeid(ActivationLayer<T>) &&
         static_cast<const ActivationLayer<T>&>(module).activation() == Activation::relu;
}

}  // namespace

template <class T>
Var<T> activate(Activation activation, Var<T> x) {
  switch (activation) {
    case Activation::relu:
      return relu(x);
    case Activation::tanh:
      return tapegrad::tanh(x);
    case Activation::sigmoid:
      return sigmoid(x);
    case Activation::gelu:
      return gelu(x);
    case Activation::identity:
      break;
  }
  return x;
}

template <class T>
Sequential<T>::Sequential() = default;
template <class T>
Sequential<T>::~Sequential() = default;
template <class T>
Sequential<T>::Sequential(Sequential&&) noexcept = default;
template <class T>
Sequential<T>& Sequential<T>::operator=(Sequential&&) noexcept = default;

template <class T>
Sequential<T>& Sequential<T>::add(std::unique_ptr<Module<T>> module, const std::string& name) {
  if (!module)
    throw ValueError("a null module was added", {"sequential", std::nullopt, {}});
  this->register_module(name.empty() ? std::to_string(modules_.size()) : name, *module);
  modules_.push_back(std::move(module));
  return *this;
}

template <class T>
Sequential<T>& Sequential<T>::linear(std::size_t in, std::size_t out, Init init, Rng& rng,
                                     const std::string& name) {
  if (!layers_.empty() && layers_.back()->out_features() != in) {
    throw ShapeError("layer " + std::to_string(layers_.size() + 1) + " takes " +
                         std::to_string(in) + " inputs but the previous layer gives " +
                         std::to_string(layers_.back()->out_features()),
                     {"sequential", std::nullopt, {}});
  }
  const std::string layer_name = name.empty() ? "fc" + std::to_string(layers_.size() + 1) : name;
  auto layer = std::make_unique<Linear<T>>(in, out, init, rng, layer_name);
  Linear<T>& added = *layer;
  add(std::move(layer), layer_name);
  layers_.push_back(&added);
  return *this;
}

template <class T>
Sequential<T>& Sequential<T>::activation(Activation activation) {
  return add(std::make_unique<ActivationLayer<T>>(activation));
}

template <class T>
Var<T> Sequential<T>::forward(Var<T> x) {
  for (std::size_t i = 0; i < modules_.size(); ++i) {
    Linear<T>* layer = plain_linear(*modules_[i]);
    if (layer != nullptr && i + 1 < modules_.size() && is_relu(*modules_[i + 1])) {
      x = layer->forward_relu(x);
      ++i;  // the ReLU is inside linear_relu
    } else {
      x = modules_[i]->forward(x);
    }
  }
  return x;
}

template <class T>
Module<T>& Sequential<T>::module(std::size_t i) {
  check_position("module", i, modules_.size());
  return *modules_[i];
}

template <class T>
Linear<T>& Sequential<T>::layer(std::size_t i) {
  check_position("layer", i, layers_.size());
  return *layers_[i];
}

template <class T>
Sequential<T> mlp(const std::vector<std::size_t>& sizes, const MlpOptions& options) {
  if (sizes.size() < 2) {
    throw ValueError("an MLP needs at least an input and an output size, got " +
                         std::to_string(sizes.size()) + " sizes",
                     {"mlp", std::nullopt, {}});
  }
  const Init init = options.init.value_or(
      options.hidden == Activation::relu ? Init::he_uniform : Init::xavier_uniform);
  Rng rng(options.seed);
  Sequential<T> net;
  for (std::size_t k = 0; k + 1 < sizes.size(); ++k) {
    net.linear(sizes[k], sizes[k + 1], init, rng);
    const bool last = k + 2 == sizes.size();
    const Activation a = last ? options.output : options.hidden;
    if (a != Activation::identity)
      net.activation(a);
  }
  return net;
}

template Var<float> activate(Activation, Var<float>);
template Var<double> activate(Activation, Var<double>);
template class ActivationLayer<float>;
template class ActivationLayer<double>;
template class Sequential<float>;
template class Sequential<double>;
template Sequential<float> mlp<float>(const std::vector<std::size_t>&, const MlpOptions&);
template Sequential<double> mlp<double>(const std::vector<std::size_t>&, const MlpOptions&);

}  // namespace tapegrad::nn
