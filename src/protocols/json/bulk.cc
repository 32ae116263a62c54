#include "protocols/json/bulk.h"

#include <algorithm>
#include <cstring>

#include "common/input_padding.h"
#include "common/json_escape.h"
#include "model/names.h"
#include "protocols/json/json_walker.h"

namespace ingot::protocols::json {

namespace {

using model::BatchBuilder;

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Splits the body into non-blank lines, counting line numbers for messages.
class LineReader {
 public:
  explicit LineReader(std::string_view body) : p_(body.data()), end_(body.data() + body.size()) {}

  // Next non-blank line, or false at the end.
  bool Next(std::string_view& line) {
    while (p_ < end_) {
      ++number_;
      const auto* newline = static_cast<const char*>(std::memchr(p_, '\n', end_ - p_));
      const char* line_end = newline ? newline : end_;
      const char* start = p_;
      p_ = newline ? newline + 1 : end_;
      while (start < line_end && IsJsonSpace(*start)) ++start;
      if (start == line_end) continue;
      line = {start, static_cast<std::size_t>(line_end - start)};
      return true;
    }
    return false;
  }
  std::size_t number() const { return number_; }
  // Bytes readable from `line`'s start: up to the end of the body plus its padding.
  std::size_t CapacityFrom(std::string_view line) const {
    return static_cast<std::size_t>(end_ - line.data()) + kInputPadding;
  }

