#include "protocols/json/multi.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "common/input_padding.h"
#include "protocols/json/json_walker.h"

namespace ingot::protocols::json {

namespace {

using model::BatchBuilder;

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Names a record in messages: "line 3", "element 7", "body". Formatted only when needed.
struct Where {
  const char* kind;
  std::size_t number;
  bool numbered = true;
  std::string str() const { return numbered ? kind + (" " + std::to_string(number)) : kind; }
};
std::string operator+(const Where& w, const char* s) { return w.str() + s; }

// Walks one document that must be an object into a new record of `stream`.
Status AddObjectRecord(simdjson::ondemand::document& doc, StreamRecords& stream, Where where) {
  BatchBuilder& builder = stream.builder;
  simdjson::ondemand::json_type type;
  if (auto e = doc.type().get(type); e != simdjson::SUCCESS) {
    return Status::InvalidInput(where + ": " + ErrorText(e));
  }
  if (type != simdjson::ondemand::json_type::object) {
    return Status::InvalidInput(where + ": expected a JSON object, got " +
                                std::string(JsonTypeName(type)));
  }
  simdjson::ondemand::object object;
  builder.BeginRecord();
  simdjson::error_code e = doc.get_object().get(object);
  if (e == simdjson::SUCCESS) e = WalkObject(object, builder, BatchBuilder::kRoot);
  if (e != simdjson::SUCCESS) return Status::InvalidInput(where + ": " + ErrorText(e));
  if (!AtEnd(doc)) {
    return Status::InvalidInput(where + ": unexpected content after the JSON object");
  }
  std::string error;
  if (!builder.EndRecord(&error)) stream.RecordFailure(where + ": " + error);
  return Status::Ok();
}

}  // namespace

Status DecodeNdjson(std::string_view body, StreamRecords& stream) {
  auto& parser = ThreadParser();
  const char* p = body.data();
  const char* const end = p + body.size();
  std::size_t line_number = 0;
  const std::uint64_t max_record = stream.builder.options().max_record_bytes;
  // Counting lines first costs ~20 µs for a megabyte; it lets the columns be sized once.
  stream.builder.ExpectRecords(CountLines(body) + 1, body.size());
  while (p < end) {
    ++line_number;
    const auto* newline = static_cast<const char*>(std::memchr(p, '\n', end - p));
    const char* line_end = newline ? newline : end;
    const char* next = newline ? newline + 1 : end;
    while (p < line_end && IsJsonSpace(*p)) ++p;
    if (p == line_end) {
      p = next;
      continue;
    }
    // Everything up to the body's padding is readable, so the line can be parsed in place.
    const auto capacity = static_cast<std::size_t>(end - p) + kInputPadding;
    simdjson::ondemand::document doc;
    const Where where{"line", line_number};
    if (const auto bytes = static_cast<std::size_t>(line_end - p);
        max_record && bytes > max_record) {
      stream.RecordFailure(where + ": the record is " + std::to_string(bytes) +
                           " bytes, over the limit of " + std::to_string(max_record) +
                           " (--max-record-size)");
      p = next;
      continue;
    }
    if (auto e = parser.iterate(p, static_cast<std::size_t>(line_end - p), capacity).get(doc);
        e != simdjson::SUCCESS) {
      return Status::InvalidInput(where + ": " + ErrorText(e));
    }
    INGOT_RETURN_IF_ERROR(AddObjectRecord(doc, stream, where));
    p = next;
  }
  return Status::Ok();
}

namespace {

// DecodeJsonArray's work; the wrapper trims the parser whichever way this returns.
Status DecodeJsonDocument(std::string_view body, StreamRecords& stream) {
  auto& parser = ThreadParser();
  simdjson::ondemand::document doc;
  if (auto e = parser.iterate(body.data(), body.size(), body.size() + kInputPadding).get(doc);
      e != simdjson::SUCCESS) {
    return Status::InvalidInput("body: " + ErrorText(e));
  }
  simdjson::ondemand::json_type type;
  if (auto e = doc.type().get(type); e != simdjson::SUCCESS) {
    return Status::InvalidInput("body: " + ErrorText(e));
  }
  if (type == simdjson::ondemand::json_type::object) {
    return AddObjectRecord(doc, stream, Where{"body", 0, false});
  }
  if (type != simdjson::ondemand::json_type::array) {
    return Status::InvalidInput("body must be a JSON array of objects or one object, got " +
                                std::string(JsonTypeName(type)));
  }
  simdjson::ondemand::array array;
  if (auto e = doc.get_array().get(array); e != simdjson::SUCCESS) {
    return Status::InvalidInput("body: " + ErrorText(e));
  }
  std::size_t index = 0;
  BatchBuilder& builder = stream.builder;
  for (auto element_result : array) {
    const Where where{"element", index++};
    simdjson::ondemand::value element;
    simdjson::ondemand::json_type element_type;
    simdjson::error_code e = std::move(element_result).get(element);
    if (e == simdjson::SUCCESS) e = element.type().get(element_type);
    if (e != simdjson::SUCCESS) return Status::InvalidInput(where + ": " + ErrorText(e));
    if (element_type != simdjson::ondemand::json_type::object) {
      return Status::InvalidInput(where + ": expected a JSON object, got " +
                                  std::string(JsonTypeName(element_type)));
    }
    simdjson::ondemand::object object;
    builder.BeginRecord();
    e = element.get_object().get(object);
    if (e == simdjson::SUCCESS) e = WalkObject(object, builder, BatchBuilder::kRoot);
    if (e != simdjson::SUCCESS) return Status::InvalidInput(where + ": " + ErrorText(e));
    std::string error;
    if (!builder.EndRecord(&error)) stream.RecordFailure(where + ": " + error);
  }
  if (!AtEnd(doc)) return Status::InvalidInput("body: unexpected content after the JSON array");
  return Status::Ok();
}

}  // namespace

Status DecodeJsonArray(std::string_view body, StreamRecords& stream) {
  Status st = DecodeJsonDocument(body, stream);
  TrimThreadParser();
  return st;
}

}  // namespace ingot::protocols::json
