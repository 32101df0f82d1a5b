#pragma once
// The op table: cases of every built-in op, in one place, read by every test
// that must cover each op —
//   tests/core/registry_test.cpp  applied by name = the typed function (float and double)
//   tests/ops/op_table_test.cpp   gradcheck in float64
//   tests/ops/gradgrad_test.cpp   gradgradcheck (and third derivatives)
//   tests/core/stats_test.cpp     cost() and formula()
//   tests/ops/forward_mode_test.cpp  jvp against reverse mode
// Each of them calls expect_covers_builtins(), which fails for every op the
// registry lists as a built-in (origin "tapegrad") without a case there, so
// a new built-in is one file in src/ops plus its rows in op_cases.cpp.

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad::testing {

/// Builds the function under test from Vars of a case's inputs, then of its
/// constants.
template <class T>
using CaseFunction = std::function<Var<T>(Tape<T>& tape, const std::vector<Var<T>>& vars)>;

template <class T>
struct OpCase {
  std::string op;                 ///< the registered op this case covers
  std::string label;              ///< shapes and variant, for messages
  std::vector<Tensor<T>> inputs;  ///< differentiable inputs (every element is checked)
  CaseFunction<T> f;
  /// Set when f is exactly one call of the op: the same as
  /// tape.apply(op, vars, *by_name). Unset when f uses the op inside a
  /// bigger expression (twice, under a square, …); such a case is read by
  /// gradcheck, gradgradcheck and cost but not by the by-name test.
  std::optional<Attributes> by_name;
  /// Inputs that get no gradient (class labels), after `inputs`.
  std::vector<Tensor<T>> constants;
  /// The op takes its constants before its inputs (where's mask).
  bool constants_first = false;
};

/// Every case; the same shapes and values for float and double.
template <class T>
std::vector<OpCase<T>> op_cases();
/// The rows of op_cases() kept in files of their own (op_cases_<group>.cpp).
template <class T>
std::vector<OpCase<T>> elementwise_op_cases();
template <class T>
std::vector<OpCase<T>> reduction_op_cases();
template <class T>
std::vector<OpCase<T>> indexing_op_cases();

/// The rows of batched matmul, softmax along an axis, rank-3 linear and the
/// losses nll_loss and huber (op_cases_rank3.cpp).
template <class T>
std::vector<OpCase<T>> rank3_op_cases();

/// Records a case's inputs (variables) and constants on `tape`, in the op's
/// order.
template <class T>
std::vector<Var<T>> record_vars(Tape<T>& tape, const OpCase<T>& c);

/// The case as a gradcheck function of its differentiable inputs.
GradcheckFunction gradcheck_function(const OpCase<double>& c);

/// The names of the ops registered by tapegrad itself (Registry<double>).
std::set<std::string> builtin_names();

/// Fails the running test for each built-in `covered` lacks ("no <what> case
/// for built-in op 'x'"), for each covered name that is not a built-in (a
/// typo would cover nothing), and when the registry lists no built-in.
void expect_covers_builtins(const std::set<std::string>& covered, std::string_view what);

}  // namespace tapegrad::testing
