#include "tapegrad/nn/module.hpp"

#include "tapegrad/core/error.hpp"

namespace tapegrad::nn {
namespace {

std::string prefix_of(const std::string& name) {
  return name.empty() ? name : name + ".";
}

template <class T>
void collect(Module<T>& module, const std::string& prefix,
             std::vector<std::pair<std::string, Parameter<T>*>>& out,
             const std::vector<std::pair<std::string, Parameter<T>*>>& own) {
  for (const auto& [name, parameter] : own)
    out.emplace_back(prefix + name, parameter);
  for (const auto& [name, child] : module.children()) {
    for (auto& [child_name, parameter] : child->named_parameters())
      out.emplace_back(prefix + name + "." + child_name, parameter);
  }
}

/// `where` is " (in module 'name')" for a named module, "" for an unnamed one.
template <class T>
void check_new_name(const std::string& name, const std::vector<std::pair<std::string, T*>>& taken,
                    const std::string& prefix, const char* what) {
  const std::string where =
      prefix.empty() ? "" : " (in module '" + prefix.substr(0, prefix.size() - 1) + "')";
  if (name.empty() || name.find('.') != std::string::npos) {
    throw ValueError(
        std::string(what) + " name '" + name + "' must be non-empty and hold no '.'" + where,
        {"module", std::nullopt, {}});
  }
  for (const auto& entry : taken) {
    if (entry.first == name) {
      throw ValueError(std::string(what) + " name '" + name + "' is taken" + where,
                       {"module", std::nullopt, {}});
    }
  }
}

}  // namespace

template <class T>
Module<T>::Module(const std::string& name) : prefix_(prefix_of(name)) {}
template <class T>
Module<T>::~Module() = default;
template <class T>
Module<T>::Module(Module&&) noexcept = default;
template <class T>
Module<T>& Module<T>::operator=(Module&&) noexcept = default;

template <class T>
std::vector<std::pair<std::string, Parameter<T>*>> Module<T>::named_parameters() {
  std::vector<std::pair<std::string, Parameter<T>*>> all;
  collect(*this, "", all, parameters_);
  return all;
}

template <class T>
std::vector<Parameter<T>*> Module<T>::parameters() {
  std::vector<Parameter<T>*> all;
  for (const auto& named : named_parameters())
    all.push_back(named.second);
  return all;
}

template <class T>
void Module<T>::train(bool on) {
  training_ = on;
  for (const auto& child : children_)
    child.second->train(on);
}

template <class T>
void Module<T>::set_name(const std::string& name) {
  relabel(prefix_of(name));
}

template <class T>
void Module<T>::relabel(const std::string& prefix) {
  prefix_ = prefix;
  for (const auto& [name, parameter] : parameters_)
    parameter->set_label(prefix_ + name);
  for (const auto& [name, child] : children_)
    child->relabel(prefix_ + name + ".");
}

template <class T>
Parameter<T>& Module<T>::register_parameter(const std::string& name, Parameter<T>& parameter) {
  check_new_name(name, parameters_, prefix_, "parameter");
  check_new_name(name, children_, prefix_, "parameter");
  parameters_.emplace_back(name, &parameter);
  parameter.set_label(prefix_ + name);
  return parameter;
}

template <class T>
Module<T>& Module<T>::register_module(const std::string& name, Module& child) {
  check_new_name(name, parameters_, prefix_, "sub-module");
  check_new_name(name, children_, prefix_, "sub-module");
  children_.emplace_back(name, &child);
  child.relabel(prefix_ + name + ".");
  child.train(training_);
  return child;
}

template class Module<float>;
template class Module<double>;

}  // namespace tapegrad::nn
