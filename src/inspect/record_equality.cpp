// Field-by-field equality of records. Written out by hand because public
// headers stay C++17 (no defaulted operator==) and because NaN, which a
// record may legitimately hold, must equal itself for a round trip to compare.
#include "tapegrad/inspect/record_equality.hpp"

#include <algorithm>
#include <cmath>

namespace tapegrad::inspect {

namespace {

bool same(double a, double b) {
  return a == b || (std::isnan(a) && std::isnan(b));
}

bool same(const std::vector<double>& a, const std::vector<double>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](double x, double y) { return same(x, y); });
}

bool same(const OpCost& a, const OpCost& b) {
  return a.forward_flops == b.forward_flops && a.forward_bytes == b.forward_bytes &&
         a.backprop_flops == b.backprop_flops && a.backprop_bytes == b.backprop_bytes;
}

bool same(const std::optional<OpCost>& a, const std::optional<OpCost>& b) {
  return a.has_value() == b.has_value() && (!a || same(*a, *b));
}

bool same(const TraceTensor& a, const TraceTensor& b) {
  return a.shape == b.shape && same(a.values, b.values);
}

bool same(const TraceContribution& a, const TraceContribution& b) {
  return a.position == b.position && a.input == b.input && same(a.gradient, b.gradient);
}

bool same(const TraceStep& a, const TraceStep& b) {
  return a.node == b.node && a.op == b.op && a.label == b.label &&
         same(a.grad_output, b.grad_output) &&
         std::equal(a.contributions.begin(), a.contributions.end(), b.contributions.begin(),
                    b.contributions.end(), [](const auto& x, const auto& y) { return same(x, y); });
}

bool same(const BackpropTrace& a, const BackpropTrace& b) {
  return a.output == b.output && same(a.seed, b.seed) &&
         std::equal(a.steps.begin(), a.steps.end(), b.steps.begin(), b.steps.end(),
                    [](const auto& x, const auto& y) { return same(x, y); });
}

bool same_attributes(const NodeRecord& a, const NodeRecord& b) {
  return std::equal(
      a.attributes.begin(), a.attributes.end(), b.attributes.begin(), b.attributes.end(),
      [](const auto& x, const auto& y) { return x.first == y.first && same(x.second, y.second); });
}

}  // namespace

bool operator==(const TensorSummary& a, const TensorSummary& b) {
  return a.count == b.count && same(a.min, b.min) && same(a.mean, b.mean) && same(a.max, b.max) &&
         same(a.norm, b.norm) && a.nonfinite == b.nonfinite;
}

bool operator==(const NodeRecord& a, const NodeRecord& b) {
  return a.id == b.id && a.kind == b.kind && a.op == b.op && a.label == b.label &&
         a.inputs == b.inputs && a.shape == b.shape && a.requires_grad == b.requires_grad &&
         same_attributes(a, b) && a.formula == b.formula && a.value_summary == b.value_summary &&
         same(a.value, b.value) && a.grad_summary == b.grad_summary && same(a.grad, b.grad) &&
         same(a.cost, b.cost) && a.saved_bytes == b.saved_bytes;
}

bool operator==(const TapeRecord& a, const TapeRecord& b) {
  return a.dtype == b.dtype && a.nodes == b.nodes && a.output == b.output &&
         a.trace.has_value() == b.trace.has_value() && (!a.trace || same(*a.trace, *b.trace));
}

}  // namespace tapegrad::inspect
