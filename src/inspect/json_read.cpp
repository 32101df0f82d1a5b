// from_json_text() / load_json(): the validating reader of the JSON layout
// (json_layout.hpp). A loaded file is untrusted: every field is checked for
// presence, type and range, and every failure is a FileError that names the
// file and the offending field ("nodes[3].inputs[0]: ...").
//
// Note [Streaming tape reader]: the text is read once, as events from a pull
// parser (json_pull.hpp), straight into the TapeRecord; no JSON document is
// built. A field the layout does not have is refused at its key, a value of
// the wrong type at its first byte, a leaf's inputs at the first one, values
// beyond what their shape holds are counted but not kept, and nesting deeper
// than the layout is refused. So memory is the record plus a 64 KiB buffer
// (a file is read in pieces), whatever the file holds.
//
// Checks that involve several fields run when their object ends, in one fixed
// order, so a file's key order does not change the message. When the reader
// refuses something, it still reads the rest of the text, keeping nothing but
// the top-level "format" and "version": a syntax error anywhere, a file that
// is not a tape, or a version this library does not read explain a failure
// better than a field, so they are reported first.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <new>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include "inspect/json_layout.hpp"
#include "inspect/json_pull.hpp"
#include "inspect/text_support.hpp"
#include "nn/file_io.hpp"
#include "tapegrad/core/error.hpp"
#include "tapegrad/inspect/json.hpp"

namespace tapegrad::inspect {

namespace {

namespace layout = json_layout;
using json_text::Event;
using json_text::JsonPull;
using json_text::SyntaxError;

std::string_view type_name(Event e) {
  switch (e) {
    case Event::object_begin:
      return "object";
    case Event::array_begin:
      return "array";
    case Event::string:
      return "string";
    case Event::number:
      return "number";
    case Event::boolean:
      return "boolean";
    case Event::null:
      return "null";
    default:
      return "nothing";
  }
}

// Text from the file, as an error message shows it: short, and with no
// control characters reaching the terminal.
std::string shown(std::string_view text, bool truncated = false) {
  std::string out;
  for (const char c : text.substr(0, 40)) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    else
      out += c;
  }
  if (truncated || text.size() > 40)
    out += "...";
  return out;
}

/// A scalar the reader has seen: its event and its text (for "format" and
/// "version", which are checked again after a failure).
struct Scalar {
  bool present = false;
  Event type = Event::null;
  std::string text;
  bool truncated = false;
};

/// A place in the file, "nodes[3].inputs" and an optional index, made into
/// text only when an error names it.
class Where {
 public:
  Where(const std::string& base) : base_(base) {}  // NOLINT: a path is a place
  Where(const std::string& base, std::size_t index) : base_(base), index_(index) {}
  std::string text() const {
    return index_ == kNone ? base_ : fmt::format("{}[{}]", base_, index_);
  }

 private:
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  const std::string& base_;
  std::size_t index_ = kNone;
};

std::string at(const std::string& where, std::string_view key) {
  return where.empty() ? std::string(key) : fmt::format("{}.{}", where, key);
}
std::string element(const std::string& where, std::size_t index) {
  return fmt::format("{}[{}]", where, index);
}

/// The keys of one object, to refuse duplicates and to find missing ones.
class Keys {
 public:
  bool has(std::string_view key) const {
    return std::find(keys_.begin(), keys_.end(), key) != keys_.end();
  }
  void add(std::string key) { keys_.push_back(std::move(key)); }

 private:
  std::vector<std::string> keys_;  // a handful, each at most kKeyLimit bytes
};

/// Values of a tensor: those its shape has room for, and how many there were.
struct Values {
  std::vector<double> kept;
  std::uint64_t count = 0;
};

class Reader {
 public:
  Reader(JsonPull& in, std::string_view source) : in_(in), source_(source) {}

  TapeRecord document() {
    try {
      try {
        TapeRecord record = root();
        (void)in_.peek();  // nothing but space may follow
        return record;
      } catch (const FileError&) {
        read_rest();
        check_identity();
        throw;
      }
    } catch (const SyntaxError& e) {
      if (e.too_deep)
        fail("", fmt::format("not a tapegrad tape file (nested deeper than {} levels)",
                             layout::kMaxDepth));
      fail("", fmt::format("not valid JSON ({})", e.what()));
    }
  }

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw FileError(where.empty() ? fmt::format("{}: {}", source_, what)
                                  : fmt::format("{}: {}: {}", source_, where, what));
  }

