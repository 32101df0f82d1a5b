#include "tapegrad/nn/checkpoint.hpp"

#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "nn/file_io.hpp"
#include "nn/npy_file.hpp"
#include "tapegrad/core/error.hpp"
#include "tapegrad/nn/npy.hpp"

namespace tapegrad::nn {
namespace {

constexpr std::string_view kOp = "checkpoint";

/// The file of each parameter; ValueError for labels that cannot name a file.
template <class T>
std::vector<std::string> file_names(const std::string& directory,
                                    const std::vector<Parameter<T>*>& parameters) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const Parameter<T>* p = parameters[i];
    if (!p)
      throw ValueError(fmt::format("parameter {} is null", i), {std::string(kOp), {}, {}});
    const std::string& label = p->label();
    const bool usable = !label.empty() && label != "." && label != ".." &&
                        label.find_first_not_of(
                            "abcdefghijklmnopqrstuvwxyz"
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == std::string::npos;
    if (!usable) {
      throw ValueError(fmt::format("parameter {} has label '{}', which cannot name a file: use "
                                   "letters, digits, '.', '_' and '-'",
                                   i, label),
                       {std::string(kOp), {}, {}});
    }
    if (!seen.insert(label).second) {
      throw ValueError(fmt::format("two parameters share the label '{}'", label),
                       {std::string(kOp), {}, {}});
    }
    names.push_back((std::filesystem::path(directory) / (label + ".npy")).string());
  }
  return names;
}

}  // namespace

template <class T>
void save_checkpoint(const std::string& directory, const std::vector<Parameter<T>*>& parameters) {
  const std::vector<std::string> names = file_names(directory, parameters);
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec)
    io::file_error(kOp, directory, "cannot be created: " + ec.message());
  for (std::size_t i = 0; i < parameters.size(); ++i)
    io::write_file(names[i], npy_bytes(parameters[i]->value()), kOp);
}

template <class T>
void load_checkpoint(const std::string& directory, const std::vector<Parameter<T>*>& parameters) {
  const std::vector<std::string> names = file_names(directory, parameters);
  std::vector<Tensor<T>> loaded;
  loaded.reserve(parameters.size());
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const Parameter<T>& parameter = *parameters[i];
    // The shape is checked from the header, so a file of another shape costs
    // nothing to refuse, however large it is.
    loaded.push_back(read_npy_checked<T>(names[i], [&](const Shape& shape) {
      if (shape != parameter.shape()) {
        io::file_error(
            kOp, names[i],
            fmt::format("holds shape {}, parameter '{}' has shape {}", shape_to_string(shape),
                        parameter.label(), shape_to_string(parameter.shape())));
      }
    }));
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
