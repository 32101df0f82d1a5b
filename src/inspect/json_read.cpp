// from_json_text() / load_json(): the validating reader of the JSON layout
// (json_layout.hpp). A loaded file is untrusted: every field is checked for
// presence, type and range before it is used, sizes are bounded before
// anything is allocated from them, and every failure is a FileError that
// names the file and the offending field ("nodes[3].inputs[0]: ...").
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "inspect/json_layout.hpp"
#include "inspect/text_support.hpp"
#include "tapegrad/core/error.hpp"
#include "tapegrad/inspect/json.hpp"

namespace tapegrad::inspect {

namespace {

using nlohmann::json;
namespace layout = json_layout;

// Rejects text nested deeper than the layout can be, before nlohmann builds
// (and later recursively destroys) a deep tree. Brackets inside strings do
// not count.
bool too_deep(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > layout::kMaxDepth)
        return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// A JSON value as an error message shows it: short, whatever the file holds.
std::string brief(const json& j) {
  if (j.is_structured())
    return j.is_array() ? "an array" : "an object";
  std::string text = j.dump();
  if (text.size() > 40)
    text = text.substr(0, 37) + "...";
  return text;
}

class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw FileError(where.empty() ? fmt::format("{}: {}", source_, what)
                                  : fmt::format("{}: {}: {}", source_, where, what));
  }

  const json& field(const json& object, const char* key, const std::string& where) const {
    const auto it = object.find(key);
    if (it == object.end())
      fail(where, fmt::format("missing field '{}'", key));
    return *it;
  }
  static std::string at(const std::string& where, const char* key) {
    return where.empty() ? key : where + "." + key;
  }
  static std::string element(const std::string& where, std::size_t index) {
    return fmt::format("{}[{}]", where, index);
  }

  const json& object(const json& j, const std::string& where) const {
    if (!j.is_object())
      fail(where, fmt::format("expected an object, got {}", j.type_name()));
    return j;
  }
  const json& array(const json& j, const std::string& where) const {
    if (!j.is_array())
      fail(where, fmt::format("expected an array, got {}", j.type_name()));
    return j;
  }
  std::string string(const json& j, const std::string& where) const {
    if (!j.is_string())
      fail(where, fmt::format("expected a string, got {}", j.type_name()));
    return j.get<std::string>();
  }
  bool boolean(const json& j, const std::string& where) const {
    if (!j.is_boolean())
      fail(where, fmt::format("expected true or false, got {}", j.type_name()));
    return j.get<bool>();
  }
  std::uint64_t unsigned_integer(
      const json& j, const std::string& where,
      std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) const {
    if (!j.is_number_unsigned())
      fail(where, fmt::format("expected a non-negative integer, got {}", brief(j)));
    const auto value = j.get<std::uint64_t>();
    if (value > max)
      fail(where, fmt::format("{} is out of range (at most {})", value, max));
    return value;
  }
  double real(const json& j, const std::string& where) const {
    if (j.is_number())
      return j.get<double>();
    if (j.is_string()) {
      const auto& s = j.get_ref<const std::string&>();
      if (s == "nan")
        return std::numeric_limits<double>::quiet_NaN();
      if (s == "inf")
        return std::numeric_limits<double>::infinity();
      if (s == "-inf")
        return -std::numeric_limits<double>::infinity();
    }
    fail(where, fmt::format("expected a number, got {}", brief(j)));
  }
  std::vector<double> reals(const json& j, const std::string& where) const {
    array(j, where);
    std::vector<double> out;
    out.reserve(j.size());  // bounded: the parsed text already holds them
    for (std::size_t i = 0; i < j.size(); ++i)
      out.push_back(real(j[i], element(where, i)));
    return out;
  }

  std::vector<std::size_t> shape(const json& j, const std::string& where) const {
    array(j, where);
    if (j.size() > layout::kMaxRank)
      fail(where, fmt::format("rank {} is absurd (at most {})", j.size(), layout::kMaxRank));
    std::vector<std::size_t> out;
    std::uint64_t elements = 1;
    for (std::size_t i = 0; i < j.size(); ++i) {
      const std::uint64_t dim = unsigned_integer(j[i], element(where, i), layout::kMaxElements);
      if (dim != 0 && elements > layout::kMaxElements / dim) {
        fail(where, fmt::format("shape has more than {} elements", layout::kMaxElements));
      }
      elements *= dim;
      out.push_back(static_cast<std::size_t>(dim));
    }
    return out;
  }

  // Values must match the shape they belong to.
  std::vector<double> values_of(const json& j, const std::vector<std::size_t>& shape,
                                const std::string& where) const {
    std::vector<double> values = reals(j, where);
    const std::size_t expected = detail::element_count(shape);
    if (values.size() != expected) {
      fail(where, fmt::format("{} values for shape {}, which has {} elements", values.size(),
                              detail::shape_text(shape), expected));
    }
    return values;
  }

