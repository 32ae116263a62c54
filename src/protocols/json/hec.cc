#include "protocols/json/hec.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/json_escape.h"
#include "model/names.h"
#include "model/timestamp.h"
#include "protocols/json/json_walker.h"

namespace ingot::protocols::json {

namespace {

using model::BatchBuilder;

// Largest batch simdjson's stream parser indexes at once; an event must fit in it.
constexpr std::size_t kMaxBatchBytes = 16 << 20;

HecResult Failure(HecCode code, std::string text, std::size_t event) {
  HecResult r;
  r.code = code;
  r.text = std::move(text);
  r.invalid_event_number = event;
  return r;
}

HecResult InvalidFormat(std::size_t event, simdjson::error_code e) {
  return Failure(HecCode::kInvalidDataFormat,
                 "Invalid data format: event " + std::to_string(event) + ": " + ErrorText(e),
                 event);
}

// `time` may be a number or a numeric string. A finite number too large for int64 microseconds
// (1e300) is read too, as `out_of_range` (with its value in `seconds`): outside the storable
// range, like -9.1e21, rather than malformed.
bool ReadTime(simdjson::ondemand::value value, std::int64_t& micros, bool& out_of_range,
              double& seconds) {
  out_of_range = false;
  simdjson::ondemand::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return false;
  if (type == simdjson::ondemand::json_type::string) {
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) return false;
    auto parsed = model::ParseTimestamp(text);
    if (parsed) {
      micros = *parsed;
      return true;
    }
    // "1700000000.123": a number in a string.
    char* end = nullptr;
    const std::string copy(text);
    seconds = std::strtod(copy.c_str(), &end);
    if (end == copy.c_str() || *end != '\0') return false;
  } else if (value.get_double().get(seconds) != simdjson::SUCCESS) {
    return false;
  }
  auto converted = model::EpochToMicros(seconds);
  if (!converted) {
    out_of_range = std::isfinite(seconds);
    return out_of_range;
  }
  micros = *converted;
  return true;
}

// Adds one event object to its stream.
HecResult AddEvent(simdjson::ondemand::object envelope, std::size_t event_number,
                   std::string_view default_stream, Decoded& out) {
  // The stream must be known before any field is added, and `time` set before the event's fields
  // (so that it wins over an event's own `_timestamp`, which then goes to `_extra`), but both may
  // come last: a first pass reads them (skipping the rest without looking inside).
  std::string stream_name(default_stream);
  bool has_time = false, time_out_of_range = false;
  std::int64_t micros = 0;
  double seconds = 0;
  for (auto field_result : envelope) {
    simdjson::ondemand::field field;
    simdjson::error_code e = std::move(field_result).get(field);
    if (e != simdjson::SUCCESS) return InvalidFormat(event_number, e);
    // Splunk's envelope keys have no escapes: compare the key as it stands in the input.
    const char* raw = field.key().raw();
    if (RawKeyEquals(raw, "index")) {
      std::string_view index;
      if (field.value().get_string().get(index) != simdjson::SUCCESS) {
        return Failure(HecCode::kInvalidDataFormat,
                       "Invalid data format: event " + std::to_string(event_number) +
                           ": index must be a string",
                       event_number);
      }
      if (index.empty()) continue;  // the default stream
      auto name = model::StreamName(index, "index");
      if (!name.ok()) {
        return Failure(HecCode::kIncorrectIndex,
                       "Incorrect index: event " + std::to_string(event_number) + ": " +
                           name.status().message(),
                       event_number);
      }
      stream_name = std::move(*name);
    } else if (RawKeyEquals(raw, "time")) {
      if (!ReadTime(field.value(), micros, time_out_of_range, seconds)) {
        return Failure(HecCode::kInvalidDataFormat,
                       "Invalid data format: event " + std::to_string(event_number) +
                           ": time must be epoch seconds",
                       event_number);
      }
      has_time = true;
    }
  }
  if (auto e = envelope.reset().error(); e != simdjson::SUCCESS) {
    return InvalidFormat(event_number, e);
  }
  StreamRecords& stream = out.Stream(stream_name);
  BatchBuilder& builder = stream.builder;
  builder.BeginRecord();
  if (time_out_of_range) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", seconds);
    builder.FailRecord(std::string("_timestamp ") + text +
                       " (time) is outside the range ingot stores " + model::StorableRangeText());
  } else if (has_time) {
    builder.SetTimestamp(micros);
  }
  bool has_event = false;
  for (auto field_result : envelope) {
    simdjson::ondemand::field field;
    std::string_view key;
    simdjson::error_code e = std::move(field_result).get(field);
    if (e != simdjson::SUCCESS) return InvalidFormat(event_number, e);
    if (RawKeyEquals(field.key().raw(), "index") || RawKeyEquals(field.key().raw(), "time")) {
      continue;  // read by the first pass
    }
    if (e = field.unescaped_key().get(key); e != simdjson::SUCCESS) {
      return InvalidFormat(event_number, e);
    }
    simdjson::ondemand::value value = field.value();
    if (key == "event") {
      has_event = true;
      simdjson::ondemand::json_type type;
      if (auto te = value.type().get(type); te != simdjson::SUCCESS) {
        return InvalidFormat(event_number, te);
      }
      if (type == simdjson::ondemand::json_type::object) {
        simdjson::ondemand::object object;
        e = value.get_object().get(object);
        if (e == simdjson::SUCCESS) e = WalkObject(object, builder, BatchBuilder::kRoot);
      } else if (type == simdjson::ondemand::json_type::string) {
        std::string_view text;
        e = value.get_string().get(text);
        if (e == simdjson::SUCCESS && text.empty()) {
          return Failure(HecCode::kEventFieldBlank, "Event field cannot be blank", event_number);
        }
        if (e == simdjson::SUCCESS)
          builder.AddString(builder.Child(BatchBuilder::kRoot, "log"), text);
      } else if (type == simdjson::ondemand::json_type::null) {
        return Failure(HecCode::kEventFieldBlank, "Event field cannot be blank", event_number);
      } else {
        e = WalkValue(value, builder, builder.Child(BatchBuilder::kRoot, "log"));
      }
    } else if (key == "fields") {
      simdjson::ondemand::object object;
      e = value.get_object().get(object);
      if (e == simdjson::SUCCESS) e = WalkObject(object, builder, BatchBuilder::kRoot);
    } else {
      // host, source, sourcetype, and anything else the client adds: kept as columns.
      e = WalkValue(value, builder, builder.Child(BatchBuilder::kRoot, key));
    }
    if (e != simdjson::SUCCESS) return InvalidFormat(event_number, e);
  }
  if (!has_event) {
    return Failure(HecCode::kEventFieldRequired, "Event field is required", event_number);
  }
  std::string error;
  if (!builder.EndRecord(&error)) {
    // Splunk's answer has no way to say "stored but one": a 200 would promise data that is not
    // there. An event the normalization rejects (its `_timestamp` out of range or out of the
    // window, too many fields) fails the request as Splunk fails a bad event: code 6, its number.
    stream.RecordFailure("event " + std::to_string(event_number) + ": " + error);
    return Failure(HecCode::kInvalidDataFormat,
                   "Invalid data format: event " + std::to_string(event_number) + ": " + error,
                   event_number);
  }
  return {};
}

