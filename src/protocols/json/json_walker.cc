#include "protocols/json/json_walker.h"

#include <charconv>
#include <cstring>

#include "common/input_padding.h"

namespace ingot::protocols::json {

// Bodies reach the decoders with kInputPadding readable bytes after their end; simdjson reads up
// to SIMDJSON_PADDING past it.
static_assert(kInputPadding >= simdjson::SIMDJSON_PADDING);

using simdjson::error_code;
using simdjson::ondemand::json_type;
using FieldId = model::BatchBuilder::FieldId;

namespace {
// Documents up to this size keep the parser's buffers (about 5x this) between requests.
constexpr std::size_t kRetainedParserCapacity = 4 << 20;
thread_local simdjson::ondemand::parser thread_parser;
}  // namespace

simdjson::ondemand::parser& ThreadParser() { return thread_parser; }

void TrimThreadParser() {
  if (thread_parser.capacity() > kRetainedParserCapacity) {
    thread_parser = simdjson::ondemand::parser{};
  }
}

bool RawKeyEquals(const char* raw, std::string_view plain) {
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (raw[i] != plain[i]) return false;
  }
  return raw[plain.size()] == '"';
}

error_code WalkObject(simdjson::ondemand::object object, model::BatchBuilder& builder,
                      FieldId parent) {
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    INGOT_JSON_TRY(std::move(field_result).get(field));
    // Records of a stream usually repeat the previous record's keys in the same order: compare the
    // key as it stands in the input with the predicted one, without unescaping it into the
    // parser's buffer.
    FieldId id;
    std::string_view predicted_key;
    if (builder.PredictChild(parent, id, predicted_key) &&
        RawKeyEquals(field.key().raw(), predicted_key)) {
      builder.AcceptPrediction(parent);
    } else {
      std::string_view key;
      INGOT_JSON_TRY(field.unescaped_key().get(key));
      id = builder.Child(parent, key);
    }
    INGOT_JSON_TRY(WalkValue(field.value(), builder, id));
  }
  return simdjson::SUCCESS;
}

bool TooDeep(std::string_view raw, std::size_t level) {
  // Each level takes an opening and a closing bracket: shorter text cannot reach the limit.
  if (level > kMaxNestingDepth) return true;
  if (raw.size() < 2 * (kMaxNestingDepth - level + 1)) return false;
  // simdjson has checked the strings (quotes, escapes) but not that brackets match, so a stray
  // closing bracket must not wrap the count.
  std::size_t depth = level - 1;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    switch (raw[i]) {
      case '"':
        for (++i; i < raw.size() && raw[i] != '"'; ++i) i += raw[i] == '\\';
        break;
      case '[':
      case '{':
        if (++depth > kMaxNestingDepth) return true;
        break;
      case ']':
      case '}': depth -= depth != 0; break;
      default: break;
    }
  }
  return false;
}

error_code WalkValue(simdjson::ondemand::value value, model::BatchBuilder& builder, FieldId field) {
  json_type type;
  INGOT_JSON_TRY(value.type().get(type));
  switch (type) {
    case json_type::object: {
      simdjson::ondemand::object object;
      INGOT_JSON_TRY(value.get_object().get(object));
      // The object is one level below the one holding `field` (the record is level 1).
      const std::size_t level = builder.Depth(field) + 1;
      if (builder.Flattens(field)) {
        // Unreachable while flattening stops at kMaxColumnNameBytes, but the recursion below must
        // be bounded by more than the column-name rule.
        if (level > kMaxNestingDepth) return simdjson::DEPTH_ERROR;
        return WalkObject(object, builder, field);
      }
      std::string_view raw;
      INGOT_JSON_TRY(object.raw_json().get(raw));
      if (TooDeep(raw, level)) return simdjson::DEPTH_ERROR;
      builder.AddJsonText(field, raw);
      return simdjson::SUCCESS;
    }
    case json_type::array: {
      simdjson::ondemand::array array;
      INGOT_JSON_TRY(value.get_array().get(array));
      std::string_view raw;
      INGOT_JSON_TRY(array.raw_json().get(raw));
      if (TooDeep(raw, builder.Depth(field) + 1)) return simdjson::DEPTH_ERROR;
      builder.AddJsonText(field, raw);
      return simdjson::SUCCESS;
    }
    case json_type::string: {
      // Most strings have no escapes: take them straight from the input rather than have
      // simdjson copy them into its string buffer first. The token runs from the opening quote to
      // the next structural character, so it ends with the closing quote and maybe whitespace.
      std::string_view token = value.raw_json_token();
      while (token.size() > 1 && token.back() != '"') token.remove_suffix(1);
      if (token.size() >= 2) {
        const std::string_view content = token.substr(1, token.size() - 2);
        if (std::memchr(content.data(), '\\', content.size()) == nullptr) {
          builder.AddString(field, content);
          return simdjson::SUCCESS;
        }
      }
      std::string_view s;
      INGOT_JSON_TRY(value.get_string().get(s));
      builder.AddString(field, s);
      return simdjson::SUCCESS;
    }
    case json_type::number: {
      simdjson::ondemand::number number;
      if (value.get_number().get(number) == simdjson::SUCCESS) {
        if (number.is_int64()) {
          builder.AddInt(field, number.get_int64());
        } else if (number.is_uint64()) {
          builder.AddUint(field, number.get_uint64());
        } else {
          builder.AddDouble(field, number.get_double());
        }
        return simdjson::SUCCESS;
      }
      // Integers beyond 64 bits: keep them as the closest double rather than failing.
      std::string_view token = value.raw_json_token();
      double d;
      auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), d);
      if (ec != std::errc() || end == token.data()) return simdjson::NUMBER_ERROR;
      builder.AddDouble(field, d);
      return simdjson::SUCCESS;
    }
    case json_type::boolean: {
      bool b;
      INGOT_JSON_TRY(value.get_bool().get(b));
      builder.AddBool(field, b);
      return simdjson::SUCCESS;
    }
    case json_type::null: {
      bool is_null;
      INGOT_JSON_TRY(value.is_null().get(is_null));
      if (!is_null) return simdjson::INCORRECT_TYPE;
      return simdjson::SUCCESS;  // null is an absent value, not a column
    }
  }
  return simdjson::INCORRECT_TYPE;
}

std::string_view JsonTypeName(json_type type) {
  switch (type) {
    case json_type::array: return "an array";
    case json_type::object: return "an object";
    case json_type::number: return "a number";
    case json_type::string: return "a string";
    case json_type::boolean: return "a boolean";
    case json_type::null: return "null";
  }
  return "unknown";
}

std::string ErrorText(error_code error) {
  if (error == simdjson::DEPTH_ERROR) {
    return "objects and arrays nested more than " + std::to_string(kMaxNestingDepth) +
           " levels deep";
  }
  std::string text = simdjson::error_message(error);
  while (!text.empty() && (text.back() == '.' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace ingot::protocols::json
