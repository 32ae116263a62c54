// The wire decoder against libprotobuf (the classes generated from proto/loki_push.proto, mapped by
// the same Emitter: reference.h): random and edge-case requests, and mutations of them, must be
// refused by both or decode to the very same rows. The JSON form of every random request must
// decode to the protobuf rows too.
#include <google/protobuf/stubs/logging.h>
#include <gtest/gtest.h>

#include <random>

#include "common/json_escape.h"
#include "protocols/loki/reference.h"
#include "protocols/loki/test_util.h"

namespace ingot::protocols::loki {
namespace {

using testing::DecodeWith;
using testing::Outcome;

class Random {
 public:
  explicit Random(std::uint32_t seed) : rng_(seed) {}
  std::size_t Below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  bool OneIn(std::size_t n) { return Below(n) == 0; }
  // Text with the characters label strings and JSON escape, and multi-byte UTF-8.
  std::string Text(std::size_t max) {
    static const char* const kPieces[] = {"a", "Z", "0", " ", "\"", "\\", "\n", "\t", "\x01",
                                          "`", ",", "}", "{", "=",  "é",  "日", "😀",  "~"};
    std::string s;
    for (std::size_t n = Below(max + 1); n > 0; --n) s += kPieces[Below(std::size(kPieces))];
    return s;
  }
  std::string Name() {
    static const char* const kNames[] = {"app", "env",   "job",  "host",           "_x",
                                         "A9",  "level", "body", "time_unix_nano", "_timestamp",
                                         "date"};
    return kNames[Below(std::size(kNames))];
  }
  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
};

// A value in Go's double-quoted form (Loki's label strings), escaping like Go's strconv.Quote
// would for the characters Text() makes.
std::string GoQuote(std::string_view v) {
  std::string out = "\"";
  for (const char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\x01': out += "\\x01"; break;
      default: out.push_back(c);
    }
  }
  return out + "\"";
}

struct Generated {
  logproto::PushRequest request;
  std::string json;  // the same request in the JSON form
};

Generated Generate(Random& r) {
  Generated g;
  std::string& json = g.json;
  json = "{\"streams\":[";
  const std::size_t streams = r.Below(4);
  for (std::size_t s = 0; s < streams; ++s) {
    logproto::StreamAdapter* stream = g.request.add_streams();
    std::vector<std::string> names;
    for (std::size_t n = 1 + r.Below(4); n > 0; --n) {
      std::string name = r.Name();
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    std::string labels = "{", json_labels = "{";
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string value = r.Text(6);
      labels += (i ? ", " : "") + names[i] + "=" + GoQuote(value);
      json_labels += i ? "," : "";
      AppendJsonString(names[i], json_labels);
      json_labels += ":";
      AppendJsonString(value, json_labels);
    }
    stream->set_labels(labels + "}");
    json += (s ? "," : "") + std::string("{\"stream\":") + json_labels + "},\"values\":[";
    const std::size_t entries = r.Below(5);
    for (std::size_t e = 0; e < entries; ++e) {
      logproto::EntryAdapter* entry = stream->add_entries();
      const std::int64_t seconds =
          r.OneIn(8) ? 0 : 1'600'000'000 + static_cast<std::int64_t>(r.Below(200'000'000));
      const auto nanos = static_cast<std::int32_t>(r.Below(1'000'000'000));
      if (seconds != 0 || nanos != 0) {
        entry->mutable_timestamp()->set_seconds(seconds);
        entry->mutable_timestamp()->set_nanos(nanos);
      }
      entry->set_line(r.Text(12));
      json += (e ? "," : "") + std::string("[\"") +
              std::to_string(seconds * 1'000'000'000 + nanos) + "\",";
      AppendJsonString(entry->line(), json);
      const std::size_t metadata = r.Below(3);
      if (metadata > 0) json += ",{";
      for (std::size_t m = 0; m < metadata; ++m) {
        logproto::LabelPairAdapter* p = entry->add_structured_metadata();
        p->set_name(r.OneIn(4) ? r.Text(3) : r.Name());
        p->set_value(r.Text(5));
        json += m ? "," : "";
        AppendJsonString(p->name(), json);
        json += ":";
        AppendJsonString(p->value(), json);
      }
      if (metadata > 0) json += "}";
      json += "]";
    }
    json += "]}";
  }
  json += "]}";
  return g;
}

model::BuilderOptions Options() {
  model::BuilderOptions o = testing::Options();
  o.min_timestamp_us = 1'650'000'000'000'000;  // some entries fail one by one
  o.max_columns = 12;                          // and some values go to `_extra`
  return o;
}

// Both decoders on `message`: the same verdict, and the same rows when it decodes.
void ExpectSame(std::string_view message, const std::string& context) {
  const Outcome ours = DecodeWith(DecodePushRequest, message, Options());
  const Outcome ref = DecodeWith(DecodeReference, message, Options());
  ASSERT_EQ(ours.status.ok(), ref.status.ok())
      << context << "\nours: " << ours.status.ToString() << "\nref: " << ref.status.ToString();
  // Label strings are checked by the same code: the same message (when libprotobuf parsed the
  // whole request; ours stops at the first malformed stream).
  if (ref.status.message().find("malformed labels") != std::string::npos) {
    EXPECT_EQ(ours.status.message(), ref.status.message()) << context;
  }
  if (!ours.status.ok()) return;
  EXPECT_EQ(ours.rows, ref.rows) << context;
  EXPECT_EQ(ours.failed, ref.failed) << context;
}

class Differential : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { google::protobuf::SetLogHandler(nullptr); }
};

TEST_F(Differential, RandomRequestsAndTheirJson) {
  Random r(12);
  for (int i = 0; i < 2000; ++i) {
    const Generated g = Generate(r);
    const std::string message = g.request.SerializeAsString();
    ExpectSame(message, "request " + std::to_string(i));
    const Outcome proto = DecodeWith(DecodeProtobuf, testing::SnappyBody(g.request), Options());
    const Outcome json = DecodeWith(DecodeJson, g.json, Options());
    ASSERT_TRUE(proto.status.ok()) << proto.status.ToString();
    ASSERT_TRUE(json.status.ok()) << json.status.ToString() << "\n" << g.json;
    EXPECT_EQ(json.rows, proto.rows) << g.json;
    EXPECT_EQ(json.failed, proto.failed) << g.json;
  }
}

TEST_F(Differential, MutatedRequests) {
  Random r(7);
  for (int i = 0; i < 4000; ++i) {
    std::string message = Generate(r).request.SerializeAsString();
    if (message.empty()) continue;
    switch (r.Below(4)) {
      case 0: message[r.Below(message.size())] ^= static_cast<char>(1 << r.Below(8)); break;
      case 1: message.resize(r.Below(message.size())); break;
      case 2: message.insert(r.Below(message.size()), 1, static_cast<char>(r.Below(256))); break;
      case 3: message[r.Below(message.size())] = static_cast<char>(r.Below(256)); break;
    }
    ExpectSame(message, "mutation " + std::to_string(i));
  }
}

TEST_F(Differential, EdgeCases) {
  const std::string_view cases[] = {
      "",
      // A stream with no labels field: "" is a malformed label string for both.
      std::string_view("\x0a\x00", 2),
      // Repeated labels: the last wins.
      "\x0a\x12\x0a\x07{a=\"b\"}\x0a\x07{c=\"d\"}",
      // Timestamp given twice: the messages merge (seconds from the first, nanos from the second).
      "\x0a\x19\x0a\x07{a=\"b\"}\x12\x0e\x0a\x02\x08\x01\x0a\x02\x10\x02\x12\x04line",
      // A known field with the wrong wire type is an unknown field.
      "\x0a\x0b\x08\x05\x0a\x07{a=\"b\"}",
      // Groups in unknown fields, and an end-group tag alone.
      "\x0b\x10\x01\x0c",
      "\x0c",
      // Negative nanos, seconds past int64 nanoseconds.
      "\x0a\x1d\x0a\x07{a=\"b\"}\x12\x12\x0a\x10\x08\xff\xff\xff\xff\xff\xff\xff\xff\x7f\x10\xff"
      "\xff\xff\xff\x0f",
      // A tag past 5 bytes, a varint past 10.
      "\x8a\x80\x80\x80\x80\x00",
      "\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
  };
  for (const std::string_view c : cases) ExpectSame(c, "edge case");
}

}  // namespace
}  // namespace ingot::protocols::loki