  TensorSummary summary(const json& j, const std::vector<std::size_t>& shape,
                        const std::string& where) const {
    object(j, where);
    TensorSummary s;
    s.count = unsigned_integer(field(j, "count", where), at(where, "count"), layout::kMaxElements);
    s.min = real(field(j, "min", where), at(where, "min"));
    s.mean = real(field(j, "mean", where), at(where, "mean"));
    s.max = real(field(j, "max", where), at(where, "max"));
    s.norm = real(field(j, "norm", where), at(where, "norm"));
    s.nonfinite = unsigned_integer(field(j, "nonfinite", where), at(where, "nonfinite"), s.count);
    if (s.count != detail::element_count(shape)) {
      fail(at(where, "count"),
           fmt::format("{} does not match shape {}", s.count, detail::shape_text(shape)));
    }
    return s;
  }

  OpCost cost(const json& j, const std::string& where) const {
    object(j, where);
    OpCost c;
    c.forward_flops =
        unsigned_integer(field(j, "forward_flops", where), at(where, "forward_flops"));
    c.forward_bytes =
        unsigned_integer(field(j, "forward_bytes", where), at(where, "forward_bytes"));
    c.backprop_flops =
        unsigned_integer(field(j, "backprop_flops", where), at(where, "backprop_flops"));
    c.backprop_bytes =
        unsigned_integer(field(j, "backprop_bytes", where), at(where, "backprop_bytes"));
    return c;
  }

  NodeKind kind(const json& j, const std::string& where) const {
    const std::string name = string(j, where);
    for (const NodeKind k :
         {NodeKind::constant, NodeKind::variable, NodeKind::parameter, NodeKind::op}) {
      if (name == detail::kind_name(k))
        return k;
    }
    fail(where, fmt::format("unknown node kind '{}' (expected constant, variable, parameter or op)",
                            name.substr(0, 40)));
  }

  NodeRecord node(const json& j, std::size_t index) const {
    const std::string where = element("nodes", index);
    object(j, where);
    NodeRecord n;
    n.id = static_cast<NodeId>(unsigned_integer(field(j, "id", where), at(where, "id"),
                                                std::numeric_limits<NodeId>::max()));
    if (n.id != index)
      fail(at(where, "id"),
           fmt::format("id {} does not match the node's position {}", n.id, index));
    n.kind = kind(field(j, "kind", where), at(where, "kind"));
    n.op = string(field(j, "op", where), at(where, "op"));
    if ((n.kind == NodeKind::op) == n.op.empty()) {
      fail(at(where, "op"), n.op.empty() ? "an op node needs an op name"
                                         : "a leaf has no op name (op must be \"\")");
    }
    n.label = string(field(j, "label", where), at(where, "label"));

    const std::string inputs_at = at(where, "inputs");
    const json& inputs = array(field(j, "inputs", where), inputs_at);
    if (n.kind != NodeKind::op && !inputs.empty())
      fail(inputs_at, "a leaf has no inputs");
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const std::uint64_t input = unsigned_integer(inputs[i], element(inputs_at, i));
      // Recording order is topological: inputs come before the node.
      if (input >= n.id) {
        fail(element(inputs_at, i),
             fmt::format("input id {} is not less than the node's own id {}", input, n.id));
      }
      n.inputs.push_back(static_cast<NodeId>(input));
    }

    n.shape = shape(field(j, "shape", where), at(where, "shape"));
    n.requires_grad = boolean(field(j, "requires_grad", where), at(where, "requires_grad"));

