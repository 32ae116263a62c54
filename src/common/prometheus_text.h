// Writing the Prometheus text exposition format (version 0.0.4) for /metrics, and the interface
// through which each stage contributes its series (api::AdminApi renders the sections in turn).
#pragma once

#include <string>
#include <string_view>

#include "common/histogram.h"

namespace ingot {

// One stage's series for /metrics (the HTTP server, the request flow, the memtable, ...).
// RenderMetrics may run at any time on any thread (an I/O thread answering /metrics): it reads
// the stage's counters, which are atomics or guarded by the stage's own locks.
class MetricsSection {
 public:
  virtual ~MetricsSection() = default;
  // Appends Prometheus text (HELP/TYPE lines and samples).
  virtual void RenderMetrics(std::string& out) const = 0;
};

}  // namespace ingot

namespace ingot::prometheus {

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

}  // namespace ingot::prometheus
