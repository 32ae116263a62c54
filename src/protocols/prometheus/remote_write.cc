#include "protocols/prometheus/remote_write.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "protocols/otlp/wire.h"
#include "protocols/prometheus/rows.h"

namespace ingot::protocols::prometheus {

namespace {

namespace wire = otlp::wire;
using wire::Reader;
using wire::Tag;

// Where in the request something is, as text only when it is needed (an error).
struct Where {
  const char* outer = "request";
  std::size_t i = kNone;
  const char* inner = nullptr;
  std::size_t j = 0;
  static constexpr std::size_t kNone = SIZE_MAX;
  std::string Text() const {
    std::string s = outer;
    if (i != kNone) s += "[" + std::to_string(i) + "]";
    if (inner != nullptr) s += std::string(".") + inner + "[" + std::to_string(j) + "]";
    return s;
  }
};

Status Malformed(const Where& where, wire::Error e) {
  return Status::InvalidInput(where.Text() + ": " + wire::ErrorText(e));
}

// Sample { double value = 1; int64 timestamp = 2; } at depth 2.
bool ReadSample(std::string_view bytes, double& value, std::int64_t& timestamp, wire::Error& e) {
  Reader r(bytes);
  value = 0;
  timestamp = 0;
  std::uint32_t tag;
  while (!r.done()) {
    bool ok;
    if (!r.ReadTag(tag)) {
      ok = false;
    } else if (tag == Tag(1, wire::kFixed64)) {
      ok = r.ReadDouble(value);
    } else if (tag == Tag(2, wire::kVarint)) {
      std::uint64_t v;
      ok = r.ReadVarint(v);
      timestamp = static_cast<std::int64_t>(v);
    } else {
      ok = r.SkipField(tag, 2);
    }
    if (!ok) {
      e = r.error();
      return false;
    }
  }
  return true;
}

std::int64_t ZigZag64(std::uint64_t v) {
  return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

// A repeated varint (sint64 when `zigzag`, else uint32 / int64 as is) or fixed64 (double) field
// given unpacked (its wire type) or packed (a length), appended to `out`.
template <class T, class Convert>
bool ReadRepeated(Reader& r, std::uint32_t tag, wire::WireType type, std::vector<T>& out,
                  Convert convert, wire::Error& e) {
  if ((tag & 7) == type) {
    std::uint64_t v;
    const bool ok = type == wire::kVarint ? r.ReadVarint(v) : r.ReadFixed64(v);
    if (ok) out.push_back(convert(v));
    return ok;
  }
  std::string_view packed;
  if (!r.ReadBytes(packed)) return false;
  if (type == wire::kFixed64 && packed.size() % 8 != 0) {
    e = wire::Error::kBadPacked;
    return r.Fail(e);
  }
  Reader p(packed);
  while (!p.done()) {
    std::uint64_t v;
    if (!(type == wire::kVarint ? p.ReadVarint(v) : p.ReadFixed64(v))) {
      e = wire::Error::kBadPacked;
      return r.Fail(e);
    }
    out.push_back(convert(v));
  }
  return true;
}

// BucketSpan { sint32 offset = 1; uint32 length = 2; } at depth 3.
bool ReadSpan(std::string_view bytes, BucketSpanView& span, Reader& outer) {
  Reader r(bytes);
  std::uint32_t tag;
  while (!r.done()) {
    std::uint64_t v;
    bool ok;
    if (!r.ReadTag(tag)) {
      ok = false;
    } else if (tag == Tag(1, wire::kVarint)) {
      ok = r.ReadVarint(v);
      span.offset = wire::ZigZag32(v);
    } else if (tag == Tag(2, wire::kVarint)) {
      ok = r.ReadVarint(v);
      span.length = static_cast<std::uint32_t>(v);
    } else {
      ok = r.SkipField(tag, 3);
    }
    if (!ok) return outer.Fail(r.error());
  }
  return true;
}

// Histogram (proto/remote_write.proto) at depth 2; a oneof's last member wins, as in libprotobuf.
bool ReadHistogram(std::string_view bytes, HistogramView& h, wire::Error& e) {
  h.Clear();
  Reader r(bytes);
  std::uint32_t tag;
  const auto as_double = [](std::uint64_t v) {
    double d;
    std::memcpy(&d, &v, 8);
    return d;
  };
  const auto as_sint64 = [](std::uint64_t v) { return ZigZag64(v); };
  while (!r.done()) {
    std::uint64_t v = 0;
    bool ok;
    if (!r.ReadTag(tag)) {
      ok = false;
    } else {
      const std::uint32_t number = tag >> 3;
      const std::uint32_t type = tag & 7;
      if (tag == Tag(1, wire::kVarint)) {
        ok = r.ReadVarint(h.count_int);
        h.float_count = false;
      } else if (tag == Tag(2, wire::kFixed64)) {
        ok = r.ReadDouble(h.count_float);
        h.float_count = true;
      } else if (tag == Tag(3, wire::kFixed64)) {
        ok = r.ReadDouble(h.sum);
      } else if (tag == Tag(4, wire::kVarint)) {
        ok = r.ReadVarint(v);
        h.schema = wire::ZigZag32(v);
      } else if (tag == Tag(5, wire::kFixed64)) {
        ok = r.ReadDouble(h.zero_threshold);
      } else if (tag == Tag(6, wire::kVarint)) {
        ok = r.ReadVarint(h.zero_count_int);
        h.float_zero_count = false;
      } else if (tag == Tag(7, wire::kFixed64)) {
        ok = r.ReadDouble(h.zero_count_float);
        h.float_zero_count = true;
      } else if ((number == 8 || number == 11) && type == wire::kLen) {
        std::string_view span;
        BucketSpanView s;
        ok = r.ReadBytes(span) && ReadSpan(span, s, r);
        if (ok) h.spans[number == 11].push_back(s);
      } else if ((number == 9 || number == 12) && (type == wire::kVarint || type == wire::kLen)) {
        ok = ReadRepeated(r, tag, wire::kVarint, h.deltas[number == 12], as_sint64, e);
      } else if ((number == 10 || number == 13 || number == 16) &&
                 (type == wire::kFixed64 || type == wire::kLen)) {
        ok = ReadRepeated(r, tag, wire::kFixed64,
                          number == 16 ? h.custom_values : h.counts[number == 13], as_double, e);
      } else if (tag == Tag(14, wire::kVarint)) {
        ok = r.ReadVarint(v);
        h.reset_hint = static_cast<std::int32_t>(v);
      } else if (tag == Tag(15, wire::kVarint)) {
        ok = r.ReadVarint(v);
        h.timestamp = static_cast<std::int64_t>(v);
      } else {
        ok = r.SkipField(tag, 2);
      }
    }
    if (!ok) {
      if (e == wire::Error::kNone) e = r.error();
      return false;
    }
  }
  return true;
}

// The common part of both versions: the request's top-level fields, each series' samples.
class Decoder {
 public:
  Decoder(std::size_t body_bytes, StreamRecords& out, WriteResult& result)
      : rows_(out, body_bytes), result_(result) {}

  // Calls `field(tag, reader)` for every top-level field: it returns false when it does not take
  // the field (which is then skipped) and sets `status` on failure.
  template <class Field>
  Status Top(std::string_view body, Field field) {
    Reader r(body);
    std::uint32_t tag;
    Status status;
    while (!r.done()) {
      if (!r.ReadTag(tag)) return Malformed({}, r.error());
      if (field(tag, r, status)) {
        if (!status.ok()) return status;
        continue;
      }
      if (!r.SkipField(tag, 0)) return Malformed({}, r.error());
    }
    return Status::Ok();
  }

  // Calls `fn(bytes, index)` for each top-level message field `field` (a series, a metadata
  // entry), in order.
  template <class Fn>
  Status EachMessage(std::string_view body, std::uint32_t field, Fn fn) {
    std::size_t i = 0;
    return Top(body, [&](std::uint32_t tag, Reader& r, Status& status) {
      if (tag != Tag(field, wire::kLen)) return false;
      std::string_view bytes;
      status = r.ReadBytes(bytes) ? fn(bytes, i++) : Malformed({}, r.error());
      return true;
    });
  }

  // Rows of every sample (field 2), then of every native histogram (field `histograms`, 0 when
  // the series has none: no second pass), of series `series`, whose bytes are `bytes` (already
  // read once, so only those can still be malformed).
  Status Samples(std::string_view bytes, std::size_t series, std::span<const LabelView> labels,
                 const SeriesMeta& meta, std::uint32_t histograms) {
    rows_.Series(labels, meta);
    for (const std::uint32_t wanted : {Tag(2, wire::kLen), Tag(histograms, wire::kLen)}) {
      if (wanted == Tag(0, wire::kLen)) break;
      Reader r(bytes);
      std::uint32_t tag;
      std::size_t n = 0;
      while (!r.done()) {
        std::string_view field;
        if (!r.ReadTag(tag)) return Malformed({"timeseries", series}, r.error());
        if (tag != wanted) {
          if (!r.SkipField(tag, 1)) return Malformed({"timeseries", series}, r.error());
          continue;
        }
        if (!r.ReadBytes(field)) return Malformed({"timeseries", series}, r.error());
        wire::Error e = wire::Error::kNone;
        if (tag == Tag(2, wire::kLen)) {
          double value;
          std::int64_t timestamp;
          if (!ReadSample(field, value, timestamp, e)) {
            return Malformed({"timeseries", series, "samples", n}, e);
          }
          if (rows_.Sample(value, timestamp, series, n++)) ++result_.samples;
        } else {
          if (!ReadHistogram(field, hist_, e)) {
            return Malformed({"timeseries", series, "histograms", n}, e);
          }
          bool stored;
          INGOT_RETURN_IF_ERROR(rows_.Histogram(hist_, series, n++, stored));
          if (stored) ++result_.histograms;
        }
        if (rows_.Expanded()) return rows_.ExpansionError();
      }
    }
    return Status::Ok();
  }

 protected:
  RowWriter rows_;
  WriteResult& result_;
  Labels labels_;
  HistogramView hist_;
};

// Remote write 1.0: WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata
// metadata = 3; }.
class V1 : public Decoder {
 public:
  using Decoder::Decoder;

  Status Run(std::string_view body) {
    // The metadata first, wherever it is: it applies to every series of its family.
    INGOT_RETURN_IF_ERROR(EachMessage(
        body, 3, [this](std::string_view bytes, std::size_t i) { return Metadata(bytes, i); }));
    families_.Seal();
    return EachMessage(body, 1,
                       [this](std::string_view bytes, std::size_t i) { return Series(bytes, i); });
  }

 private:
  // MetricMetadata { int32 type = 1; string metric_family_name = 2; string help = 4;
  // string unit = 5; } at depth 1.
  Status Metadata(std::string_view bytes, std::size_t index) {
    Reader r(bytes);
    std::string_view family;
    SeriesMeta meta;
    std::uint32_t tag;
    while (!r.done()) {
      bool ok;
      std::uint64_t v;
      if (!r.ReadTag(tag)) {
        ok = false;
      } else if (tag == Tag(1, wire::kVarint)) {
        ok = r.ReadVarint(v);
        meta.type = static_cast<std::int32_t>(v);
      } else if (tag == Tag(2, wire::kLen)) {
        ok = r.ReadString(family);
      } else if (tag == Tag(4, wire::kLen)) {
        ok = r.ReadString(meta.help);
      } else if (tag == Tag(5, wire::kLen)) {
        ok = r.ReadString(meta.unit);
      } else {
        ok = r.SkipField(tag, 1);
      }
      if (!ok) return Malformed({"metadata", index}, r.error());
    }
    families_.Add(family, meta);
    return Status::Ok();
  }

  // TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar
  // exemplars = 3; repeated Histogram histograms = 4; } at depth 1.
  Status Series(std::string_view bytes, std::size_t index) {
    labels_.clear();
    std::uint32_t histograms = 0;  // field 4 once the series has one
    Reader r(bytes);
    std::uint32_t tag;
    while (!r.done()) {
      std::string_view field;
      if (!r.ReadTag(tag)) return Malformed({"timeseries", index}, r.error());
      const std::uint32_t number = tag >> 3;
      if ((tag & 7) != wire::kLen || number < 1 || number > 4) {
        if (!r.SkipField(tag, 1)) return Malformed({"timeseries", index}, r.error());
        continue;
      }
      if (!r.ReadBytes(field)) return Malformed({"timeseries", index}, r.error());
      if (number == 1) {
        INGOT_RETURN_IF_ERROR(Label(field, index));
      } else if (number == 3) {
        ++result_.exemplars;
      } else if (number == 4) {
        histograms = 4;
      }
    }
    const SeriesMeta* meta = families_.Find(MetricName(labels_));
    return Samples(bytes, index, labels_, meta != nullptr ? *meta : SeriesMeta{}, histograms);
  }

  // Label { string name = 1; string value = 2; } at depth 2.
  Status Label(std::string_view bytes, std::size_t series) {
    Reader r(bytes);
    LabelView label;
    std::uint32_t tag;
    while (!r.done()) {
      bool ok;
      if (!r.ReadTag(tag)) {
        ok = false;
      } else if (tag == Tag(1, wire::kLen)) {
        ok = r.ReadString(label.name);
      } else if (tag == Tag(2, wire::kLen)) {
        ok = r.ReadString(label.value);
      } else {
        ok = r.SkipField(tag, 2);
      }
      if (!ok) return Malformed({"timeseries", series, "labels", labels_.size()}, r.error());
    }
    labels_.push_back(label);
    return Status::Ok();
  }

  FamilyIndex families_;
};

// Remote write 2.0: Request { repeated string symbols = 4; repeated TimeSeries timeseries = 5; }.
class V2 : public Decoder {
 public:
  using Decoder::Decoder;

  Status Run(std::string_view body) {
    std::size_t n = 0;
    INGOT_RETURN_IF_ERROR(Top(body, [&](std::uint32_t tag, Reader& r, Status& status) {
      if (tag != Tag(4, wire::kLen)) return false;
      std::string_view symbol;
      if (r.ReadString(symbol)) {
        symbols_.push_back(symbol);
      } else {
        status = Malformed({"symbols", n}, r.error());
      }
      ++n;
      return true;
    }));
    return EachMessage(body, 5,
                       [this](std::string_view bytes, std::size_t i) { return Series(bytes, i); });
  }

 private:
  // TimeSeries { repeated uint32 labels_refs = 1; repeated Sample samples = 2; repeated Histogram
  // histograms = 3; repeated Exemplar exemplars = 4; Metadata metadata = 5; int64
  // created_timestamp = 6; } at depth 1.
  Status Series(std::string_view bytes, std::size_t index) {
    refs_.clear();
    std::uint32_t histograms = 0;  // field 3 once the series has one
    std::uint32_t help = 0;
    std::uint32_t unit = 0;
    SeriesMeta meta;
    const Where where{"timeseries", index};
    Reader r(bytes);
    std::uint32_t tag;
    while (!r.done()) {
      std::string_view field;
      std::uint64_t v;
      bool ok;
      if (!r.ReadTag(tag)) {
        ok = false;
      } else if (tag == Tag(1, wire::kVarint)) {
        ok = r.ReadVarint(v);
        refs_.push_back(static_cast<std::uint32_t>(v));
      } else if (tag == Tag(1, wire::kLen)) {  // packed
        ok = r.ReadBytes(field);
        Reader packed(field);
        while (ok && !packed.done()) {
          if (!packed.ReadVarint(v)) return Malformed(where, wire::Error::kBadPacked);
          refs_.push_back(static_cast<std::uint32_t>(v));
        }
      } else if (tag == Tag(2, wire::kLen)) {
        ok = r.ReadBytes(field);  // read by Samples()
      } else if (tag == Tag(3, wire::kLen)) {
        ok = r.ReadBytes(field);  // read by Samples()
        histograms = 3;
      } else if (tag == Tag(4, wire::kLen)) {
        ok = r.ReadBytes(field);
        ++result_.exemplars;
      } else if (tag == Tag(5, wire::kLen)) {
        // A message given twice is merged: each of its fields, the last one wins.
        ok = r.ReadBytes(field) && Metadata(field, meta.type, help, unit, r);
      } else if (tag == Tag(6, wire::kVarint)) {
        ok = r.ReadVarint(v);
        meta.created_ms = static_cast<std::int64_t>(v);
      } else {
        ok = r.SkipField(tag, 1);
      }
      if (!ok) return Malformed(where, r.error());
    }
    if (refs_.size() % 2 != 0) {
      return Status::InvalidInput(where.Text() + ": labels_refs has an odd number of references (" +
                                  std::to_string(refs_.size()) + ")");
    }
    labels_.clear();
    for (std::size_t i = 0; i < refs_.size(); i += 2) {
      LabelView label;
      INGOT_RETURN_IF_ERROR(Symbol(refs_[i], where, "labels_refs", label.name));
      INGOT_RETURN_IF_ERROR(Symbol(refs_[i + 1], where, "labels_refs", label.value));
      labels_.push_back(label);
    }
    INGOT_RETURN_IF_ERROR(Symbol(help, where, "metadata.help_ref", meta.help));
    INGOT_RETURN_IF_ERROR(Symbol(unit, where, "metadata.unit_ref", meta.unit));
    return Samples(bytes, index, labels_, meta, histograms);
  }

  // Metadata { MetricType type = 1; uint32 help_ref = 3; uint32 unit_ref = 4; } at depth 2. On
  // failure the error is set in `outer`.
  static bool Metadata(std::string_view bytes, std::int32_t& type, std::uint32_t& help,
                       std::uint32_t& unit, Reader& outer) {
    Reader r(bytes);
    std::uint32_t tag;
    while (!r.done()) {
      std::uint64_t v = 0;
      bool ok;
      if (!r.ReadTag(tag)) {
        ok = false;
      } else if (tag == Tag(1, wire::kVarint)) {
        ok = r.ReadVarint(v);
        type = static_cast<std::int32_t>(v);
      } else if (tag == Tag(3, wire::kVarint)) {
        ok = r.ReadVarint(v);
        help = static_cast<std::uint32_t>(v);
      } else if (tag == Tag(4, wire::kVarint)) {
        ok = r.ReadVarint(v);
        unit = static_cast<std::uint32_t>(v);
      } else {
        ok = r.SkipField(tag, 2);
      }
      if (!ok) return outer.Fail(r.error());
    }
    return true;
  }

  // Symbol `ref`; 0 is the empty string even when the table is empty (it is a reference's
  // default).
  Status Symbol(std::uint32_t ref, const Where& where, const char* field, std::string_view& out) {
    if (ref < symbols_.size()) {
      out = symbols_[ref];
    } else if (ref == 0) {
      out = {};
    } else {
      return Status::InvalidInput(where.Text() + ": " + field + ": symbol reference " +
                                  std::to_string(ref) + " is past the end of symbols (" +
                                  std::to_string(symbols_.size()) + " entries)");
    }
    return Status::Ok();
  }

  std::vector<std::string_view> symbols_;
  std::vector<std::uint32_t> refs_;
};

}  // namespace

Status Decode(Version version, std::string_view body, StreamRecords& out, WriteResult& result) {
  if (version == Version::kV1) return V1(body.size(), out, result).Run(body);
  return V2(body.size(), out, result).Run(body);
}

}  // namespace ingot::protocols::prometheus
