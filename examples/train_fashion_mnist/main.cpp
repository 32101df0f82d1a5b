// Trains a 784-256-128-10 ReLU MLP on Fashion-MNIST with tapegrad:
// cross-entropy from logits plus λΩ weight decay, Adam (or SGD variants),
// mini-batches of 128 for 10 epochs, in float32 (or float64). Prints one line
// per epoch, with examples per second of wall-clock and of CPU time, writes the
// learning curves (CSV, and SVG through gnuplot when present), a
// checkpoint of every parameter as .npy files and the trained network's tape
// on 8 test images as the HTML tape explorer (tape.html).
//
//   train_fashion_mnist [--epochs 10] [--batch-size 128] [--lr 1e-3] [--dtype float64] ...
//   train_fashion_mnist --sweep     # examples/s and accuracy per batch size
//   mpirun -np 2 train_fashion_mnist --distributed   # data-parallel, tapegrad::dist
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <tapegrad/tapegrad.hpp>

#include "common/progress.hpp"
#include "curves.hpp"
#include "fashion_mnist.hpp"
#include "tape_page.hpp"
#include "trainer.hpp"

#ifdef TAPEGRAD_EXAMPLE_DIST
#include <tapegrad/dist.hpp>
#endif

namespace {

struct Options {
  TrainSettings train;
  std::string dtype = "float32";
  int epochs = 10;
  int threads = 1;
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
  std::string out_dir = "fashion_mnist_out";
  std::size_t limit = 0;
  bool sweep = false;
  int sweep_epochs = 2;
  bool distributed = false;
  bool count_subnormals = false;
};

/// This process's place in the job: rank 0 of 1 unless --distributed.
struct Job {
  int rank = 0;
  int size = 1;
  bool lead() const { return rank == 0; }
};

template <class T>
nn::Sequential<T> make_network(std::uint64_t seed) {
  nn::MlpOptions mlp;
  mlp.hidden = nn::Activation::relu;  // He initialisation follows
  mlp.seed = seed;
  return nn::mlp<T>({fashion_mnist::kPixels, 256, 128, fashion_mnist::kClasses}, mlp);
}

template <class T>
int train(const Options& o, const Job& job, const nn::Dataset<float>& train_set,
          const nn::Dataset<float>& test_set) {
  nn::Sequential<T> net = make_network<T>(o.train.seed);
  const auto optimizer = make_optimizer<T>(o.train, net.parameters());
  // --batch-size is the global batch: each rank takes its share of it, so a
  // step sees the same samples however many ranks share them.
  const auto ranks = static_cast<std::size_t>(job.size);
  if (o.train.batch_size % ranks != 0) {
    throw tapegrad::ValueError("--batch-size " + std::to_string(o.train.batch_size) +
                               " is not divisible by the " + std::to_string(ranks) + " ranks");
  }
  nn::DataLoader<float> loader(train_set, {o.train.batch_size / ranks, true, false, o.train.seed,
                                           static_cast<std::size_t>(job.rank), ranks});
  BackwardStep<T> backward = update_during_backward(*optimizer);
#ifdef TAPEGRAD_EXAMPLE_DIST
  std::optional<tapegrad::dist::DataParallel<T>> parallel;
  if (o.distributed) {
    parallel.emplace(*optimizer);
    backward = [&parallel](Tape<T>& tape, Var<T> objective) {
      parallel->backward(tape, objective);
    };
  }
#endif
  const auto schedule =
      make_schedule(o.train, static_cast<std::size_t>(o.epochs), loader.batches_per_epoch());
  std::size_t step = 0;
  Tape<T> tape;
  ProgressBar progress(job.lead());
  std::vector<EpochRecord> records;
  const auto start = std::chrono::steady_clock::now();
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const std::string label = "epoch " + std::to_string(epoch) + "/" + std::to_string(o.epochs);
    const EpochResult r = train_epoch(net, *optimizer, backward, loader, o.train, schedule, step,
                                      tape, progress, label);
    const SubnormalCount subnormals =
        o.count_subnormals ? count_subnormals(tape, *optimizer) : SubnormalCount{};
    const Evaluation test = evaluate(net, test_set);  // equal weights: equal on every rank
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double speed = static_cast<double>(r.samples * ranks) / r.seconds;
    // Of this process: its samples over its CPU time (the same figure on every rank).
    const double cpu_speed = static_cast<double>(r.samples) / r.cpu_seconds;
    if (job.lead()) {  // loss and train accuracy: of rank 0's shard
      std::printf(
          "epoch %2d/%d  loss %.4f  train acc %.2f%%  test acc %.2f%%  %.0f examples/s "
          "(%.0f per CPU second)  epoch %.1f s  elapsed %.1f s\n",
          epoch, o.epochs, r.loss, 100 * r.accuracy, 100 * test.accuracy, speed, cpu_speed,
          r.seconds, elapsed);
      if (o.count_subnormals) {
        std::printf(
            "  subnormal values: %zu on the last step's tape, %zu in parameters, %zu in "
            "optimiser state\n",
            subnormals.tape, subnormals.parameters, subnormals.state);
      }
      std::fflush(stdout);
    }
    records.push_back(
        {epoch, r.loss, r.accuracy, test.loss, test.accuracy, speed, cpu_speed, elapsed});
  }
#ifdef TAPEGRAD_EXAMPLE_DIST
  if (o.distributed)
    tapegrad::dist::save_checkpoint(o.out_dir + "/checkpoint", net.parameters());
#endif
  if (!job.lead())
    return 0;
  std::filesystem::create_directories(o.out_dir);
  const std::string csv = o.out_dir + "/curves.csv";
  write_curves_csv(csv, records);
  std::printf("curves: %s\n", csv.c_str());
  if (plot_curves(csv, o.out_dir + "/curves.svg", o.out_dir + "/curves.gp", records.size()))
    std::printf("plot: %s/curves.svg\n", o.out_dir.c_str());
  if (!o.distributed)
    nn::save_checkpoint(o.out_dir + "/checkpoint", net.parameters());
  std::printf("checkpoint: %s/checkpoint/<label>.npy\n", o.out_dir.c_str());
  write_tape_page(net, test_set, o.out_dir + "/tape.html");
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak memory (RSS): %.0f MiB\n", static_cast<double>(usage.ru_maxrss) / 1024);
  return 0;
}

