#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "nn/file_support.hpp"
#include "nn/resume_setup.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using testing::expect_file_error;
using testing::ResumeJob;
using testing::ScratchDir;

TEST(ResumeTraining, StraightEqualsSaveThenLoadInANewProcessBitForBit) {
  ScratchDir dir;
  const std::string checkpoint = dir.file("checkpoint"), out = dir.file("resumed");
  ResumeJob straight;
  straight.train(2000);

  ResumeJob first;
  first.train(1000);
  ASSERT_GT(first.loader.epoch(), 1u);
  nn::save_training_checkpoint(checkpoint, first.state());
  const std::string command =
      std::string(TAPEGRAD_RESUME_STAGE) + " '" + checkpoint + "' '" + out + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;

  ResumeJob resumed;
  nn::load_checkpoint(out, resumed.net.parameters());
  const auto expected = straight.net.parameters(), got = resumed.net.parameters(),
             halfway = first.net.parameters();
  ASSERT_EQ(got.size(), 4u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    const Tensor<float>& a = expected[i]->value();
    const Tensor<float>& b = got[i]->value();
    ASSERT_EQ(a.shape(), b.shape()) << got[i]->label();
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0) << got[i]->label();
    // The second 1,000 steps moved every parameter: equality is not the halfway state.
    EXPECT_NE(std::memcmp(a.data(), halfway[i]->value().data(), a.size() * sizeof(float)), 0)
        << got[i]->label();
  }
}

/// Everything a training checkpoint restores, to show a failed load changed nothing.
struct Snapshot {
  std::vector<std::vector<float>> tensors;
  std::vector<std::uint64_t> counters;
  std::vector<std::string> words;
  bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(ResumeJob& job) {
  Snapshot s;
  nn::Optimizer<float>& optimizer = *job.adam;
  for (std::size_t k = 0; k < optimizer.parameters().size(); ++k) {
    const Tensor<float>& value = optimizer.parameters()[k]->value();
    s.tensors.emplace_back(value.begin(), value.end());
    const auto state = optimizer.state(k);
    for (const auto& [name, tensor] : state.tensors)
      s.tensors.emplace_back(tensor->begin(), tensor->end());
    for (const auto& [name, counter] : state.counters)
      s.counters.push_back(*counter);
  }
  const nn::DataLoaderPosition at = job.loader.position();
  s.counters.insert(s.counters.end(),
                    {job.scheduler->position(), at.epoch, at.position, at.in_epoch ? 1u : 0u});
  s.words = {at.rng.state(), std::to_string(optimizer.learning_rate())};
  for (const auto& [name, rng] : nn::random_generators(job.net))
    s.words.push_back(name + " " + rng->state());
  return s;
}

/// A checkpoint after 30 steps, and a job 7 steps in to load it into.
class BadCheckpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    ResumeJob saved;
    saved.train(30);
    nn::save_training_checkpoint(path, saved.state());
    target.train(7);
    before = snapshot(target);
  }

  std::string file(const std::string& name) const {
    return (std::filesystem::path(path) / name).string();
  }

  void rewrite_manifest(const std::string& from, const std::string& to) {
    std::ifstream in(file("manifest.txt"));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    std::ofstream(file("manifest.txt"), std::ios::trunc) << text;
  }

  /// Word `index` (0 = the key) of the manifest line starting with `key`.
  void set_word(const std::string& key, std::size_t index, const std::string& value) {
    std::ifstream in(file("manifest.txt"));
    std::string text;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind(key + " ", 0) == 0) {
        std::istringstream split(line);
        std::vector<std::string> words;
        for (std::string word; split >> word;)
          words.push_back(word);
        words.at(index) = value;
        line.clear();
        for (const std::string& word : words)
          line += (line.empty() ? "" : " ") + word;
      }
      text += line + "\n";
    }
    std::ofstream(file("manifest.txt"), std::ios::trunc) << text;
  }

  /// A FileError from `op` ("npy" for a .npy file the reader refuses).
  void expect_refused(const nn::TrainingState<float>& state,
                      std::initializer_list<std::string_view> fragments,
                      std::string_view op = "checkpoint") {
    expect_file_error([&] { nn::load_training_checkpoint(path, state); }, op, fragments);
    EXPECT_TRUE(snapshot(target) == before) << "a refused checkpoint changed the training state";
  }

  ScratchDir dir;
  std::string path = dir.file("ckpt");
  ResumeJob target;
  Snapshot before;
};

