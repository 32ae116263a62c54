// The one mapping of Loki entries to rows (docs/loki.md), shared by the protobuf and JSON decoders
// and by the libprotobuf reference the differential test compares with:
//
//   emitter.BeginStreamText("{app=\"x\"}", "streams[0]")   // or ClearLabels + AddLabel...
//   emitter.BeginEntry(seconds, nanos); emitter.AddLine(line);      // the line, then the labels
//   emitter.AddMetadata(name, value)...; emitter.EndEntry();
//
// Each row gets, in this order (the first value for a column wins it; later ones go to `_extra`):
// `_timestamp`, `time_unix_nano`, `body`, the stream's labels, the entry's structured metadata.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/batch_builder.h"
#include "protocols/decoded.h"

namespace ingot::protocols::loki {

// "streams[2]": where stream `index` is, for messages (built only when one is).
std::string StreamPath(std::size_t index);

// Whether `name` is a Prometheus label name: [a-zA-Z_][a-zA-Z0-9_]*.
bool ValidLabelName(std::string_view name);

// A stream's labels, parsed from the text form `{name="value", ...}` (docs/loki.md, "Label
// strings"): values unescaped into one reused buffer. Nothing is allocated once the buffers have
// grown to a request's largest label set.
class LabelSet {
 public:
  struct Label {
    std::string_view name;
    std::string_view value;
  };
  // Parses `text`; on failure `why` says what is wrong, with the byte offset.
  bool Parse(std::string_view text, std::string& why);
  // Labels one by one (the JSON form's `stream` object); `value` must stay valid while the set is
  // used. False, with `why`, for an invalid name.
  void Clear();
  bool Add(std::string_view name, std::string_view value, std::string& why);
  // Checks the whole set: at least one label, no name twice.
  bool Check(std::string& why);
  const std::vector<Label>& labels() const { return labels_; }

 private:
  struct Parsed {
    std::string_view name;
    std::size_t offset, size;  // of the value in values_
  };
  std::vector<Label> labels_;
  std::vector<Parsed> parsed_;
  std::vector<std::string_view> sorted_;
  std::string values_;
};

class Emitter {
 public:
  explicit Emitter(StreamRecords& out);

  // Starts the request's stream number `stream`, whose labels are the text form `labels`;
  // InvalidInput naming the stream and the label string when it is malformed.
  Status BeginStreamText(std::string_view labels, std::size_t stream);
  // Starts a stream whose labels come one by one (AddLabel), then EndLabels.
  void BeginStreamLabels() { set_.Clear(); }
  Status AddLabel(std::string_view name, std::string_view value, std::size_t stream);
  Status EndLabels(std::size_t stream);

  // An entry of the current stream at `seconds` + `nanos` (a protobuf Timestamp; nanos outside
  // 0..999999999 or a time past the int64 nanoseconds fails the entry alone), or at `unix_nanos`.
  void BeginEntry(std::int64_t seconds, std::int32_t nanos);
  void BeginEntryNanos(std::int64_t unix_nanos);
  // The entry's line, then the stream's labels: call once per entry, before AddMetadata.
  void AddLine(std::string_view line);
  void AddMetadata(std::string_view name, std::string_view value) {
    builder_.AddString(builder_.Child(model::BatchBuilder::kRoot, name), value);
  }
  // Finishes the entry; one the normalization rejects is counted as failed.
  void EndEntry();
  // Removes the entry being built, if any (the request is failing).
  void AbortEntry() {
    if (open_) builder_.AbortRecord();
    open_ = false;
  }

 private:
  Status StartStream(std::size_t stream);

  StreamRecords& out_;
  model::BatchBuilder& builder_;
  model::BatchBuilder::FieldId time_unix_nano_, body_;
  LabelSet set_;
  std::vector<model::BatchBuilder::FieldId> label_fields_;
  std::string error_;
  bool open_ = false;  // an entry is being built
};

}  // namespace ingot::protocols::loki
