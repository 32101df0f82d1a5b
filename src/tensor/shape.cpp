#include <fmt/format.h>

#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

std::string shape_to_string(const Shape& shape) {
  if (shape.size() == 1)
    return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

std::size_t shape_size(const Shape& shape) noexcept {
  std::size_t size = 1;
  for (std::size_t extent : shape)
    size *= extent;
  return size;
}

}  // namespace tapegrad
