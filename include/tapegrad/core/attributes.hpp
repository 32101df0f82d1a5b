#pragma once
// Named numeric attributes of an op (a slope, an exponent, an axis). They are
// part of the recorded node: inspection prints them and the registry builds
// ops from them when an op is applied by name.

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tapegrad {

class Attributes {
 public:
  using Item = std::pair<std::string, double>;

  Attributes() = default;
  Attributes(std::initializer_list<Item> items) : items_(items) {}

  /// Sets (or replaces) one attribute; returns *this for chaining.
  Attributes& set(std::string_view name, double value) {
    for (auto& [key, existing] : items_) {
      if (key == name) {
        existing = value;
        return *this;
      }
    }
    items_.emplace_back(std::string(name), value);
    return *this;
  }

  const double* find(std::string_view name) const noexcept {
    for (const auto& [key, value] : items_) {
      if (key == name)
        return &value;
    }
    return nullptr;
  }

  bool has(std::string_view name) const noexcept { return find(name) != nullptr; }
  double get_or(std::string_view name, double fallback) const noexcept {
    const double* value = find(name);
    return value ? *value : fallback;
  }

  const std::vector<Item>& items() const noexcept { return items_; }
  std::size_t size() const noexcept { return items_.size(); }
  bool empty() const noexcept { return items_.empty(); }

  friend bool operator==(const Attributes& a, const Attributes& b) { return a.items_ == b.items_; }
  friend bool operator!=(const Attributes& a, const Attributes& b) { return !(a == b); }

 private:
  std::vector<Item> items_;
};

}  // namespace tapegrad
