// A plugin registering, with OpRegistration, an op of its own and one named
// like a built-in (`add`).
#include "doubling_op.hpp"

namespace {
struct Fresh {
  static constexpr std::string_view value = "plugin_test_fresh_op";
};
struct Add {
  static constexpr std::string_view value = "add";
};
const tapegrad::OpRegistration<test_plugins::Doubling<Fresh>::Op> fresh("duplicate_and_fresh");
const tapegrad::OpRegistration<test_plugins::Doubling<Add>::Op> add("duplicate_and_fresh");
}  // namespace
