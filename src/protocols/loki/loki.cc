#include "protocols/loki/loki.h"

#include <simdjson.h>
#include <snappy.h>

#include <charconv>
#include <cstring>
#include <memory>

#include "common/input_padding.h"
#include "protocols/json/json_walker.h"
#include "protocols/loki/emitter.h"
#include "protocols/otlp/wire.h"

namespace ingot::protocols::loki {

namespace {

namespace wire = otlp::wire;
using wire::Reader;
using wire::Tag;

static_assert(kInputPadding >= simdjson::SIMDJSON_PADDING);

// Field numbers of logproto (our loki.proto, from Loki's pkg/push/push.proto).
constexpr std::uint32_t kPushStreams = Tag(1, wire::kLen);
constexpr std::uint32_t kStreamLabels = Tag(1, wire::kLen);
constexpr std::uint32_t kStreamEntries = Tag(2, wire::kLen);
constexpr std::uint32_t kEntryTimestamp = Tag(1, wire::kLen);
constexpr std::uint32_t kEntryLine = Tag(2, wire::kLen);
constexpr std::uint32_t kEntryMetadata = Tag(3, wire::kLen);
constexpr std::uint32_t kTimestampSeconds = Tag(1, wire::kVarint);
constexpr std::uint32_t kTimestampNanos = Tag(2, wire::kVarint);
constexpr std::uint32_t kPairName = Tag(1, wire::kLen);
constexpr std::uint32_t kPairValue = Tag(2, wire::kLen);

// Depths below the request (wire::kMaxDepth counts from it), for groups in unknown fields.
constexpr int kStreamDepth = 1, kEntryDepth = 2, kLeafDepth = 3;

// Snappy's densest encoding is a 3-byte copy of 64 bytes: no valid body claims more than this
// many times its size (a larger claim is refused before anything is allocated).
constexpr std::uint64_t kMaxSnappyRatio = 22;

// The thread's buffer for uncompressed bodies, reused across requests; freed after a body larger
// than kKeepBytes, so one large request does not pin its memory on the thread for good.
class UncompressBuffer {
 public:
  char* Get(std::size_t n) {
    if (n + kInputPadding > capacity_) {
      data_ = std::make_unique<char[]>(n + kInputPadding);
      capacity_ = n + kInputPadding;
    }
    std::memset(data_.get() + n, 0, kInputPadding);
    return data_.get();
  }
  void Trim() {
    if (capacity_ > kKeepBytes) {
      data_.reset();
      capacity_ = 0;
    }
  }

 private:
  static constexpr std::size_t kKeepBytes = 8 << 20;
  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
};

// The length a snappy body's preamble gives it uncompressed, if the preamble is well-formed and
// claims no more than snappy can encode in the body.
bool SnappyLength(std::string_view body, std::size_t& n) {
  return snappy::GetUncompressedLength(body.data(), body.size(), &n) &&
         n <= kMaxSnappyRatio * body.size();
}

Status Malformed(Reader& r, std::string_view where) {
  return Status::InvalidInput("malformed protobuf PushRequest (" + std::string(where) +
                              "): " + wire::ErrorText(r.error()));
}

std::string Where(std::size_t stream, std::size_t entry, std::string_view list) {
  return StreamPath(stream) + "." + std::string(list) + "[" + std::to_string(entry) + "]";
}

// A Timestamp's fields, merged into `seconds` / `nanos` (a repeated message field merges).
bool ReadTimestamp(std::string_view bytes, std::int64_t& seconds, std::int32_t& nanos,
                   Reader& outer) {
  Reader r(bytes);
  std::uint32_t tag;
  std::uint64_t v;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return outer.Fail(r.error());
    if (tag == kTimestampSeconds) {
      if (!r.ReadVarint(v)) return outer.Fail(r.error());
      seconds = static_cast<std::int64_t>(v);
    } else if (tag == kTimestampNanos) {
      if (!r.ReadVarint(v)) return outer.Fail(r.error());
      nanos = static_cast<std::int32_t>(v);
    } else if (!r.SkipField(tag, kLeafDepth)) {
      return outer.Fail(r.error());
    }
  }
  return true;
}

// A LabelPairAdapter's name and value (the last of each wins).
bool ReadPair(std::string_view bytes, std::string_view& name, std::string_view& value,
              Reader& outer) {
  Reader r(bytes);
  std::uint32_t tag;
  name = value = {};
  while (!r.done()) {
    if (!r.ReadTag(tag)) return outer.Fail(r.error());
    if (tag == kPairName) {
      if (!r.ReadString(name)) return outer.Fail(r.error());
    } else if (tag == kPairValue) {
      if (!r.ReadString(value)) return outer.Fail(r.error());
    } else if (!r.SkipField(tag, kLeafDepth)) {
      return outer.Fail(r.error());
    }
  }
  return true;
}

// One EntryAdapter: a first pass for its timestamp and line (fields may come in any order), a
// second for its structured metadata, added in wire order.
Status DecodeEntry(std::string_view bytes, std::size_t stream, std::size_t entry,
                   Emitter& emitter) {
  Reader r(bytes);
  std::uint32_t tag;
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;
  std::string_view line, pair;
  bool metadata = false;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return Malformed(r, Where(stream, entry, "entries"));
    bool ok;
    if (tag == kEntryTimestamp) {
      std::string_view ts;
      ok = r.ReadBytes(ts) && ReadTimestamp(ts, seconds, nanos, r);
    } else if (tag == kEntryLine) {
      ok = r.ReadString(line);
    } else if (tag == kEntryMetadata) {
      metadata = true;
      std::string_view name, value;
      ok = r.ReadBytes(pair) && ReadPair(pair, name, value, r);  // checked here, added below
    } else {
      ok = r.SkipField(tag, kEntryDepth);
    }
    if (!ok) return Malformed(r, Where(stream, entry, "entries"));
  }
  emitter.BeginEntry(seconds, nanos);
  emitter.AddLine(line);
  if (metadata) {
    Reader again(bytes);
    while (!again.done()) {
      again.ReadTag(tag);  // read once already: cannot fail
      if (tag == kEntryMetadata) {
        std::string_view name, value;
        again.ReadBytes(pair);
        ReadPair(pair, name, value, again);
        emitter.AddMetadata(name, value);
      } else {
        again.SkipField(tag, kEntryDepth);
      }
    }
  }
  emitter.EndEntry();
  return Status::Ok();
}