TEST_F(BadCheckpoint, TheGoodOneLoadsAndChangesTheState) {
  nn::load_training_checkpoint(path, target.state());
  EXPECT_FALSE(snapshot(target) == before);
  EXPECT_EQ(target.scheduler->position(), 30u);
  EXPECT_EQ(target.adam->steps(), 30u);
}

TEST_F(BadCheckpoint, MissingFile) {
  std::filesystem::remove(file("optimizer/fc1.W.m.npy"));
  expect_refused(target.state(), {"fc1.W.m.npy"}, "npy");
}

TEST_F(BadCheckpoint, WrongShape) {
  nn::write_npy(file("fc2.b.npy"), Tensor<float>{1.0f, 2.0f});
  expect_refused(target.state(),
                 {"fc2.b.npy", "holds shape (2,), parameter 'fc2.b' has shape (3,)"});
}

TEST_F(BadCheckpoint, WrongOptimizerKind) {
  nn::Momentum<float> momentum(target.net.parameters(), 0.1f);
  nn::TrainingState<float> state = target.state();
  state.optimizer = &momentum;
  expect_refused(
      state, {"manifest.txt", "holds the state of optimizer 'adam', the optimizer is 'momentum'"});
}

TEST_F(BadCheckpoint, WrongParameterNames) {
  Parameter<float> extra(Tensor<float>{0.0f}, "extra");
  nn::TrainingState<float> more = target.state();
  more.parameters.push_back(&extra);
  expect_refused(more, {"has no parameter 'extra'"});
  nn::TrainingState<float> fewer = target.state();
  fewer.parameters.pop_back();
  expect_refused(fewer, {"has parameter 'fc2.b', which the model does not have"});
}

TEST_F(BadCheckpoint, TruncatedFiles) {
  std::filesystem::resize_file(file("fc1.W.npy"),
                               std::filesystem::file_size(file("fc1.W.npy")) - 4);
  expect_refused(target.state(), {"fc1.W.npy"}, "npy");
  std::filesystem::resize_file(file("manifest.txt"),
                               std::filesystem::file_size(file("manifest.txt")) - 4);
  expect_refused(target.state(), {"manifest.txt", "is truncated"});
}

TEST_F(BadCheckpoint, BadVersion) {
  rewrite_manifest("tapegrad-checkpoint 1", "tapegrad-checkpoint 2");
  expect_refused(target.state(), {"has format version 2; this tapegrad reads version 1"});
}

TEST_F(BadCheckpoint, LoaderOverOtherBatchesOrPastItsEpoch) {
  nn::DataLoader<float> other(target.data, {.batch_size = 4, .seed = 11});
  nn::TrainingState<float> state = target.state();
  state.loader = &other;
  expect_refused(
      state, {"a data loader of 23 samples in batches of 5, the loader has 23 in batches of 4"});
  set_word("loader", 4, "24");  // the position in the epoch
  set_word("loader", 5, "1");   // inside the epoch
  expect_refused(target.state(), {"past the loader's 23 samples"});
}

TEST_F(BadCheckpoint, MissingGeneratorOrScheduler) {
  nn::TrainingState<float> state = target.state();
  nn::Rng* dropout = state.generators.at(0).second;
  state.generators = {{"other", dropout}};
  expect_refused(state, {"has no generator 'other'"});
  nn::TrainingState<float> no_scheduler = target.state();
  no_scheduler.scheduler = nullptr;
  nn::save_training_checkpoint(path, no_scheduler);
  before = snapshot(target);
  expect_refused(target.state(), {"has no scheduler position, and a scheduler was given"});
}

}  // namespace
}  // namespace tapegrad
