#include "tapegrad/nn/training_checkpoint.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "nn/checkpoint_files.hpp"
#include "nn/file_io.hpp"
#include "tapegrad/core/error.hpp"
#include "tapegrad/nn/checkpoint.hpp"
#include "tapegrad/nn/dropout.hpp"
#include "tapegrad/nn/npy.hpp"

namespace tapegrad::nn {
namespace {

using detail::kCheckpointOp;

constexpr std::string_view kCheckpointMagic = "tapegrad-checkpoint";
constexpr int kVersion = 1;
constexpr std::uint64_t kMaxManifestBytes = 64 << 20;  // far more than any real one

template <class T>
constexpr std::string_view dtype_name() {
  return sizeof(T) == 4 ? "float32" : "float64";
}

std::string manifest_path(const std::string& directory) {
  return (std::filesystem::path(directory) / "manifest.txt").string();
}

/// directory/optimizer/<label>.<name>.npy
std::string state_file(const std::string& directory, const std::string& label,
                       const std::string& name) {
  return (std::filesystem::path(directory) / "optimizer" / (label + "." + name + ".npy")).string();
}

template <class N>
std::optional<N> parse_number(std::string_view text) {
  N value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

/// The manifest's lines, split into words, with the checks every line needs.
class Manifest {
 public:
  Manifest(const std::string& path, std::vector<std::vector<std::string>> lines)
      : path_(path), lines_(std::move(lines)) {}

  [[noreturn]] void fail(const std::string& problem) const {
    io::file_error(kCheckpointOp, path_, problem);
  }

  /// The lines starting with `key`, each without its key.
  std::vector<std::vector<std::string>> all(std::string_view key) const {
    std::vector<std::vector<std::string>> found;
    for (const auto& line : lines_) {
      if (!line.empty() && line[0] == key)
        found.emplace_back(line.begin() + 1, line.end());
    }
    return found;
  }

  /// The one line starting with `key`, which has at least `words` words after it.
  std::vector<std::string> one(std::string_view key, std::size_t words) const {
    const auto found = all(key);
    if (found.size() != 1)
      fail(fmt::format("has {} '{}' lines, expected 1", found.size(), key));
    if (found[0].size() < words)
      fail(fmt::format("its '{}' line has {} words, expected {}", key, found[0].size(), words));
    return found[0];
  }

  template <class N>
  N number(const std::string& text, std::string_view what) const {
    const std::optional<N> value = parse_number<N>(text);
    if (!value)
      fail(fmt::format("{} '{}' is not a number", what, text));
    return *value;
  }

 private:
  std::string path_;
  std::vector<std::vector<std::string>> lines_;
};

std::string read_text(const std::string& path) {
  io::InputFile in(path, kCheckpointOp);
  if (in.size() > kMaxManifestBytes)
    io::file_error(kCheckpointOp, path,
                   fmt::format("is {} bytes, too large for a manifest", in.size()));
  std::string text(in.size(), '\0');
  const std::size_t n =
      io::read_up_to(in, reinterpret_cast<std::uint8_t*>(text.data()), text.size());
  text.resize(n);
  return text;
}

Manifest read_manifest(const std::string& path) {
  const std::string text = read_text(path);
  std::vector<std::vector<std::string>> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<std::string> split;
    for (std::string word; words >> word;)
      split.push_back(word);
    lines.push_back(std::move(split));
  }
  Manifest manifest(path, lines);
  if (lines.empty() || lines[0].size() != 2 || lines[0][0] != kCheckpointMagic)
    manifest.fail("is not a tapegrad training checkpoint manifest");
  if (lines[0][1] != std::to_string(kVersion)) {
    manifest.fail(fmt::format("has format version {}; this tapegrad reads version {}", lines[0][1],
                              kVersion));
  }
  if (lines.back() != std::vector<std::string>{"end"})
    manifest.fail("is truncated: it does not end with the line 'end'");
  return manifest;
}

/// The rest of a line from word `from` on, joined by spaces (a generator's state).
std::string join(const std::vector<std::string>& words, std::size_t from) {
  std::string joined;
  for (std::size_t i = from; i < words.size(); ++i)
    joined += (i > from ? " " : "") + words[i];
  return joined;
}

template <class T>
void collect_generators(Module<T>& module, const std::string& path,
                        std::vector<std::pair<std::string, Rng*>>& out) {
  if (auto* dropout = dynamic_cast<Dropout<T>*>(&module))
    out.emplace_back(path, &dropout->rng());
  for (const auto& [name, child] : module.children())
    collect_generators(*child, path.empty() ? name : path + "." + name, out);
}

}  // namespace

template <class T>
std::vector<std::pair<std::string, Rng*>> random_generators(Module<T>& module) {
  std::vector<std::pair<std::string, Rng*>> generators;
  collect_generators(module, std::string(), generators);
  for (auto& [name, rng] : generators) {
    if (name.empty())  // `module` itself is a Dropout
      name = module.name().empty() ? "dropout" : module.name();
  }
  return generators;
}

template <class T>
void save_training_checkpoint(const std::string& directory, const TrainingState<T>& state) {
  // Parameters first, as save_checkpoint writes them (it checks the labels).
  save_checkpoint(directory, state.parameters);
  fmt::memory_buffer manifest;
  auto line = [&](const std::string& text) {
    fmt::format_to(std::back_inserter(manifest), "{}\n", text);
  };
  line(fmt::format("{} {}", kCheckpointMagic, kVersion));
  line(fmt::format("dtype {}", dtype_name<T>()));
  for (const Parameter<T>* p : state.parameters)
    line("parameter " + p->label());
  if (Optimizer<T>* optimizer = state.optimizer) {
    const std::vector<Parameter<T>*>& parameters = optimizer->parameters();
    (void)detail::checkpoint_files(directory, parameters);  // labels usable as file names
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(directory) / "optimizer", ec);
    if (ec)
      io::file_error(kCheckpointOp, directory + "/optimizer", "cannot be created: " + ec.message());
    line(fmt::format("optimizer {} {}", optimizer->name(), optimizer->group_count()));
    for (std::size_t g = 0; g < optimizer->group_count(); ++g) {
      line(fmt::format("group {} {} {}", g, optimizer->learning_rate(g),
                       optimizer->weight_decay(g)));
    }
    for (std::size_t k = 0; k < parameters.size(); ++k) {
      const std::string& label = parameters[k]->label();
      const typename Optimizer<T>::State tensors = optimizer->state(k);
      std::string counters;
      for (const auto& [name, value] : tensors.counters)
        counters += fmt::format(" {} {}", name, *value);
      line(fmt::format("state {} {}{}", label, optimizer->group_of(k), counters));
      for (const auto& [name, tensor] : tensors.tensors)
        io::write_file(state_file(directory, label, name), npy_bytes(*tensor), kCheckpointOp);
    }
  } else {
    line("optimizer none");
  }
  line(state.scheduler ? fmt::format("scheduler {}", state.scheduler->position())
                       : std::string("scheduler none"));
  if (const DataLoader<T>* loader = state.loader) {
    const DataLoaderPosition at = loader->position();
    line(fmt::format("loader {} {} {} {} {} {}", loader->dataset_size(),
                     loader->options().batch_size, at.epoch, at.position, at.in_epoch ? 1 : 0,
                     at.rng.state()));
  } else {
    line("loader none");
  }
  for (const auto& [name, rng] : state.generators) {
    if (name.empty() || name.find_first_of(" \t\n") != std::string::npos) {
      throw ValueError(fmt::format("generator name '{}' must be a non-empty word", name),
                       {std::string(kCheckpointOp), std::nullopt, {}});
    }
    line(fmt::format("generator {} {}", name, rng->state()));
  }
  line("end");
  io::write_file(
      manifest_path(directory),
      Span<std::uint8_t>(reinterpret_cast<const std::uint8_t*>(manifest.data()), manifest.size()),
      kCheckpointOp);
}

