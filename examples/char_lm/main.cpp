// A character-level language model of English words: every word of Debian's
// wamerican list (/usr/share/dict/american-english), split 90/5/5 by a seeded
// shuffle, as one padded sequence begin, characters, end; the model predicts
// the next symbol at every step, padding masked out of the loss (loss.hpp).
// An LSTM or a small causal transformer (models.hpp), AdamW on the weight
// matrices, cosine schedule with warmup, gradient clipping, dropout. Prints
// the 3-gram baseline (trigram.hpp) and one line per epoch in nats per
// predicted symbol; writes curves (CSV, and SVG through gnuplot when
// present), a resumable checkpoint every epoch, one training step's tape as
// the HTML tape explorer, and ends with the test loss and sampled words.
//
//   char_lm [--model lstm|transformer] [--epochs 4] [--limit N] ...
//   char_lm --resume       # continues the run in --out from its checkpoint
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <tapegrad/inspect.hpp>
#include <tapegrad/tapegrad.hpp>

#include "char_lm/corpus.hpp"
#include "char_lm/loss.hpp"
#include "char_lm/models.hpp"
#include "char_lm/trigram.hpp"
#include "common/gnuplot.hpp"
#include "common/progress.hpp"

namespace {

using namespace char_lm;
using tapegrad::Parameter;
using tapegrad::Reduction;
using tapegrad::Tape;

struct Options {
  std::string model = "lstm";
  int epochs = 4;
  int stop_after = 0;
  std::size_t batch_size = 64;
  float learning_rate = 3e-3f;
  std::size_t warmup = 100;
  float weight_decay = 0.01f;
  float clip = 1.0f;
  ModelSettings net;
  std::uint64_t seed = 1;
  std::string corpus = "/usr/share/dict/american-english";
  std::size_t limit = 0;
  std::string out_dir = "char_lm_out";
  bool resume = false;
  int samples = 10;
  double temperature = 0.8;
  std::uint64_t sample_seed = 7;
  int threads = 1;
};

struct EpochRecord {
  int epoch = 0;
  double train_loss = 0, validation_loss = 0, seconds = 0, cpu_seconds = 0;
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

std::unique_ptr<nn::Module<float>> make_model(const Options& o, nn::Rng& rng) {
  if (o.model == "lstm")
    return std::make_unique<LstmLanguageModel>(o.net, rng);
  if (o.model == "transformer")
    return std::make_unique<TransformerLanguageModel>(o.net, rng);
  throw tapegrad::ValueError("unknown model '" + o.model + "' (lstm, transformer)");
}

/// Summed masked loss over a whole data set in eval mode, per prediction.
double evaluate(nn::Module<float>& model, const nn::Dataset<float>& data) {
  model.eval();
  Tape<float> tape;
  tapegrad::NoGradScope<float> no_grad(tape);
  nn::DataLoader<float> loader(data, {256, false, false, 0});
  nn::Batch<float> batch;
  Score s;
  while (loader.next(batch)) {
    tape.reset();
    const Var<float> logits = model(tape.constant(batch.features));
    s.nats += static_cast<double>(
        next_symbol_loss(logits, tape.constant(batch.labels), Reduction::sum).item());
    s.predictions += predictions(batch.labels);
  }
  model.train();
  return s.per_prediction();
}

void write_curves_csv(const std::string& path, const std::vector<EpochRecord>& records) {
  std::ofstream out(path);
  out << "epoch,train_loss,validation_loss,epoch_seconds,epoch_cpu_seconds\n";
  out.precision(17);
  for (const EpochRecord& r : records)
    out << r.epoch << ',' << r.train_loss << ',' << r.validation_loss << ',' << r.seconds << ','
        << r.cpu_seconds << '\n';
}

/// The rows of an earlier run's curves.csv up to `epochs` (for --resume).
std::vector<EpochRecord> read_curves_csv(const std::string& path, int epochs) {
  std::vector<EpochRecord> records;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    EpochRecord r;
    char comma = 0;
    std::istringstream row(line);
    row >> r.epoch >> comma >> r.train_loss >> comma >> r.validation_loss >> comma >> r.seconds >>
        comma >> r.cpu_seconds;
    if (row && r.epoch <= epochs)
      records.push_back(r);
  }
  return records;
}

bool plot_curves(const std::string& csv, const std::string& svg, const std::string& script,
                 double baseline, std::size_t epochs) {
  std::ostringstream gp;
  gp << "set terminal svg size 560,360 font 'sans,11'\n"
     << "set output '" << svg << "'\n"
     << "set datafile separator ','\n"
     << "set xlabel 'epoch'\n"
     << "set ylabel 'nats per symbol'\n"
     << "set xrange [0.5:" << epochs << ".5]\n"
     << "set title 'character language model'\n"
     << "plot '" << csv << "' using 1:2 with linespoints title 'train', '' using 1:3 with "
     << "linespoints title 'validation', " << baseline
     << " with lines dashtype 2 title '3-gram, validation'\n";
  return run_gnuplot(script, gp.str());
}

/// One training step on the first two validation words as the HTML tape
/// explorer (forward and backward of the masked loss, nothing updated). No
/// backprop trace: over the LSTM's 24 unrolled steps it made the page ~90 MB.
void write_tape_page(nn::Module<float>& model, const nn::Dataset<float>& data,
                     const std::string& title, const std::string& path) {
  nn::DataLoader<float> loader(data, {2, false, false, 0});
  nn::Batch<float> batch;
  if (!loader.next(batch))
    return;
  model.eval();  // the same page on every run
  Tape<float> tape;
  const Var<float> logits = model(tape.constant(batch.features, "ids"));
  const Var<float> loss =
      next_symbol_loss(logits, tape.constant(batch.labels, "next ids"), Reduction::mean)
          .label("loss");
  tape.backward(loss);
  tapegrad::inspect::save_html(tapegrad::inspect::record(tape, {.values = false, .grads = false}),
                               path, {.title = title});
  for (Parameter<float>* p : model.parameters())
    p->zero_grad();
  model.train();
  std::printf("tape: %s\n", path.c_str());
}

int run(Options& o) {
  tapegrad::set_num_threads(o.threads);
  const Split split = split_words(read_words(o.corpus), o.seed, 0.05, 0.05, o.limit);
  const nn::CharVocabulary vocabulary(joined(split.train) + joined(split.validation) +
                                      joined(split.test));
  // One length for every split: the longest word anywhere, plus begin.
  std::size_t longest = 0;
  for (const auto* part : {&split.train, &split.validation, &split.test})
    for (const std::string& w : *part)
      longest = std::max(longest, w.size());
  const std::size_t length = longest + 1;
  const nn::Dataset<float> train_set = nn::word_sequences<float>(vocabulary, split.train, length);
  const nn::Dataset<float> validation_set =
      nn::word_sequences<float>(vocabulary, split.validation, length);
  const nn::Dataset<float> test_set = nn::word_sequences<float>(vocabulary, split.test, length);
  std::printf(
      "words: %zu training, %zu validation, %zu test (seed %llu); %zu symbols (%zu characters, "
      "pad, begin, end); %zu steps per word\n",
      split.train.size(), split.validation.size(), split.test.size(),
      static_cast<unsigned long long>(o.seed), vocabulary.size(), vocabulary.characters().size(),
      length);
  if (const std::string advice = tapegrad::blas_kernel_advice(); !advice.empty())
    std::printf("%s\n", advice.c_str());

  // The baseline, its k chosen on the validation words.
  double best_k = 0, best_validation = 0;
  for (const double k : {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0}) {
    const double v =
        CharTrigram(vocabulary, split.train, k).score(split.validation).per_prediction();
    if (best_k == 0 || v < best_validation) {
      best_k = k;
      best_validation = v;
    }
  }
  const CharTrigram trigram(vocabulary, split.train, best_k);
  std::printf(
      "3-gram baseline (add-k, k = %g chosen on validation): validation %.4f, test %.4f "
      "nats/symbol\n",
      best_k, best_validation, trigram.score(split.test).per_prediction());

  o.net.vocabulary = vocabulary.size();
  o.net.max_length = length;
  o.net.seed = o.seed;
  nn::Rng init_rng(o.seed);
  const std::unique_ptr<nn::Module<float>> model = make_model(o, init_rng);
  const std::vector<Parameter<float>*> params = model->parameters();
  std::size_t count = 0;
  for (const Parameter<float>* p : params)
    count += p->value().size();
  auto [decay, no_decay] = nn::split_parameters(model->named_parameters(), nn::is_matrix);
  nn::AdamW<float> optimizer(
      {{.parameters = decay, .learning_rate = o.learning_rate, .weight_decay = o.weight_decay},
       {.parameters = no_decay, .learning_rate = o.learning_rate}});
  nn::DataLoader<float> loader(train_set, {o.batch_size, true, false, o.seed});
  const std::size_t total = static_cast<std::size_t>(o.epochs) * loader.batches_per_epoch();
  const std::size_t warmup = std::min(o.warmup, total - 1);  // a short run warms up less
  nn::LrScheduler<float> scheduler(optimizer,
                                   nn::CosineAnnealing(o.learning_rate, total, 0.0, warmup));
  std::printf(
      "%s: %zu parameters; AdamW lr %g (warmup %zu steps, cosine over %zu), weight decay "
      "%g, clip %g, dropout %g, batch %zu, %d thread%s\n",
      o.model.c_str(), count, static_cast<double>(o.learning_rate), warmup, total,
      static_cast<double>(o.weight_decay), static_cast<double>(o.clip), o.net.dropout, o.batch_size,
      o.threads, o.threads == 1 ? "" : "s");
  std::fflush(stdout);

  std::filesystem::create_directories(o.out_dir);
  const std::string checkpoint = o.out_dir + "/checkpoint";
  const std::string csv = o.out_dir + "/curves.csv";
  const nn::TrainingState<float> state{params, &optimizer, &scheduler, &loader,
                                       nn::random_generators(*model)};
  std::vector<EpochRecord> records;
  int first = 1;
  if (o.resume) {
    nn::load_training_checkpoint(checkpoint, state);
    first = static_cast<int>(loader.epoch()) + 1;
    records = read_curves_csv(csv, first - 1);
    std::printf("resumed from %s after epoch %d\n", checkpoint.c_str(), first - 1);
  }

  Tape<float> tape;
  ProgressBar progress;
  nn::Batch<float> batch;
  model->train();
  for (int epoch = first; epoch <= o.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    const std::string label = "epoch " + std::to_string(epoch) + "/" + std::to_string(o.epochs);
    Score train;
    std::size_t done = 0;
    while (loader.next(batch)) {
      tape.reset();
      const Var<float> logits = (*model)(tape.constant(batch.features, "ids"));
      const Var<float> loss =
          next_symbol_loss(logits, tape.constant(batch.labels, "next ids"), Reduction::mean);
      tape.backward(loss);
      nn::clip_grad_norm(params, o.clip);
      optimizer.step();
      scheduler.step();
      const std::size_t n = predictions(batch.labels);
      train.nats += static_cast<double>(loss.item()) * static_cast<double>(n);
      train.predictions += n;
      progress.update(label, ++done, loader.batches_per_epoch(), train.per_prediction());
    }
    progress.clear();
    EpochRecord r{epoch, train.per_prediction(), evaluate(*model, validation_set), 0, 0};
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.cpu_seconds = cpu_seconds() - cpu_start;
    records.push_back(r);
    std::printf(
        "epoch %2d/%d  train %.6f  validation %.6f nats/symbol  epoch %.1f s (CPU %.1f s)\n", epoch,
        o.epochs, r.train_loss, r.validation_loss, r.seconds, r.cpu_seconds);
    std::fflush(stdout);
    write_curves_csv(csv, records);
    nn::save_training_checkpoint(checkpoint, state);
    if (o.stop_after > 0 && epoch >= o.stop_after) {
      std::printf("stopped after epoch %d (--stop-after); --resume continues\n", epoch);
      return 0;
    }
  }
  std::printf("curves: %s\ncheckpoint: %s\n", csv.c_str(), checkpoint.c_str());
  if (plot_curves(csv, o.out_dir + "/curves.svg", o.out_dir + "/curves.gp", best_validation,
                  static_cast<std::size_t>(o.epochs)))
    std::printf("plot: %s/curves.svg\n", o.out_dir.c_str());
  write_tape_page(*model, validation_set, "char_lm " + o.model + ", 2 validation words",
                  o.out_dir + "/tape.html");
  std::printf("test %.6f nats/symbol (3-gram %.6f)\n", evaluate(*model, test_set),
              trigram.score(split.test).per_prediction());
  model->eval();
  nn::Rng sample_rng(o.sample_seed);
  std::printf("samples (temperature %g, seed %llu):", o.temperature,
              static_cast<unsigned long long>(o.sample_seed));
  for (int i = 0; i < o.samples; ++i)
    std::printf(" %s", sample_word(*model, vocabulary, sample_rng, o.temperature, length).c_str());
  std::printf("\n");
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak memory (RSS): %.0f MiB\n", static_cast<double>(usage.ru_maxrss) / 1024);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Train a character-level language model on English words with tapegrad"};
  app.add_option("--model", o.model, "lstm or transformer")
      ->check(CLI::IsMember({"lstm", "transformer"}))
      ->capture_default_str();
  app.add_option("--epochs", o.epochs, "Epochs")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--stop-after", o.stop_after,
                 "Stop after this epoch, as if interrupted (0: run all epochs)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--batch-size", o.batch_size, "Words per mini-batch")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--lr", o.learning_rate, "Peak learning rate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--warmup", o.warmup, "Steps of linear warmup")->capture_default_str();
  app.add_option("--weight-decay", o.weight_decay, "AdamW's decay of the weight matrices")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--clip", o.clip, "Largest gradient norm")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--dropout", o.net.dropout, "Dropout probability")
      ->check(CLI::Range(0.0, 0.99))
      ->capture_default_str();
  app.add_option("--embed-dim", o.net.embed_dim, "Embedding width (the transformer's width)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--hidden", o.net.hidden, "LSTM state size; transformer feed-forward width")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--heads", o.net.heads, "Attention heads")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--layers", o.net.layers, "Transformer blocks")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of the split, the weights, dropout and batch order")
      ->capture_default_str();
  app.add_option("--corpus", o.corpus, "Word list, one word a line")->capture_default_str();
  app.add_option("--limit", o.limit, "Use only N words of the shuffled list (0: all)")
      ->capture_default_str();
  app.add_option("--out", o.out_dir, "Directory for curves, checkpoint and tape page")
      ->capture_default_str();
  app.add_flag("--resume", o.resume, "Continue from the checkpoint in --out (same options)");
  app.add_option("--samples", o.samples, "Words to sample at the end")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--temperature", o.temperature, "Sampling temperature")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--sample-seed", o.sample_seed, "Seed of the sampling")->capture_default_str();
  app.add_option("--threads", o.threads, "Threads for matrix products")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "char_lm: %s\n", e.what());
    return 1;
  }
}
