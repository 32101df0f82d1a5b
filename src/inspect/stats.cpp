// inspect::stats(): the cost ledger of a record. Costs come from the record;
// byte counts from the recorded shapes, since a record holds no buffers.
#include "core/saturating.hpp"
#include "inspect/text_support.hpp"
#include "tapegrad/inspect/tape_record.hpp"

namespace tapegrad::inspect {

namespace {

using tapegrad::detail::saturating_product;

std::uint64_t dtype_size(const std::string& dtype) {
  return dtype == "float32" ? 4 : 8;
}

}  // namespace

TapeStats stats(const TapeRecord& record) {
  const std::uint64_t element_bytes = dtype_size(record.dtype);
  std::vector<NodeFootprint> footprints;
  footprints.reserve(record.nodes.size());
  for (const NodeRecord& node : record.nodes) {
    NodeFootprint f;
    f.op = node.op;
    f.cost = node.cost;
    f.saved_bytes = node.saved_bytes;
    const std::uint64_t bytes =
        saturating_product(detail::element_count(node.shape), element_bytes);
    if (node.kind == NodeKind::parameter) {
      // A parameter's value and gradient buffer (Tape::stats() counts a
      // parameter watched twice once; a record cannot tell them apart).
      f.parameter_bytes = saturating_product(bytes, 2);
    } else {
      f.value_bytes = bytes;
      f.grad_bytes = node.grad_summary ? bytes : 0;
    }
    footprints.push_back(std::move(f));
  }
  return tally(footprints);
}

}  // namespace tapegrad::inspect
