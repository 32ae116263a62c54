// FileSchema: the columns of a Parquet file, in file order. Every column is written OPTIONAL at
// the top level of the schema (no nesting); its Parquet type follows from the ColumnType:
//
//   kBool      -> BOOLEAN
//   kInt64     -> INT64
//   kFloat64   -> DOUBLE
//   kString    -> BYTE_ARRAY, logical type STRING (converted type UTF8)
//   kTimestamp -> INT64, logical type TIMESTAMP(isAdjustedToUTC=true, MICROS)
//                 (converted type TIMESTAMP_MICROS)
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/column_type.h"
#include "model/record_batch.h"

namespace ingot::parquet {

struct FileSchema {
  std::vector<std::pair<std::string, model::ColumnType>> columns;

  // The batch's columns, in batch order.
  static FileSchema Of(const model::RecordBatch& batch);

  // OK when names are non-empty and unique (Parquet readers resolve columns by name).
  Status Validate() const;
};

}  // namespace ingot::parquet
