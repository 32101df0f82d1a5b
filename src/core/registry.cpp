#include "tapegrad/core/registry.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

#include <fmt/format.h>

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

template <class T>
void Registry<T>::add(OpInfo<T> info) {
  if (info.name.empty())
    throw RegistryError("an op cannot be registered without a name");
  if (!info.factory) {
    throw RegistryError(
        fmt::format("op '{}' (from {}) was registered without a factory", info.name, info.origin));
  }
  std::lock_guard lock(mutex_);
  const auto existing = ops_.find(info.name);
  if (existing != ops_.end()) {
    throw RegistryError(fmt::format("op '{}' ({}) from {} is already registered by {}", info.name,
                                    sizeof(T) == 4 ? "float" : "double",
                                    info.origin.empty() ? "(unnamed origin)" : info.origin,
                                    existing->second.origin));
  }
  std::string name = info.name;
  ops_.emplace(std::move(name), std::move(info));
}

template <class T>
bool Registry<T>::contains(std::string_view name) const {
  std::lock_guard lock(mutex_);
  return ops_.find(name) != ops_.end();
}

template <class T>
OpInfo<T> Registry<T>::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
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

template class Registry<float>;
template class Registry<double>;

}  // namespace tapegrad
