#include "tapegrad/core/plugins.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "tapegrad/core/registry.hpp"

namespace tapegrad {
namespace {

std::set<std::string> registered_names() {
  std::set<std::string> names;
  for (const auto& info : Registry<float>::global().entries())
    names.insert(info.name);
  for (const auto& info : Registry<double>::global().entries())
    names.insert(info.name);
  return names;
}

}  // namespace

PluginError::~PluginError() = default;

std::vector<std::string> load_ops(std::string_view path) {
  static std::mutex mutex;
  static std::map<std::string, std::vector<std::string>> loaded;  // canonical path → ops
  const std::lock_guard lock(mutex);

  const std::string requested(path);
  std::error_code error;
  if (!std::filesystem::is_regular_file(requested, error)) {
    throw PluginError(fmt::format("cannot load ops from '{}': no such file", requested),
                      {"load_ops", std::nullopt, {}});
  }
  const std::string canonical = std::filesystem::canonical(requested, error).string();
  if (const auto found = loaded.find(canonical); found != loaded.end())
    return found->second;

  const std::set<std::string> before = registered_names();
  const std::size_t failures_before = registration_failures().size();
  // RTLD_LOCAL keeps the plugin's own symbols private; its ops reach us only
  // through the registry. Never dlclose'd: nodes may point into its code.
  void* handle = dlopen(canonical.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    throw PluginError(fmt::format("cannot load ops from '{}': {}", requested, dlerror()),
                      {"load_ops", std::nullopt, {}});
  }
  const std::vector<std::string> failures = registration_failures();
  if (failures.size() > failures_before) {
    std::vector<std::string> reasons(
        failures.begin() + static_cast<std::ptrdiff_t>(failures_before), failures.end());
    throw PluginError(
        fmt::format("'{}' could not register all its ops: {}", requested, fmt::join(reasons, "; ")),
        {"load_ops", std::nullopt, {}});
  }
  std::vector<std::string> added;
  for (const std::string& name : registered_names()) {
    if (!before.count(name))
      added.push_back(name);
  }
  if (added.empty()) {
    throw PluginError(
        fmt::format("'{}' loaded but registered no op. A plugin registers its ops from static "
                    "initialisers (e.g. a namespace-scope tapegrad::OpRegistration); a library "
                    "already loaded (linked into the program) registered its ops then, and they "
                    "are usable by name already",
                    requested),
        {"load_ops", std::nullopt, {}});
  }
  loaded.emplace(canonical, added);
  return added;
}

}  // namespace tapegrad