 private:
  const char* p_;
  const char* end_;
  std::size_t number_ = 0;
};

std::string Where(std::size_t line) { return "line " + std::to_string(line) + ": "; }

constexpr std::string_view kActionNames[] = {"index", "create", "delete", "update"};

// Reads an action line: {"<action>": {"_index": "...", "_id": ...}} and adds its item.
Status ParseAction(simdjson::ondemand::parser& parser, std::string_view line, std::size_t capacity,
                   std::size_t line_number, BulkItems& items, BulkItems::Item*& item_out) {
  simdjson::ondemand::document doc;
  simdjson::ondemand::object action;
  simdjson::error_code e = parser.iterate(line.data(), line.size(), capacity).get(doc);
  if (e == simdjson::SUCCESS) e = doc.get_object().get(action);
  if (e != simdjson::SUCCESS) {
    return Status::InvalidInput(Where(line_number) + "action line: " + ErrorText(e));
  }
  std::size_t fields = 0;
  for (auto field_result : action) {
    simdjson::ondemand::field field;
    std::string_view key;
    e = std::move(field_result).get(field);
    if (e == simdjson::SUCCESS) e = field.unescaped_key().get(key);
    if (e != simdjson::SUCCESS) {
      return Status::InvalidInput(Where(line_number) + "action line: " + ErrorText(e));
    }
    if (++fields > 1) {
      return Status::InvalidInput(Where(line_number) + "an action line must name one action");
    }
    int action_index = -1;
    for (int i = 0; i < 4; ++i) {
      if (key == kActionNames[i]) action_index = i;
    }
    if (action_index < 0) {
      std::string message = Where(line_number) + "unknown bulk action ";
      AppendJsonString(key, message);
      message += " (expected index, create, delete or update)";
      return Status::InvalidInput(message);
    }
    BulkItems::Item& item = items.Add(static_cast<BulkAction>(action_index));
    item_out = &item;
    simdjson::ondemand::object meta;
    if (field.value().get_object().get(meta) != simdjson::SUCCESS) {
      return Status::InvalidInput(Where(line_number) + "the " +
                                  std::string(kActionNames[action_index]) +
                                  " action must be an object");
    }
    for (auto meta_result : meta) {
      simdjson::ondemand::field meta_field;
      std::string_view meta_key;
      e = std::move(meta_result).get(meta_field);
      if (e == simdjson::SUCCESS) e = meta_field.unescaped_key().get(meta_key);
      if (e != simdjson::SUCCESS) {
        return Status::InvalidInput(Where(line_number) + "action line: " + ErrorText(e));
      }
      if (meta_key == "_index" || meta_key == "_id") {
        const bool is_index = meta_key == "_index";
        std::string_view text;
        simdjson::ondemand::json_type type;
        e = meta_field.value().type().get(type);
        if (e != simdjson::SUCCESS) {
          return Status::InvalidInput(Where(line_number) + "action line: " + ErrorText(e));
        }
        // As Elasticsearch's bulk parser: a number or boolean is its text, null is as if the key
        // were not there, an object or array fails the whole request (a malformed action line).
        if (type == simdjson::ondemand::json_type::null) continue;
        if (type == simdjson::ondemand::json_type::object ||
            type == simdjson::ondemand::json_type::array) {
          return Status::InvalidInput(Where(line_number) +
                                      "malformed action line: " + std::string(meta_key) +
                                      " must be a string, got " + std::string(JsonTypeName(type)));
        }
        if (type == simdjson::ondemand::json_type::string) {
          e = meta_field.value().get_string().get(text);
        } else {
          text = meta_field.value().raw_json_token();  // ids may be numbers
          while (!text.empty() && IsJsonSpace(text.back())) text.remove_suffix(1);
        }
        if (e != simdjson::SUCCESS) {
          return Status::InvalidInput(Where(line_number) + "action line: " + ErrorText(e));
        }
        if (is_index) {
          items.SetIndex(item, text);
        } else {
          items.SetId(item, text);
        }
      }
    }
  }
  if (fields == 0) return Status::InvalidInput(Where(line_number) + "empty action line");
  if (!AtEnd(doc)) {
    return Status::InvalidInput(Where(line_number) + "unexpected content after the action");
  }
  return Status::Ok();
}

}  // namespace

BulkItems::Item& BulkItems::Add(BulkAction action) {
  Item& item = items_.emplace_back();
  item.action = action;
  return item;
}

void BulkItems::Store(std::string_view text, std::uint32_t& begin, std::uint32_t& size) {
  begin = static_cast<std::uint32_t>(texts_.size());
  size = static_cast<std::uint32_t>(text.size());
  texts_ += text;
}

void BulkItems::Fail(Item& item, int status, std::string_view type, std::string reason) {
  item.status = status;
  item.error = static_cast<std::int32_t>(errors_.size());
  errors_.emplace_back(type, std::move(reason));
}

Status DecodeBulk(std::string_view body, std::string_view default_stream, Decoded& out,
                  BulkItems& items) {
  auto& parser = ThreadParser();
  LineReader lines(body);
  std::string_view line;
  std::string last_index;
  bool first_item = true;
  StreamRecords* last_stream = nullptr;
  std::string index_error;  // why last_index names no stream
  const std::uint64_t max_record = out.options().max_record_bytes;
  const std::size_t expected_documents = CountLines(body) / 2 + 1;
  while (lines.Next(line)) {
    const std::size_t action_line = lines.number();
    BulkItems::Item* item_ptr = nullptr;
    INGOT_RETURN_IF_ERROR(
        ParseAction(parser, line, lines.CapacityFrom(line), action_line, items, item_ptr));
    BulkItems::Item& item = *item_ptr;
    if (item.action == BulkAction::kDelete) {
      items.Fail(item, 400, "illegal_argument_exception", "ingot does not support delete");
      continue;
    }
    std::string_view source;
    if (!lines.Next(source)) {
      return Status::InvalidInput(Where(action_line) + "the " +
                                  std::string(kActionNames[static_cast<int>(item.action)]) +
                                  " action has no document line after it");
    }
    if (item.action == BulkAction::kUpdate) {
      items.Fail(item, 400, "illegal_argument_exception", "ingot does not support update");
      continue;
    }
    const std::string_view index = items.index(item);
    // Consecutive actions usually name the same index: check and look it up once.
    if (first_item || index != last_index) {
      first_item = false;
      last_index = index;
      last_stream = nullptr;
      index_error.clear();
      if (index.empty()) {
        if (default_stream.empty()) {
          index_error = "the action has no _index";
        } else {
          last_stream = &out.Stream(default_stream);
        }
      } else if (auto name = model::StreamName(index, "_index"); name.ok()) {
        last_stream = &out.Stream(*name);
      } else {
        index_error = name.status().message();
      }
      if (last_stream != nullptr && last_stream->builder.records() == 0) {
        // An action line and a document line per record, most often all for one index.
        last_stream->builder.ExpectRecords(expected_documents, body.size());
      }
    }
    if (max_record != 0 && source.size() > max_record) {
      std::string reason = "the document is " + std::to_string(source.size()) +
                           " bytes, over the limit of " + std::to_string(max_record) +
                           " (--max-record-size)";
      if (last_stream != nullptr) last_stream->RecordFailure(Where(lines.number()) + reason);
      items.Fail(item, 413, "content_too_long_exception", std::move(reason));
      continue;
    }
    simdjson::ondemand::document doc;
    simdjson::ondemand::object object;
    simdjson::error_code e =
        parser.iterate(source.data(), source.size(), lines.CapacityFrom(source)).get(doc);
    if (e == simdjson::SUCCESS) e = doc.get_object().get(object);
    if (e != simdjson::SUCCESS) {
      return Status::InvalidInput(Where(lines.number()) + "document: " + ErrorText(e));
    }
    if (last_stream == nullptr) {
      // Still read the document so that malformed JSON is reported the same way.
      if (auto skip = object.raw_json().error(); skip != simdjson::SUCCESS) {
        return Status::InvalidInput(Where(lines.number()) + "document: " + ErrorText(skip));
      }
      // Elasticsearch's types: a missing index fails validation, a bad name is an invalid one.
      items.Fail(
          item, 400,
          index.empty() ? "action_request_validation_exception" : "invalid_index_name_exception",
          index_error);
      continue;
    }
    StreamRecords& stream = *last_stream;
    stream.builder.BeginRecord();
    e = WalkObject(object, stream.builder, BatchBuilder::kRoot);
    if (e != simdjson::SUCCESS) {
      return Status::InvalidInput(Where(lines.number()) + "document: " + ErrorText(e));
    }
    if (!AtEnd(doc)) {
      return Status::InvalidInput(Where(lines.number()) +
                                  "unexpected content after the document object");
    }
    std::string error;
    if (!stream.builder.EndRecord(&error)) {
      stream.RecordFailure(Where(lines.number()) + error);
      items.Fail(item, 400, "mapper_parsing_exception", std::move(error));
    }
  }
  return Status::Ok();
}

std::string BulkItems::Response(std::int64_t took_ms) const {
  std::string out;
  out.reserve(64 + items_.size() * 128 + texts_.size());
  out += "{\"took\":";
  out += std::to_string(took_ms);
  out += errors() ? ",\"errors\":true,\"items\":[" : ",\"errors\":false,\"items\":[";
  for (std::size_t i = 0; i < items_.size(); ++i) {
    const Item& item = items_[i];
    if (i) out.push_back(',');
    out += "{";
    AppendJsonString(kActionNames[static_cast<int>(item.action)], out);
    out += ":{\"_index\":";
    AppendJsonString(index(item), out);
    if (item.id_size) {
      out += ",\"_id\":";
      AppendJsonString(id(item), out);
    }
    out += ",\"status\":";
    out += std::to_string(item.status);
    if (item.status < 300) {
      out +=
          ",\"result\":\"created\",\"_version\":1,"
          "\"_shards\":{\"total\":1,\"successful\":1,\"failed\":0}";
    } else {
      const auto& [type, reason] = errors_[static_cast<std::size_t>(item.error)];
      out += ",\"error\":{\"type\":";
      AppendJsonString(type, out);
      out += ",\"reason\":";
      AppendJsonString(reason, out);
      out += "}";
    }
    out += "}}";
  }
  out += "]}";
  return out;
}

}  // namespace ingot::protocols::json
