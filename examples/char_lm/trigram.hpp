#pragma once
// The baseline a character language model has to beat: a 3-gram model of
// add-k smoothed counts. A word is the symbols begin, its characters, end (as
// nn::word_sequences lays it out); each symbol after begin is predicted from
// the two before it (padding stands in before begin), so a word of n
// characters makes n + 1 predictions, exactly those the neural models are
// scored on. With c(a, b, x) the training counts and V the symbols that can
// follow (the characters and end),
//
//   P(x | a, b) = (c(a, b, x) + k) / (c(a, b) + k V)
//
// which is a distribution over those V symbols for every context, seen or not.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <tapegrad/tapegrad.hpp>

namespace char_lm {

/// Nats summed over a set of words, and the predictions they are summed over.
struct Score {
  double nats = 0;
  std::size_t predictions = 0;
  double per_prediction() const {
    return predictions ? nats / static_cast<double>(predictions) : 0;
  }
};

class CharTrigram {
 public:
  using CharVocabulary = tapegrad::nn::CharVocabulary;

  /// Counts every 3-gram of `words` (ValueError naming a character outside
  /// the vocabulary, from its encode()); k > 0 and finite (ValueError otherwise).
  CharTrigram(const CharVocabulary& vocabulary, const std::vector<std::string>& words, double k)
      : vocabulary_(vocabulary), size_(vocabulary.size()), k_(k) {
    if (!(k > 0 && std::isfinite(k)))
      throw tapegrad::ValueError("the add-k smoothing constant must be positive and finite, not " +
                                 std::to_string(k));
    trigrams_.assign(size_ * size_ * size_, 0);
    contexts_.assign(size_ * size_, 0);
    for (const std::string& word : words) {
      for_each_prediction(word, [this](std::size_t a, std::size_t b, std::size_t x) {
        ++trigrams_[(a * size_ + b) * size_ + x];
        ++contexts_[a * size_ + b];
      });
    }
  }

  /// Symbols that can be predicted: the characters and end.
  std::size_t outcomes() const { return size_ - CharVocabulary::kEnd; }

  /// log P(x | a, b) in nats; ValueError for an x that is padding or begin.
  double log_probability(std::size_t a, std::size_t b, std::size_t x) const {
    if (x < CharVocabulary::kEnd || x >= size_ || a >= size_ || b >= size_)
      throw tapegrad::ValueError("a 3-gram predicts a character or end, ids " +
                                 std::to_string(CharVocabulary::kEnd) + " to " +
                                 std::to_string(size_ - 1) + ", not id " + std::to_string(x));
    const double count = trigrams_[(a * size_ + b) * size_ + x];
    const double context = contexts_[a * size_ + b];
    return std::log((count + k_) / (context + k_ * static_cast<double>(outcomes())));
  }

  /// −Σ log P over every prediction of every word.
  Score score(const std::vector<std::string>& words) const {
    Score s;
    for (const std::string& word : words) {
      for_each_prediction(word, [this, &s](std::size_t a, std::size_t b, std::size_t x) {
        s.nats -= log_probability(a, b, x);
        ++s.predictions;
      });
    }
    return s;
  }

 private:
  /// Calls f(a, b, x) for each symbol x after begin and its two predecessors.
  template <class F>
  void for_each_prediction(const std::string& word, F&& f) const {
    std::size_t a = CharVocabulary::kPad, b = CharVocabulary::kBegin;
    std::vector<std::size_t> ids = vocabulary_.encode(word);
    ids.push_back(CharVocabulary::kEnd);
    for (const std::size_t x : ids) {
      f(a, b, x);
      a = b;
      b = x;
    }
  }

  const CharVocabulary& vocabulary_;
  std::size_t size_;
  double k_;
  std::vector<std::uint32_t> trigrams_;  // c(a, b, x) at (a·size + b)·size + x
  std::vector<std::uint32_t> contexts_;  // c(a, b)
};

}  // namespace char_lm
