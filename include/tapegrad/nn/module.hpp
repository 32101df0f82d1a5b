#pragma once
// A Module is a layer with named parameters and named sub-modules, as in
// PyTorch's nn.Module:
//
//   named_parameters()  {"W", &W}, {"b", &b} for a Linear; "blocks.0.attn.query.W"
//                       for a parameter three modules down
//   parameters()        the same pointers, in the same order (own ones first,
//                       then each sub-module's in registration order)
//   train() / eval()    the mode, set on this module and every sub-module
//
// Parameter labels (what tape printouts and checkpoint files show) are the
// full dotted name from the outermost module: registering a sub-module as
// "attn" relabels its parameters "attn.…", and registering the parent as
// "blocks.0" somewhere else relabels them again ("blocks.0.attn.…"). A module
// built on its own may be given a name; its labels then start with it
// (Linear "fc" labels "fc.W", "fc.b").
//
// A module holds pointers to its parameters and sub-modules, which are its
// members or owned on the heap, so most modules neither copy nor move.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad::nn {

template <class T>
class TAPEGRAD_EXPORT Module {
 public:
  virtual ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  /// The layer applied to x, recording on x's tape.
  virtual Var<T> forward(Var<T> x) = 0;
  Var<T> operator()(Var<T> x) { return forward(x); }

  /// Every parameter of this module and its sub-modules (see the top of the file).
  std::vector<Parameter<T>*> parameters();
  /// The same, each with its dotted name relative to this module.
  std::vector<std::pair<std::string, Parameter<T>*>> named_parameters();
  /// The direct sub-modules with their names, in registration order.
  const std::vector<std::pair<std::string, Module*>>& children() const noexcept {
    return children_;
  }

  /// Sets training mode (dropout active) on this module and every sub-module.
  void train(bool on = true);
  /// train(false): dropout becomes the identity.
  void eval() { train(false); }
  bool is_training() const noexcept { return training_; }

  /// The dotted name this module's parameter labels start with ("" if none).
  std::string name() const {
    return prefix_.empty() ? prefix_ : prefix_.substr(0, prefix_.size() - 1);
  }
  /// Relabels every parameter below this module to `name` + "." + its dotted name
  /// (or just its dotted name for an empty `name`).
  void set_name(const std::string& name);

 protected:
  explicit Module(const std::string& name = {});
  Module(Module&&) noexcept;
  Module& operator=(Module&&) noexcept;

  /// Adds `parameter` (a member of the derived module) under `name` and labels it.
  Parameter<T>& register_parameter(const std::string& name, Parameter<T>& parameter);
  /// Adds `child` (a member, or owned by the derived module) under `name`.
  Module& register_module(const std::string& name, Module& child);

 private:
  void relabel(const std::string& prefix);

  std::string prefix_;
  bool training_ = true;
  std::vector<std::pair<std::string, Parameter<T>*>> parameters_;
  std::vector<std::pair<std::string, Module*>> children_;
};

}  // namespace tapegrad::nn
