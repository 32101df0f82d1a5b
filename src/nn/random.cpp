#include "tapegrad/nn/random.hpp"

#include <bit>
#include <sstream>

namespace tapegrad::nn {

std::string Rng::state() const {
  std::ostringstream out;
  out << engine_ << ' ' << std::bit_cast<std::uint64_t>(spare_) << ' ' << (has_spare_ ? 1 : 0);
  return out.str();
}

std::optional<Rng> Rng::from_state(std::string_view text) {
  std::istringstream in{std::string(text)};
  Rng rng;
  std::uint64_t spare_bits = 0;
  int has_spare = -1;
  in >> rng.engine_ >> spare_bits >> has_spare;
  if (!in || (has_spare != 0 && has_spare != 1))
    return std::nullopt;
  in >> std::ws;
  if (!in.eof())  // something after the state
    return std::nullopt;
  rng.spare_ = std::bit_cast<double>(spare_bits);
  rng.has_spare_ = has_spare == 1;
  return rng;
}

}  // namespace tapegrad::nn
