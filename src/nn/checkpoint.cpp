#include "tapegrad/nn/checkpoint.hpp"

#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "nn/checkpoint_files.hpp"
#include "nn/file_io.hpp"
#include "nn/npy_file.hpp"
#include "tapegrad/core/error.hpp"
#include "tapegrad/nn/npy.hpp"

namespace tapegrad::nn {
namespace detail {

template <class T>
std::vector<std::string> checkpoint_files(const std::string& directory,
                                          const std::vector<Parameter<T>*>& parameters) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const Parameter<T>* p = parameters[i];
    if (!p)
      throw ValueError(fmt::format("parameter {} is null", i),
                       {std::string(kCheckpointOp), {}, {}});
    const std::string& label = p->label();
    const bool usable = !label.empty() && label != "." && label != ".." &&
                        label.find_first_not_of(
                            "abcdefghijklmnopqrstuvwxyz"
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == std::string::npos;
    if (!usable) {
      throw ValueError(fmt::format("parameter {} has label '{}', which cannot name a file: use "
                                   "letters, digits, '.', '_' and '-'",
                                   i, label),
                       {std::string(kCheckpointOp), {}, {}});
    }
    if (!seen.insert(label).second) {
      throw ValueError(fmt::format("two parameters share the label '{}'", label),
                       {std::string(kCheckpointOp), {}, {}});
    }
    names.push_back((std::filesystem::path(directory) / (label + ".npy")).string());
  }
  return names;
}

template <class T>
Tensor<T> read_shaped(const std::string& path, const Shape& shape, const std::string& what) {
  // The shape is checked from the header, so a file of another shape costs
  // nothing to refuse, however large it is.
  return read_npy_checked<T>(path, [&](const Shape& found) {
    if (found != shape) {
      io::file_error(kCheckpointOp, path,
                     fmt::format("holds shape {}, {} has shape {}", shape_to_string(found), what,
                                 shape_to_string(shape)));
    }
  });
}

template std::vector<std::string> checkpoint_files<float>(const std::string&,
                                                          const std::vector<Parameter<float>*>&);
template std::vector<std::string> checkpoint_files<double>(const std::string&,
                                                           const std::vector<Parameter<double>*>&);
template Tensor<float> read_shaped<float>(const std::string&, const Shape&, const std::string&);
template Tensor<double> read_shaped<double>(const std::string&, const Shape&, const std::string&);

}  // namespace detail

template <class T>
void save_checkpoint(const std::string& directory, const std::vector<Parameter<T>*>& parameters) {
  const std::vector<std::string> names = detail::checkpoint_files(directory, parameters);
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec)
    io::file_error(detail::kCheckpointOp, directory, "cannot be created: " + ec.message());
  for (std::size_t i = 0; i < parameters.size(); ++i)
    io::write_file(names[i], npy_bytes(parameters[i]->value()), detail::kCheckpointOp);
}

template <class T>
void load_checkpoint(const std::string& directory, const std::vector<Parameter<T>*>& parameters) {
  const std::vector<std::string> names = detail::checkpoint_files(directory, parameters);
  std::vector<Tensor<T>> loaded;
  loaded.reserve(parameters.size());
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const Parameter<T>& parameter = *parameters[i];
    loaded.push_back(detail::read_shaped<T>(names[i], parameter.shape(),
                                            fmt::format("parameter '{}'", parameter.label())));
  }
  // Every file checked: only now touch the parameters (a same-shape copy
  // into the existing buffer, which cannot fail).
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    std::copy(loaded[i].begin(), loaded[i].end(), parameters[i]->value().begin());
    parameters[i]->zero_grad();
  }
}

template void save_checkpoint<float>(const std::string&, const std::vector<Parameter<float>*>&);
template void save_checkpoint<double>(const std::string&, const std::vector<Parameter<double>*>&);
template void load_checkpoint<float>(const std::string&, const std::vector<Parameter<float>*>&);
template void load_checkpoint<double>(const std::string&, const std::vector<Parameter<double>*>&);

}  // namespace tapegrad::nn
