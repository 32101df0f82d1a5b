#pragma once
// Tape JSON texts shared by the reader's tests: a valid one-node file that
// each error case edits, and the message loading a text gives.

#include <string>

#include <tapegrad/inspect.hpp>

namespace inspect_test {

// A valid one-node file, edited by each error case.
inline std::string valid(const std::string& node_fields = R"("shape": [2], "value": [1, 2])",
                         const std::string& top = R"("version": 1)") {
  return R"({"format": "tapegrad-tape", )" + top + R"(, "dtype": "float64", "output": null,
    "nodes": [{"id": 0, "kind": "variable", "op": "", "label": "x", "inputs": [],
               "requires_grad": true, "attributes": [], "formula": "", "saved_bytes": 0,
               "value_summary": {"count": 2, "min": 1, "mean": 1.5, "max": 2, "norm": 2.2,
                                 "nonfinite": 0}, )" +
         node_fields + "}]}";
}

inline std::string load_error(const std::string& text) {
  try {
    (void)tapegrad::inspect::from_json_text(text, "t.json");
  } catch (const tapegrad::FileError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace inspect_test
