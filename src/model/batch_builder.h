// BatchBuilder: what every decoder writes records into. It applies the normalization rules of
// DESIGN.md while the decoder walks its input, so no intermediate row or map is ever built:
//
//   builder.BeginRecord();
//   auto level = builder.Child(BatchBuilder::kRoot, "level");   // raw key as the client sent it
//   builder.AddString(level, "INFO");
//   if (!builder.EndRecord(&error)) ...                          // record rolled back, rest goes
//   on
//
// Field ids name a path of raw keys (root -> "metadata" -> "host"); the builder maps each to a
// column once (key formatting, flattening depth, column cap) and remembers it, so repeated records
// cost a key comparison per field. It predicts the next key from the previous record's order.
//
// Not thread-safe: one builder per request (or per thread, reused with Reset()).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/names.h"
#include "model/record_batch.h"

namespace ingot::model {

struct BuilderOptions {
  // Column names have at most this many key segments; deeper objects are stored as JSON text in
  // the column of their depth-th ancestor. 0 = unlimited.
  std::uint32_t max_depth = 3;
  // Columns a batch may have (`_timestamp` and `_extra` included); further fields go to `_extra`.
  std::uint32_t max_columns = 1000;
  // `_timestamp` of records that have none.
  std::int64_t now_us = 0;
  // Records whose `_timestamp` falls outside [min_timestamp_us, max_timestamp_us] are rejected.
  std::int64_t min_timestamp_us = std::numeric_limits<std::int64_t>::min();
  std::int64_t max_timestamp_us = std::numeric_limits<std::int64_t>::max();
  // Values a record may have (leaf fields, after flattening); a record with more fails. 0 = no
  // limit.
  std::uint32_t max_fields = 0;
  // Bytes a record may take in its encoding (an NDJSON line, a bulk document); decoders fail a
  // longer record without parsing it. 0 = no limit.
  std::uint64_t max_record_bytes = 0;
  // The record's message, whose template and fingerprint go to the `_template` and
  // `_fingerprint` columns (docs/fingerprint.md): the first string value among these top-level
  // columns (comma-separated, in order of preference). With a `fingerprint` function, fields a
  // client names `_fingerprint` or `_template` go to `_extra`. Empty, or no function: records
  // get neither column.
  std::string message_fields;
  // The fingerprint of `message`, pointing `template_text` at its template (valid until the next
  // call on the thread): fingerprint::FingerprintMessage. Lives outside model/ (model includes
  // nothing but common/).
  std::int64_t (*fingerprint)(std::string_view message, std::string_view& template_text) = nullptr;
};

// How many records a decoder expects (e.g. the lines of an NDJSON body): columns that appear in
// the first record reserve room for that many rows at once, instead of growing by doubling (a
// dozen reallocations and copies per column for a thousand rows).

class BatchBuilder {
 public:
  using FieldId = std::uint32_t;
  static constexpr FieldId kRoot = 0;

  class KeyTree;

  BatchBuilder() { Reset(BuilderOptions{}); }
  explicit BatchBuilder(const BuilderOptions& options) { Reset(options); }
  BatchBuilder(const BuilderOptions& options, KeyTree&& tree) { Reset(options, std::move(tree)); }

  // Starts a new, empty batch; keeps allocated memory where it can.
  void Reset(const BuilderOptions& options);
  // The same, starting from the keys of an earlier batch (see KeyTree) instead of none.
  void Reset(const BuilderOptions& options, KeyTree&& tree);
  // Hands the key tree over, for the next batch of the same stream. Call after Finish(); the
  // builder is then Reset before it takes records again.
  KeyTree TakeKeyTree();

  // The field named `raw_key` under `parent` (kRoot for top-level keys). Cheap when keys come in
  // the same order as in the previous record.
  FieldId Child(FieldId parent, std::string_view raw_key);
  // The child of `parent` expected next (keys usually come in the previous record's order), with
  // its key as the client spells it in JSON, for a comparison without unescaping; false when
  // there is no prediction or the key has characters JSON would escape. After a match, call
  // AcceptPrediction(parent); otherwise call Child().
  bool PredictChild(FieldId parent, FieldId& child, std::string_view& json_key) const {
    const Node& p = nodes_[parent];
    if (p.next_child_hint >= p.children.size()) return false;
    child = p.children[p.next_child_hint];
    const Node& c = nodes_[child];
    json_key = c.raw_key;
    return c.plain_key;
  }
  void AcceptPrediction(FieldId parent) {
    Node& p = nodes_[parent];
    p.next_child_hint = p.next_child_hint + 1 == p.children.size() ? 0 : p.next_child_hint + 1;
  }

