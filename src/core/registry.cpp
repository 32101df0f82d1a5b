#include "tapegrad/core/registry.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "core/pending_registrations.hpp"

namespace tapegrad {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
    }
  }
  return row[b.size()];
}

}  // namespace

template <class T>
Registry<T>& Registry<T>::global() {
  static Registry registry;
  return registry;
}

namespace {

template <class T>
void check_complete(const OpInfo<T>& info) {
  if (info.name.empty())
    throw RegistryError("an op cannot be registered without a name");
  if (!info.factory) {
    throw RegistryError(
        fmt::format("op '{}' (from {}) was registered without a factory", info.name, info.origin));
  }
}

std::string origin_text(const std::string& origin) {
  return origin.empty() ? "(unnamed origin)" : origin;
}

template <class T>
std::string already_registered(const std::string& name, const std::string& origin,
                               const std::string& existing_origin) {
  return fmt::format("op '{}' ({}) from {} is already registered by {}", name,
                     sizeof(T) == 4 ? "float" : "double", origin_text(origin), existing_origin);
}

/// Puts `info` into the pending set of the plugin this thread is loading, if
/// any (Note [A plugin's registrations are pending until load_ops commits
/// them]); an incomplete entry becomes a refusal there instead of a throw.
template <class T>
bool joined_pending_plugin(OpInfo<T>& info, const Registry<T>& registry) {
  PendingRegistrations* pending = collecting_registrations();
  if (!pending || &registry != &Registry<T>::global())
    return false;
  try {
    check_complete(info);
    pending->of<T>().push_back(std::move(info));
  } catch (const RegistryError& e) {
    pending->refusals.push_back(e.detail());
  }
  return true;
}

}  // namespace

template <class T>
void Registry<T>::add(OpInfo<T> info) {
  if (joined_pending_plugin(info, *this))
    return;
  check_complete(info);
  std::lock_guard lock(mutex_);
  const auto existing = ops_.find(info.name);
  if (existing != ops_.end())
    throw RegistryError(already_registered<T>(info.name, info.origin, existing->second.origin));
  std::string name = info.name;
  ops_.emplace(std::move(name), std::move(info));
}

template <class T>
std::optional<std::string> Registry<T>::add_or_mark_conflict(OpInfo<T> info) {
  if (joined_pending_plugin(info, *this))
    return std::nullopt;
  check_complete(info);
  std::lock_guard lock(mutex_);
  const auto existing = ops_.find(info.name);
  if (existing == ops_.end()) {
    std::string name = info.name;
    ops_.emplace(std::move(name), std::move(info));
    return std::nullopt;
  }
  std::vector<std::string>& origins = conflicts_[info.name];
  if (origins.empty())
    origins.push_back(existing->second.origin);
  origins.push_back(info.origin);
  return existing->second.origin;
}

template <class T>
bool Registry<T>::contains(std::string_view name) const {
  std::lock_guard lock(mutex_);
  return ops_.find(name) != ops_.end();
}

template <class T>
OpInfo<T> Registry<T>::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  if (const auto conflict = conflicts_.find(name); conflict != conflicts_.end()) {
    throw RegistryError(fmt::format(
        "op '{}' cannot be used: its registration conflicted (registered by {} when the program "
        "or a plugin loaded), so which op the name means depends on load order; rename all but "
        "one of them",
        name, fmt::join(conflict->second, ", then by ")));
  }
  const auto found = ops_.find(name);
  if (found != ops_.end())
    return found->second;

  std::vector<std::pair<std::size_t, std::string_view>> ranked;
  for (const auto& [candidate, info] : ops_)
    ranked.emplace_back(edit_distance(name, candidate), candidate);
  std::sort(ranked.begin(), ranked.end());
  std::string closest;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, ranked.size()); ++i) {
    closest += fmt::format("{}'{}'", i ? ", " : "", ranked[i].second);
  }
  throw UnknownOpError(fmt::format("no op named '{}' is registered{}", name,
                                   closest.empty() ? "" : "; closest: " + closest));
}

template <class T>
const Operation<T>& Registry<T>::make(std::string_view name, const Attributes& attributes,
                                      OpArena<T>& arena) const {
  const OpInfo<T> info = find(name);
  for (const auto& [key, value] : attributes.items()) {
    if (std::find(info.attributes.begin(), info.attributes.end(), key) == info.attributes.end()) {
      throw ValueError(fmt::format("unknown attribute '{}' (accepted: {})", key,
                                   info.attributes.empty()
                                       ? std::string("none")
                                       : fmt::format("{}", fmt::join(info.attributes, ", "))),
                       {info.name, std::nullopt, {}});
    }
  }
  return info.factory(arena, attributes);
}

