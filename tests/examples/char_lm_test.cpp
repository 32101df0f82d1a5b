// examples/char_lm's reusable pieces: the 3-gram baseline, the masked
// next-symbol loss, the corpus split, sampling, and the models' causality.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "char_lm/corpus.hpp"
#include "char_lm/loss.hpp"
#include "char_lm/models.hpp"
#include "char_lm/trigram.hpp"
#include "nn/file_support.hpp"
#include "support/expect_error.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using char_lm::CharTrigram;
using nn::CharVocabulary;
using testing::expect_error;

// Vocabulary of "ab": pad 0, begin 1, end 2, 'a' 3, 'b' 4. The words "ab"
// and "a" predict a after (pad, begin) twice, b and end after (begin, a)
// once each, end after (a, b) once.
TEST(CharTrigram, AddKProbabilitiesByHand) {
  const CharVocabulary vocabulary("ab");
  const CharTrigram trigram(vocabulary, {"ab", "a"}, 0.5);
  EXPECT_EQ(trigram.outcomes(), 3u);
  EXPECT_NEAR(trigram.log_probability(0, 1, 3), std::log(2.5 / 3.5), 1e-15);
  EXPECT_NEAR(trigram.log_probability(0, 1, 4), std::log(0.5 / 3.5), 1e-15);
  EXPECT_NEAR(trigram.log_probability(1, 3, 4), std::log(1.5 / 3.5), 1e-15);
  EXPECT_NEAR(trigram.log_probability(3, 4, 2), std::log(1.5 / 2.5), 1e-15);
  EXPECT_NEAR(trigram.log_probability(4, 3, 2), std::log(1.0 / 3), 1e-15);  // unseen context
  const char_lm::Score s = trigram.score({"ab"});
  EXPECT_EQ(s.predictions, 3u);
  EXPECT_NEAR(s.nats, -std::log(2.5 / 3.5) - std::log(1.5 / 3.5) - std::log(1.5 / 2.5), 1e-14);
  EXPECT_NEAR(s.per_prediction(), s.nats / 3, 1e-15);
}

TEST(CharTrigram, EveryContextIsADistributionOverCharactersAndEnd) {
  const CharVocabulary vocabulary("abcs'");
  const CharTrigram trigram(vocabulary, {"abc", "cab's", "a"}, 0.1);
  for (std::size_t a = 0; a < vocabulary.size(); ++a) {
    for (std::size_t b = 0; b < vocabulary.size(); ++b) {
      double total = 0;
      for (std::size_t x = CharVocabulary::kEnd; x < vocabulary.size(); ++x)
        total += std::exp(trigram.log_probability(a, b, x));
      EXPECT_NEAR(total, 1.0, 1e-12) << a << ", " << b;
    }
  }
}

TEST(CharTrigram, Errors) {
  const CharVocabulary vocabulary("ab");
  expect_error<ValueError>([&] { CharTrigram(vocabulary, {"ab"}, 0); },
                           "add-k smoothing constant must be positive and finite, not 0");
  expect_error<ValueError>([&] { CharTrigram(vocabulary, {"ab"}, std::nan("")); },
                           "must be positive and finite");
  expect_error<ValueError>([&] { CharTrigram(vocabulary, {"abc"}, 1); },
                           "character 'c' is not in the vocabulary");
  const CharTrigram trigram(vocabulary, {"ab"}, 1);
  expect_error<ValueError>([&] { (void)trigram.log_probability(0, 1, CharVocabulary::kPad); },
                           "predicts a character or end, ids 2 to 4, not id 0");
  expect_error<ValueError>([&] { (void)trigram.score({"c"}); }, "character 'c'");
}