  // ---- the rest of the text after a failure (see the note above)

  void read_rest() {
    in_.set_string_limit(JsonPull::kKeyLimit);
    while (in_.peek() != Event::end) {
      const bool top_key = in_.peek() == Event::key && in_.depth() == 1 && root_is_object_;
      const std::string key = top_key ? in_.text() : std::string();
      in_.consume();
      if (key == "format")
        capture(format_);
      else if (key == "version")
        capture(version_);
    }
  }

  void capture(Scalar& scalar) {
    scalar.present = true;
    scalar.type = in_.peek();
    scalar.text = in_.text();
    scalar.truncated = in_.truncated();
  }

  void check_identity() const {
    if (!root_is_object_)
      return;
    if (!format_.present)
      fail("", "missing field 'format'");
    check_format();
    if (!version_.present)
      fail("", "missing field 'version'");
    check_version();
  }

  void check_format() const {
    if (format_.type != Event::string || format_.truncated || format_.text != layout::kFormat)
      fail("format",
           fmt::format("not a tapegrad tape file (format must be \"{}\")", layout::kFormat));
  }

  void check_version() const {
    const std::string& text = version_.text;
    const bool integer = version_.type == Event::number && !version_.truncated &&
                         text.find_first_of(".eE") == std::string::npos;
    if (!integer)
      fail("version", fmt::format("expected an integer, got {}", brief(version_)));
    if (text != std::to_string(TapeRecord::kFormatVersion)) {
      fail("version", fmt::format("unsupported format version {} (this library reads version {})",
                                  text, TapeRecord::kFormatVersion));
    }
  }

  // ---- values

  static std::string brief(const Scalar& s) {
    if (s.type == Event::object_begin)
      return "an object";
    if (s.type == Event::array_begin)
      return "an array";
    if (s.type == Event::string)
      return fmt::format("\"{}\"", shown(s.text, s.truncated));
    return shown(s.text, s.truncated);
  }
  std::string brief() const { return brief({true, in_.peek(), in_.text(), in_.truncated()}); }

  void expect(Event wanted, const Where& where, std::string_view expected) {
    if (in_.peek() != wanted)
      fail(where.text(), fmt::format("expected {}, got {}", expected, type_name(in_.peek())));
  }

