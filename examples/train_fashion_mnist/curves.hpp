#pragma once
// The learning curves: one CSV row per epoch, and an SVG plot of them.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/gnuplot.hpp"

struct EpochRecord {
  int epoch;
  double train_loss, train_accuracy, test_loss, test_accuracy;
  double examples_per_second;  ///< over the epoch's wall-clock time
  double
      examples_per_cpu_second;  ///< over its CPU time (user + system), which load does not inflate
  double elapsed;
};

inline void write_curves_csv(const std::string& path, const std::vector<EpochRecord>& records) {
  std::ofstream out(path);
  out << "epoch,train_loss,train_accuracy,test_loss,test_accuracy,examples_per_second,"
         "examples_per_cpu_second,elapsed_seconds\n";
  for (const EpochRecord& r : records) {
    out << r.epoch << ',' << r.train_loss << ',' << r.train_accuracy << ',' << r.test_loss << ','
        << r.test_accuracy << ',' << r.examples_per_second << ',' << r.examples_per_cpu_second
        << ',' << r.elapsed << '\n';
  }
}

/// Plots loss and accuracy against the epoch into `svg`; false without gnuplot.
inline bool plot_curves(const std::string& csv, const std::string& svg, const std::string& script,
                        std::size_t epochs) {
  std::ostringstream gp;
  gp << "set terminal svg size 800,360 font 'sans,11'\n"
     << "set output '" << svg << "'\n"
     << "set datafile separator ','\n"
     << "set key autotitle columnhead\n"
     << "set multiplot layout 1,2\n"
     << "set xlabel 'epoch'\n"
     << "set xrange [0.5:" << epochs << ".5]\n"
     << "set title 'loss (cross-entropy)'\n"
     << "plot '" << csv << "' using 1:2 with linespoints title 'train', '' using 1:4 with "
     << "linespoints title 'test'\n"
     << "set title 'accuracy'\n"
     << "set format y '%.0f%%'\n"
     << "plot '" << csv << "' using 1:($3*100) with linespoints title 'train', '' using "
     << "1:($5*100) with linespoints title 'test'\n"
     << "unset multiplot\n";
  return run_gnuplot(script, gp.str());
}