// logits (1, 3, 4) and labels (1, 3) whose last step is padding: the loss is
// that of the first two steps only, and the padded step gets no gradient.
TEST(NextSymbolLoss, PaddingAddsNothingAndGetsNoGradient) {
  Tape<double> tape;
  Tensor<double> values = {{{0.5, -1.0, 2.0, 0.25}, {1.5, 0.0, -0.5, 3.0}, {9.0, -9.0, 4.0, 1.0}}};
  const Var<double> logits = tape.variable(values);
  const Var<double> labels = tape.constant(Tensor<double>{{3, 2, 0}});
  auto nll = [&](std::size_t t, std::size_t label) {
    double norm = 0;
    for (std::size_t v = 0; v < 4; ++v)
      norm += std::exp(values(0, t, v));
    return std::log(norm) - values(0, t, label);
  };
  const double expected = nll(0, 3) + nll(1, 2);
  EXPECT_NEAR(char_lm::next_symbol_loss(logits, labels, Reduction::sum).item(), expected, 1e-14);
  const Var<double> mean = char_lm::next_symbol_loss(logits, labels, Reduction::mean);
  EXPECT_NEAR(mean.item(), expected / 2, 1e-14);
  tape.backward(mean);
  const Tensor<double> g = tape.grad(logits);
  for (std::size_t v = 0; v < 4; ++v)
    EXPECT_EQ(g(0, 2, v), 0.0);
  // ∂/∂logit of mean NLL at a real step: (softmax − one-hot) / 2.
  double norm = 0;
  for (std::size_t v = 0; v < 4; ++v)
    norm += std::exp(values(0, 1, v));
  EXPECT_NEAR(g(0, 1, 2), (std::exp(values(0, 1, 2)) / norm - 1) / 2, 1e-14);
  EXPECT_NEAR(g(0, 1, 0), std::exp(values(0, 1, 0)) / norm / 2, 1e-14);
  EXPECT_EQ(char_lm::predictions(labels.value()), 2u);
}

TEST(NextSymbolLoss, ShapesThatDoNotFit) {
  Tape<double> tape;
  const Var<double> logits = tape.variable(Tensor<double>::from_shape({1, 3, 4}));
  expect_error<ShapeError>(
      [&] {
        (void)char_lm::next_symbol_loss(logits, tape.constant(Tensor<double>{{1, 2}}),
                                        Reduction::sum);
      },
      "next_symbol_loss takes logits (batch, time, V) and labels (batch, time)");
  expect_error<ShapeError>([&] { (void)char_lm::next_symbol_loss(logits, logits, Reduction::sum); },
                           "labels (batch, time)");
}

std::vector<std::string> numbered_words(std::size_t n) {
  std::vector<std::string> words;
  for (std::size_t i = 0; i < n; ++i)
    words.push_back(std::to_string(i) + "w");  // "w" + to_string(i): GCC 12's false -Wrestrict
  return words;
}

TEST(SplitWords, SeededDisjointSharesOfTheWords) {
  const std::vector<std::string> words = numbered_words(200);
  const char_lm::Split split = char_lm::split_words(words, 3, 0.05, 0.05);
  EXPECT_EQ(split.train.size(), 180u);
  EXPECT_EQ(split.validation.size(), 10u);
  EXPECT_EQ(split.test.size(), 10u);
  std::set<std::string> all(split.train.begin(), split.train.end());
  all.insert(split.validation.begin(), split.validation.end());
  all.insert(split.test.begin(), split.test.end());
  EXPECT_EQ(all, std::set<std::string>(words.begin(), words.end()));
  EXPECT_NE(split.train, std::vector<std::string>(words.begin(), words.begin() + 180));
  const char_lm::Split again = char_lm::split_words(words, 3, 0.05, 0.05);
  EXPECT_EQ(again.test, split.test);
  EXPECT_NE(char_lm::split_words(words, 4, 0.05, 0.05).test, split.test);
  // --limit takes a prefix of the same shuffle.
  const char_lm::Split limited = char_lm::split_words(words, 3, 0.1, 0.1, 100);
  EXPECT_EQ(limited.train.size() + limited.validation.size() + limited.test.size(), 100u);
  EXPECT_EQ(limited.train.front(), split.train.front());
}

TEST(SplitWords, Errors) {
  expect_error<ValueError>([] { (void)char_lm::split_words(numbered_words(100), 1, 0.5, 0.5); },
                           "must be ≥ 0 with a sum below 1");
  expect_error<ValueError>([] { (void)char_lm::split_words(numbered_words(100), 1, -0.1, 0.1); },
                           "must be ≥ 0");
  expect_error<ValueError>([] { (void)char_lm::split_words(numbered_words(10), 1, 0.05, 0.05); },
                           "10 words are too few to give training, validation and test words");
}

