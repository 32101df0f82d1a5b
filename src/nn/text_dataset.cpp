#include "tapegrad/nn/text_dataset.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "tapegrad/core/error.hpp"

namespace tapegrad::nn {
namespace {

[[noreturn]] void fail(const std::string& message) {
  throw ValueError(message, {"text_dataset", std::nullopt, {}});
}

/// A byte as the user should see it: 'a', or its code for what does not print.
std::string shown(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte >= 0x20 && byte < 0x7f ? fmt::format("'{}'", c) : fmt::format("0x{:02x}", byte);
}

}  // namespace

CharVocabulary::CharVocabulary(std::string_view text) : ids_(256, -1) {
  if (text.empty())
    fail("the vocabulary of an empty text would be empty");
  std::vector<bool> present(256, false);
  for (const char c : text)
    present[static_cast<unsigned char>(c)] = true;
  for (int byte = 0; byte < 256; ++byte) {
    if (present[static_cast<std::size_t>(byte)]) {
      ids_[static_cast<std::size_t>(byte)] = static_cast<int>(kReserved + characters_.size());
      characters_.push_back(static_cast<char>(byte));
    }
  }
}

std::size_t CharVocabulary::id(char c) const {
  const int found = ids_[static_cast<unsigned char>(c)];
  if (found < 0)
    fail(fmt::format("character {} is not in the vocabulary", shown(c)));
  return static_cast<std::size_t>(found);
}

char CharVocabulary::character(std::size_t id) const {
  if (id < kReserved || id >= size())
    fail(fmt::format("id {} is not a character's: characters are {} to {}", id, kReserved,
                     size() - 1));
  return characters_[id - kReserved];
}

std::vector<std::size_t> CharVocabulary::encode(std::string_view text) const {
  std::vector<std::size_t> ids;
  ids.reserve(text.size());
  for (const char c : text)
    ids.push_back(id(c));
  return ids;
}

std::string CharVocabulary::decode(const std::vector<std::size_t>& ids) const {
  std::string text;
  for (const std::size_t i : ids) {
    if (i == kEnd)
      break;
    if (i != kPad && i != kBegin)
      text.push_back(character(i));
  }
  return text;
}

template <class T>
Dataset<T> text_windows(const CharVocabulary& vocabulary, std::string_view text, std::size_t length,
                        std::size_t stride) {
  if (length == 0 || stride == 0)
    fail(fmt::format("windows need a length and a stride of at least 1, got {} and {}", length,
                     stride));
  if (text.size() < length + 1) {
    fail(
        fmt::format("a window of {} steps needs {} characters (its targets are one ahead), the "
                    "text has {}",
                    length, length + 1, text.size()));
  }
  const std::vector<std::size_t> ids = vocabulary.encode(text);
  const std::size_t n = (ids.size() - length - 1) / stride + 1;
  Dataset<T> data{Tensor<T>::from_shape({n, length}), Tensor<T>::from_shape({n, length})};
  for (std::size_t w = 0; w < n; ++w) {
    for (std::size_t t = 0; t < length; ++t) {
      data.features(w, t) = static_cast<T>(ids[w * stride + t]);
      data.labels(w, t) = static_cast<T>(ids[w * stride + t + 1]);
    }
  }
  return data;
}

template <class T>
Dataset<T> word_sequences(const CharVocabulary& vocabulary, const std::vector<std::string>& words,
                          std::size_t length) {
  if (words.empty())
    fail("no words given");
  std::size_t longest = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i].empty())
      fail(fmt::format("word {} is empty", i));
    longest = std::max(longest, words[i].size());
  }
  // begin + characters + end is size + 2 entries; inputs and labels take size + 1 each.
  const std::size_t steps = length == 0 ? longest + 1 : length;
  Dataset<T> data{Tensor<T>::from_shape({words.size(), steps}),
                  Tensor<T>::from_shape({words.size(), steps})};
  std::vector<std::size_t> row;
  for (std::size_t w = 0; w < words.size(); ++w) {
    if (words[w].size() + 1 > steps) {
      fail(fmt::format("word {} ('{}') needs {} steps, the sequences have {}", w, words[w],
                       words[w].size() + 1, steps));
    }
    row.assign(1, CharVocabulary::kBegin);
    for (const char c : words[w])
      row.push_back(vocabulary.id(c));
    row.push_back(CharVocabulary::kEnd);
    row.resize(steps + 1, CharVocabulary::kPad);
    for (std::size_t t = 0; t < steps; ++t) {
      data.features(w, t) = static_cast<T>(row[t]);
      data.labels(w, t) = static_cast<T>(row[t + 1]);
    }
  }
  return data;
}

template Dataset<float> text_windows<float>(const CharVocabulary&, std::string_view, std::size_t,
                                            std::size_t);
template Dataset<double> text_windows<double>(const CharVocabulary&, std::string_view, std::size_t,
                                              std::size_t);
template Dataset<float> word_sequences<float>(const CharVocabulary&,
                                              const std::vector<std::string>&, std::size_t);
template Dataset<double> word_sequences<double>(const CharVocabulary&,
                                                const std::vector<std::string>&, std::size_t);

}  // namespace tapegrad::nn
