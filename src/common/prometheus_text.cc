#include "common/prometheus_text.h"

#include <charconv>

namespace ingot::prometheus {

namespace {

// Shortest text that reads back as `v` ("0.00025", not "0.00025000000000000001").
void AppendNumber(double v, std::string& out) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

}  // namespace

void Help(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void Sample(std::string& out, std::string_view name, std::string_view labels, double value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  AppendNumber(value, out);
  out += '\n';
}

std::string Label(std::string_view key, std::string_view value) {
  std::string out(key);
  out += "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

void HistogramSamples(std::string& out, std::string_view name, std::string_view labels,
                      const Histogram& h, double scale) {
  const std::string prefix = labels.empty() ? std::string() : std::string(labels) + ",";
  const std::string bucket = std::string(name) + "_bucket";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= h.upper_bounds().size(); ++i) {
    cumulative += h.bucket(i);
    std::string le = prefix + "le=\"";
    if (i < h.upper_bounds().size()) {
      AppendNumber(static_cast<double>(h.upper_bounds()[i]) * scale, le);
    } else {
      le += "+Inf";
    }
    le += '"';
    Sample(out, bucket, le, static_cast<double>(cumulative));
  }
  Sample(out, std::string(name) + "_sum", labels, static_cast<double>(h.sum()) * scale);
  Sample(out, std::string(name) + "_count", labels, static_cast<double>(cumulative));
}

}  // namespace ingot::prometheus
