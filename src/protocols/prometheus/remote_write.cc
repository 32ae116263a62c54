#include "protocols/prometheus/remote_write.h"

#include <cstdint>
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

Status Histograms(std::size_t series) {
  return Status::InvalidInput("timeseries[" + std::to_string(series) +
                              "]: native histograms are not supported; turn "
                              "send_native_histograms off for this remote_write");
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

  // Rows of every sample (field 2) of series `series`, whose bytes are `bytes` (already read
  // once, so only the samples can still be malformed).
  Status Samples(std::string_view bytes, std::size_t series, std::span<const LabelView> labels,
                 const SeriesMeta& meta) {
    rows_.Series(labels, meta);
    Reader r(bytes);
    std::uint32_t tag;
    std::size_t n = 0;
    while (!r.done()) {
      std::string_view field;
      if (!r.ReadTag(tag)) return Malformed({"timeseries", series}, r.error());
      if (tag != Tag(2, wire::kLen)) {
        if (!r.SkipField(tag, 1)) return Malformed({"timeseries", series}, r.error());
        continue;
      }
      if (!r.ReadBytes(field)) return Malformed({"timeseries", series}, r.error());
      double value;
      std::int64_t timestamp;
      wire::Error e = wire::Error::kNone;
      if (!ReadSample(field, value, timestamp, e)) {
        return Malformed({"timeseries", series, "samples", n}, e);
      }
      rows_.Sample(value, timestamp, series, n++);
      ++result_.samples;
    }
    return rows_.CheckExpansion();
  }

 protected:
  RowWriter rows_;
  WriteResult& result_;
  Labels labels_;
};

// Remote write 1.0: WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata
// metadata = 3; }.
class V1 : public Decoder {
 public:
  using Decoder::Decoder;

  Status Run(std::string_view body) {
    // The metadata first, wherever it is: it applies to every series of its family.
    std::size_t m = 0;
    INGOT_RETURN_IF_ERROR(Top(body, [&](std::uint32_t tag, Reader& r, Status& status) {
      if (tag != Tag(3, wire::kLen)) return false;
      std::string_view bytes;
      status = r.ReadBytes(bytes) ? Metadata(bytes, m++) : Malformed({}, r.error());
      return true;
    }));
    families_.Seal();
    std::size_t s = 0;
    return Top(body, [&](std::uint32_t tag, Reader& r, Status& status) {
      if (tag != Tag(1, wire::kLen)) return false;
      std::string_view bytes;
      status = r.ReadBytes(bytes) ? Series(bytes, s++) : Malformed({}, r.error());
      return true;
    });
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
        return Histograms(index);
      }
    }
    const SeriesMeta* meta = families_.Find(MetricName(labels_));
    return Samples(bytes, index, labels_, meta != nullptr ? *meta : SeriesMeta{});
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
    std::size_t s = 0;
    return Top(body, [&](std::uint32_t tag, Reader& r, Status& status) {
      if (tag != Tag(5, wire::kLen)) return false;
      std::string_view bytes;
      status = r.ReadBytes(bytes) ? Series(bytes, s++) : Malformed({}, r.error());
      return true;
    });
  }

 private:
  // TimeSeries { repeated uint32 labels_refs = 1; repeated Sample samples = 2; repeated Histogram
  // histograms = 3; repeated Exemplar exemplars = 4; Metadata metadata = 5; int64
  // created_timestamp = 6; } at depth 1.
  Status Series(std::string_view bytes, std::size_t index) {
    refs_.clear();
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
        if (!r.ReadBytes(field)) return Malformed(where, r.error());
        return Histograms(index);
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
    return Samples(bytes, index, labels_, meta);
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
