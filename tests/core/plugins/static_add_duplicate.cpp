// A plugin calling Registry::add from static initialisers: a new op, then the
// name of a built-in (which add() outside load_ops refuses by throwing).
#include "doubling_op.hpp"

namespace {
struct Fresh {
  static constexpr std::string_view value = "plugin_test_static_add_fresh";
};
struct Add {
  static constexpr std::string_view value = "add";
};

bool register_both() {
  using tapegrad::op_info;
  tapegrad::Registry<double>::global().add(
      op_info<test_plugins::Doubling<Fresh>::Op<double>, double>("static_add plugin"));
  tapegrad::Registry<double>::global().add(
      op_info<test_plugins::Doubling<Add>::Op<double>, double>("static_add plugin"));
  return true;
}
const bool registered = register_both();
}  // namespace
