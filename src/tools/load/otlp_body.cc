#include "tools/load/otlp_body.h"

#include <charconv>
#include <cstring>
#include <memory>

#include "tools/load/body_pool.h"
#include "tools/load/record_wire.h"

namespace ingot::load {

using namespace record_wire;  // the reader and writers shared with prom_rw_body.cc

namespace {

// AnyValue (string 1, bool 2, int 3, double 4, array 5, kvlist 6) of `v`.
std::string ProtoAnyValue(const JValue& v);

// KeyValue {key 1, value 2}.
std::string ProtoKeyValue(std::string_view key, const JValue& value) {
  std::string kv;
  PutBytes(1, key, kv);
  PutBytes(2, ProtoAnyValue(value), kv);
  return kv;
}

std::string ProtoAnyValue(const JValue& v) {
  std::string out;
  switch (v.kind) {
    case JValue::kNull: break;
    case JValue::kBool:
      PutTag(2, 0, out);
      PutVarint(v.boolean ? 1 : 0, out);
      break;
    case JValue::kInt:
      PutTag(3, 0, out);
      PutVarint(static_cast<std::uint64_t>(v.integer), out);
      break;
    case JValue::kDouble: {
      double d = 0;
      std::from_chars(v.number.data(), v.number.data() + v.number.size(), d);
      std::uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      PutFixed64(4, bits, out);
      break;
    }
    case JValue::kString: PutBytes(1, v.text, out); break;
    case JValue::kObject: {
      std::string list;  // KeyValueList {values 1}
      for (const auto& [k, member] : v.members) PutBytes(1, ProtoKeyValue(k.text, member), list);
      PutBytes(6, list, out);
      break;
    }
    case JValue::kArray: {
      std::string list;  // ArrayValue {values 1}
      for (const JValue& item : v.items) PutBytes(1, ProtoAnyValue(item), list);
      PutBytes(5, list, out);
      break;
    }
  }
  return out;
}

// ---- OTLP/JSON.

void JsonAnyValue(const JValue& v, std::string& out);

void JsonKeyValue(std::string_view raw_key, const JValue& value, std::string& out) {
  out += "{\"key\":\"";
  out += raw_key;
  out += "\",\"value\":";
  JsonAnyValue(value, out);
  out += '}';
}

void JsonAnyValue(const JValue& v, std::string& out) {
  switch (v.kind) {
    case JValue::kNull: out += "{}"; break;
    case JValue::kBool: out += v.boolean ? "{\"boolValue\":true}" : "{\"boolValue\":false}"; break;
    case JValue::kInt:  // int64 as a decimal string, as the protobuf JSON mapping writes it
      out += "{\"intValue\":\"" + std::to_string(v.integer) + "\"}";
      break;
    case JValue::kDouble: out += "{\"doubleValue\":" + v.number + "}"; break;
    case JValue::kString: out += "{\"stringValue\":\"" + v.raw + "\"}"; break;
    case JValue::kObject: {
      out += "{\"kvlistValue\":{\"values\":[";
      bool first = true;
      for (const auto& [k, member] : v.members) {
        if (!first) out += ',';
        first = false;
        JsonKeyValue(k.raw, member, out);
      }
      out += "]}}";
      break;
    }
    case JValue::kArray: {
      out += "{\"arrayValue\":{\"values\":[";
      bool first = true;
      for (const JValue& item : v.items) {
        if (!first) out += ',';
        first = false;
        JsonAnyValue(item, out);
      }
      out += "]}}";
      break;
    }
  }
}

int SeverityNumber(std::string_view level) {
  auto is = [level](std::string_view name) {
    if (level.size() != name.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
      if ((level[i] & ~0x20) != name[i]) return false;
    }
    return true;
  };
  if (is("TRACE")) return 1;
  if (is("DEBUG")) return 5;
  if (is("INFO")) return 9;
  if (is("WARN") || is("WARNING")) return 13;
  if (is("ERROR")) return 17;
  if (is("FATAL")) return 21;
  return 0;
}

constexpr std::string_view kName = "ingot-load";

}  // namespace

OtlpLogsBody::OtlpLogsBody(bool json, std::string run_id)
    : json_(json), run_id_(std::move(run_id)) {}

Status OtlpLogsBody::Add(std::string_view record) {
  JValue root;
  Reader reader(record);
  if (!reader.Value(root) || !reader.AtEnd() || root.kind != JValue::kObject) {
    return Status::InvalidInput("not a JSON object: " + std::string(record.substr(0, 80)));
  }
  const JValue* timestamp = nullptr;
  const JValue* level = nullptr;
  const JValue* message = nullptr;
  for (const auto& [k, v] : root.members) {
    if (k.text == "timestamp" && v.kind == JValue::kInt && timestamp == nullptr) {
      timestamp = &v;
    } else if (k.text == "level" && v.kind == JValue::kString && level == nullptr) {
      level = &v;
    } else if (k.text == "message" && message == nullptr) {
      message = &v;
    }
  }
  const std::string id_text = run_id_.empty() ? "" : run_id_ + '-' + std::string(kIdDigits, '0');
  const std::size_t id_digits_in_text = run_id_.size() + 1;

  if (!json_) {
    // Attributes first (their length is needed before the record's header), load_id leading.
    attrs_.clear();
    std::size_t id_in_attrs = 0;
    if (!run_id_.empty()) {
      JValue id;
      id.kind = JValue::kString;
      id.text = id_text;
      const std::string kv = ProtoKeyValue("load_id", id);
      PutTag(6, 2, attrs_);
      PutVarint(kv.size(), attrs_);
      // The digits are the last bytes of the KeyValue (key, then value {string_value}).
      id_in_attrs = attrs_.size() + kv.size() - kIdDigits;
      attrs_ += kv;
    }
    for (const auto& [k, v] : root.members) {
      if (&v == timestamp || &v == level || &v == message) continue;
      PutBytes(6, ProtoKeyValue(k.text, v), attrs_);
    }
    scratch_.clear();  // LogRecord
    if (timestamp != nullptr) {
      PutFixed64(1, static_cast<std::uint64_t>(timestamp->integer) * 1'000'000, scratch_);
    }
    if (level != nullptr) {
      if (const int n = SeverityNumber(level->text); n != 0) {
        PutTag(2, 0, scratch_);
        PutVarint(static_cast<std::uint64_t>(n), scratch_);
      }
      PutBytes(3, level->text, scratch_);
    }
    if (message != nullptr) PutBytes(5, ProtoAnyValue(*message), scratch_);
    const std::size_t attrs_at = scratch_.size();
    scratch_ += attrs_;
    PutTag(2, 2, records_);  // ScopeLogs.log_records
    PutVarint(scratch_.size(), records_);
    if (!run_id_.empty()) {
      id_at_.push_back(static_cast<std::uint32_t>(records_.size() + attrs_at + id_in_attrs));
    }
    records_ += scratch_;
    return Status::Ok();
  }

  if (!records_.empty()) records_ += ',';
  records_ += '{';
  bool first = true;
  auto sep = [&] {
    if (!first) records_ += ',';
    first = false;
  };
  if (timestamp != nullptr) {
    sep();
    records_ += "\"timeUnixNano\":\"" + std::to_string(timestamp->integer) + "000000\"";
  }
  if (level != nullptr) {
    if (const int n = SeverityNumber(level->text); n != 0) {
      sep();
      records_ += "\"severityNumber\":" + std::to_string(n);
    }
    sep();
    records_ += "\"severityText\":\"" + level->raw + '"';
  }
  if (message != nullptr) {
    sep();
    records_ += "\"body\":";
    JsonAnyValue(*message, records_);
  }
  sep();
  records_ += "\"attributes\":[";
  bool first_attr = true;
  if (!run_id_.empty()) {
    records_ += "{\"key\":\"load_id\",\"value\":{\"stringValue\":\"";
    id_at_.push_back(static_cast<std::uint32_t>(records_.size() + id_digits_in_text));
    records_ += id_text;
    records_ += "\"}}";
    first_attr = false;
  }
  for (const auto& [k, v] : root.members) {
    if (&v == timestamp || &v == level || &v == message) continue;
    if (!first_attr) records_ += ',';
    first_attr = false;
    JsonKeyValue(k.raw, v, records_);
  }
  records_ += "]}";
  return Status::Ok();
}

void OtlpLogsBody::Finish(std::string& out, std::vector<std::uint32_t>& id_offsets) {
  std::size_t records_at;
  if (json_) {
    out += R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":)"
           R"({"stringValue":"ingot-load"}}]},"scopeLogs":[{"scope":{"name":"ingot-load"},)"
           R"("logRecords":[)";
    records_at = out.size();
    out += records_;
    out += "]}]}]}";
  } else {
    std::string resource;  // Resource {attributes 1: service.name}
    JValue name;
    name.kind = JValue::kString;
    name.text = kName;
    PutBytes(1, ProtoKeyValue("service.name", name), resource);
    std::string scope;  // InstrumentationScope {name 1}
    PutBytes(1, kName, scope);
    std::string scope_head;  // ScopeLogs {scope 1, then the log_records (field 2) follow}
    PutBytes(1, scope, scope_head);
    const std::size_t scope_logs_size = scope_head.size() + records_.size();
    std::string resource_logs_head;  // ResourceLogs {resource 1, scope_logs 2}
    PutBytes(1, resource, resource_logs_head);
    PutTag(2, 2, resource_logs_head);
    PutVarint(scope_logs_size, resource_logs_head);
    const std::size_t resource_logs_size = resource_logs_head.size() + scope_logs_size;
    PutTag(1, 2, out);  // ExportLogsServiceRequest.resource_logs
    PutVarint(resource_logs_size, out);
    out += resource_logs_head;
    out += scope_head;
    records_at = out.size();
    out += records_;
  }
  for (std::uint32_t at : id_at_) id_offsets.push_back(static_cast<std::uint32_t>(records_at + at));
  records_.clear();
  id_at_.clear();
}

}  // namespace ingot::load
