#include "tapegrad/core/plugins.hpp"

#include <dlfcn.h>
#include <link.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <variant>

#include <fmt/format.h>

#include "core/current_exception.hpp"
#include "core/pending_registrations.hpp"
#include "core/plugin_probe.hpp"

namespace tapegrad {
namespace {

[[noreturn]] void fail(std::string message) {
  throw PluginError(std::move(message), {"load_ops", std::nullopt, {}});
}

/// The library's own entry point: dlsym also searches the libraries it
/// depends on, and another plugin's entry point there is not this one's.
PluginEntryPoint* own_entry_point(void* handle) {
  void* symbol = dlsym(handle, kPluginEntryPoint);
  if (!symbol)
    return nullptr;
  link_map* own = nullptr;
  link_map* holder = nullptr;
  Dl_info info;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &own) != 0 ||
      !dladdr1(symbol, &info, reinterpret_cast<void**>(&holder), RTLD_DL_LINKMAP) ||
      holder != own) {
    return nullptr;
  }
  return reinterpret_cast<PluginEntryPoint*>(symbol);
}

/// Runs the library's initialisers and entry point, collecting what they
/// register (Note [A plugin's registrations are pending until load_ops
/// commits them]); returns the ops added, or the message of the failure.
std::variant<std::vector<std::string>, std::string> load_and_commit(const std::string& canonical,
                                                                    const std::string& requested,
                                                                    bool loaded_before) {
  PendingRegistrations pending;
  std::optional<std::string> entry_point_error;
  {
    const CollectRegistrations collect(pending);
    // RTLD_LOCAL keeps the plugin's own symbols private; its ops reach us
    // only through the registry. Never dlclose'd: nodes may point into it.
    void* handle = open_library(canonical);
    if (!handle)
      fail(fmt::format("cannot load ops from '{}': {}", requested, dlerror()));
    if (PluginEntryPoint* entry = own_entry_point(handle)) {
      PluginRegistrar registrar(std::filesystem::path(canonical).filename().string());
      try {
        entry(registrar);
      } catch (...) {
        entry_point_error = describe_current_exception();
      }
    }
  }
  if (entry_point_error) {
    return fmt::format("'{}': {} threw {}, so none of its ops was registered", requested,
                       kPluginEntryPoint, *entry_point_error);
  }
  CommitResult committed = RegistryTransaction::commit(std::move(pending));
  if (!committed.refusals.empty()) {
    return fmt::format("'{}' could not register all its ops, so none was registered: {}", requested,
                       fmt::join(committed.refusals, "; "));
  }
  if (committed.names.empty()) {
    return fmt::format(
        "'{}' loaded but registered no op. A plugin registers its ops from {} (TAPEGRAD_PLUGIN) "
        "or from static initialisers (a namespace-scope tapegrad::OpRegistration){}",
        requested, kPluginEntryPoint,
        loaded_before ? "; this library was already in the process (linked into the program, or "
                        "opened by dlopen elsewhere), so its static initialisers ran then and "
                        "registered their ops, which are usable by name already"
                      : "");
  }
  return std::move(committed.names);
}

}  // namespace

PluginError::~PluginError() = default;

void PluginRegistrar::add(OpInfo<float> info) {
  Registry<float>::global().add(std::move(info));
}
void PluginRegistrar::add(OpInfo<double> info) {
  Registry<double>::global().add(std::move(info));
}

std::vector<std::string> load_ops(std::string_view path, const PluginOptions& options) {
  const std::string requested(path);
  if (collecting_registrations()) {
    fail(
        fmt::format("cannot load ops from '{}' while another plugin is loading (load_ops called "
                    "from a plugin's static initialiser or {})",
                    requested, kPluginEntryPoint));
  }
  // Canonical path → the ops it registered, or why loading it failed. A
  // library loads once per process, so a second load repeats the first's result.
  static std::mutex mutex;
  static std::map<std::string, std::variant<std::vector<std::string>, std::string>> loaded;
  const std::lock_guard lock(mutex);

  std::error_code error;
  if (!std::filesystem::is_regular_file(requested, error))
    fail(fmt::format("cannot load ops from '{}': no such file", requested));
  const std::string canonical = std::filesystem::canonical(requested, error).string();
  if (const auto found = loaded.find(canonical); found != loaded.end()) {
    if (const auto* names = std::get_if<std::vector<std::string>>(&found->second))
      return *names;
    fail(
        fmt::format("'{}' was loaded before and failed, and a library loads once per process, "
                    "so its ops cannot be registered now. The first load said: {}",
                    requested, std::get<std::string>(found->second)));
  }

  // Already in the process: dlopen runs no initialiser, so there is nothing to probe.
  const bool loaded_before = dlopen(canonical.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  if (options.probe && !loaded_before) {
    const ProbeOutcome probe = probe_in_child(canonical);
    if (probe.kind == ProbeOutcome::Kind::not_loadable)
      fail(fmt::format("cannot load ops from '{}': {}", requested, probe.detail));
    if (probe.kind == ProbeOutcome::Kind::ends_the_process) {
      fail(fmt::format(
          "cannot load ops from '{}': loading it ends the process: {}. Nothing was loaded "
          "(load_ops loaded it in a child process first). A plugin's static initialisers must "
          "not throw or end the process; do fallible work in {} (TAPEGRAD_PLUGIN), whose "
          "exceptions load_ops reports",
          requested, probe.detail, kPluginEntryPoint));
    }
  }
  auto outcome = load_and_commit(canonical, requested, loaded_before);
  const auto [entry, added] = loaded.emplace(canonical, std::move(outcome));
  if (const auto* names = std::get_if<std::vector<std::string>>(&entry->second))
    return *names;
  fail(std::get<std::string>(entry->second));
}

}  // namespace tapegrad
