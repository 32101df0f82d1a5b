#pragma once
// Two ops written outside tapegrad, as a plugin or a library would write them:
//
//   swish         y = x·sigmoid(βx), elementwise, attribute "beta" (default 1)
//   l2_normalize  y = x / ‖x‖ per row (a vector, or each row of a matrix)
//
// libtapegrad_custom_ops registers both by name for float and double when it
// is loaded (origin "tapegrad_custom_ops"), so a program may either link it
// and call the typed functions below, or tapegrad::load_ops() it at run time
// and use the ops through tape.apply("swish", {x}, {{"beta", 1.5}}).

#include <array>
#include <string_view>

#include <tapegrad/tapegrad.hpp>

// The library is built with default visibility; the macro only documents
// which declarations make up its interface.
#ifndef TAPEGRAD_CUSTOM_OPS_EXPORT
#define TAPEGRAD_CUSTOM_OPS_EXPORT __attribute__((visibility("default")))
#endif

namespace custom_ops {

/// dy/dx = s + βx·s(1 − s) with s = sigmoid(βx).
template <class T>
class TAPEGRAD_CUSTOM_OPS_EXPORT Swish final : public tapegrad::OpBase<Swish<T>, T> {
 public:
  static constexpr std::string_view kName = "swish";
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = "y = x·sigmoid(βx)";
  static constexpr std::array<std::string_view, 1> kAttributes{"beta"};

  /// Reads "beta" (1 when absent); a non-finite β is a tapegrad::ValueError.
  explicit Swish(const tapegrad::Attributes& attributes);
  explicit Swish(double beta);

  void forward(tapegrad::ForwardContext<T>& ctx) const override;
  void backprop(tapegrad::BackpropContext<T>& ctx) const override;
  tapegrad::Attributes attributes() const override;

  double beta() const noexcept { return beta_; }

 private:
  double beta_;
};

/// One row per sample; the Jacobian of a row is (I − y yᵀ)/‖x‖, so
/// ∂x = (g − y⟨g, y⟩)/‖x‖. A rank other than 1 or 2 is a
/// tapegrad::ShapeError, a row of norm 0 a tapegrad::ValueError.
template <class T>
class TAPEGRAD_CUSTOM_OPS_EXPORT L2Normalize final : public tapegrad::OpBase<L2Normalize<T>, T> {
 public:
  static constexpr std::string_view kName = "l2_normalize";
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = "y = x / ‖x‖, per row";

  void forward(tapegrad::ForwardContext<T>& ctx) const override;
  void backprop(tapegrad::BackpropContext<T>& ctx) const override;
};

extern template class Swish<float>;
extern template class Swish<double>;
extern template class L2Normalize<float>;
extern template class L2Normalize<double>;

/// Records swish(x) with the given β on x's tape.
template <class T>
TAPEGRAD_CUSTOM_OPS_EXPORT tapegrad::Var<T> swish(tapegrad::Var<T> x, double beta = 1.0);
/// Records l2_normalize(x) on x's tape.
template <class T>
TAPEGRAD_CUSTOM_OPS_EXPORT tapegrad::Var<T> l2_normalize(tapegrad::Var<T> x);

extern template tapegrad::Var<float> swish(tapegrad::Var<float>, double);
extern template tapegrad::Var<double> swish(tapegrad::Var<double>, double);
extern template tapegrad::Var<float> l2_normalize(tapegrad::Var<float>);
extern template tapegrad::Var<double> l2_normalize(tapegrad::Var<double>);

}  // namespace custom_ops