  // True when an object value of `field` should be walked into (its keys become columns); false
  // when the object must be stored as JSON text with AddJsonText: at the depth limit, or when the
  // field's column name is already over kMaxColumnNameBytes (its children's would be longer still:
  // the object goes to `_extra` whole, under the field's name, rather than one long name per key).
  bool Flattens(FieldId field) const {
    const Node& n = nodes_[field];
    return (options_.max_depth == 0 || n.depth < options_.max_depth) &&
           n.name.size() <= kMaxColumnNameBytes;
  }
  // How many keys deep `field` is (a top-level key: 1).
  std::uint32_t Depth(FieldId field) const { return nodes_[field].depth; }

  // A hint: about how many records this batch will get (see above), from a body of `body_bytes`
  // (which bounds what a string column is sized for: the first record's values times the record
  // count would be far too much when a large record comes first). 0 = unknown.
  void ExpectRecords(std::size_t n, std::size_t body_bytes = SIZE_MAX) {
    expected_records_ = n;
    expected_bytes_ = body_bytes;
  }

  void BeginRecord();
  void AddInt(FieldId field, std::int64_t v);
  void AddUint(FieldId field, std::uint64_t v);  // above INT64_MAX -> float64
  void AddDouble(FieldId field, double v);
  void AddBool(FieldId field, bool v);
  void AddString(FieldId field, std::string_view v);
  // An array, or an object below the depth limit, as JSON text (stored as a string value).
  void AddJsonText(FieldId field, std::string_view json);
  // Sets the record's `_timestamp` directly (HEC `time`, the OTLP time fields). Call it before
  // adding fields: a `_timestamp` field added after it goes to `_extra` (the first value wins).
  void SetTimestamp(std::int64_t micros);
  // Fails the record being built: EndRecord will return false with `message` (unless the record
  // already failed for another reason, whose message is kept).
  void FailRecord(std::string_view message);
  // Finishes the record. On failure (a bad `_timestamp`, or one outside the range ingot stores,
  // kMinTimestampMicros..kMaxTimestampMicros, or outside the accepted window) the record is removed
  // from the batch, `*error` says why, and false is returned; the batch is as before BeginRecord.
  bool EndRecord(std::string* error);
  // Removes the record being built (e.g. the decoder found malformed input half-way).
  void AbortRecord();

  // Pads every column to the row count and drops columns no record filled. Call once, after the
  // last record, before reading batch().
  RecordBatch& Finish();
  RecordBatch& batch() { return batch_; }
  const BuilderOptions& options() const { return options_; }
  std::size_t records() const { return batch_.num_rows(); }
  // Smallest and largest `_timestamp` of the records in the batch (meaningless when empty).
  std::int64_t min_timestamp() const { return min_ts_; }
  std::int64_t max_timestamp() const { return max_ts_; }

 private:
  static constexpr std::int32_t kUnresolved = -1;
  static constexpr std::int32_t kOverflow = -2;  // over the column cap: values go to `_extra`
  static constexpr std::int32_t kTimestampNode = -3;

  struct Node {
    std::string raw_key;
    bool plain_key = false;  // raw_key has no character JSON would escape (its JSON spelling)
    bool timestamp = false;  // name is `_timestamp`
    bool renamed = false;    // a top-level `date` or `hour`, whose name got a trailing '_'
    // 1 + the index in options.message_fields of this top-level column; 0: not a message field.
    // Set with the column, per batch.
    std::uint8_t message_rank = 0;
    std::string name;  // full column name
    std::uint32_t depth = 0;
    std::int32_t column = kUnresolved;
    std::vector<FieldId> children;
    std::uint32_t next_child_hint = 0;  // index in children of the key expected next
  };

  struct Value {
    ColumnType type = ColumnType::kInt64;
    std::int64_t i = 0;  // kInt64, kBool
    double d = 0;        // kFloat64
    std::string_view s;  // kString
    bool json_text = false;

