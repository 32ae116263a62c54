// Test helpers shared by the OTLP tests, the fuzzers and the benchmark: a batch as comparable
// text, and OTLP/JSON made from a libprotobuf message.
#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "model/column.h"
#include "model/record_batch.h"
#include "protocols/otlp/emitter.h"

namespace ingot::protocols::otlp::testing {

// One line per row: `column:type=value` for each non-null value, columns in name order.
inline std::vector<std::string> RowsText(const model::RecordBatch& batch) {
  std::vector<std::size_t> order(batch.num_columns());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return batch.column(a).name() < batch.column(b).name();
  });
  std::vector<std::string> rows(batch.num_rows());
  for (const std::size_t c : order) {
    const model::Column& col = batch.column(c);
    std::size_t value = 0;
    for (std::size_t r = 0; r < rows.size() && r < col.rows(); ++r) {
      if (!col.is_defined(r)) continue;
      std::string& row = rows[r];
      row += col.name();
      row += ':';
      row += std::to_string(static_cast<int>(col.type()));
      row += '=';
      model::AppendValueText(col, value++, row);
      row += '\n';
    }
  }
  return rows;
}

// OTLP/JSON of `message`: the protobuf JSON mapping (lowerCamelCase, int64 as strings, enums as
// names) with OTLP's deviation for ids: hex instead of base64.
inline std::string ToOtlpJson(const google::protobuf::Message& message) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json);
  static const std::regex kId(R"re("(traceId|spanId|parentSpanId)":"([A-Za-z0-9+/=]*)")re");
  std::string out;
  auto begin = std::sregex_iterator(json.begin(), json.end(), kId);
  std::size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    out.append(json, last, static_cast<std::size_t>(m.position(0)) - last);
    std::string bytes;
    DecodeBase64(m[2].str(), bytes);
    out += "\"" + m[1].str() + "\":\"";
    AppendHex(bytes, out);
    out += "\"";
    last = static_cast<std::size_t>(m.position(0) + m.length(0));
  }
  out.append(json, last, std::string::npos);
  return out;
}

}  // namespace ingot::protocols::otlp::testing
