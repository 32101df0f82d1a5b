#include "tapegrad/nn/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "nn/file_io.hpp"

namespace tapegrad::nn {
namespace {

constexpr std::string_view kCsvOp = "csv";
// No number needs more; a longer field is refused before it is buffered, so
// a file without delimiters or newlines costs this much, not its size.
constexpr std::size_t kMaxFieldChars = 1024;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

/// Whether a number that from_chars found out of range is too small (it
/// rounds to zero) rather than too large: its leading digit's power of ten
/// is negative. `s` is a decimal as from_chars reads it ([-]d*[.d*][e[±]d+]).
bool underflows(std::string_view s) {
  if (!s.empty() && s.front() == '-')
    s.remove_prefix(1);
  long long leading = 0;  // power of ten of the first non-zero digit
  bool found = false, before_point = true;
  std::size_t i = 0;
  long long integer_digits = 0, fraction_zeros = 0;
  for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
    if (s[i] == '.') {
      before_point = false;
    } else if (!found && s[i] == '0') {
      fraction_zeros += before_point ? 0 : 1;
    } else if (before_point) {
      found = true;
      ++integer_digits;
    } else if (!found) {
      found = true;
      leading = -(fraction_zeros + 1);
    }
  }
  if (integer_digits > 0)
    leading = integer_digits - 1;
  long long exponent = 0;
  if (i < s.size()) {
    std::string_view digits = s.substr(i + 1);
    const bool negative = !digits.empty() && digits.front() == '-';
    if (!digits.empty() && (digits.front() == '-' || digits.front() == '+'))
      digits.remove_prefix(1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), exponent);
    if (ec == std::errc::result_out_of_range)
      exponent = std::numeric_limits<long long>::max() / 2;  // saturate: the sign decides
    exponent = negative ? -exponent : exponent;
  }
  return leading + exponent < 0;
}

/// A field as a finite number of T, or a FileError naming line and column.
/// The rule (README, "What happens when…"): a value beyond T's range is
/// refused as overflowing, a non-zero value that rounds to zero in T is
/// refused as underflowing, and subnormal values are kept.
template <class T>
T number(std::string_view field, std::string_view name, std::size_t line, std::size_t column) {
  const int bits = 8 * sizeof(T);
  if (field.size() > kMaxFieldChars) {
    io::file_error(kCsvOp, name,
                   fmt::format("line {}, column {}: '{}…' is not a finite {}-bit number (a field "
                               "of more than {} characters)",
                               line, column + 1, trim(field).substr(0, 40), bits, kMaxFieldChars));
  }
  std::string_view s = trim(field);
  if (!s.empty() && s.front() == '+')  // from_chars refuses a leading '+'
    s.remove_prefix(1);
  T value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (!s.empty() && ec == std::errc() && end == s.data() + s.size() && std::isfinite(value))
    return value;
  // Only the first 40 characters: a binary file would print garbage.
  const std::string_view shown = trim(field).substr(0, 40);
  const std::string where = fmt::format("line {}, column {}: '{}'", line, column + 1, shown);
  if (ec == std::errc::result_out_of_range && end == s.data() + s.size()) {
    if (underflows(s)) {
      io::file_error(kCsvOp, name,
                     fmt::format("{} underflows: it is finite, but too small for a {}-bit float "
                                 "(it would round to 0; the smallest is {:g})",
                                 where, bits, std::numeric_limits<T>::denorm_min()));
    }
    io::file_error(kCsvOp, name,
                   fmt::format("{} overflows: it is beyond a {}-bit float's range (±{:g})", where,
                               bits, std::numeric_limits<T>::max()));
  }
  io::file_error(kCsvOp, name, fmt::format("{} is not a finite {}-bit number", where, bits));
}

/// The CSV reader proper, fed the text in pieces of any size (a file is read
/// in chunks): only the field being read is buffered, and each number goes
/// straight into the features or the labels.
template <class T>
class CsvParser {
 public:
  CsvParser(const CsvOptions& options, std::string_view name)
      : options_(options),
        name_(name),
        has_label_(options.label_column != CsvOptions::kNoLabel),
        skipping_(options.header) {}

  void feed(std::string_view text) {
    const char delimiter = options_.delimiter;
    while (!text.empty()) {
      std::size_t cut = 0;
      while (cut < text.size() && text[cut] != delimiter && text[cut] != '\n')
        ++cut;
      if (cut == text.size())
        cut = std::string_view::npos;
      const std::string_view piece = text.substr(0, cut);
      if (cut == std::string_view::npos) {  // the field goes on in the next piece
        if (!skipping_)
          hold(piece);
        return;
      }
      const bool line_ends = text[cut] == '\n';
      text.remove_prefix(cut + 1);
      if (skipping_) {  // the header line: nothing of it is read
        skipping_ = !line_ends;
        line_ += line_ends ? 1 : 0;
        continue;
      }
      if (pending_.empty()) {
        field(piece, line_ends);
      } else {
        hold(piece);
        field(pending_, line_ends);
        pending_.clear();
      }
    }
  }

