// What every decoded batch must satisfy whatever the input, checked by the decoders' fuzzers
// (abort on a violation): the promises of docs/normalization.md that keep a node writable.
#pragma once

#include <cstdlib>

#include "model/column_type.h"
#include "model/names.h"
#include "model/timestamp.h"
#include "protocols/decoded.h"

namespace ingot::protocols {

inline void CheckDecodedInvariants(const Decoded& decoded) {
  for (const auto& s : decoded.streams()) {
    // Stream names are what StreamName() returns: non-empty, at most 128 bytes, sanitized.
    if (!model::CheckStoredStreamName(s->name, "stream").ok()) std::abort();
    const model::RecordBatch& batch = s->builder.batch();
    for (std::size_t c = 0; c < batch.num_columns(); ++c) {
      const model::Column& col = batch.column(c);
      if (col.rows() != batch.num_rows()) std::abort();  // columns stay aligned
      // Every column can be written to Parquet and read beside the Hive partition columns.
      const std::string& name = col.name();
      if (name.empty() || name.size() > model::kMaxColumnNameBytes) std::abort();
      if (name == model::kDatePartition || name == model::kHourPartition) std::abort();
    }
    if (batch.num_rows() != 0 && (!model::InStorableRange(s->builder.min_timestamp()) ||
                                  !model::InStorableRange(s->builder.max_timestamp()))) {
      std::abort();  // every stored hour is date=YYYY-MM-DD/hour=HH
    }
  }
}

}  // namespace ingot::protocols