template <class T>
std::vector<OpInfo<T>> Registry<T>::entries() const {
  std::lock_guard lock(mutex_);
  std::vector<OpInfo<T>> all;
  all.reserve(ops_.size());
  for (const auto& [name, info] : ops_)
    all.push_back(info);
  return all;
}

namespace {
std::mutex failures_mutex;
std::vector<std::string>& failures() {
  static std::vector<std::string> list;
  return list;
}
}  // namespace

void record_registration_failure(const std::string& message) {
  const std::lock_guard lock(failures_mutex);
  failures().push_back(message);
}

std::vector<std::string> registration_failures() {
  const std::lock_guard lock(failures_mutex);
  return failures();
}

namespace {

/// Adds `info`; on a refusal returns why (recorded as a failure) and sets
/// `taken_by` to the origin already holding the name, if that was the reason.
template <class T>
std::optional<std::string> add_at_load(OpInfo<T>&& info, std::string& taken_by) {
  const std::string name = info.name;
  const std::string origin = info.origin;
  std::string message;
  try {
    const std::optional<std::string> existing =
        Registry<T>::global().add_or_mark_conflict(std::move(info));
    if (!existing)
      return std::nullopt;
    taken_by = *existing;
    message = already_registered<T>(name, origin, *existing);
  } catch (const std::exception& e) {
    message = e.what();
  }
  record_registration_failure(message);
  return message;
}

}  // namespace

void register_at_load(OpInfo<float> for_float, OpInfo<double> for_double) noexcept {
  try {
    const std::string name = for_double.name;
    const std::string origin = origin_text(for_double.origin);
    std::string float_taken_by, double_taken_by;
    const auto float_refused = add_at_load(std::move(for_float), float_taken_by);
    const auto double_refused = add_at_load(std::move(for_double), double_taken_by);
    if (!float_refused && !double_refused)
      return;
    std::string line;
    if (!float_taken_by.empty() || !double_taken_by.empty()) {
      std::string holders = float_taken_by.empty() ? double_taken_by : float_taken_by;
      if (!float_taken_by.empty() && !double_taken_by.empty() && float_taken_by != double_taken_by)
        holders += " (float) and " + double_taken_by + " (double)";
      line = fmt::format(
          "tapegrad: op '{}' from {} conflicts with the op '{}' already registered by {}; using "
          "'{}' now throws RegistryError",
          name, origin, name, holders, name);
    } else {
      line = fmt::format("tapegrad: registering an op from {} failed: {}", origin,
                         float_refused ? *float_refused : *double_refused);
    }
    fmt::print(stderr, "{}\n", line);
  } catch (...) {
    // Out of memory while reporting: nothing more can be done in a static initialiser.
  }
}

namespace {

/// Why each entry of `pending` cannot be added to `ops` (its registry's map,
/// locked by the caller): a name already registered, or one the set holds twice.
template <class T, class Map>
void refuse_taken_names(const std::vector<OpInfo<T>>& pending, const Map& ops,
                        std::vector<std::string>& refusals) {
  std::map<std::string_view, const OpInfo<T>*> seen;
  for (const OpInfo<T>& info : pending) {
    if (const auto existing = ops.find(info.name); existing != ops.end()) {
      refusals.push_back(already_registered<T>(info.name, info.origin, existing->second.origin));
    } else if (const auto [first, fresh] = seen.emplace(info.name, &info); !fresh) {
      refusals.push_back(already_registered<T>(
          info.name, info.origin, origin_text(first->second->origin) + " in the same library"));
    }
  }
}

template <class T, class Map>
void insert_all(std::vector<OpInfo<T>>& pending, Map& ops, std::set<std::string>& names) {
  for (OpInfo<T>& info : pending) {
    names.insert(info.name);
    std::string name = info.name;
    ops.emplace(std::move(name), std::move(info));
  }
}

}  // namespace

CommitResult RegistryTransaction::commit(PendingRegistrations&& pending) {
  Registry<float>& floats = Registry<float>::global();
  Registry<double>& doubles = Registry<double>::global();
  // Both locks at once: another thread sees all of the plugin's ops or none.
  const std::scoped_lock lock(floats.mutex_, doubles.mutex_);
  CommitResult result;
  result.refusals = std::move(pending.refusals);
  refuse_taken_names(pending.floats, floats.ops_, result.refusals);
  refuse_taken_names(pending.doubles, doubles.ops_, result.refusals);
  if (!result.refusals.empty())
    return result;
  std::set<std::string> names;
  insert_all(pending.floats, floats.ops_, names);
  insert_all(pending.doubles, doubles.ops_, names);
  result.names.assign(names.begin(), names.end());
  return result;
}

template class Registry<float>;
template class Registry<double>;

}  // namespace tapegrad
