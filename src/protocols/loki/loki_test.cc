// The Loki push decoders: the mapping of docs/loki.md, label strings, both body forms, errors.
#include "protocols/loki/loki.h"

#include <gtest/gtest.h>

#include "model/timestamp.h"
#include "protocols/loki/emitter.h"
#include "protocols/loki/test_util.h"

namespace ingot::protocols::loki {
namespace {

using testing::DecodeWith;
using testing::Outcome;
using testing::SnappyBody;

Outcome Protobuf(const logproto::PushRequest& request,
                 const model::BuilderOptions& options = testing::Options()) {
  return DecodeWith(DecodeProtobuf, SnappyBody(request), options);
}
Outcome Json(std::string_view body, const model::BuilderOptions& options = testing::Options()) {
  return DecodeWith(DecodeJson, body, options);
}

logproto::EntryAdapter* AddEntry(logproto::StreamAdapter* stream, std::int64_t seconds,
                                 std::int32_t nanos, std::string line) {
  logproto::EntryAdapter* e = stream->add_entries();
  e->mutable_timestamp()->set_seconds(seconds);
  e->mutable_timestamp()->set_nanos(nanos);
  e->set_line(std::move(line));
  return e;
}

void AddMetadata(logproto::EntryAdapter* e, std::string name, std::string value) {
  logproto::LabelPairAdapter* p = e->add_structured_metadata();
  p->set_name(std::move(name));
  p->set_value(std::move(value));
}

// The promtail request of the JSON body below.
logproto::PushRequest Sample() {
  logproto::PushRequest r;
  logproto::StreamAdapter* s = r.add_streams();
  s->set_labels(R"({app="api", env="prod"})");
  logproto::EntryAdapter* e = AddEntry(s, 1'700'000'000, 123'456'789, "GET /health 200");
  AddMetadata(e, "trace_id", "abc");
  AddEntry(s, 1'700'000'001, 0, "second");
  s = r.add_streams();
  s->set_labels(R"({app="worker"})");
  AddEntry(s, 1'700'000'002, 999, "job done");
  return r;
}
constexpr std::string_view kSampleJson = R"({"streams":[
  {"stream":{"app":"api","env":"prod"},"values":[
    ["1700000000123456789","GET /health 200",{"trace_id":"abc"}],
    ["1700000001000000000","second"]]},
  {"values":[["1700000002000000999","job done"]],"stream":{"app":"worker"}}]})";

const std::vector<std::string> kSampleRows = {
    "_timestamp:4=1700000000123456\napp:3=api\nbody:3=GET /health 200\nenv:3=prod\n"
    "time_unix_nano:1=1700000000123456789\ntrace_id:3=abc\n",
    "_timestamp:4=1700000001000000\napp:3=api\nbody:3=second\nenv:3=prod\n"
    "time_unix_nano:1=1700000001000000000\n",
    "_timestamp:4=1700000002000000\napp:3=worker\nbody:3=job done\n"
    "time_unix_nano:1=1700000002000000999\n",
};

TEST(Loki, ProtobufRows) {
  const Outcome out = Protobuf(Sample());
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  EXPECT_EQ(out.rows, kSampleRows);
}

TEST(Loki, JsonRowsAreTheProtobufRows) {
  const Outcome out = Json(kSampleJson);
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  EXPECT_EQ(out.rows, kSampleRows);
}

TEST(Loki, EmptyRequests) {
  EXPECT_TRUE(Protobuf(logproto::PushRequest{}).status.ok());
  EXPECT_TRUE(Json(R"({"streams":[]})").status.ok());
  EXPECT_TRUE(Json(R"({})").status.ok());
  // A stream without entries still needs valid labels.
  EXPECT_TRUE(Json(R"({"streams":[{"stream":{"a":"b"}}]})").status.ok());
  EXPECT_FALSE(Json(R"({"streams":[{"stream":{}}]})").status.ok());
}

TEST(Loki, TimestampsFloorToMicrosecondsAndKeepNanoseconds) {
  logproto::PushRequest r;
  logproto::StreamAdapter* s = r.add_streams();
  s->set_labels(R"({a="b"})");
  AddEntry(s, -1, 999'999'999, "just before 1970");  // -1 ns
  model::BuilderOptions o = testing::Options();
  o.min_timestamp_us = model::kMinTimestampMicros;
  const Outcome out = Protobuf(r, o);
  ASSERT_TRUE(out.status.ok());
  ASSERT_EQ(out.rows.size(), 1u);
  EXPECT_NE(out.rows[0].find("_timestamp:4=-1\n"), std::string::npos) << out.rows[0];
  EXPECT_NE(out.rows[0].find("time_unix_nano:1=-1\n"), std::string::npos);
  EXPECT_EQ(
      Json(R"({"streams":[{"stream":{"a":"b"},"values":[["-1","just before 1970"]]}]})", o).rows,
      out.rows);
}

TEST(Loki, EntriesOutsideTheWindowOrTheRangeFailAlone) {
  logproto::PushRequest r;
  logproto::StreamAdapter* s = r.add_streams();
  s->set_labels(R"({a="b"})");
  AddEntry(s, 1'700'000'000, 0, "kept");
  AddEntry(s, 1'000, 0, "too old");
  AddEntry(s, 1'700'000'000, 1'000'000'000, "nanos out of range");
  AddEntry(s, INT64_MAX / 2, 0, "past int64 nanoseconds");
  model::BuilderOptions o = testing::Options();
  o.min_timestamp_us = o.now_us - 3'600'000'000LL * 24 * 365;
  const Outcome out = Protobuf(r, o);
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  EXPECT_EQ(out.rows.size(), 1u);
  EXPECT_EQ(out.failed, 3u);
}

TEST(Loki, LabelStrings) {
  struct Case {
    std::string_view text;
    std::vector<std::pair<std::string, std::string>> labels;
  };
  const Case cases[] = {
      {R"({a="b"})", {{"a", "b"}}},
      {" { a = \"b\" ,\tc=\"d\"\n} ", {{"a", "b"}, {"c", "d"}}},
      {R"({q="say \"hi\"", bs="a\\b", nl="x\ny", t="\t"})",
       {{"q", "say \"hi\""}, {"bs", "a\\b"}, {"nl", "x\ny"}, {"t", "\t"}}},
      {R"({u="\u00e9\U0001F600", x="\x41\101"})", {{"u", "\xc3\xa9\xf0\x9f\x98\x80"}, {"x", "AA"}}},
      {"{raw=`a\\b\"c`}", {{"raw", "a\\b\"c"}}},
      {R"({_under="", CamelCase9="v"})", {{"_under", ""}, {"CamelCase9", "v"}}},
      {R"({utf8="日本"})", {{"utf8", "日本"}}},
  };
  for (const Case& c : cases) {
    LabelSet set;
    std::string why;
    ASSERT_TRUE(set.Parse(c.text, why)) << c.text << ": " << why;
    std::vector<std::pair<std::string, std::string>> got;
    for (const auto& l : set.labels()) got.emplace_back(l.name, l.value);
    EXPECT_EQ(got, c.labels) << c.text;
  }
}

TEST(Loki, MalformedLabelStringsAre400NamingThem) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "expected '{' at byte 0"},
      {"app=\"x\"", "expected '{' at byte 0"},
      {"{}", "at least one label is required"},
      {"{app=x}", "expected a quoted value at byte 5"},
      {"{app=\"x\"", "expected ',' or '}' at byte 8"},
      {"{app=\"x}", "unterminated string at byte 5"},
      {"{app!=\"x\"}", "expected '=' at byte 4"},
      {"{app=~\"x\"}", "expected a quoted value at byte 5"},
      {"{9app=\"x\"}", "expected a label name at byte 1"},
      {"{app.name=\"x\"}", "expected '=' at byte 4"},
      {"{a=\"x\",}", "expected a label name at byte 7"},
      {"{a=\"x\"} extra", "expected the end at byte 8"},
      {"{a=\"x\", a=\"y\"}", "label a appears twice"},
      {"{a=\"\\q\"}", "unknown escape at byte 4"},
      {"{a=\"\\x4\"}", "bad escape at byte 4"},
      {"{a=\"\\uD800\"}", "escape of an invalid code point at byte 4"},
      {"{a=\"\\400\"}", "octal escape above \\377 at byte 4"},
      {"{a=\"\\xff\"}", "the value of label a is not valid UTF-8"},
      {"{a=\"x\ny\"}", "newline in string at byte 5"},
      {"{a=`x}", "unterminated raw string at byte 3"},
  };
  for (const auto& [text, why] : cases) {
    logproto::PushRequest r;
    logproto::StreamAdapter* s = r.add_streams();
    s->set_labels(std::string(text));
    AddEntry(s, 1'700'000'000, 0, "x");
    const Outcome out = Protobuf(r);
    ASSERT_EQ(out.status.code(), StatusCode::kInvalidInput) << text;
    EXPECT_EQ(out.status.message(),
              "streams[0]: malformed labels \"" + std::string(text) + "\": " + std::string(why))
        << text;
  }
  // A long label string is quoted cut, at a character boundary.
  logproto::PushRequest r;
  r.add_streams()->set_labels("{a=\"" + std::string(195, 'x') + "é" + std::string(10, 'y'));
  const Outcome out = Protobuf(r);
  EXPECT_NE(out.status.message().find("\"{a=\"" + std::string(195, 'x') + "...\": "),
            std::string::npos)
      << out.status.message();
}

