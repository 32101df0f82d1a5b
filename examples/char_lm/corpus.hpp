#pragma once
// The corpus of examples/char_lm: a word list, one word a line (Debian's
// wamerican, /usr/share/dict/american-english), split into training,
// validation and test words by a seeded shuffle.

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <tapegrad/tapegrad.hpp>

namespace char_lm {

/// The non-empty lines of `path` (a trailing '\r' dropped). FileError when the
/// file cannot be read or holds no word.
inline std::vector<std::string> read_words(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw tapegrad::FileError("cannot read the word list '" + path +
                              "' (Debian: apt-get install wamerican)");
  std::vector<std::string> words;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (!line.empty())
      words.push_back(std::move(line));
  }
  if (words.empty())
    throw tapegrad::FileError("the word list '" + path + "' holds no word");
  return words;
}

struct Split {
  std::vector<std::string> train, validation, test;
};

/// The words in an order shuffled by `seed` (Fisher–Yates on nn::Rng, so the
/// same on every platform); the first `limit` of them when limit > 0; then
/// cut into validation and test shares of that many and training words for
/// the rest. ValueError unless the shares are in [0, 1) with a sum below 1 and
/// every part gets at least one word.
inline Split split_words(std::vector<std::string> words, std::uint64_t seed,
                         double validation_share, double test_share, std::size_t limit = 0) {
  if (!(validation_share >= 0 && test_share >= 0 && validation_share + test_share < 1))
    throw tapegrad::ValueError("validation and test shares " + std::to_string(validation_share) +
                               " and " + std::to_string(test_share) +
                               " must be ≥ 0 with a sum below 1");
  tapegrad::nn::Rng rng(seed);
  for (std::size_t i = words.size(); i > 1; --i)
    std::swap(words[i - 1], words[rng.below(i)]);
  if (limit > 0 && limit < words.size())
    words.resize(limit);
  const auto n = static_cast<double>(words.size());
  const auto validation = static_cast<std::size_t>(validation_share * n);
  const auto test = static_cast<std::size_t>(test_share * n);
  if (validation == 0 || test == 0 || validation + test >= words.size())
    throw tapegrad::ValueError(std::to_string(words.size()) +
                               " words are too few to give training, validation and test words "
                               "each");
  Split split;
  const auto begin = words.begin();
  const auto n_train = static_cast<std::ptrdiff_t>(words.size() - validation - test);
  const auto n_validation = static_cast<std::ptrdiff_t>(validation);
  split.train.assign(begin, begin + n_train);
  split.validation.assign(begin + n_train, begin + n_train + n_validation);
  split.test.assign(begin + n_train + n_validation, words.end());
  return split;
}

/// All the words' characters, one after another (what the vocabulary is built from).
inline std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& w : words)
    text += w;
  return text;
}

}  // namespace char_lm
