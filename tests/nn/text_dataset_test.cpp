#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/expect_error.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using nn::CharVocabulary;
using testing::expect_error;

TEST(CharVocabulary, SortedBytesAfterThreeReservedIds) {
  const CharVocabulary vocabulary("hello world");
  EXPECT_EQ(vocabulary.characters(), " dehlorw");
  EXPECT_EQ(vocabulary.size(), 3u + 8u);
  EXPECT_EQ(CharVocabulary::kPad, 0u);
  EXPECT_EQ(CharVocabulary::kBegin, 1u);
  EXPECT_EQ(CharVocabulary::kEnd, 2u);
  EXPECT_EQ(vocabulary.id(' '), 3u);
  EXPECT_EQ(vocabulary.id('w'), 10u);
  EXPECT_EQ(vocabulary.encode("owl"), (std::vector<std::size_t>{8, 10, 7}));
  EXPECT_EQ(vocabulary.decode({1, 8, 10, 7, 2, 5, 0}), "owl");  // begin skipped, stops at end
  EXPECT_EQ(vocabulary.character(4), 'd');
}

TEST(CharVocabulary, Errors) {
  expect_error<ValueError>([] { CharVocabulary(""); },
                           "text_dataset: the vocabulary of an empty text would be empty");
  const CharVocabulary vocabulary("ab");
  expect_error<ValueError>([&] { (void)vocabulary.encode("abc"); },
                           "character 'c' is not in the vocabulary");
  expect_error<ValueError>([&] { (void)vocabulary.id('\n'); },
                           "character 0x0a is not in the vocabulary");
  expect_error<ValueError>([&] { (void)vocabulary.character(2); },
                           "id 2 is not a character's: characters are 3 to 4");
  expect_error<ValueError>([&] { (void)vocabulary.character(5); }, "id 5 is not a character's");
}

TEST(TextWindows, InputsAndTargetsOneStepApart) {
  const std::string text = "abcab";
  const CharVocabulary vocabulary(text);  // a 3, b 4, c 5
  const nn::Dataset<double> every = nn::text_windows<double>(vocabulary, text, 3);
  ASSERT_EQ(every.features.shape(), (Shape{2, 3}));
  ASSERT_EQ(every.labels.shape(), (Shape{2, 3}));
  EXPECT_EQ(every.features, (Tensor<double>{{3, 4, 5}, {4, 5, 3}}));
  EXPECT_EQ(every.labels, (Tensor<double>{{4, 5, 3}, {5, 3, 4}}));
  const nn::Dataset<float> strided = nn::text_windows<float>(vocabulary, "abcabca", 2, 2);
  EXPECT_EQ(strided.features, (Tensor<float>{{3, 4}, {5, 3}, {4, 5}}));
  EXPECT_EQ(strided.labels, (Tensor<float>{{4, 5}, {3, 4}, {5, 3}}));
  // Per-time-step labels go through the DataLoader as they are.
  nn::DataLoader<double> loader(every, {.batch_size = 2, .shuffle = false});
  nn::Batch<double> batch;
  ASSERT_TRUE(loader.next(batch));
  EXPECT_EQ(batch.labels, every.labels);
}

TEST(TextWindows, Errors) {
  const CharVocabulary vocabulary("abc");
  expect_error<ValueError>([&] { (void)nn::text_windows<float>(vocabulary, "abc", 3); },
                           "a window of 3 steps needs 4 characters (its targets are one ahead), "
                           "the text has 3");
  expect_error<ValueError>([&] { (void)nn::text_windows<float>(vocabulary, "abc", 0); },
                           "windows need a length and a stride of at least 1, got 0 and 1");
  expect_error<ValueError>([&] { (void)nn::text_windows<float>(vocabulary, "abcd", 2); },
                           "character 'd' is not in the vocabulary");
}

TEST(WordSequences, BeginCharactersEndThenPadding) {
  const CharVocabulary vocabulary("abc");  // a 3, b 4, c 5
  const nn::Dataset<double> words = nn::word_sequences<double>(vocabulary, {"ab", "c"});
  // rows: [1 3 4 2] and [1 5 2 0]; inputs drop the last step, labels the first
  EXPECT_EQ(words.features, (Tensor<double>{{1, 3, 4}, {1, 5, 2}}));
  EXPECT_EQ(words.labels, (Tensor<double>{{3, 4, 2}, {5, 2, 0}}));
  const nn::Dataset<double> longer = nn::word_sequences<double>(vocabulary, {"c"}, 4);
  EXPECT_EQ(longer.features, (Tensor<double>{{1, 5, 2, 0}}));
  EXPECT_EQ(longer.labels, (Tensor<double>{{5, 2, 0, 0}}));
}

TEST(WordSequences, PaddingIsNllLossIgnoreIndex) {
  const CharVocabulary vocabulary("ab");
  const nn::Dataset<double> words = nn::word_sequences<double>(vocabulary, {"ab", "a"});
  // Uniform log-probabilities over the vocabulary: each counted step costs log V.
  const std::size_t steps = 2 * 3, classes = vocabulary.size();
  Tape<double> tape;
  const Tensor<double> logp(Tensor<double>::shape_type{steps, classes},
                            -std::log(static_cast<double>(classes)));
  Tensor<double> labels = words.labels;
  labels.reshape({steps});
  const Var<double> loss = nll_loss(tape.constant(logp), tape.constant(labels), Reduction::sum,
                                    static_cast<int>(CharVocabulary::kPad));
  // "ab": a b end (3 steps), "a": a end pad (2 counted)
  EXPECT_NEAR(loss.item(), 5 * std::log(static_cast<double>(classes)), 1e-12);
}

TEST(WordSequences, Errors) {
  const CharVocabulary vocabulary("abc");
  expect_error<ValueError>([&] { (void)nn::word_sequences<float>(vocabulary, {}); },
                           "no words given");
  expect_error<ValueError>(
      [&] {
        (void)nn::word_sequences<float>(vocabulary, {"a", ""});
      },
      "word 1 is empty");
  expect_error<ValueError>([&] { (void)nn::word_sequences<float>(vocabulary, {"abc"}, 3); },
                           "word 0 ('abc') needs 4 steps, the sequences have 3");
  expect_error<ValueError>([&] { (void)nn::word_sequences<float>(vocabulary, {"abz"}); },
                           "character 'z' is not in the vocabulary");
}

}  // namespace
}  // namespace tapegrad