TEST(Loki, JsonLabelsAreCheckedLikeLabelStrings) {
  EXPECT_EQ(Json(R"({"streams":[{"stream":{"app.name":"x"},"values":[]}]})").status.message(),
            "streams[0]: invalid label name \"app.name\" (expected [a-zA-Z_][a-zA-Z0-9_]*)");
  EXPECT_EQ(Json(R"({"streams":[{"stream":{"a":"x","a":"y"}}]})").status.message(),
            "streams[0]: label a appears twice");
  EXPECT_EQ(Json(R"({"streams":[{"stream":{"a":1}}]})").status.message(),
            "streams[0]: label values must be strings");
  // Escapes are JSON's, and the value is stored as sent.
  const Outcome out = Json(R"({"streams":[{"stream":{"a":"x\"y\n"},"values":[["1","l"]]}]})");
  ASSERT_TRUE(out.status.ok());
  EXPECT_NE(out.rows[0].find("a:3=x\"y\n\n"), std::string::npos);
}

TEST(Loki, MalformedJsonBodies) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"[]", "expected a JSON object {\"streams\":[...]}"},
      {R"({"streams":{}})", "\"streams\" must be an array"},
      {R"({"streams":[1]})", "streams[0]: expected an object"},
      {R"({"streams":[{"values":[]}]})", "streams[0]: expected \"stream\": an object of labels"},
      {R"({"streams":[{"stream":{"a":"b"},"values":{}}]})",
       "streams[0]: expected \"values\": an array of entries"},
      {R"({"streams":[{"stream":{"a":"b"},"values":[[1,"x"]]}]})",
       "streams[0].values[0]: the timestamp must be a string of Unix nanoseconds"},
      {R"({"streams":[{"stream":{"a":"b"},"values":[["1x","x"]]}]})",
       "streams[0].values[0]: the timestamp must be a string of Unix nanoseconds (an int64)"},
      {R"({"streams":[{"stream":{"a":"b"},"values":[["99999999999999999999","x"]]}]})",
       "streams[0].values[0]: the timestamp must be a string of Unix nanoseconds (an int64)"},
      {R"({"streams":[{"stream":{"a":"b"},"values":[["1"]]}]})",
       "streams[0].values[0]: the line must be a string"},
      {R"({"streams":[{"stream":{"a":"b"},"values":[["1","x",{"k":1}]]}]})",
       "streams[0].values[0]: structured metadata values must be strings"},
      {R"({"streams":[{"stream":{"a":"b"},"values":[["1","x",[]]]}]})",
       "streams[0].values[0]: structured metadata must be an object of strings"},
      {R"({"streams":[{"stream":{"a":"b"},"values":[["1","x",{},1]]}]})",
       "streams[0].values[0]: an entry has at most 3 elements"},
  };
  for (const auto& [body, why] : cases) {
    const Outcome out = Json(body);
    EXPECT_EQ(out.status.code(), StatusCode::kInvalidInput) << body;
    EXPECT_EQ(out.status.message(), why) << body;
  }
  EXPECT_EQ(Json(R"({"streams":[]} x)").status.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(Json(R"({"streams":[)").status.code(), StatusCode::kInvalidInput);
}

