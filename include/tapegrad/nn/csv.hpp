#pragma once
// Reader for numeric CSV files: one sample per line, fields separated by a
// delimiter, an optional header line, and one column holding the label.
// Blank lines are skipped; a field that is not a finite number, a line with
// a different number of fields, or a label column that does not exist is a
// FileError naming the file, the line and the column.

#include <cstdint>
#include <string>
#include <string_view>

#include "tapegrad/export.hpp"
#include "tapegrad/nn/dataset.hpp"

namespace tapegrad::nn {

struct CsvOptions {
  /// The value of label_column meaning "no label column" (labels come back empty).
  static constexpr int kNoLabel = -1000000;
  /// Skip the first line.
  bool header = false;
  /// The label's column: 0-based, or negative to count from the end (−1: the last).
  int label_column = -1;
  char delimiter = ',';
};

/// Features (rows, columns − 1) and labels (rows,) from CSV text.
template <class T>
TAPEGRAD_EXPORT Dataset<T> parse_csv(std::string_view text, const CsvOptions& options = {},
                                     std::string_view name = "<memory>");

template <class T>
TAPEGRAD_EXPORT Dataset<T> read_csv(const std::string& path, const CsvOptions& options = {});

}  // namespace tapegrad::nn
