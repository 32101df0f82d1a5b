#pragma once
// A read-only view of contiguous elements, for signatures that take "some
// Vars" or "some labels". std::span would do, but the public headers must
// also compile for C++17 consumers, and a std::span in an exported signature
// would change its mangled name between the two standards.

#include <array>
#include <cstddef>
#include <initializer_list>
#include <vector>

namespace tapegrad {

template <class T>
class Span {
 public:
  constexpr Span() noexcept = default;
  constexpr Span(const T* data, std::size_t size) noexcept : data_(data), size_(size) {}
  Span(const std::vector<T>& v) noexcept : data_(v.data()), size_(v.size()) {}  // NOLINT
  template <std::size_t N>
  constexpr Span(const std::array<T, N>& a) noexcept : data_(a.data()), size_(N) {}  // NOLINT
  // Valid only for the full-expression that built the list, as with std::span
  // (GCC warns about the lifetime; this is the intended use).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"
#endif
  constexpr Span(std::initializer_list<T> list) noexcept  // NOLINT
      : data_(list.begin()), size_(list.size()) {}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

  constexpr const T* data() const noexcept {
    return data_;
  }
  constexpr std::size_t size() const noexcept {
    return size_;
  }
  constexpr bool empty() const noexcept {
    return size_ == 0;
  }
  constexpr const T& operator[](std::size_t i) const noexcept {
    return data_[i];
  }
  constexpr const T* begin() const noexcept {
    return data_;
  }
  constexpr const T* end() const noexcept {
    return data_ + size_;
  }

 private:
  const T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace tapegrad
