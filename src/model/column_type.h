// The value types a column can hold, and the widening rule between them.
#pragma once

#include <cstdint>
#include <string_view>

namespace ingot::model {

// Ordered by width: a column holding one type that receives a value of a later type widens to it
// (bool -> int64 -> float64 -> string). kTimestamp is only used by the `_timestamp` column and
// never widens: a value that cannot be read as a timestamp fails its record instead.
enum class ColumnType : std::uint8_t {
  kBool = 0,
  kInt64 = 1,
  kFloat64 = 2,
  kString = 3,
  kTimestamp = 4,  // Int64 microseconds since the Unix epoch, UTC
};

// The narrowest type that holds values of both `a` and `b` without losing them.
constexpr ColumnType WidenedType(ColumnType a, ColumnType b) {
  if (a == b) return a;
  if (a == ColumnType::kTimestamp || b == ColumnType::kTimestamp) return ColumnType::kString;
  return a > b ? a : b;
}

constexpr std::string_view ColumnTypeName(ColumnType t) {
  switch (t) {
    case ColumnType::kBool: return "bool";
    case ColumnType::kInt64: return "int64";
    case ColumnType::kFloat64: return "float64";
    case ColumnType::kString: return "string";
    case ColumnType::kTimestamp: return "timestamp";
  }
  return "?";
}

// Column names every stream has.
inline constexpr std::string_view kTimestampColumn = "_timestamp";
// Holds, as a JSON object text, the fields of a record that could not get their own column: over
// the per-stream column cap, or a second value for a column the record already filled.
inline constexpr std::string_view kExtraColumn = "_extra";
// A log record's message fingerprint and template (docs/fingerprint.md).
inline constexpr std::string_view kFingerprintColumn = "_fingerprint";
inline constexpr std::string_view kTemplateColumn = "_template";
// The Hive partition keys of the directories files are written in (persist/layout.cc): readers
// with hive_partitioning see them as columns, so no record column may have these names (a record's
// own top-level `date` / `hour` is stored as `date_` / `hour_`).
inline constexpr std::string_view kDatePartition = "date";
inline constexpr std::string_view kHourPartition = "hour";

}  // namespace ingot::model