TEST(ReadWords, NonEmptyLinesWithoutCarriageReturns) {
  const testing::ScratchDir dir;
  std::ofstream(dir.file("words")) << "apple\r\n\nbanana's\ncherry";
  EXPECT_EQ(char_lm::read_words(dir.file("words")),
            (std::vector<std::string>{"apple", "banana's", "cherry"}));
  std::ofstream(dir.file("empty")) << "\n\n";
  expect_error<FileError>([&] { (void)char_lm::read_words(dir.file("empty")); }, "holds no word");
  expect_error<FileError>([&] { (void)char_lm::read_words(dir.file("missing")); },
                          "cannot read the word list '" + dir.file("missing") + "'");
}

/// Logits that make one symbol far likelier than the others at every step.
class Favourite : public nn::Module<float> {
 public:
  Favourite(std::size_t vocabulary, std::size_t symbol)
      : vocabulary_(vocabulary), symbol_(symbol) {}
  Var<float> forward(Var<float> ids) override {
    Tensor<float> logits = Tensor<float>::from_shape({1, ids.shape()[1], vocabulary_});
    logits.fill(0.0f);
    for (std::size_t t = 0; t < ids.shape()[1]; ++t)
      logits(0, t, symbol_) = 100.0f;
    return ids.tape()->constant(std::move(logits));
  }

 private:
  std::size_t vocabulary_, symbol_;
};

TEST(SampleWord, DrawsTheLikelySymbolUntilEndOrTheLimit) {
  const CharVocabulary vocabulary("ab");
  nn::Rng rng(1);
  Favourite ends(vocabulary.size(), CharVocabulary::kEnd);
  EXPECT_EQ(char_lm::sample_word(ends, vocabulary, rng, 1.0, 10), "");
  Favourite bs(vocabulary.size(), vocabulary.id('b'));
  EXPECT_EQ(char_lm::sample_word(bs, vocabulary, rng, 1.0, 6), "bbbbbb");
  // Padding and begin are never drawn, however likely.
  Favourite pads(vocabulary.size(), CharVocabulary::kPad);
  const std::string word = char_lm::sample_word(pads, vocabulary, rng, 1.0, 50);
  EXPECT_EQ(word.find_first_not_of("ab"), std::string::npos);
  expect_error<ValueError>([&] { (void)char_lm::sample_word(bs, vocabulary, rng, 0.0, 5); },
                           "sampling temperature must be positive and finite, not 0");
}

/// The logits of steps < t must not depend on the ids from step t on.
template <class Model>
void expect_causal(const char_lm::ModelSettings& settings) {
  nn::Rng rng(5);
  Model model(settings, rng);
  model.eval();
  Tape<float> tape;
  const Tensor<float> a = {{1, 4, 5, 6, 2}}, b = {{1, 4, 5, 3, 3}};
  const Tensor<float> la = model(tape.constant(a)).value();
  const Tensor<float> lb = model(tape.constant(b)).value();
  ASSERT_EQ(la.shape(), (Shape{1, 5, settings.vocabulary}));
  for (std::size_t t = 0; t < 5; ++t) {
    double difference = 0;
    for (std::size_t v = 0; v < settings.vocabulary; ++v)
      difference = std::max(difference, static_cast<double>(std::abs(la(0, t, v) - lb(0, t, v))));
    if (t < 3)
      EXPECT_EQ(difference, 0.0) << "step " << t;
    else
      EXPECT_GT(difference, 1e-6) << "step " << t;
  }
}

char_lm::ModelSettings small_settings() {
  char_lm::ModelSettings s;
  s.vocabulary = 7;
  s.embed_dim = 8;
  s.hidden = 16;
  s.heads = 2;
  s.layers = 2;
  s.max_length = 5;
  return s;
}

TEST(CharLmModels, LstmIsCausal) {
  expect_causal<char_lm::LstmLanguageModel>(small_settings());
}

TEST(CharLmModels, TransformerIsCausal) {
  expect_causal<char_lm::TransformerLanguageModel>(small_settings());
}

TEST(CharLmModels, TransformerRejectsInputsLongerThanItsPositions) {
  nn::Rng rng(5);
  char_lm::TransformerLanguageModel model(small_settings(), rng);
  Tape<float> tape;
  Tensor<float> ids = Tensor<float>::from_shape({1, 6});
  ids.fill(1.0f);
  expect_error<ValueError>([&] { (void)model(tape.constant(ids)); },
                           "the transformer's positions cover 5 steps, not 6");
}

}  // namespace
}  // namespace tapegrad