// One StreamAdapter: its labels (the last occurrence wins, wherever it is), then its entries.
Status DecodeStream(std::string_view bytes, std::size_t stream, Emitter& emitter) {
  Reader r(bytes);
  std::uint32_t tag;
  std::string_view labels, entry;
  bool entries = false;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return Malformed(r, StreamPath(stream));
    bool ok;
    if (tag == kStreamLabels) {
      ok = r.ReadString(labels);
    } else if (tag == kStreamEntries) {
      entries = true;
      ok = r.ReadBytes(entry);
    } else {
      ok = r.SkipField(tag, kStreamDepth);
    }
    if (!ok) return Malformed(r, StreamPath(stream));
  }
  INGOT_RETURN_IF_ERROR(emitter.BeginStreamText(labels, stream));
  if (!entries) return Status::Ok();
  Reader again(bytes);
  std::size_t n = 0;
  while (!again.done()) {
    again.ReadTag(tag);  // read once already: cannot fail
    if (tag == kStreamEntries) {
      again.ReadBytes(entry);
      INGOT_RETURN_IF_ERROR(DecodeEntry(entry, stream, n++, emitter));
    } else {
      again.SkipField(tag, kStreamDepth);
    }
  }
  return Status::Ok();
}

// The JSON form. Keys other than those read are ignored, as Loki does.
simdjson::error_code WalkStream(simdjson::ondemand::object stream, std::size_t index,
                                Emitter& emitter, Status& status) {
  simdjson::ondemand::object labels;
  if (stream.find_field_unordered("stream").get_object().get(labels) != simdjson::SUCCESS) {
    status = Status::InvalidInput(StreamPath(index) + ": expected \"stream\": an object of labels");
    return simdjson::INCORRECT_TYPE;
  }
  emitter.BeginStreamLabels();
  for (auto field : labels) {
    std::string_view name, value;
    INGOT_JSON_TRY(field.unescaped_key().get(name));
    if (field.value().get_string().get(value) != simdjson::SUCCESS) {
      status = Status::InvalidInput(StreamPath(index) + ": label values must be strings");
      return simdjson::INCORRECT_TYPE;
    }
    status = emitter.AddLabel(name, value, index);
    if (!status.ok()) return simdjson::INCORRECT_TYPE;
  }
  status = emitter.EndLabels(index);
  if (!status.ok()) return simdjson::INCORRECT_TYPE;
  simdjson::ondemand::array values;
  auto found = stream.find_field_unordered("values");
  if (found.error() == simdjson::NO_SUCH_FIELD) return simdjson::SUCCESS;
  if (found.get_array().get(values) != simdjson::SUCCESS) {
    status = Status::InvalidInput(StreamPath(index) + ": expected \"values\": an array of entries");
    return simdjson::INCORRECT_TYPE;
  }
  std::size_t n = 0;
  for (auto value : values) {
    // The entry's place is formatted only for a message: nothing is allocated per entry.
    auto bad = [&](std::string_view why) {
      status = Status::InvalidInput(Where(index, n, "values") + ": " + std::string(why));
      return simdjson::INCORRECT_TYPE;
    };
    simdjson::ondemand::array tuple;
    if (value.get_array().get(tuple) != simdjson::SUCCESS) {
      return bad("expected [\"<unix ns>\", \"<line>\"] or [\"<unix ns>\", \"<line>\", {metadata}]");
    }
    auto it = tuple.begin();
    std::string_view ts, line;
    if (it == tuple.end() || (*it).get_string().get(ts) != simdjson::SUCCESS) {
      return bad("the timestamp must be a string of Unix nanoseconds");
    }
    std::int64_t ns = 0;
    const char* first = ts.data() + (ts.size() > 1 && ts[0] == '+');
    const auto parsed = std::from_chars(first, ts.data() + ts.size(), ns);
    if (parsed.ec != std::errc() || parsed.ptr != ts.data() + ts.size()) {
      return bad("the timestamp must be a string of Unix nanoseconds (an int64)");
    }
    if (++it == tuple.end() || (*it).get_string().get(line) != simdjson::SUCCESS) {
      return bad("the line must be a string");
    }
    emitter.BeginEntryNanos(ns);
    emitter.AddLine(line);
    if (++it != tuple.end()) {
      simdjson::ondemand::object metadata;
      if ((*it).get_object().get(metadata) != simdjson::SUCCESS) {
        return bad("structured metadata must be an object of strings");
      }
      for (auto field : metadata) {
        std::string_view name, text;
        INGOT_JSON_TRY(field.unescaped_key().get(name));
        if (field.value().get_string().get(text) != simdjson::SUCCESS) {
          return bad("structured metadata values must be strings");
        }
        emitter.AddMetadata(name, text);
      }
      if (++it != tuple.end()) return bad("an entry has at most 3 elements");
    }
    emitter.EndEntry();
    ++n;
  }
  return simdjson::SUCCESS;
}

