#include "core/current_exception.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <typeinfo>

#include <fmt/format.h>

namespace tapegrad {

std::string describe_current_exception() {
  const std::type_info* type = abi::__cxa_current_exception_type();
  if (!type)
    return "no exception";
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(type->name(), nullptr, nullptr, &status), &std::free);
  std::string text = status == 0 && demangled ? demangled.get() : type->name();
  try {
    std::rethrow_exception(std::current_exception());
  } catch (const std::exception& e) {
    text += fmt::format(" ('{}')", e.what());
  } catch (...) {
    // Not a std::exception: its type is all there is to say.
  }
  return text;
}

}  // namespace tapegrad