    const std::string attributes_at = at(where, "attributes");
    const json& attributes = array(field(j, "attributes", where), attributes_at);
    for (std::size_t i = 0; i < attributes.size(); ++i) {
      const std::string item_at = element(attributes_at, i);
      const json& item = array(attributes[i], item_at);
      if (item.size() != 2)
        fail(item_at, "expected a [name, value] pair");
      n.attributes.emplace_back(string(item[0], element(item_at, 0)),
                                real(item[1], element(item_at, 1)));
    }
    n.formula = string(field(j, "formula", where), at(where, "formula"));
    n.value_summary =
        summary(field(j, "value_summary", where), n.shape, at(where, "value_summary"));
    if (j.contains("value"))
      n.value = values_of(j["value"], n.shape, at(where, "value"));
    if (j.contains("grad_summary"))
      n.grad_summary = summary(j["grad_summary"], n.shape, at(where, "grad_summary"));
    if (j.contains("grad")) {
      if (!n.grad_summary)
        fail(at(where, "grad"), "gradient values without a grad_summary");
      n.grad = values_of(j["grad"], n.shape, at(where, "grad"));
    }
    if (j.contains("cost"))
      n.cost = cost(j["cost"], at(where, "cost"));
    n.saved_bytes = unsigned_integer(field(j, "saved_bytes", where), at(where, "saved_bytes"));
    return n;
  }

  TraceTensor tensor(const json& j, const std::string& where) const {
    object(j, where);
    TraceTensor t;
    t.shape = shape(field(j, "shape", where), at(where, "shape"));
    t.values = values_of(field(j, "values", where), t.shape, at(where, "values"));
    return t;
  }

  NodeId node_id(const json& j, const std::string& where, std::size_t node_count) const {
    const std::uint64_t id = unsigned_integer(j, where);
    if (id >= node_count)
      fail(where, fmt::format("node {} does not exist (the tape has {} nodes)", id, node_count));
    return static_cast<NodeId>(id);
  }

  BackpropTrace trace(const json& j, std::size_t node_count) const {
    const std::string where = "trace";
    object(j, where);
    BackpropTrace t;
    const json& output = field(j, "output", where);
    if (!output.is_null())
      t.output = node_id(output, at(where, "output"), node_count);
    t.seed = tensor(field(j, "seed", where), at(where, "seed"));
    const std::string steps_at = at(where, "steps");
    const json& steps = array(field(j, "steps", where), steps_at);
    for (std::size_t s = 0; s < steps.size(); ++s) {
      const std::string step_at = element(steps_at, s);
      const json& sj = object(steps[s], step_at);
      TraceStep step;
      step.node = node_id(field(sj, "node", step_at), at(step_at, "node"), node_count);
      step.op = string(field(sj, "op", step_at), at(step_at, "op"));
      step.label = string(field(sj, "label", step_at), at(step_at, "label"));
      step.grad_output = tensor(field(sj, "grad_output", step_at), at(step_at, "grad_output"));
      const std::string contributions_at = at(step_at, "contributions");
      const json& contributions = array(field(sj, "contributions", step_at), contributions_at);
      for (std::size_t c = 0; c < contributions.size(); ++c) {
        const std::string c_at = element(contributions_at, c);
        const json& cj = object(contributions[c], c_at);
        TraceContribution contribution;
        contribution.position = static_cast<std::size_t>(
            unsigned_integer(field(cj, "position", c_at), at(c_at, "position"), node_count));
        contribution.input = node_id(field(cj, "input", c_at), at(c_at, "input"), node_count);
        contribution.gradient = tensor(field(cj, "gradient", c_at), at(c_at, "gradient"));
        step.contributions.push_back(std::move(contribution));
      }
      t.steps.push_back(std::move(step));
    }
    return t;
  }

  TapeRecord record(const json& root) const {
    if (!root.is_object())
      fail("", fmt::format("not a tapegrad tape file (expected a JSON object, got {})",
                           root.type_name()));
    const json& format = field(root, "format", "");
    if (!format.is_string() || format.get_ref<const std::string&>() != layout::kFormat)
      fail("format",
           fmt::format("not a tapegrad tape file (format must be \"{}\")", layout::kFormat));
    const json& version = field(root, "version", "");
    if (!version.is_number_integer())
      fail("version", fmt::format("expected an integer, got {}", brief(version)));
    if (!version.is_number_unsigned() ||
        version.get<std::uint64_t>() != static_cast<std::uint64_t>(TapeRecord::kFormatVersion)) {
      fail("version", fmt::format("unsupported format version {} (this library reads version {})",
                                  brief(version), TapeRecord::kFormatVersion));
    }
    TapeRecord r;
    r.dtype = string(field(root, "dtype", ""), "dtype");
    if (r.dtype != "float32" && r.dtype != "float64")
      fail("dtype",
           fmt::format("unknown dtype '{}' (expected float32 or float64)", r.dtype.substr(0, 40)));
    const json& nodes = array(field(root, "nodes", ""), "nodes");
    if (nodes.size() > std::numeric_limits<NodeId>::max())
      fail("nodes", "too many nodes");
    r.nodes.reserve(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i)
      r.nodes.push_back(node(nodes[i], i));
    const json& output = field(root, "output", "");
    if (!output.is_null())
      r.output = node_id(output, "output", r.nodes.size());
    if (root.contains("trace"))
      r.trace = trace(root["trace"], r.nodes.size());
    return r;
  }

 private:
  std::string source_;
};

}  // namespace

TapeRecord from_json_text(std::string_view text, std::string_view source) {
  const Reader reader(source);
  if (too_deep(text))
    reader.fail("", fmt::format("not a tapegrad tape file (nested deeper than {} levels)",
                                layout::kMaxDepth));
  json root;
  try {
    root = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    reader.fail("", fmt::format("not valid JSON ({})", e.what()));
  }
  return reader.record(root);
}

TapeRecord load_json(const std::filesystem::path& path) {
  const Reader reader(path.string());
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status))
    reader.fail("", "no such file");
  if (!std::filesystem::is_regular_file(status))
    reader.fail("", "not a regular file");
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec)
    reader.fail("", "cannot read the file size: " + ec.message());
  if (size > layout::kMaxFileBytes)
    reader.fail(
        "", fmt::format("file of {} bytes is too large (at most {})", size, layout::kMaxFileBytes));
  std::ifstream file(path, std::ios::binary);
  if (!file)
    reader.fail("", "cannot open the file");
  std::string text(static_cast<std::size_t>(size), '\0');
  file.read(text.data(), static_cast<std::streamsize>(size));
  if (file.gcount() != static_cast<std::streamsize>(size))
    reader.fail("", "cannot read the file");
  return from_json_text(text, path.string());
}

}  // namespace tapegrad::inspect