  std::string string(const Where& where) {
    expect(Event::string, where, "a string");
    std::string s = in_.text();
    in_.consume();
    return s;
  }
  bool boolean(const Where& where) {
    if (in_.peek() != Event::boolean)
      fail(where.text(), fmt::format("expected true or false, got {}", type_name(in_.peek())));
    const bool value = in_.text() == "true";
    in_.consume();
    return value;
  }
  std::uint64_t unsigned_integer(const Where& where,
                                 std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
    const std::string& text = in_.text();
    if (in_.peek() != Event::number || in_.truncated() ||
        text.find_first_of("-.eE") != std::string::npos)
      fail(where.text(), fmt::format("expected a non-negative integer, got {}", brief()));
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || value > max)
      fail(where.text(), fmt::format("{} is out of range (at most {})", text, max));
    in_.consume();
    return value;
  }
  double real(const Where& where) {
    const Event e = in_.peek();
    const std::string& text = in_.text();
    double value = 0;
    if (e == Event::number && !in_.truncated()) {
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc())
        fail(where.text(), fmt::format("{} is out of the range of a 64-bit float", shown(text)));
    } else if (e == Event::string && text == "nan") {
      value = std::numeric_limits<double>::quiet_NaN();
    } else if (e == Event::string && text == "inf") {
      value = std::numeric_limits<double>::infinity();
    } else if (e == Event::string && text == "-inf") {
      value = -std::numeric_limits<double>::infinity();
    } else {
      fail(where.text(), fmt::format("expected a number, got {}", brief()));
    }
    in_.consume();
    return value;
  }

  /// Reads an object: `field(key)` reads the value of each key it knows and
  /// returns false for one it does not. Returns the keys seen.
  template <class F>
  Keys object(const std::string& where, F&& field) {
    expect(Event::object_begin, where, "an object");
    in_.consume();
    Keys keys;
    while (in_.peek() == Event::key) {
      std::string key = in_.text();
      const bool truncated = in_.truncated();
      in_.consume();
      if (keys.has(key))
        fail(where, fmt::format("duplicate field '{}'", shown(key)));
      if (truncated || !field(std::string_view(key)))
        fail(where, fmt::format("unknown field '{}'", shown(key, truncated)));
      keys.add(std::move(key));
    }
    in_.consume();  // the parser allows only the object's end here
    return keys;
  }

  /// Reads an array, calling `item(index)` to read each element.
  template <class F>
  std::size_t array(const std::string& where, F&& item) {
    expect(Event::array_begin, where, "an array");
    in_.consume();
    std::size_t count = 0;
    while (in_.peek() != Event::array_end)
      item(count++);
    in_.consume();
    return count;
  }

  void require(const Keys& keys, const std::string& where, std::string_view key) const {
    if (!keys.has(key))
      fail(where, fmt::format("missing field '{}'", key));
  }

  // ---- the layout

  std::vector<std::size_t> shape(const std::string& where) {
    std::vector<std::size_t> out;
    std::uint64_t elements = 1;
    const std::size_t rank = array(where, [&](std::size_t i) {
      if (i >= layout::kMaxRank) {
        in_.skip_value();  // counted only, for the message
        return;
      }
      const std::uint64_t dim = unsigned_integer({where, i}, layout::kMaxElements);
      if (dim != 0 && elements > layout::kMaxElements / dim)
        fail(where, fmt::format("shape has more than {} elements", layout::kMaxElements));
      elements *= dim;
      out.push_back(static_cast<std::size_t>(dim));
    });
    if (rank > layout::kMaxRank)
      fail(where, fmt::format("rank {} is absurd (at most {})", rank, layout::kMaxRank));
    return out;
  }

  /// The values of a tensor; with its shape known, only as many as it has
  /// room for are kept (the rest are counted for the message).
  Values values(const std::string& where, const std::vector<std::size_t>* shape) {
    Values v;
    std::uint64_t room = std::numeric_limits<std::uint64_t>::max();
    if (shape) {
      room = detail::element_count(*shape);
      // Each value takes at least 2 bytes of text, so this bounds a lying shape.
      v.kept.reserve(static_cast<std::size_t>(std::min(room, in_.remaining() / 2 + 1)));
    }
    array(where, [&](std::size_t i) {
      const double x = real({where, i});
      if (v.count++ < room)
        v.kept.push_back(x);
    });
    return v;
  }

  void check_count(const Values& v, const std::vector<std::size_t>& shape,
                   const std::string& where) const {
    const std::size_t expected = detail::element_count(shape);
    if (v.count != expected) {
      fail(where, fmt::format("{} values for shape {}, which has {} elements", v.count,
                              detail::shape_text(shape), expected));
    }
  }

  TensorSummary summary(const std::string& where) {
    TensorSummary s;
    std::uint64_t nonfinite = 0;
    const Keys keys = object(where, [&](std::string_view key) {
      const std::string key_at = at(where, key);
      if (key == "count")
        s.count = unsigned_integer(key_at, layout::kMaxElements);
      else if (key == "min")
        s.min = real(key_at);
      else if (key == "mean")
        s.mean = real(key_at);
      else if (key == "max")
        s.max = real(key_at);
      else if (key == "norm")
        s.norm = real(key_at);
      else if (key == "nonfinite")
        nonfinite = unsigned_integer(key_at);
      else
        return false;
      return true;
    });
    for (const char* key : {"count", "min", "mean", "max", "norm", "nonfinite"})
      require(keys, where, key);
    if (nonfinite > s.count)
      fail(at(where, "nonfinite"),
           fmt::format("{} is out of range (at most {})", nonfinite, s.count));
    s.nonfinite = nonfinite;
    return s;
  }

  void check_summary(const TensorSummary& s, const std::vector<std::size_t>& shape,
                     const std::string& where) const {
    if (s.count != detail::element_count(shape)) {
      fail(at(where, "count"),
           fmt::format("{} does not match shape {}", s.count, detail::shape_text(shape)));
    }
  }

  OpCost cost(const std::string& where) {
    OpCost c;
    const Keys keys = object(where, [&](std::string_view key) {
      const std::string key_at = at(where, key);
      if (key == "forward_flops")
        c.forward_flops = unsigned_integer(key_at);
      else if (key == "forward_bytes")
        c.forward_bytes = unsigned_integer(key_at);
      else if (key == "backprop_flops")
        c.backprop_flops = unsigned_integer(key_at);
      else if (key == "backprop_bytes")
        c.backprop_bytes = unsigned_integer(key_at);
      else
        return false;
      return true;
    });
    for (const char* key : {"forward_flops", "forward_bytes", "backprop_flops", "backprop_bytes"})
      require(keys, where, key);
    return c;
  }

  NodeKind kind(const std::string& where) {
    const std::string name = string(where);
    for (const NodeKind k :
         {NodeKind::constant, NodeKind::variable, NodeKind::parameter, NodeKind::op}) {
      if (name == detail::kind_name(k))
        return k;
    }
    fail(where, fmt::format("unknown node kind '{}' (expected constant, variable, parameter or op)",
                            shown(name)));
  }

  std::vector<std::pair<std::string, double>> attributes(const std::string& where) {
    std::vector<std::pair<std::string, double>> out;
    array(where, [&](std::size_t i) {
      const std::string item_at = element(where, i);
      std::pair<std::string, double> attribute;
      const std::size_t size = array(item_at, [&](std::size_t j) {
        if (j == 0)
          attribute.first = string({item_at, 0});
        else if (j == 1)
          attribute.second = real({item_at, 1});
        else
          fail(item_at, "expected a [name, value] pair");
      });
      if (size != 2)
        fail(item_at, "expected a [name, value] pair");
      out.push_back(std::move(attribute));
    });
    return out;
  }

  NodeRecord node(std::size_t index) {
    const std::string where = element("nodes", index);
    const std::string inputs_at = at(where, "inputs");
    NodeRecord n;
    Values value, grad;
    bool shape_read = false;  // a shape read before the values bounds them
    const Keys keys = object(where, [&](std::string_view key) {
      const std::string key_at = at(where, key);
      const bool leaf = n.kind != NodeKind::op;  // n.kind is op until "kind" is read
      if (key == "id") {
        n.id = static_cast<NodeId>(unsigned_integer(key_at, std::numeric_limits<NodeId>::max()));
        if (n.id != index)
          fail(key_at, fmt::format("id {} does not match the node's position {}", n.id, index));
      } else if (key == "kind") {
        n.kind = kind(key_at);
      } else if (key == "op") {
        n.op = string(key_at);
      } else if (key == "label") {
        n.label = string(key_at);
      } else if (key == "inputs") {
        array(inputs_at, [&](std::size_t i) {
          if (leaf)
            fail(inputs_at, "a leaf has no inputs");
          // Recording order is topological: inputs come before the node,
          // whose id must be its position.
          const std::uint64_t input = unsigned_integer({inputs_at, i});
          if (input >= index) {
            fail(element(inputs_at, i),
                 fmt::format("input id {} is not less than the node's own id {}", input, index));
          }
          n.inputs.push_back(static_cast<NodeId>(input));
        });
      } else if (key == "shape") {
        n.shape = shape(key_at);
        shape_read = true;
      } else if (key == "requires_grad") {
        n.requires_grad = boolean(key_at);
      } else if (key == "attributes") {
        n.attributes = attributes(key_at);
      } else if (key == "formula") {
        n.formula = string(key_at);
      } else if (key == "value_summary") {
        n.value_summary = summary(key_at);
      } else if (key == "value") {
        value = values(key_at, shape_read ? &n.shape : nullptr);
      } else if (key == "grad_summary") {
        n.grad_summary = summary(key_at);
      } else if (key == "grad") {
        grad = values(key_at, shape_read ? &n.shape : nullptr);
      } else if (key == "cost") {
        n.cost = cost(key_at);
      } else if (key == "saved_bytes") {
        n.saved_bytes = unsigned_integer(key_at);
      } else {
        return false;
      }
      return true;
    });
    // The checks that need several fields, in the layout's order.
    for (const char* key : {"id", "kind", "op"})
      require(keys, where, key);
    if ((n.kind == NodeKind::op) == n.op.empty()) {
      fail(at(where, "op"), n.op.empty() ? "an op node needs an op name"
                                         : "a leaf has no op name (op must be \"\")");
    }
    for (const char* key : {"label", "inputs"})
      require(keys, where, key);
    if (n.kind != NodeKind::op && !n.inputs.empty())
      fail(inputs_at, "a leaf has no inputs");
    for (const char* key : {"shape", "requires_grad", "attributes", "formula", "value_summary"})
      require(keys, where, key);
    check_summary(n.value_summary, n.shape, at(where, "value_summary"));
    if (keys.has("value")) {
      check_count(value, n.shape, at(where, "value"));
      n.value = std::move(value.kept);
    }
    if (n.grad_summary)
      check_summary(*n.grad_summary, n.shape, at(where, "grad_summary"));
    if (keys.has("grad")) {
      if (!n.grad_summary)
        fail(at(where, "grad"), "gradient values without a grad_summary");
      check_count(grad, n.shape, at(where, "grad"));
      n.grad = std::move(grad.kept);
    }
    require(keys, where, "saved_bytes");
    return n;
  }

  TraceTensor tensor(const std::string& where) {
    TraceTensor t;
    Values v;
    bool shape_read = false;
    const Keys keys = object(where, [&](std::string_view key) {
      if (key == "shape") {
        t.shape = shape(at(where, key));
        shape_read = true;
      } else if (key == "values") {
        v = values(at(where, key), shape_read ? &t.shape : nullptr);
      } else {
        return false;
      }
      return true;
    });
    require(keys, where, "shape");
    require(keys, where, "values");
    check_count(v, t.shape, at(where, "values"));
    t.values = std::move(v.kept);
    return t;
  }

  /// A node id the trace refers to: checked now when the nodes were read
  /// already, else once they are (check_trace_ids).
  NodeId node_id(const Where& where) {
    const std::uint64_t id = unsigned_integer(where);
    if (nodes_read_)
      check_node_id(id, where);
    else if (id > std::numeric_limits<NodeId>::max())
      fail(where.text(), fmt::format("node {} does not exist (node ids have 32 bits)", id));
    return static_cast<NodeId>(id);
  }
  void check_node_id(std::uint64_t id, const Where& where) const {
    if (id >= node_count_) {
      fail(where.text(),
           fmt::format("node {} does not exist (the tape has {} nodes)", id, node_count_));
    }
  }

  TraceContribution contribution(const std::string& where) {
    TraceContribution c;
    const Keys keys = object(where, [&](std::string_view key) {
      const std::string key_at = at(where, key);
      if (key == "position")
        c.position = static_cast<std::size_t>(unsigned_integer(key_at, layout::kMaxElements));
      else if (key == "input")
        c.input = node_id(key_at);
      else if (key == "gradient")
        c.gradient = tensor(key_at);
      else
        return false;
      return true;
    });
    for (const char* key : {"position", "input", "gradient"})
      require(keys, where, key);
    return c;
  }

  TraceStep step(const std::string& where) {
    TraceStep s;
    const Keys keys = object(where, [&](std::string_view key) {
      const std::string key_at = at(where, key);
      if (key == "node") {
        s.node = node_id(key_at);
      } else if (key == "op") {
        s.op = string(key_at);
      } else if (key == "label") {
        s.label = string(key_at);
      } else if (key == "grad_output") {
        s.grad_output = tensor(key_at);
      } else if (key == "contributions") {
        array(key_at,
              [&](std::size_t c) { s.contributions.push_back(contribution(element(key_at, c))); });
      } else {
        return false;
      }
      return true;
    });
    for (const char* key : {"node", "op", "label", "grad_output", "contributions"})
      require(keys, where, key);
    return s;
  }

  BackpropTrace trace() {
    const std::string where = "trace";
    BackpropTrace t;
    const Keys keys = object(where, [&](std::string_view key) {
      const std::string key_at = at(where, key);
      if (key == "output") {
        if (in_.peek() == Event::null)
          in_.consume();
        else
          t.output = node_id(key_at);
      } else if (key == "seed") {
        t.seed = tensor(key_at);
      } else if (key == "steps") {
        array(key_at, [&](std::size_t s) { t.steps.push_back(step(element(key_at, s))); });
      } else {
        return false;
      }
      return true;
    });
    for (const char* key : {"output", "seed", "steps"})
      require(keys, where, key);
    return t;
  }

  /// The trace's node ids, when the trace came before the nodes.
  void check_trace_ids(const BackpropTrace& t) const {
    const std::string output = "trace.output";
    if (t.output)
      check_node_id(*t.output, output);
    for (std::size_t s = 0; s < t.steps.size(); ++s) {
      const std::string step_at = element("trace.steps", s);
      check_node_id(t.steps[s].node, at(step_at, "node"));
      const std::string contributions_at = at(step_at, "contributions");
      for (std::size_t c = 0; c < t.steps[s].contributions.size(); ++c) {
        const std::string input = at(element(contributions_at, c), "input");
        check_node_id(t.steps[s].contributions[c].input, input);
      }
    }
  }

  TapeRecord root() {
    if (in_.peek() != Event::object_begin)
      fail("", fmt::format("not a tapegrad tape file (expected a JSON object, got {})",
                           type_name(in_.peek())));
    root_is_object_ = true;
    TapeRecord r;
    Scalar output;
    bool trace_before_nodes = false;
    const Keys keys = object("", [&](std::string_view key) {
      if (key == "format") {
        capture(format_);
        check_format();
        in_.consume();
      } else if (key == "version") {
        capture(version_);
        check_version();
        in_.consume();
      } else if (key == "dtype") {
        r.dtype = string(std::string("dtype"));
        if (r.dtype != "float32" && r.dtype != "float64")
          fail("dtype",
               fmt::format("unknown dtype '{}' (expected float32 or float64)", shown(r.dtype)));
      } else if (key == "output") {
        if (in_.peek() == Event::null) {
          in_.consume();
        } else {
          capture(output);
          (void)unsigned_integer(std::string("output"));  // range checked once the nodes are known
        }
      } else if (key == "nodes") {
        array("nodes", [&](std::size_t i) {
          if (i > std::numeric_limits<NodeId>::max())
            fail("nodes", "too many nodes");
          r.nodes.push_back(node(i));
        });
        nodes_read_ = true;
        node_count_ = r.nodes.size();
      } else if (key == "trace") {
        trace_before_nodes = !nodes_read_;
        r.trace = trace();
      } else {
        return false;
      }
      return true;
    });
    for (const char* key : {"format", "version", "dtype", "nodes", "output"})
      require(keys, "", key);
    if (output.present) {
      std::uint64_t id = 0;
      std::from_chars(output.text.data(), output.text.data() + output.text.size(), id);
      check_node_id(id, std::string("output"));
      r.output = static_cast<NodeId>(id);
    }
    if (r.trace && trace_before_nodes)
      check_trace_ids(*r.trace);
    return r;
  }

  JsonPull& in_;
  std::string source_;
  bool root_is_object_ = false;
  Scalar format_, version_;
  bool nodes_read_ = false;
  std::size_t node_count_ = 0;
};

TapeRecord read(JsonPull& in, std::string_view source) {
  try {
    return Reader(in, source).document();
  } catch (const std::bad_alloc&) {
    throw FileError(fmt::format("{}: not enough memory to load it", source));
  }
}

}  // namespace

TapeRecord from_json_text(std::string_view text, std::string_view source) {
  JsonPull in(text, layout::kMaxDepth);
  return read(in, source);
}

TapeRecord load_json(const std::filesystem::path& path) {
  const std::string name = path.string();
  nn::io::InputFile file(name, "");
  if (file.size() > layout::kMaxFileBytes)
    throw FileError(fmt::format("{}: file of {} bytes is too large (at most {})", name, file.size(),
                                layout::kMaxFileBytes));
  JsonPull in(
      [&file](char* buffer, std::size_t capacity) {
        return file.read(reinterpret_cast<std::uint8_t*>(buffer), capacity);
      },
      file.size(), layout::kMaxDepth);
  return read(in, name);
}

}  // namespace tapegrad::inspect