simdjson::error_code WalkPush(simdjson::ondemand::document& doc, Emitter& emitter, Status& status) {
  simdjson::ondemand::object root;
  if (doc.get_object().get(root) != simdjson::SUCCESS) {
    status = Status::InvalidInput("expected a JSON object {\"streams\":[...]}");
    return simdjson::INCORRECT_TYPE;
  }
  for (auto field : root) {
    std::string_view key;
    INGOT_JSON_TRY(field.unescaped_key().get(key));
    if (key != "streams") continue;
    simdjson::ondemand::array streams;
    if (field.value().get_array().get(streams) != simdjson::SUCCESS) {
      status = Status::InvalidInput("\"streams\" must be an array");
      return simdjson::INCORRECT_TYPE;
    }
    std::size_t n = 0;
    for (auto stream : streams) {
      simdjson::ondemand::object object;
      if (stream.get_object().get(object) != simdjson::SUCCESS) {
        status = Status::InvalidInput(StreamPath(n) + ": expected an object");
        return simdjson::INCORRECT_TYPE;
      }
      INGOT_JSON_TRY(WalkStream(object, n++, emitter, status));
    }
  }
  return json::AtEnd(doc) ? simdjson::SUCCESS : simdjson::TRAILING_CONTENT;
}

}  // namespace

std::uint64_t UncompressedBytes(std::string_view body) {
  std::size_t n = 0;
  // A claim the decoder refuses (400) is not charged: a 413 would blame the size.
  return SnappyLength(body, n) ? n : 0;
}

Status DecodePushRequest(std::string_view message, StreamRecords& out) {
  Emitter emitter(out);
  Reader r(message);
  std::uint32_t tag;
  std::string_view stream;
  std::size_t n = 0;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return Malformed(r, "request");
    if (tag == kPushStreams) {
      if (!r.ReadBytes(stream)) return Malformed(r, "request");
      INGOT_RETURN_IF_ERROR(DecodeStream(stream, n++, emitter));
    } else if (!r.SkipField(tag, 0)) {
      return Malformed(r, "request");
    }
  }
  return Status::Ok();
}

Status DecodeProtobuf(std::string_view body, StreamRecords& out) {
  std::size_t n = 0;
  if (!SnappyLength(body, n)) {
    return Status::InvalidInput(
        "the body is not snappy-compressed (Loki's protobuf bodies are snappy block format)");
  }
  thread_local UncompressBuffer buffer;
  char* data = buffer.Get(n);
  Status st;
  if (!snappy::RawUncompress(body.data(), body.size(), data)) {
    st = Status::InvalidInput("the body is not valid snappy (block format)");
  } else {
    st = DecodePushRequest(std::string_view(data, n), out);
  }
  buffer.Trim();
  return st;
}

Status DecodeJson(std::string_view body, StreamRecords& out) {
  Emitter emitter(out);
  Status status;
  simdjson::ondemand::document doc;
  simdjson::error_code e =
      json::ThreadParser().iterate(body.data(), body.size(), body.size() + kInputPadding).get(doc);
  if (e == simdjson::SUCCESS) e = WalkPush(doc, emitter, status);
  json::TrimThreadParser();
  if (e == simdjson::SUCCESS) return Status::Ok();
  emitter.AbortEntry();
  if (!status.ok()) return status;
  return Status::InvalidInput("malformed JSON push body: " + json::ErrorText(e));
}

}  // namespace ingot::protocols::loki