    static Value Int(std::int64_t v) {
      Value x;
      x.i = v;
      return x;
    }
    static Value Double(double v) {
      Value x;
      x.type = ColumnType::kFloat64;
      x.d = v;
      return x;
    }
    static Value Bool(bool v) {
      Value x;
      x.type = ColumnType::kBool;
      x.i = v;
      return x;
    }
    static Value String(std::string_view v, bool json) {
      Value x;
      x.type = ColumnType::kString;
      x.s = v;
      x.json_text = json;
      return x;
    }
  };

  void Add(FieldId field, const Value& v);
  std::int32_t ResolveColumn(Node& node);
  void AddToExtra(const Node& node, const Value& v);
  void AddTimestampValue(const Node& node, const Value& v);
  static void AppendScalarText(const Value& v, std::string& out);
  void ResetRecordState();
  // The index of ingot's own column `name` in this batch, found or created (with `type`) the
  // first time and kept in `index`.
  std::int32_t SystemColumn(std::int32_t& index, std::string_view name, ColumnType type);
  // Fills `_fingerprint` and `_template` from the record's message (message_column_).
  void AddFingerprint();

  // Makes every node's column unknown again, for a new batch.
  void UnresolveColumns();

  // Bytes a node takes in the key tree, roughly: its strings (raw key twice, with the index's
  // copy, and name) and fixed parts. KeyTree::bytes() adds these up.
  static std::size_t NodeBytes(const Node& node) {
    return sizeof(Node) + 2 * node.raw_key.size() + node.name.size() + 64;
  }

  BuilderOptions options_;
  RecordBatch batch_;
  std::vector<Node> nodes_;
  std::size_t tree_bytes_ = 0;  // NodeBytes of nodes_
  // (parent id, raw key) -> child, for lookups the hint misses.
  std::unordered_map<std::string, FieldId> child_index_;
  std::string lookup_key_;  // scratch for child_index_ lookups
  std::string value_text_;  // scratch for numbers written into string columns
  std::int32_t extra_column_ = kUnresolved;
  std::int32_t fingerprint_column_ = kUnresolved;
  std::int32_t template_column_ = kUnresolved;
  // The record's message so far: the best message_rank seen (0: none) and its column.
  std::uint8_t message_rank_ = 0;
  std::int32_t message_column_ = kUnresolved;

  // State of the record being built.
  std::size_t row_ = 0;
  bool has_timestamp_ = false;
  std::int64_t timestamp_ = 0;
  std::string record_error_;  // why the record being built will fail, if it will
  std::uint32_t fields_ = 0;  // values added to the record being built
  std::string extra_;         // JSON object text of fields that went to `_extra`

  std::size_t expected_records_ = 0;
  std::size_t expected_bytes_ = SIZE_MAX;
  std::int64_t min_ts_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_ts_ = std::numeric_limits<std::int64_t>::min();
};

// The keys a builder has seen, as a tree of raw key paths, with their column names and the order
// records gave them in. Building it is most of the cost of a request's first record (key
// formatting, a node and an index entry per key): a decoder keeps the tree of a stream's last
// request (protocols::Decoded does, per thread) and starts the next one from it, which then
// allocates nothing for its keys and predicts them from the first record on.
class BatchBuilder::KeyTree {
 public:
  KeyTree() = default;
  // A moved-from tree is empty, its bytes() 0 (a cache of trees counts on it).
  KeyTree(KeyTree&& other) noexcept { *this = std::move(other); }
  KeyTree& operator=(KeyTree&& other) noexcept {
    nodes_ = std::exchange(other.nodes_, {});
    child_index_ = std::exchange(other.child_index_, {});
    columns_ = std::exchange(other.columns_, 0);
    bytes_ = std::exchange(other.bytes_, 0);
    return *this;
  }

  std::size_t nodes() const { return nodes_.size(); }
  // About how many bytes the tree holds (keys, column names, nodes, index): what a cache of trees
  // bounds, since a few long keys cost as much as many short ones.
  std::size_t bytes() const { return bytes_; }

 private:
  friend class BatchBuilder;
  std::vector<Node> nodes_;
  std::size_t bytes_ = 0;
  std::unordered_map<std::string, FieldId> child_index_;
  std::size_t columns_ = 0;  // of the last batch built with the tree: room reserved for them
};

}  // namespace ingot::model
