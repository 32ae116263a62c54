#include "objstore/s3_xml.h"

#include <charconv>

namespace ingot::objstore {
namespace {

void AppendUtf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes the reference `ref` (between '&' and ';'); false if it is none we know.
bool DecodeReference(std::string_view ref, std::string& out) {
  if (ref == "amp") return out += '&', true;
  if (ref == "lt") return out += '<', true;
  if (ref == "gt") return out += '>', true;
  if (ref == "quot") return out += '"', true;
  if (ref == "apos") return out += '\'', true;
  if (ref.size() < 2 || ref[0] != '#') return false;
  int base = 10;
  ref.remove_prefix(1);
  if (ref[0] == 'x' || ref[0] == 'X') {
    base = 16;
    ref.remove_prefix(1);
  }
  std::uint32_t cp = 0;
  auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), cp, base);
  if (ec != std::errc() || end != ref.data() + ref.size() || cp == 0 || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return false;
  }
  AppendUtf8(cp, out);
  return true;
}

}  // namespace

std::string XmlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '&') {
      std::size_t semi = text.find(';', i + 1);
      if (semi != std::string_view::npos && semi - i <= 12 &&
          DecodeReference(text.substr(i + 1, semi - i - 1), out)) {
        i = semi;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::vector<std::string_view> XmlElements(std::string_view doc, std::string_view tag) {
  std::vector<std::string_view> found;
  std::string close = "</" + std::string(tag) + ">";
  std::size_t pos = 0;
  while ((pos = doc.find('<', pos)) != std::string_view::npos) {
    std::size_t name_at = pos + 1;
    if (doc.compare(name_at, tag.size(), tag) != 0 || name_at + tag.size() >= doc.size()) {
      ++pos;
      continue;
    }
    char after = doc[name_at + tag.size()];
    if (after != '>' && after != '/' && after != ' ' && after != '\t' && after != '\r' &&
        after != '\n') {
      ++pos;  // a longer name that starts with `tag`
      continue;
    }
    std::size_t open_end = doc.find('>', name_at);
    if (open_end == std::string_view::npos) break;
    if (doc[open_end - 1] == '/') {  // <tag/>: empty, a view where it stands
      found.push_back(doc.substr(open_end + 1, 0));
      pos = open_end + 1;
      continue;
    }
    std::size_t end = doc.find(close, open_end + 1);
    if (end == std::string_view::npos) break;
    found.push_back(doc.substr(open_end + 1, end - open_end - 1));
    pos = end + close.size();
  }
  return found;
}

std::optional<std::string> XmlText(std::string_view doc, std::string_view tag) {
  std::vector<std::string_view> found = XmlElements(doc, tag);
  if (found.empty()) return std::nullopt;
  return XmlDecode(found.front());
}

S3Error ParseS3Error(std::string_view body) {
  S3Error error;
  std::vector<std::string_view> root = XmlElements(body, "Error");
  if (root.empty()) return error;
  error.code = XmlText(root.front(), "Code").value_or("");
  error.message = XmlText(root.front(), "Message").value_or("");
  return error;
}

std::optional<ListPage> ParseListPage(std::string_view body) {
  std::vector<std::string_view> root = XmlElements(body, "ListBucketResult");
  if (root.empty()) return std::nullopt;
  ListPage page;
  for (std::string_view contents : XmlElements(root.front(), "Contents")) {
    std::optional<std::string> key = XmlText(contents, "Key");
    std::optional<std::string> size = XmlText(contents, "Size");
    if (!key || !size) return std::nullopt;
    ListPage::Entry entry;
    entry.key = std::move(*key);
    auto [end, ec] = std::from_chars(size->data(), size->data() + size->size(), entry.size);
    if (ec != std::errc() || end != size->data() + size->size()) return std::nullopt;
    page.entries.push_back(std::move(entry));
  }
  page.truncated = XmlText(root.front(), "IsTruncated").value_or("false") == "true";
  page.next_token = XmlText(root.front(), "NextContinuationToken").value_or("");
  return page;
}

std::vector<DeleteError> ParseDeleteErrors(std::string_view body) {
  std::vector<DeleteError> errors;
  for (std::string_view e : XmlElements(body, "Error")) {
    errors.push_back({XmlText(e, "Key").value_or(""), XmlText(e, "Code").value_or(""),
                      XmlText(e, "Message").value_or("")});
  }
  return errors;
}

}  // namespace ingot::objstore
