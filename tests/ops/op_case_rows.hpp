#pragma once
// What the files of op-table rows kept apart from op_cases.cpp
// (op_cases_<group>.cpp) build their rows with: inputs from their own
// seeds, and the two kinds of row of op_cases.hpp.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ops/op_cases.hpp"
#include "ops/op_test_support.hpp"

namespace tapegrad::testing {

template <class T>
class CaseRows {
 public:
  explicit CaseRows(std::uint64_t first_seed) : seed_(first_seed) {}

  std::vector<OpCase<T>> rows;

  /// Inputs of `shape` uniform in [low, high).
  Tensor<T> rnd(const Shape& shape, double low = -1, double high = 1) {
    return as<T>(random_tensor(shape, seed_++, low, high));
  }
  /// Inputs of `shape` in −[low, high) ∪ [low, high) (away from 0).
  Tensor<T> away(const Shape& shape, double low, double high) {
    return as<T>(away_from_zero(shape, seed_++, low, high));
  }

  /// f is one call of `op` with these attributes.
  void call(std::string op, std::string label, std::vector<Tensor<T>> inputs, CaseFunction<T> f,
            Attributes attributes = {}, std::vector<Tensor<T>> constants = {},
            bool constants_first = false) {
    rows.push_back({std::move(op), std::move(label), std::move(inputs), std::move(f),
                    std::move(attributes), std::move(constants), constants_first});
  }
  /// f uses `op` inside a bigger expression (constants after the inputs).
  void expression(std::string op, std::string label, std::vector<Tensor<T>> inputs,
                  CaseFunction<T> f, std::vector<Tensor<T>> constants = {}) {
    rows.push_back({std::move(op), std::move(label), std::move(inputs), std::move(f), std::nullopt,
                    std::move(constants), false});
  }

  /// The same values in type U (cases hold the same numbers for float and double).
  template <class U>
  static Tensor<U> as(const Tensor<double>& t) {
    Tensor<U> out = Tensor<U>::from_shape(t.shape());
    for (std::size_t i = 0; i < t.size(); ++i)
      out.data()[i] = static_cast<U>(t.data()[i]);
    return out;
  }

 private:
  std::uint64_t seed_;
};

template <class T>
CaseFunction<T> unary_case(std::function<Var<T>(Var<T>)> op) {
  return [op](Tape<T>&, const std::vector<Var<T>>& in) { return op(in[0]); };
}

template <class T>
CaseFunction<T> binary_case(std::function<Var<T>(Var<T>, Var<T>)> op) {
  return [op](Tape<T>&, const std::vector<Var<T>>& in) { return op(in[0], in[1]); };
}

}  // namespace tapegrad::testing
