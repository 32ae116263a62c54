// Writing the Prometheus text exposition format (version 0.0.4) for /metrics.
#pragma once

#include <string>
#include <string_view>

#include "common/histogram.h"

namespace ingot::api::prometheus {

// "# HELP name help\n# TYPE name type\n".
void Help(std::string& out, std::string_view name, std::string_view type, std::string_view help);
// `name{labels} value\n`; `labels` is a ready list (`a="x",b="y"`) or empty.
void Sample(std::string& out, std::string_view name, std::string_view labels, double value);
// `key="value"` with the value escaped (backslash, quote, newline).
std::string Label(std::string_view key, std::string_view value);
// The _bucket (cumulative, `le` scaled by `scale`), _sum and _count series of `h`; `labels` is
// prepended to `le` when not empty.
void HistogramSamples(std::string& out, std::string_view name, std::string_view labels,
                      const Histogram& h, double scale);

}  // namespace ingot::api::prometheus
