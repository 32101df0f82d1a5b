#pragma once
// JsonPull: a pull parser over JSON text, held in memory or read in pieces
// from a file. The caller asks for one event at a time (an object begins, a
// key, a number, …) and decides what to keep, so nothing is built that the
// caller does not want: this is what bounds the tape reader's memory (see
// json_read.cpp). The grammar is checked as the events are pulled — strings
// (escapes, surrogate pairs, UTF-8), numbers, nesting, and nothing after the
// document — and any breach throws SyntaxError.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tapegrad::inspect::json_text {

enum class Event : std::uint8_t {
  object_begin,
  object_end,
  array_begin,
  array_end,
  key,
  string,
  number,
  boolean,
  null,
  end,  // of the document
};

/// Text that is not JSON; what() says where ("at byte 12: expected ':'").
/// too_deep: nested deeper than the parser's limit.
class SyntaxError : public std::runtime_error {
 public:
  SyntaxError(const std::string& what, bool too_deep)
      : std::runtime_error(what), too_deep(too_deep) {}
  bool too_deep;
};

class JsonPull {
 public:
  /// Reads up to `capacity` more bytes of text into `buffer`; 0 at the end.
  using Refill = std::function<std::size_t(char* buffer, std::size_t capacity)>;

  /// All of the text in memory (it must outlive the parser).
  JsonPull(std::string_view text, std::size_t max_depth);
  /// Text of `size` bytes read through `refill` as it is needed.
  JsonPull(Refill refill, std::uint64_t size, std::size_t max_depth);

  /// The next event, not consumed (pulling it may throw SyntaxError).
  Event peek();
  /// Moves past the peeked event.
  void consume() noexcept { peeked_ = false; }
  /// Consumes the next value whole (an object or array with all it holds).
  void skip_value();

  /// For the peeked key or string: its decoded text; for a number, true,
  /// false or null: the token as written. At most `string_limit` bytes of
  /// a key or string are kept; truncated() says whether there were more.
  const std::string& text() const noexcept { return text_; }
  bool truncated() const noexcept { return truncated_; }
  /// Keys and strings longer than this are checked but not kept whole
  /// (keys are always limited to kKeyLimit).
  void set_string_limit(std::size_t limit) noexcept { string_limit_ = limit; }
  static constexpr std::size_t kKeyLimit = 64;
  static constexpr std::size_t kNumberLimit = 64;

  /// Containers open, counting one the peeked event begins.
  std::size_t depth() const noexcept { return stack_.size(); }
  /// Bytes of text not yet read: a bound for anything sized from the text.
  std::uint64_t remaining() const noexcept { return size_ - offset(); }

 private:
  enum class Expect : std::uint8_t {
    value,
    value_or_end,  // just after '['
    key_or_end,    // just after '{'
    key,
    colon,
    comma_or_end,
    done,
  };

  Event produce();
  Event value(int c);
  void after_value() noexcept;
  void open(char kind);
  void read_string(std::size_t limit);
  void read_escape(std::size_t limit);
  void read_utf8(int lead, std::size_t limit);
  unsigned read_hex4();
  void read_number(int first);
  void read_literal(std::string_view word);
  void put(char c, std::size_t limit) noexcept;

  int peek_char();
  int get_char();
  void skip_space();
  std::uint64_t offset() const noexcept {
    return before_ + static_cast<std::uint64_t>(cur_ - begin_);
  }
  [[noreturn]] void fail(std::string_view what) const;

  Refill refill_;
  std::vector<char> buffer_;
  const char* begin_ = nullptr;
  const char* cur_ = nullptr;
  const char* end_ = nullptr;
  std::uint64_t before_ = 0;  // bytes of the text before begin_
  std::uint64_t size_ = 0;
  std::size_t max_depth_;
  std::vector<char> stack_;  // '{' or '[' per open container
  Expect expect_ = Expect::value;
  bool peeked_ = false;
  Event event_ = Event::end;
  std::string text_;
  bool truncated_ = false;
  std::size_t string_limit_ = SIZE_MAX;
};

}  // namespace tapegrad::inspect::json_text