HecResult DecodeEvents(std::string_view body, std::string_view default_stream, Decoded& out) {
  auto& parser = ThreadParser();
  const std::size_t batch = std::clamp<std::size_t>(body.size(), 1 << 20, kMaxBatchBytes);
  simdjson::ondemand::document_stream events;
  if (auto e = parser.iterate_many(body.data(), body.size(), batch).get(events);
      e != simdjson::SUCCESS) {
    return InvalidFormat(0, e);
  }
  std::size_t event_number = 0;
  for (auto it = events.begin(); it != events.end(); ++it, ++event_number) {
    simdjson::ondemand::document_reference doc;
    simdjson::ondemand::object envelope;
    simdjson::error_code e = (*it).get(doc);
    if (e == simdjson::SUCCESS) e = doc.get_object().get(envelope);
    if (e != simdjson::SUCCESS) return InvalidFormat(event_number, e);
    HecResult r = AddEvent(envelope, event_number, default_stream, out);
    if (!r.ok()) return r;
  }
  if (events.truncated_bytes() > 0) {
    return Failure(HecCode::kInvalidDataFormat,
                   "Invalid data format: event " + std::to_string(event_number) + " is truncated",
                   event_number);
  }
  if (event_number == 0) return Failure(HecCode::kNoData, "No data", 0);
  return {};
}

}  // namespace

std::string HecResult::ResponseBody() const {
  std::string out = "{\"text\":";
  AppendJsonString(text, out);
  out += ",\"code\":";
  out += std::to_string(static_cast<int>(code));
  if (!ok() && code != HecCode::kNoData) {
    out += ",\"invalid-event-number\":";
    out += std::to_string(invalid_event_number);
  }
  out += "}";
  return out;
}

HecResult DecodeHec(std::string_view body, std::string_view default_stream, Decoded& out) {
  HecResult result = DecodeEvents(body, default_stream, out);
  TrimThreadParser();
  return result;
}

}  // namespace ingot::protocols::json