TEST(Loki, BodiesThatAreNotSnappy) {
  EXPECT_EQ(DecodeWith(DecodeProtobuf, "").status.code(), StatusCode::kInvalidInput);
  // The uncompressed message is not a snappy body.
  EXPECT_EQ(DecodeWith(DecodeProtobuf, Sample().SerializeAsString()).status.code(),
            StatusCode::kInvalidInput);
  // A preamble claiming far more than the body can hold is refused before allocating.
  EXPECT_EQ(DecodeWith(DecodeProtobuf,
                       "\xff\xff\xff\xff\x0f"
                       "abc")
                .status.message(),
            "the body is not snappy-compressed (Loki's protobuf bodies are snappy block format)");
  std::string truncated = SnappyBody(Sample());
  truncated.pop_back();
  EXPECT_EQ(DecodeWith(DecodeProtobuf, truncated).status.message(),
            "the body is not valid snappy (block format)");
  EXPECT_EQ(UncompressedBytes(SnappyBody(Sample())), Sample().ByteSizeLong());
  EXPECT_EQ(UncompressedBytes("\xff"), 0u);
  EXPECT_EQ(UncompressedBytes("\xff\xff\xff\xff\x0f"
                              "abc"),
            0u);  // 4 GiB from 8 bytes: no
  // An empty message is one byte of snappy.
  EXPECT_TRUE(DecodeWith(DecodeProtobuf, std::string_view("\0", 1)).status.ok());
}

