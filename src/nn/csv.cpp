#include "tapegrad/nn/csv.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "nn/file_io.hpp"

namespace tapegrad::nn {
namespace {

constexpr std::string_view kOp = "csv";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

/// A field as a finite number that fits T, or a FileError naming line and column.
template <class T>
double number(std::string_view field, std::string_view name, std::size_t line, std::size_t column) {
  std::string_view s = trim(field);
  if (!s.empty() && s.front() == '+')  // from_chars refuses a leading '+'
    s.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value) ||
      std::abs(value) > static_cast<double>(std::numeric_limits<T>::max())) {
    // Only the first 40 characters: a binary file would print garbage.
    const std::string_view shown = trim(field).substr(0, 40);
    io::file_error(kOp, name,
                   fmt::format("line {}, column {}: '{}' is not a finite {}-bit number", line,
                               column + 1, shown, 8 * sizeof(T)));
  }
  return value;
}

}  // namespace

template <class T>
Dataset<T> parse_csv(std::string_view text, const CsvOptions& options, std::string_view name) {
  std::vector<T> features;
  std::vector<T> labels;
  std::vector<double> row;
  std::size_t columns = 0, rows = 0, first_line = 0, label = 0;
  const bool has_label = options.label_column != CsvOptions::kNoLabel;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if ((line_number == 1 && options.header) || trim(line).empty())
      continue;
    row.clear();
    std::string_view rest = line;
    for (;;) {
      const std::size_t cut = rest.find(options.delimiter);
      row.push_back(number<T>(rest.substr(0, cut), name, line_number, row.size()));
      if (cut == std::string_view::npos)
        break;
      rest.remove_prefix(cut + 1);
    }
    if (columns == 0) {
      columns = row.size();
      first_line = line_number;
      if (has_label) {
        const long long index = options.label_column < 0
                                    ? static_cast<long long>(columns) + options.label_column
                                    : options.label_column;
        if (index < 0 || index >= static_cast<long long>(columns)) {
          io::file_error(kOp, name,
                         fmt::format("label column {} does not exist in rows of {} fields",
                                     options.label_column, columns));
        }
        label = static_cast<std::size_t>(index);
      }
    } else if (row.size() != columns) {
      io::file_error(kOp, name,
                     fmt::format("line {} has {} fields, line {} has {}", line_number, row.size(),
                                 first_line, columns));
    }
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (has_label && c == label)
        labels.push_back(static_cast<T>(row[c]));
      else
        features.push_back(static_cast<T>(row[c]));
    }
    ++rows;
  }
  if (rows == 0)
    io::file_error(kOp, name, "holds no data rows");
  const std::size_t width = has_label ? columns - 1 : columns;
  Dataset<T> data;
  data.features = Tensor<T>::from_shape({rows, width});
  std::copy(features.begin(), features.end(), data.features.begin());
  data.labels = Tensor<T>::from_shape({labels.size()});
  std::copy(labels.begin(), labels.end(), data.labels.begin());
  return data;
}

template <class T>
Dataset<T> read_csv(const std::string& path, const CsvOptions& options) {
  const std::vector<std::uint8_t> bytes = io::read_file(path, kOp);
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return parse_csv<T>(text, options, path);
}

template Dataset<float> parse_csv<float>(std::string_view, const CsvOptions&, std::string_view);
template Dataset<double> parse_csv<double>(std::string_view, const CsvOptions&, std::string_view);
template Dataset<float> read_csv<float>(const std::string&, const CsvOptions&);
template Dataset<double> read_csv<double>(const std::string&, const CsvOptions&);

}  // namespace tapegrad::nn
