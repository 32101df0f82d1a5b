#pragma once
// Character-level text data for language models.
//
// CharVocabulary: the distinct bytes of a text, sorted, numbered after three
// reserved ids:
//   0  kPad    padding (pass it as nll_loss's / cross_entropy's ignore_index)
//   1  kBegin  start of a sequence
//   2  kEnd    end of a sequence
//   3… the text's bytes in increasing order (UTF-8 letters are several bytes)
//
// Two data sets, both next-character prediction with labels one step ahead
// of the inputs (features (n, T) and labels (n, T), ids stored as T, so
// DataLoader batches them as they are):
//   text_windows  every window of a text: inputs x[t, t + T), labels x[t + 1, t + T + 1)
//   word_sequences one row per word: begin, its characters, end, then padding;
//                  the inputs are that row without its last step, the labels
//                  without its first (so a label after "end" is padding)
//
//   nn::CharVocabulary vocabulary(text);
//   nn::Dataset<float> train = nn::word_sequences<float>(vocabulary, words);
//   … nll_loss(log_softmax(logits (b·T, V)), labels (b·T,), Reduction::mean,
//              nn::CharVocabulary::kPad)  // padding steps add nothing

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/export.hpp"
#include "tapegrad/nn/dataset.hpp"

namespace tapegrad::nn {

class TAPEGRAD_EXPORT CharVocabulary {
 public:
  static constexpr std::size_t kPad = 0, kBegin = 1, kEnd = 2, kReserved = 3;

  /// The bytes of `text`; ValueError for an empty text.
  explicit CharVocabulary(std::string_view text);

  /// Reserved ids plus distinct bytes.
  std::size_t size() const noexcept { return kReserved + characters_.size(); }
  /// The text's distinct bytes, sorted: character(kReserved + i) is characters()[i].
  const std::string& characters() const noexcept { return characters_; }

  /// ValueError naming a byte that is not in the vocabulary.
  std::size_t id(char c) const;
  /// ValueError for a reserved id or one ≥ size().
  char character(std::size_t id) const;
  std::vector<std::size_t> encode(std::string_view text) const;
  /// The characters of `ids`, skipping padding and begin, stopping at end.
  std::string decode(const std::vector<std::size_t>& ids) const;

 private:
  std::string characters_;
  std::vector<int> ids_;  // by byte value; −1 for bytes not in the text
};

/// Windows of `length` steps starting every `stride` characters. ValueError
/// for a length or stride of 0, a text shorter than length + 1 characters, or
/// a character outside the vocabulary.
template <class T>
TAPEGRAD_EXPORT Dataset<T> text_windows(const CharVocabulary& vocabulary, std::string_view text,
                                        std::size_t length, std::size_t stride = 1);

/// One row per word of `length` steps (0: the longest word's characters + 1).
/// ValueError for no words, an empty word, a word longer than length − 1
/// characters, or a character outside the vocabulary.
template <class T>
TAPEGRAD_EXPORT Dataset<T> word_sequences(const CharVocabulary& vocabulary,
                                          const std::vector<std::string>& words,
                                          std::size_t length = 0);

}  // namespace tapegrad::nn
