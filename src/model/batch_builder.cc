#include "model/batch_builder.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/json_escape.h"
#include "model/names.h"
#include "model/timestamp.h"

namespace ingot::model {

void BatchBuilder::Reset(const BuilderOptions& options) { Reset(options, KeyTree()); }

void BatchBuilder::Reset(const BuilderOptions& options, KeyTree&& tree) {
  options_ = options;
  batch_.Clear();
  batch_.ReserveColumns(tree.columns_);
  batch_.AddColumn(std::string(kTimestampColumn), ColumnType::kTimestamp);
  expected_records_ = 0;
  expected_bytes_ = SIZE_MAX;
  nodes_ = std::move(tree.nodes_);
  child_index_ = std::move(tree.child_index_);
  tree_bytes_ = tree.bytes_;
  if (nodes_.empty()) {
    nodes_.emplace_back();  // kRoot
    tree_bytes_ = NodeBytes(nodes_.back());
  } else {
    UnresolveColumns();
  }
  extra_column_ = kUnresolved;
  fingerprint_column_ = kUnresolved;
  template_column_ = kUnresolved;
  min_ts_ = std::numeric_limits<std::int64_t>::max();
  max_ts_ = std::numeric_limits<std::int64_t>::min();
  ResetRecordState();
}

void BatchBuilder::UnresolveColumns() {
  for (Node& node : nodes_) node.column = node.timestamp ? kTimestampNode : kUnresolved;
}

BatchBuilder::KeyTree BatchBuilder::TakeKeyTree() {
  KeyTree tree;
  tree.nodes_ = std::move(nodes_);
  tree.child_index_ = std::move(child_index_);
  tree.columns_ = batch_.num_columns();
  tree.bytes_ = tree_bytes_;
  nodes_.clear();
  child_index_.clear();
  tree_bytes_ = 0;
  return tree;
}

void BatchBuilder::ResetRecordState() {
  row_ = batch_.num_rows();
  has_timestamp_ = false;
  record_error_.clear();
  fields_ = 0;
  extra_.clear();
  message_rank_ = 0;
}

BatchBuilder::FieldId BatchBuilder::Child(FieldId parent, std::string_view raw_key) {
  {
    Node& p = nodes_[parent];
    const std::size_t n = p.children.size();
    if (p.next_child_hint < n) {
      const FieldId guess = p.children[p.next_child_hint];
      if (nodes_[guess].raw_key == raw_key) {
        p.next_child_hint = p.next_child_hint + 1 == n ? 0 : p.next_child_hint + 1;
        return guess;
      }
    }
  }
  lookup_key_.assign(reinterpret_cast<const char*>(&parent), sizeof parent);
  lookup_key_.append(raw_key);
  if (auto it = child_index_.find(lookup_key_); it != child_index_.end()) {
    Node& p = nodes_[parent];
    for (std::uint32_t i = 0; i < p.children.size(); ++i) {
      if (p.children[i] == it->second) {
        p.next_child_hint = i + 1 == p.children.size() ? 0 : i + 1;
        break;
      }
    }
    return it->second;
  }
  const auto id = static_cast<FieldId>(nodes_.size());
  Node node;
  node.raw_key = raw_key;
  node.plain_key = std::none_of(raw_key.begin(), raw_key.end(), [](char ch) {
    return ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20;
  });
  node.depth = nodes_[parent].depth + 1;
  if (parent != kRoot) {
    const Node& p = nodes_[parent];
    // Below a renamed `date_` / `hour_` the key is the field's own: `date.x` is `date_x`.
    node.name.assign(p.name, 0, p.name.size() - p.renamed);
    node.name.push_back('_');
  }
  AppendFormattedKey(raw_key, node.name);
  node.timestamp = node.name == kTimestampColumn;
  if (node.timestamp) node.column = kTimestampNode;
  // DuckDB reads the Hive partition directories `date=.../hour=...` as columns `date` and `hour`,
  // which would hide a record's own columns of those names: they are stored as `date_`, `hour_`.
  if (parent == kRoot && (node.name == kDatePartition || node.name == kHourPartition)) {
    node.name.push_back('_');
    node.renamed = true;
  }
  tree_bytes_ += NodeBytes(node);
  nodes_.push_back(std::move(node));
  child_index_.emplace(lookup_key_, id);
  Node& p = nodes_[parent];
  p.children.push_back(id);
  p.next_child_hint = 0;  // a new key means the order changed; start predicting from the top
  return id;
}

std::int32_t BatchBuilder::ResolveColumn(Node& node) {
  // Every column a record's field gets is created after this check, so none is ever unnamed or
  // longer than kMaxColumnNameBytes: such a field (`{"":1}`, a 10 kB key) is kept in `_extra`.
  if (node.name == kExtraColumn || node.name.empty() || node.name.size() > kMaxColumnNameBytes) {
    return node.column = kOverflow;
  }
  node.message_rank = 0;
  if (options_.fingerprint != nullptr && node.depth == 1) {
    // The columns ingot fills itself are not the client's to set.
    if (node.name == kFingerprintColumn || node.name == kTemplateColumn) {
      return node.column = kOverflow;
    }
    std::string_view fields = options_.message_fields;
    for (std::uint8_t rank = 1; !fields.empty() && rank < 255; ++rank) {
      const std::size_t comma = fields.find(',');
      if (fields.substr(0, comma) == node.name) {
        node.message_rank = rank;
        break;
      }
      fields = comma == std::string_view::npos ? std::string_view() : fields.substr(comma + 1);
    }
  }
  const int existing = batch_.FindColumn(node.name);
  if (existing >= 0) return node.column = existing;
  // Keep one slot for `_extra`, which is created on demand.
  const std::size_t reserved = extra_column_ >= 0 ? 0 : 1;
  if (batch_.num_columns() + reserved >= options_.max_columns) return node.column = kOverflow;
  return node.column = kUnresolved;  // created by Add with the first value's type
}

void BatchBuilder::BeginRecord() {
  if (batch_.num_rows() == 0 && expected_records_ > 1 && batch_.column(0).rows() == 0) {
    batch_.column(0).Reserve(expected_records_, 0);
  }
  ResetRecordState();
}

void BatchBuilder::AddInt(FieldId field, std::int64_t v) { Add(field, Value::Int(v)); }

void BatchBuilder::AddUint(FieldId field, std::uint64_t v) {
  if (v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    Add(field, Value::Int(static_cast<std::int64_t>(v)));
  } else {
    Add(field, Value::Double(static_cast<double>(v)));
  }
}

void BatchBuilder::AddDouble(FieldId field, double v) { Add(field, Value::Double(v)); }

void BatchBuilder::AddBool(FieldId field, bool v) { Add(field, Value::Bool(v)); }

void BatchBuilder::AddString(FieldId field, std::string_view v) {
  Add(field, Value::String(v, false));
}

void BatchBuilder::AddJsonText(FieldId field, std::string_view json) {
  Add(field, Value::String(json, true));
}

void BatchBuilder::SetTimestamp(std::int64_t micros) {
  has_timestamp_ = true;
  timestamp_ = micros;
}

void BatchBuilder::AddTimestampValue(const Node& node, const Value& v) {
  // A second `_timestamp` in one record (`@timestamp` and `_timestamp`, `@Timestamp`, HEC `time`
  // and a field): the first wins, the other is kept in `_extra` like any duplicate column.
  if (has_timestamp_) {
    AddToExtra(node, v);
    return;
  }
  std::optional<std::int64_t> micros;
  switch (v.type) {
    case ColumnType::kInt64: micros = EpochToMicros(v.i); break;
    case ColumnType::kFloat64: micros = EpochToMicros(v.d); break;
    case ColumnType::kString:
      if (!v.json_text) micros = ParseTimestamp(v.s);
      break;
    default: break;
  }
  if (micros) {
    SetTimestamp(*micros);
    return;
  }
  if (!record_error_.empty()) return;
  record_error_ = "_timestamp ";
  if (v.type == ColumnType::kFloat64 && std::isfinite(v.d)) {
    // A number, but no int64 of microseconds holds it (1e300): out of range, like -9.1e21.
    AppendScalarText(v, record_error_);
    record_error_ += " is outside the range ingot stores ";
    record_error_ += StorableRangeText();
    return;
  }
  if (v.type == ColumnType::kString) {
    AppendJsonString(v.s.substr(0, 64), record_error_);
  }
  record_error_ += " is not a timestamp (expected epoch s/ms/us/ns or RFC 3339 text)";
}

void BatchBuilder::FailRecord(std::string_view message) {
  if (record_error_.empty()) record_error_ = message;
}

void BatchBuilder::AddToExtra(const Node& node, const Value& v) {
  extra_.push_back(extra_.empty() ? '{' : ',');
  AppendJsonString(node.name, extra_);
  extra_.push_back(':');
  switch (v.type) {
    case ColumnType::kString:
      if (v.json_text) {
        extra_ += v.s;
      } else {
        AppendJsonString(v.s, extra_);
      }
      break;
    default: AppendScalarText(v, extra_); break;
  }
}

void BatchBuilder::AppendScalarText(const Value& v, std::string& out) {
  switch (v.type) {
    case ColumnType::kBool: out += v.i ? "true" : "false"; break;
    case ColumnType::kInt64: AppendIntText(v.i, out); break;
    case ColumnType::kFloat64: AppendDoubleText(v.d, out); break;
    case ColumnType::kString: out += v.s; break;
    case ColumnType::kTimestamp: break;
  }
}

void BatchBuilder::Add(FieldId field, const Value& v) {
  if (++fields_ > options_.max_fields && options_.max_fields != 0) {
    if (record_error_.empty()) {
      record_error_ = "the record has more than " + std::to_string(options_.max_fields) +
                      " fields (--max-fields)";
    }
    return;
  }
  Node& node = nodes_[field];
  if (node.column == kUnresolved) ResolveColumn(node);
  if (node.column == kTimestampNode) {
    AddTimestampValue(node, v);
    return;
  }
  if (node.column == kOverflow) {
    AddToExtra(node, v);
    return;
  }
  if (node.column == kUnresolved) {
    node.column = static_cast<std::int32_t>(batch_.AddColumn(node.name, v.type));
    // A column of the first record is most likely in every record: size it for all of them.
    // Columns that appear later may be sparse, and grow as needed.
    if (row_ == 0 && expected_records_ > 1) {
      batch_.column(static_cast<std::size_t>(node.column))
          .Reserve(
              expected_records_,
              v.type == ColumnType::kString
                  ? std::min((v.s.size() + v.s.size() / 4 + 1) * expected_records_, expected_bytes_)
                  : 0);
    }
  }
  Column& col = batch_.column(static_cast<std::size_t>(node.column));
  if (col.rows() > row_) {  // a second value for this column in one record
    AddToExtra(node, v);
    return;
  }
  col.PadNullsTo(row_);
  const ColumnType wide = WidenedType(col.type(), v.type);
  if (wide != col.type()) col.WidenTo(wide);
  switch (col.type()) {
    case ColumnType::kBool: col.AppendBool(v.i != 0); break;
    case ColumnType::kInt64: col.AppendInt(v.i); break;
    case ColumnType::kFloat64:
      col.AppendDouble(v.type == ColumnType::kFloat64 ? v.d : static_cast<double>(v.i));
      break;
    case ColumnType::kString:
      if (v.type == ColumnType::kString) {
        col.AppendString(v.s);
        if (node.message_rank != 0 && !v.json_text &&
            (message_rank_ == 0 || node.message_rank < message_rank_)) {
          message_rank_ = node.message_rank;
          message_column_ = node.column;
        }
      } else {
        value_text_.clear();
        AppendScalarText(v, value_text_);
        col.AppendString(value_text_);
      }
      break;
    case ColumnType::kTimestamp: break;  // only the `_timestamp` node writes here
  }
}

bool BatchBuilder::EndRecord(std::string* error) {
  if (!record_error_.empty()) {
    *error = record_error_;
    AbortRecord();
    return false;
  }
  const std::int64_t ts = has_timestamp_ ? timestamp_ : options_.now_us;
  // Outside it the Hive partition of the record would not be `date=YYYY-MM-DD/hour=HH`.
  if (!InStorableRange(ts)) {
    *error = "_timestamp " + FormatTimestamp(ts) + " is outside the range ingot stores " +
             StorableRangeText();
    AbortRecord();
    return false;
  }
  if (ts < options_.min_timestamp_us || ts > options_.max_timestamp_us) {
    *error = "_timestamp " + FormatTimestamp(ts) + " is outside the accepted window [" +
             FormatTimestamp(options_.min_timestamp_us) + ", " +
             FormatTimestamp(options_.max_timestamp_us) + "]";
    AbortRecord();
    return false;
  }
  Column& ts_col = batch_.column(0);
  ts_col.PadNullsTo(row_);
  ts_col.AppendInt(ts);
  if (message_rank_ != 0) AddFingerprint();
  if (!extra_.empty()) {
    extra_.push_back('}');
    Column& extra_col = batch_.column(
        static_cast<std::size_t>(SystemColumn(extra_column_, kExtraColumn, ColumnType::kString)));
    extra_col.PadNullsTo(row_);
    extra_col.AppendString(extra_);
  }
  batch_.CommitRow();
  if (ts < min_ts_) min_ts_ = ts;
  if (ts > max_ts_) max_ts_ = ts;
  ResetRecordState();
  return true;
}

std::int32_t BatchBuilder::SystemColumn(std::int32_t& index, std::string_view name,
                                        ColumnType type) {
  if (index == kUnresolved) {
    index = batch_.FindColumn(name);
    if (index < 0) index = static_cast<std::int32_t>(batch_.AddColumn(std::string(name), type));
  }
  return index;
}

void BatchBuilder::AddFingerprint() {
  const Column& message = batch_.column(static_cast<std::size_t>(message_column_));
  std::string_view template_text;
  const std::int64_t fingerprint =
      options_.fingerprint(message.string_at(message.value_count() - 1), template_text);
  Column& fp = batch_.column(static_cast<std::size_t>(
      SystemColumn(fingerprint_column_, kFingerprintColumn, ColumnType::kInt64)));
  fp.PadNullsTo(row_);
  fp.AppendInt(fingerprint);
  Column& tmpl = batch_.column(static_cast<std::size_t>(
      SystemColumn(template_column_, kTemplateColumn, ColumnType::kString)));
  tmpl.PadNullsTo(row_);
  tmpl.AppendString(template_text);
}

void BatchBuilder::AbortRecord() {
  batch_.TruncateRows(row_);
  ResetRecordState();
}

RecordBatch& BatchBuilder::Finish() {
  // A record begun and never ended (the decoder gave up on the request half-way) leaves nothing.
  batch_.TruncateRows(batch_.num_rows());
  for (std::size_t i = 0; i < batch_.num_columns(); ++i) {
    batch_.column(i).PadNullsTo(batch_.num_rows());
  }
  batch_.DropEmptyColumns();
  // Column indexes may have moved; a builder is reused only after Reset().
  return batch_;
}

}  // namespace ingot::model