/// Batch sizes 32 … 1024: training speed and test accuracy after a fixed
/// number of epochs, everything else equal.
template <class T>
int sweep(const Options& o, const nn::Dataset<float>& train_set,
          const nn::Dataset<float>& test_set) {
  std::printf("batch  examples/s  test acc after %d epoch%s\n", o.sweep_epochs,
              o.sweep_epochs == 1 ? "" : "s");
  ProgressBar progress;
  for (std::size_t batch = 32; batch <= 1024; batch *= 2) {
    TrainSettings settings = o.train;
    settings.batch_size = batch;
    nn::Sequential<T> net = make_network<T>(settings.seed);
    const auto optimizer = make_optimizer<T>(settings, net.parameters());
    nn::DataLoader<float> loader(train_set, {batch, true, false, settings.seed});
    const auto schedule = make_schedule(settings, static_cast<std::size_t>(o.sweep_epochs),
                                        loader.batches_per_epoch());
    std::size_t step = 0;
    Tape<T> tape;
    double seconds = 0;
    std::size_t samples = 0;
    for (int epoch = 1; epoch <= o.sweep_epochs; ++epoch) {
      const EpochResult r =
          train_epoch(net, *optimizer, update_during_backward(*optimizer), loader, settings,
                      schedule, step, tape, progress, "batch " + std::to_string(batch));
      seconds += r.seconds;
      samples += r.samples;
    }
    const Evaluation test = evaluate(net, test_set);
    std::printf("%5zu  %10.0f  %6.2f%%\n", batch, static_cast<double>(samples) / seconds,
                100 * test.accuracy);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Train a 784-256-128-10 MLP on Fashion-MNIST with tapegrad"};
  app.add_option("--epochs", o.epochs, "Epochs")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--batch-size", o.train.batch_size, "Mini-batch size")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--lr", o.train.learning_rate, "Learning rate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--dtype", o.dtype,
                 "float32 or float64: the type of weights, activations and gradients (the data "
                 "set stays float32; each batch is converted)")
      ->check(CLI::IsMember({"float32", "float64"}))
      ->capture_default_str();
  app.add_option("--optimizer", o.train.optimizer, "sgd, momentum, nesterov, adam or adamw")
      ->check(CLI::IsMember({"sgd", "momentum", "nesterov", "adam", "adamw"}))
      ->capture_default_str();
  app.add_option("--schedule", o.train.schedule,
                 "Learning rate per step: cosine (to 0 over the run), step (halved every 3 "
                 "epochs) or none")
      ->check(CLI::IsMember({"cosine", "step", "none"}))
      ->capture_default_str();
  app.add_option("--weight-decay", o.train.weight_decay,
                 "λ of the L2 penalty λ·½Σ‖W‖² (AdamW: its decoupled decay)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--threads", o.threads, "Threads for matrix products")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seed", o.train.seed, "Seed of the initial weights and the batch order")
      ->capture_default_str();
  app.add_option("--data", o.data_dir, "Directory of the Fashion-MNIST .gz IDX files")
      ->capture_default_str();
  app.add_option("--out", o.out_dir, "Directory for curves and checkpoint")->capture_default_str();
  app.add_option("--limit", o.limit, "Use only the first N training and test samples (0: all)")
      ->capture_default_str();
  app.add_flag("--sweep", o.sweep, "Compare batch sizes 32…1024 instead of training once");
  app.add_option("--sweep-epochs", o.sweep_epochs, "Epochs per batch size in --sweep")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("--count-subnormals", o.count_subnormals,
               "After each epoch, count subnormal values on the last step's tape (values and "
               "gradients), in the parameters and in the optimiser's state");
  app.add_flag("--distributed", o.distributed,
               "Data-parallel over the ranks of mpirun (tapegrad::dist); --batch-size is the "
               "global batch");
  CLI11_PARSE(app, argc, argv);

  auto run = [&o](const Job& job) {
    if (o.sweep && job.size > 1)
      throw tapegrad::ValueError("--sweep runs in one process, not under --distributed");
    tapegrad::set_num_threads(o.threads);
    const auto load_start = std::chrono::steady_clock::now();
    const nn::Dataset<float> train_set = fashion_mnist::load(o.data_dir, "train", o.limit);
    const nn::Dataset<float> test_set = fashion_mnist::load(o.data_dir, "t10k", o.limit);
    if (job.lead()) {
      std::printf(
          "Fashion-MNIST: %zu training and %zu test images (loaded in %.1f s); %s, %s, lr %g "
          "(%s), weight decay %g, batch %zu, %d thread%s, %d rank%s\n",
          train_set.size(), test_set.size(),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count(),
          o.dtype.c_str(), o.train.optimizer.c_str(), static_cast<double>(o.train.learning_rate),
          o.train.schedule.c_str(), static_cast<double>(o.train.weight_decay), o.train.batch_size,
          o.threads, o.threads == 1 ? "" : "s", job.size, job.size == 1 ? "" : "s");
      if (const std::string advice = tapegrad::blas_kernel_advice(); !advice.empty())
        std::printf("%s\n", advice.c_str());
    }
    if (o.dtype == "float64")
      return o.sweep ? sweep<double>(o, train_set, test_set)
                     : train<double>(o, job, train_set, test_set);
    return o.sweep ? sweep<float>(o, train_set, test_set)
                   : train<float>(o, job, train_set, test_set);
  };
  if (o.distributed) {
#ifdef TAPEGRAD_EXAMPLE_DIST
    // An exception on one rank ends every rank with its message (MPI_Abort).
    tapegrad::dist::Context context(argc, argv);
    return context.run([&] { run(Job{context.rank(), context.size()}); });
#else
    std::fprintf(stderr, "train_fashion_mnist: --distributed needs tapegrad::dist (MPI)\n");
    return 1;
#endif
  }
  try {
    return run(Job{});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "train_fashion_mnist: %s\n", e.what());
    return 1;
  }
}
