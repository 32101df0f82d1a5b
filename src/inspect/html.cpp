// to_html(): the page is a fixed frame around inline blocks: the record's
// JSON (compact), the attribute texts (written by the function DOT uses, so
// both read alike), and the embedded script, style and layout library.
#include "tapegrad/inspect/html.hpp"

#include <nlohmann/json.hpp>

#include "inspect/explorer_assets.hpp"
#include "inspect/json_text.hpp"
#include "inspect/text_support.hpp"
#include "inspect/write_file.hpp"

namespace tapegrad::inspect {

namespace {

// Text for an HTML element or attribute value.
std::string html_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// JSON made safe inside <script>: "<" occurs only within strings, where
// \u003c means the same, so no label can close the script ("</script>") or
// open a comment that changes how the browser reads the rest ("<!--").
std::string script_safe(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (const char c : json) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

// {"<node id>": ["reduction: sum", ...]} for the nodes that have attributes.
std::string attribute_texts(const TapeRecord& record) {
  nlohmann::json out = nlohmann::json::object();
  for (const NodeRecord& node : record.nodes) {
    if (node.attributes.empty())
      continue;
    nlohmann::json texts = nlohmann::json::array();
    for (const auto& [name, value] : node.attributes)
      texts.push_back(detail::attribute_text(name, value));
    out[std::to_string(node.id)] = std::move(texts);
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_data_block(std::string& page, std::string_view id, std::string_view json) {
  page += "<script type=\"application/json\" id=\"";
  page += id;
  page += "\">";
  page += script_safe(json);
  page += "</script>\n";
}

}  // namespace

std::string to_html(const TapeRecord& record, const HtmlOptions& options) {
  const std::string title = html_escape(options.title);
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // No request may leave the page, whatever a label holds.
  page +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n";
  page += "<title>" + title + "</title>\n<style>\n";
  page += detail::kExplorerStyle;
  page += "</style>\n</head>\n<body>\n<header><h1>" + title + "</h1></header>\n";
  page += "<main id=\"explorer\"></main>\n";
  append_data_block(page, "tape-data", detail::json_text(record, -1));
  append_data_block(page, "tape-attributes", attribute_texts(record));
  if (!detail::kLayoutScript.empty()) {
    page += "<script>\n";
    page += detail::kLayoutScript;
    page += "\n</script>\n";
  }
  page += "<script>\n";
  page += detail::kExplorerScript;
  page += "</script>\n</body>\n</html>\n";
  return page;
}

void save_html(const TapeRecord& record, const std::filesystem::path& path,
               const HtmlOptions& options) {
  detail::write_file(path, to_html(record, options));
}

bool html_has_layout_library() noexcept {
  return !detail::kLayoutScript.empty();
}

}  // namespace tapegrad::inspect
