#include "inspect/json_pull.hpp"

#include <fmt/format.h>

namespace tapegrad::inspect::json_text {

namespace {
constexpr std::size_t kBufferBytes = std::size_t{1} << 16;

bool is_digit(int c) {
  return c >= '0' && c <= '9';
}

std::string shown(int c) {
  if (c < 0)
    return "the end of the text";
  if (c >= 0x20 && c < 0x7f)
    return fmt::format("'{}'", static_cast<char>(c));
  return fmt::format("byte 0x{:02x}", c);
}
}  // namespace

JsonPull::JsonPull(std::string_view text, std::size_t max_depth)
    : begin_(text.data()),
      cur_(text.data()),
      end_(text.data() + text.size()),
      size_(text.size()),
      max_depth_(max_depth) {}

JsonPull::JsonPull(Refill refill, std::uint64_t size, std::size_t max_depth)
    : refill_(std::move(refill)), buffer_(kBufferBytes), size_(size), max_depth_(max_depth) {
  begin_ = cur_ = end_ = buffer_.data();
}

int JsonPull::peek_char() {
  if (cur_ == end_) {
    if (!refill_)
      return -1;
    before_ += static_cast<std::uint64_t>(end_ - begin_);
    const std::size_t got = refill_(buffer_.data(), buffer_.size());
    begin_ = cur_ = buffer_.data();
    end_ = begin_ + got;
    if (got == 0)
      return -1;
  }
  return static_cast<unsigned char>(*cur_);
}

int JsonPull::get_char() {
  const int c = peek_char();
  if (c >= 0)
    ++cur_;
  return c;
}

void JsonPull::skip_space() {
  for (int c = peek_char(); c == ' ' || c == '\t' || c == '\n' || c == '\r'; c = peek_char())
    ++cur_;
}

void JsonPull::fail(std::string_view what) const {
  throw SyntaxError(fmt::format("at byte {}: {}", offset(), what), false);
}

Event JsonPull::peek() {
  if (!peeked_) {
    text_.clear();
    truncated_ = false;
    event_ = produce();
    peeked_ = true;
  }
  return event_;
}

void JsonPull::skip_value() {
  std::size_t open = 0;
  do {
    const Event e = peek();
    consume();
    if (e == Event::object_begin || e == Event::array_begin)
      ++open;
    else if (e == Event::object_end || e == Event::array_end)
      --open;
  } while (open > 0);
}

void JsonPull::after_value() noexcept {
  expect_ = stack_.empty() ? Expect::done : Expect::comma_or_end;
}

void JsonPull::open(char kind) {
  if (stack_.size() == max_depth_)
    throw SyntaxError(fmt::format("at byte {}: nested deeper than {} levels", offset(), max_depth_),
                      true);
  stack_.push_back(kind);
}

Event JsonPull::produce() {
  skip_space();
  switch (expect_) {
    case Expect::done:
      if (peek_char() >= 0)
        fail(fmt::format("unexpected {} after the end of the document", shown(peek_char())));
      return Event::end;
    case Expect::comma_or_end: {
      const int c = get_char();
      const bool in_object = stack_.back() == '{';
      if (c == (in_object ? '}' : ']')) {
        stack_.pop_back();
        after_value();
        return in_object ? Event::object_end : Event::array_end;
      }
      if (c != ',')
        fail(fmt::format("expected ',' or '{}', got {}", in_object ? '}' : ']', shown(c)));
      skip_space();
      if (!in_object)
        return value(get_char());
      [[fallthrough]];
    }
    case Expect::key:
    case Expect::key_or_end: {
      const int c = get_char();
      if (c == '}' && expect_ == Expect::key_or_end) {
        stack_.pop_back();
        after_value();
        return Event::object_end;
      }
      if (c != '"')
        fail(fmt::format("expected a field name in double quotes, got {}", shown(c)));
      read_string(kKeyLimit);
      expect_ = Expect::colon;
      return Event::key;
    }
    case Expect::colon: {
      const int c = get_char();
      if (c != ':')
        fail(fmt::format("expected ':', got {}", shown(c)));
      skip_space();
      return value(get_char());
    }
    case Expect::value_or_end:
      if (peek_char() == ']') {
        ++cur_;
        stack_.pop_back();
        after_value();
        return Event::array_end;
      }
      return value(get_char());
    case Expect::value:
      return value(get_char());
  }
  return Event::end;  // unreachable: every Expect is handled above
}

Event JsonPull::value(int c) {
  switch (c) {
    case '{':
      open('{');
      expect_ = Expect::key_or_end;
      return Event::object_begin;
    case '[':
      open('[');
      expect_ = Expect::value_or_end;
      return Event::array_begin;
    case '"':
      read_string(string_limit_);
      after_value();
      return Event::string;
    case 't':
      read_literal("true");
      after_value();
      return Event::boolean;
    case 'f':
      read_literal("false");
      after_value();
      return Event::boolean;
    case 'n':
      read_literal("null");
      after_value();
      return Event::null;
    default:
      if (c == '-' || is_digit(c)) {
        read_number(c);
        after_value();
        return Event::number;
      }
      if (c >= 0)
        --cur_;  // point at it
      fail(fmt::format("expected a value, got {}", shown(c)));
  }
}

void JsonPull::put(char c, std::size_t limit) noexcept {
  if (text_.size() < limit)
    text_.push_back(c);
  else
    truncated_ = true;
}

void JsonPull::read_literal(std::string_view word) {
  text_.push_back(word[0]);
  for (std::size_t i = 1; i < word.size(); ++i) {
    const int c = get_char();
    if (c != word[i])
      fail(fmt::format("expected '{}', got {}", word, shown(c)));
    text_.push_back(word[i]);
  }
}

void JsonPull::read_number(int first) {
  // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  put(static_cast<char>(first), kNumberLimit);
  int c = first;
  if (c == '-') {
    c = get_char();
    if (!is_digit(c))
      fail(fmt::format("expected a digit after '-', got {}", shown(c)));
    put(static_cast<char>(c), kNumberLimit);
  }
  const auto digits = [&] {
    while (is_digit(peek_char()))
      put(static_cast<char>(get_char()), kNumberLimit);
  };
  if (c != '0')
    digits();
  if (peek_char() == '.') {
    put(static_cast<char>(get_char()), kNumberLimit);
    if (!is_digit(peek_char()))
      fail(fmt::format("expected a digit after '.', got {}", shown(peek_char())));
    digits();
  }
  if (peek_char() == 'e' || peek_char() == 'E') {
    put(static_cast<char>(get_char()), kNumberLimit);
    if (peek_char() == '+' || peek_char() == '-')
      put(static_cast<char>(get_char()), kNumberLimit);
    if (!is_digit(peek_char()))
      fail(fmt::format("expected a digit in the exponent, got {}", shown(peek_char())));
    digits();
  }
}

void JsonPull::read_string(std::size_t limit) {
  for (;;) {
    const int c = get_char();
    if (c == '"')
      return;
    if (c < 0)
      fail("the text ends inside a string");
    if (c < 0x20)
      fail(fmt::format("a control character ({}) inside a string", shown(c)));
    if (c == '\\')
      read_escape(limit);
    else if (c < 0x80)
      put(static_cast<char>(c), limit);
    else
      read_utf8(c, limit);
  }
}

unsigned JsonPull::read_hex4() {
  unsigned value = 0;
  for (int i = 0; i < 4; ++i) {
    const int c = get_char();
    unsigned digit;
    if (is_digit(c))
      digit = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f')
      digit = static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      digit = static_cast<unsigned>(c - 'A' + 10);
    else
      fail(fmt::format("expected a hexadecimal digit in \\u, got {}", shown(c)));
    value = value << 4 | digit;
  }
  return value;
}

void JsonPull::read_escape(std::size_t limit) {
  const int c = get_char();
  switch (c) {
    case '"':
    case '\\':
    case '/':
      put(static_cast<char>(c), limit);
      return;
    case 'b':
      put('\b', limit);
      return;
    case 'f':
      put('\f', limit);
      return;
    case 'n':
      put('\n', limit);
      return;
    case 'r':
      put('\r', limit);
      return;
    case 't':
      put('\t', limit);
      return;
    case 'u':
      break;
    default:
      fail(fmt::format("unknown escape \\{}", c < 0 ? std::string("") : shown(c)));
  }
  unsigned code = read_hex4();
  if (code >= 0xDC00 && code <= 0xDFFF)
    fail("a \\u escape holds a low surrogate without a high one");
  if (code >= 0xD800 && code <= 0xDBFF) {
    if (get_char() != '\\' || get_char() != 'u')
      fail("a \\u escape holds a high surrogate not followed by a low one");
    const unsigned low = read_hex4();
    if (low < 0xDC00 || low > 0xDFFF)
      fail("a \\u escape holds a high surrogate not followed by a low one");
    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
  }
  // UTF-8 encoding of the code point.
  if (code < 0x80) {
    put(static_cast<char>(code), limit);
  } else if (code < 0x800) {
    put(static_cast<char>(0xC0 | code >> 6), limit);
    put(static_cast<char>(0x80 | (code & 0x3F)), limit);
  } else if (code < 0x10000) {
    put(static_cast<char>(0xE0 | code >> 12), limit);
    put(static_cast<char>(0x80 | (code >> 6 & 0x3F)), limit);
    put(static_cast<char>(0x80 | (code & 0x3F)), limit);
  } else {
    put(static_cast<char>(0xF0 | code >> 18), limit);
    put(static_cast<char>(0x80 | (code >> 12 & 0x3F)), limit);
    put(static_cast<char>(0x80 | (code >> 6 & 0x3F)), limit);
    put(static_cast<char>(0x80 | (code & 0x3F)), limit);
  }
}

void JsonPull::read_utf8(int lead, std::size_t limit) {
  // Well-formed sequences only (Unicode table 3-7): no overlong forms, no
  // encoded surrogates, nothing above U+10FFFF.
  int count;
  int low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    count = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    count = 2;
    low = lead == 0xE0 ? 0xA0 : 0x80;
    high = lead == 0xED ? 0x9F : 0xBF;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    count = 3;
    low = lead == 0xF0 ? 0x90 : 0x80;
    high = lead == 0xF4 ? 0x8F : 0xBF;
  } else {
    fail(fmt::format("invalid UTF-8 (lead {}) inside a string", shown(lead)));
  }
  put(static_cast<char>(lead), limit);
  for (int i = 0; i < count; ++i) {
    const int c = get_char();
    if (c < (i == 0 ? low : 0x80) || c > (i == 0 ? high : 0xBF))
      fail(fmt::format("invalid UTF-8 ({} after lead {}) inside a string", shown(c), shown(lead)));
    put(static_cast<char>(c), limit);
  }
}

}  // namespace tapegrad::inspect::json_text
