// A plugin registering two ops from its entry point, one of them for double only.
#include "doubling_op.hpp"

namespace {
struct Both {
  static constexpr std::string_view value = "plugin_test_entry_both";
};
struct DoubleOnly {
  static constexpr std::string_view value = "plugin_test_entry_double_only";
};
}  // namespace

TAPEGRAD_PLUGIN(registrar) {
  registrar.add<test_plugins::Doubling<Both>::Op>();
  registrar.add(tapegrad::op_info<test_plugins::Doubling<DoubleOnly>::Op<double>, double>(
      "entry_point test plugin"));
}