  Dataset<T> finish() {
    if (!skipping_ && (!pending_.empty() || column_ > 0))
      field(pending_, true);
    if (rows_ == 0)
      io::file_error(kCsvOp, name_, "holds no data rows");
    const std::size_t width = has_label_ ? columns_ - 1 : columns_;
    Dataset<T> data;
    data.features = io::allocate<T>({rows_, width}, kCsvOp, name_);
    std::copy(features_.begin(), features_.end(), data.features.begin());
    data.labels = io::allocate<T>({labels_.size()}, kCsvOp, name_);
    std::copy(labels_.begin(), labels_.end(), data.labels.begin());
    return data;
  }

 private:
  void hold(std::string_view piece) {
    const bool too_long = pending_.size() + piece.size() > kMaxFieldChars;
    pending_.append(too_long ? piece.substr(0, kMaxFieldChars + 1 - pending_.size()) : piece);
    if (too_long)
      (void)number<T>(pending_, name_, line_ + 1, column_);  // refuses it by its length
  }

  void field(std::string_view text, bool line_ends) {
    if (line_ends && column_ == 0 && trim(text).empty()) {  // a blank line
      ++line_;
      return;
    }
    const std::size_t line = line_ + 1;
    if (columns_ == 0 || column_ < columns_) {
      const T value = number<T>(text, name_, line, column_);
      if (rows_ > 0 && has_label_ && column_ == label_)
        labels_.push_back(value);
      else
        features_.push_back(value);
    }
    ++column_;
    if (!line_ends)
      return;
    if (columns_ == 0)
      first_row_ended(line);
    else if (column_ != columns_)
      io::file_error(kCsvOp, name_,
                     fmt::format("line {} has {} fields, line {} has {}", line, column_,
                                 first_line_, columns_));
    ++rows_;
    ++line_;
    column_ = 0;
  }

  /// The first row sets the number of columns, hence where the label is; its
  /// label, stored with the features until now, moves to the labels.
  void first_row_ended(std::size_t line) {
    columns_ = column_;
    first_line_ = line;
    if (!has_label_)
      return;
    const long long index = options_.label_column < 0
                                ? static_cast<long long>(columns_) + options_.label_column
                                : options_.label_column;
    if (index < 0 || index >= static_cast<long long>(columns_)) {
      io::file_error(kCsvOp, name_,
                     fmt::format("label column {} does not exist in rows of {} fields",
                                 options_.label_column, columns_));
    }
    label_ = static_cast<std::size_t>(index);
    labels_.push_back(features_[label_]);
    features_.erase(features_.begin() + static_cast<std::ptrdiff_t>(label_));
  }

  const CsvOptions& options_;
  std::string_view name_;
  bool has_label_;
  bool skipping_;            // inside the header line
  std::string pending_;      // a field cut by the end of a piece
  std::size_t line_ = 0;     // lines ended so far
  std::size_t column_ = 0;   // fields read in the current line
  std::size_t columns_ = 0;  // fields per row (0 until the first row ends)
  std::size_t first_line_ = 0, label_ = 0, rows_ = 0;
  std::vector<T> features_;
  std::vector<T> labels_;
};

}  // namespace

template <class T>
Dataset<T> parse_csv(std::string_view text, const CsvOptions& options, std::string_view name) {
  return io::guard_memory(kCsvOp, name, [&] {
    CsvParser<T> parser(options, name);
    parser.feed(text);
    return parser.finish();
  });
}

template <class T>
Dataset<T> read_csv(const std::string& path, const CsvOptions& options) {
  io::InputFile in(path, kCsvOp);
  return io::guard_memory(kCsvOp, path, [&] {
    CsvParser<T> parser(options, path);
    std::vector<std::uint8_t> chunk(std::size_t{1} << 16);
    while (const std::size_t got = in.read(chunk.data(), chunk.size()))
      parser.feed(std::string_view(reinterpret_cast<const char*>(chunk.data()), got));
    return parser.finish();
  });
}

template Dataset<float> parse_csv<float>(std::string_view, const CsvOptions&, std::string_view);
template Dataset<double> parse_csv<double>(std::string_view, const CsvOptions&, std::string_view);
template Dataset<float> read_csv<float>(const std::string&, const CsvOptions&);
template Dataset<double> read_csv<double>(const std::string&, const CsvOptions&);

}  // namespace tapegrad::nn