template <class T>
void load_training_checkpoint(const std::string& directory, const TrainingState<T>& state) {
  const Manifest manifest = read_manifest(manifest_path(directory));
  const std::string dtype = manifest.one("dtype", 1)[0];
  if (dtype != dtype_name<T>())
    manifest.fail(fmt::format("holds {} values, the model is {}", dtype, dtype_name<T>()));

  // Parameters: the same names, then each file of the right shape.
  std::set<std::string> saved;
  for (const auto& words : manifest.all("parameter"))
    saved.insert(words.empty() ? std::string() : words[0]);
  const std::vector<std::string> files = detail::checkpoint_files(directory, state.parameters);
  std::set<std::string> given;
  for (const Parameter<T>* p : state.parameters) {
    given.insert(p->label());
    if (!saved.count(p->label()))
      manifest.fail(fmt::format("has no parameter '{}'", p->label()));
  }
  for (const std::string& label : saved) {
    if (!given.count(label))
      manifest.fail(fmt::format("has parameter '{}', which the model does not have", label));
  }
  std::vector<Tensor<T>> values;
  for (std::size_t i = 0; i < state.parameters.size(); ++i) {
    const Parameter<T>& p = *state.parameters[i];
    values.push_back(
        detail::read_shaped<T>(files[i], p.shape(), fmt::format("parameter '{}'", p.label())));
  }

  // Optimiser: kind, groups, and each parameter's counters and tensors.
  struct Restored {
    std::vector<T> rates;
    std::vector<std::vector<std::uint64_t>> counters;  // per parameter
    std::vector<std::vector<Tensor<T>>> tensors;       // per parameter
  } restored;
  if (Optimizer<T>* optimizer = state.optimizer) {
    const std::vector<std::string> kind = manifest.one("optimizer", 1);
    if (kind[0] != optimizer->name())
      manifest.fail(fmt::format("holds the state of optimizer '{}', the optimizer is '{}'", kind[0],
                                optimizer->name()));
    const std::size_t groups =
        manifest.number<std::size_t>(kind.size() > 1 ? kind[1] : "", "the group count");
    if (groups != optimizer->group_count())
      manifest.fail(fmt::format("has {} parameter groups, the optimizer {}", groups,
                                optimizer->group_count()));
    const auto group_lines = manifest.all("group");
    for (std::size_t g = 0; g < groups; ++g) {
      if (group_lines.size() != groups || group_lines[g].size() != 3 ||
          group_lines[g][0] != std::to_string(g))
        manifest.fail(fmt::format("has no line 'group {} <rate> <decay>'", g));
      const T decay = manifest.number<T>(group_lines[g][2], "a weight decay");
      if (decay != optimizer->weight_decay(g))
        manifest.fail(fmt::format("group {} has weight decay {}, the optimizer's has {}", g, decay,
                                  optimizer->weight_decay(g)));
      restored.rates.push_back(manifest.number<T>(group_lines[g][1], "a learning rate"));
    }
    std::map<std::string, std::vector<std::string>> lines;
    for (const auto& words : manifest.all("state")) {
      if (!words.empty())
        lines[words[0]] = words;
    }
    const std::vector<Parameter<T>*>& parameters = optimizer->parameters();
    for (std::size_t k = 0; k < parameters.size(); ++k) {
      const std::string& label = parameters[k]->label();
      const auto found = lines.find(label);
      if (found == lines.end())
        manifest.fail(fmt::format("has no optimizer state for parameter '{}'", label));
      const std::vector<std::string>& words = found->second;
      const typename Optimizer<T>::State expected = optimizer->state(k);
      if (words.size() != 2 + 2 * expected.counters.size())
        manifest.fail(fmt::format("the state line of '{}' has {} words, expected {}", label,
                                  words.size(), 2 + 2 * expected.counters.size()));
      if (manifest.number<std::size_t>(words[1], "a group") != optimizer->group_of(k))
        manifest.fail(fmt::format("puts parameter '{}' in group {}, the optimizer in group {}",
                                  label, words[1], optimizer->group_of(k)));
      std::vector<std::uint64_t> counters;
      for (std::size_t c = 0; c < expected.counters.size(); ++c) {
        if (words[2 + 2 * c] != expected.counters[c].first)
          manifest.fail(fmt::format("the state of '{}' has '{}' where '{}' belongs", label,
                                    words[2 + 2 * c], expected.counters[c].first));
        counters.push_back(manifest.number<std::uint64_t>(words[3 + 2 * c], "a counter"));
      }
      std::vector<Tensor<T>> tensors;
      for (const auto& [name, tensor] : expected.tensors) {
        tensors.push_back(detail::read_shaped<T>(
            state_file(directory, label, name), tensor->shape(),
            fmt::format("the optimizer's '{}' of parameter '{}'", name, label)));
      }
      restored.counters.push_back(std::move(counters));
      restored.tensors.push_back(std::move(tensors));
    }
  }

  std::size_t scheduler_position = 0;
  if (state.scheduler) {
    const std::string word = manifest.one("scheduler", 1)[0];
    if (word == "none")
      manifest.fail("has no scheduler position, and a scheduler was given");
    scheduler_position = manifest.number<std::size_t>(word, "the scheduler position");
  }

  DataLoaderPosition loader_at;
  if (const DataLoader<T>* loader = state.loader) {
    const std::vector<std::string> words = manifest.one("loader", 1);
    if (words[0] == "none")
      manifest.fail("has no data loader position, and a data loader was given");
    if (words.size() < 6)
      manifest.fail(
          fmt::format("its 'loader' line has {} words, expected at least 6", words.size()));
    const auto size = manifest.number<std::size_t>(words[0], "the data set size");
    const auto batch = manifest.number<std::size_t>(words[1], "the batch size");
    if (size != loader->dataset_size() || batch != loader->options().batch_size)
      manifest.fail(
          fmt::format("has a data loader of {} samples in batches of {}, the loader has "
                      "{} in batches of {}",
                      size, batch, loader->dataset_size(), loader->options().batch_size));
    loader_at.epoch = manifest.number<std::size_t>(words[2], "the epoch");
    loader_at.position = manifest.number<std::size_t>(words[3], "the position");
    loader_at.in_epoch = words[4] == "1";
    const std::optional<Rng> rng = Rng::from_state(join(words, 5));
    if (!rng)
      manifest.fail("holds a data loader generator state that does not parse");
    loader_at.rng = *rng;
    if (!loader->can_restore(loader_at))
      manifest.fail(fmt::format("has position {} of epoch {}, past the loader's {} samples",
                                loader_at.position, loader_at.epoch, loader->samples_per_epoch()));
  }

  std::map<std::string, std::string> generator_lines;
  for (const auto& words : manifest.all("generator")) {
    if (!words.empty())
      generator_lines[words[0]] = join(words, 1);
  }
  std::vector<Rng> generators;
  for (const auto& [name, rng] : state.generators) {
    const auto found = generator_lines.find(name);
    if (found == generator_lines.end())
      manifest.fail(fmt::format("has no generator '{}'", name));
    const std::optional<Rng> parsed = Rng::from_state(found->second);
    if (!parsed)
      manifest.fail(fmt::format("holds a state of generator '{}' that does not parse", name));
    generators.push_back(*parsed);
  }

  // Everything read and checked: only now change the state (none of which can fail:
  // same-shape copies, and a scheduler position whose rates were valid when saved).
  if (state.scheduler)
    state.scheduler->set_position(scheduler_position);
  for (std::size_t i = 0; i < state.parameters.size(); ++i) {
    std::copy(values[i].begin(), values[i].end(), state.parameters[i]->value().begin());
    state.parameters[i]->zero_grad();
  }
  if (Optimizer<T>* optimizer = state.optimizer) {
    for (std::size_t g = 0; g < restored.rates.size(); ++g)
      optimizer->set_learning_rate(g, restored.rates[g]);
    for (std::size_t k = 0; k < optimizer->parameters().size(); ++k) {
      const typename Optimizer<T>::State into = optimizer->state(k);
      for (std::size_t c = 0; c < into.counters.size(); ++c)
        *into.counters[c].second = restored.counters[k][c];
      for (std::size_t t = 0; t < into.tensors.size(); ++t) {
        const Tensor<T>& from = restored.tensors[k][t];
        std::copy(from.begin(), from.end(), into.tensors[t].second->begin());
      }
      optimizer->parameters()[k]->zero_grad();
    }
  }
  if (state.loader)
    state.loader->restore(loader_at);
  for (std::size_t i = 0; i < generators.size(); ++i)
    *state.generators[i].second = generators[i];
}

#define TAPEGRAD_INSTANTIATE(T)                                                           \
  template std::vector<std::pair<std::string, Rng*>> random_generators<T>(Module<T>&);    \
  template void save_training_checkpoint<T>(const std::string&, const TrainingState<T>&); \
  template void load_training_checkpoint<T>(const std::string&, const TrainingState<T>&);
TAPEGRAD_INSTANTIATE(float)
TAPEGRAD_INSTANTIATE(double)
#undef TAPEGRAD_INSTANTIATE

}  // namespace tapegrad::nn