TEST(Loki, MalformedProtobufNamesWhere) {
  logproto::PushRequest r = Sample();
  r.mutable_streams(1)->mutable_entries(0)->set_line("\xff");
  const Outcome out = Protobuf(r);
  EXPECT_EQ(
      out.status.message(),
      "malformed protobuf PushRequest (streams[1].entries[0]): string field is not valid UTF-8");
}

TEST(Loki, FixedColumnsWinCollisionsAndLabelsWinOverMetadata) {
  logproto::PushRequest r;
  logproto::StreamAdapter* s = r.add_streams();
  s->set_labels(R"({body="label", env="prod", _timestamp="x"})");
  logproto::EntryAdapter* e = AddEntry(s, 1'700'000'000, 0, "the line");
  AddMetadata(e, "env", "meta");
  AddMetadata(e, "Trace-ID", "t");
  const Outcome out = Protobuf(r);
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  ASSERT_EQ(out.rows.size(), 1u);
  EXPECT_EQ(out.rows[0],
            "_extra:3={\"body\":\"label\",\"_timestamp\":\"x\",\"env\":\"meta\"}\n"
            "_timestamp:4=1700000000000000\nbody:3=the line\nenv:3=prod\n"
            "time_unix_nano:1=1700000000000000000\ntrace_id:3=t\n");
}

TEST(Loki, UnknownFieldsAreSkipped) {
  // PushRequest.format (2), StreamAdapter.hash (3), EntryAdapter.parsed (4): Loki's fields ingot
  // does not map, and a field no version has.
  logproto::PushRequest r = Sample();
  std::string message = r.SerializeAsString();
  message += std::string("\x12\x04loki", 6);  // format = "loki"
  message += std::string("\xa0\x1f\x01", 3);  // field 500, varint
  std::string stream = r.streams(1).SerializeAsString();
  stream += std::string("\x18\x2a", 2);  // hash = 42
  const Outcome a = DecodeWith(DecodePushRequest, message);
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  EXPECT_EQ(a.rows, kSampleRows);
  std::string with_hash = "\x0a" + std::string(1, static_cast<char>(stream.size())) + stream;
  const Outcome b = DecodeWith(DecodePushRequest, with_hash);
  ASSERT_TRUE(b.status.ok()) << b.status.message();
  EXPECT_EQ(b.rows, std::vector<std::string>{kSampleRows[2]});
}

}  // namespace
}  // namespace ingot::protocols::loki
