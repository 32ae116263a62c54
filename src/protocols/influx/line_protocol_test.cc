#include "protocols/influx/line_protocol.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "model/column.h"
#include "protocols/json/test_body.h"
#include "workload/line_protocol_generator.h"

namespace ingot::protocols::influx {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000'000;

model::BuilderOptions Options() {
  model::BuilderOptions o;
  o.now_us = kNow;
  return o;
}

struct Decode {
  explicit Decode(const model::BuilderOptions& options) : decoded(options) {}
  Decoded decoded;
  LineErrors errors;
  Status status;

  StreamRecords* stream(std::string_view name) {
    for (auto& s : decoded.streams()) {
      if (s->name == name) return s.get();
    }
    return nullptr;
  }
  // Row `r` of stream `name` as "col=value ..." in column order, `_timestamp` first; strings
  // quoted, absent values left out.
  std::string Row(std::string_view name, std::size_t r) {
    StreamRecords* s = stream(name);
    if (s == nullptr) return "(no stream " + std::string(name) + ")";
    model::RecordBatch& batch = s->builder.batch();
    if (r >= batch.num_rows()) return "(no row " + std::to_string(r) + ")";
    std::string out;
    for (std::size_t c = 0; c < batch.num_columns(); ++c) {
      const model::Column& col = batch.column(c);
      if (!col.is_defined(r)) continue;
      std::size_t v = 0;  // index among the column's values
      for (std::size_t i = 0; i < r; ++i) v += col.is_defined(i) ? 1 : 0;
      if (!out.empty()) out += ' ';
      out += col.name() + "=";
      switch (col.type()) {
        case model::ColumnType::kBool: out += col.bools()[v] ? "true" : "false"; break;
        case model::ColumnType::kInt64:
        case model::ColumnType::kTimestamp: out += std::to_string(col.ints()[v]); break;
        case model::ColumnType::kFloat64: {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%.17g", col.doubles()[v]);
          out += std::string(buf) + "f";
          break;
        }
        case model::ColumnType::kString: out += "\"" + std::string(col.string_at(v)) + "\""; break;
      }
    }
    return out;
  }
};

std::unique_ptr<Decode> Lp(std::string_view text, Precision precision = Precision::kNanoseconds,
                           const model::BuilderOptions& options = Options()) {
  auto d = std::make_unique<Decode>(options);
  json::PaddedBody body(text);
  d->status = DecodeLineProtocol(body.view(), precision, d->decoded, d->errors);
  d->decoded.Finish();
  return d;
}

// One line, one point: the columns it gives (timestamp 1700000000123456789 ns).
TEST(LineProtocol, SyntaxAndTypes) {
  struct Case {
    std::string line;
    std::string stream;
    std::string row;
  };
  const std::string ts = " 1700000000123456789";
  const std::string t = "_timestamp=1700000000123456 ";
  const Case cases[] = {
      {"cpu value=1.5" + ts, "cpu", t + "value=1.5f"},
      {"cpu,host=a,region=eu value=1" + ts, "cpu", t + "host=\"a\" region=\"eu\" value=1f"},
      {"cpu i=-12i,u=12u,big=18446744073709551615u" + ts, "cpu",
       t + "i=-12 u=12 big=1.8446744073709552e+19f"},
      {"cpu a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE" + ts, "cpu",
       t + "a=true b=true c=true d=true e=true f=false g=false h=false i=false j=false"},
      {"cpu s=\"hello world, a=b\"" + ts, "cpu", t + "s=\"hello world, a=b\""},
      {R"(cpu s="q\"uote\\back\slash\n")" + ts, "cpu", t + R"(s="q"uote\back\slash\n")"},
      {"cpu s=\"\"" + ts, "cpu", t + "s=\"\""},
      {"cpu f=-1.5e3,g=.5,h=1.,k=1E-2" + ts, "cpu", t + "f=-1500f g=0.5f h=1f k=0.01f"},
      // Escapes in measurement, tag keys and values, field keys.
      {R"(my\ cpu\,x,ta\ g\=k=va\,l\ u\=e fi\,eld\ k\=ey=1i)" + ts, "my_cpu_x",
       t + R"(ta_g_k="va,l u=e" fi_eld_k_ey=1)"},
      {R"(cpu,path=C:\\dir\\ v=1i)" + ts, "cpu", t + R"(path="C:\dir\" v=1)"},
      {R"(cpu,path=C:\dir v=1i)" + ts, "cpu", t + R"(path="C:\dir" v=1)"},  // literal backslash
      {"cpu,k=\"quoted\" v=1i" + ts, "cpu", t + "k=\"\"quoted\"\" v=1"},
      {"cpu,k=a=b v=1i" + ts, "cpu", t + "k=\"a=b\" v=1"},
      // Names become columns and streams as everywhere (docs/normalization.md).
      {"CPU.Load,Host=a Value=1i" + ts, "cpu_load", t + "host=\"a\" value=1"},
      {"cpu,date=x hour=1i" + ts, "cpu", t + "date_=\"x\" hour_=1"},
      // A tag and a field of the same name: the second value goes to `_extra`.
      {"cpu,v=a v=1i" + ts, "cpu", t + "v=\"a\" _extra=\"{\"v\":1}\""},
      // The line's timestamp sets `_timestamp`; a field of that name is kept in `_extra`.
      {"cpu @timestamp=5i" + ts, "cpu", t + "_extra=\"{\"_timestamp\":5}\""},
      {"cpu _timestamp=5i", "cpu", "_timestamp=1700000000000000 _extra=\"{\"_timestamp\":5}\""},
      // No timestamp: the arrival time; spaces around the sections.
      {"cpu v=1i", "cpu", "_timestamp=1700000000000000 v=1"},
      {"cpu   v=1i  ", "cpu", "_timestamp=1700000000000000 v=1"},
      {"  \tcpu v=1i  1700000000123456789  ", "cpu", t + "v=1"},
      {"cpu v=1i -1000", "cpu", "_timestamp=-1 v=1"},  // floor, not truncation
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    auto d = Lp(c.line);
    ASSERT_TRUE(d->status.ok()) << d->status.ToString();
    EXPECT_TRUE(d->errors.ok()) << d->errors.first;
    EXPECT_EQ(d->Row(c.stream, 0), c.row);
  }
}

TEST(LineProtocol, Precision) {
  struct Case {
    std::string_view text;
    Precision precision;
    std::string_view line;
    std::int64_t micros;
  };
  const Case cases[] = {
      {"", Precision::kNanoseconds, "m v=1 1700000000123456789", 1700000000123456},
      {"ns", Precision::kNanoseconds, "m v=1 1700000000123456789", 1700000000123456},
      {"n", Precision::kNanoseconds, "m v=1 1700000000123456789", 1700000000123456},
      {"us", Precision::kMicroseconds, "m v=1 1700000000123456", 1700000000123456},
      {"u", Precision::kMicroseconds, "m v=1 1700000000123456", 1700000000123456},
      {"ms", Precision::kMilliseconds, "m v=1 1700000000123", 1700000000123000},
      {"s", Precision::kSeconds, "m v=1 1700000000", 1700000000000000},
      {"m", Precision::kMinutes, "m v=1 28333333", 28333333LL * 60'000'000},
      {"h", Precision::kHours, "m v=1 472222", 472222LL * 3'600'000'000},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    ASSERT_EQ(ParsePrecision(c.text), c.precision);
    auto d = Lp(c.line, c.precision);
    ASSERT_TRUE(d->status.ok()) << d->status.ToString();
    EXPECT_EQ(d->Row("m", 0), "_timestamp=" + std::to_string(c.micros) + " v=1f");
  }
  for (std::string_view bad : {"NS", "sec", "x", "mins", "µs", "1"}) {
    EXPECT_FALSE(ParsePrecision(bad).has_value()) << bad;
  }
  // A timestamp outside what ingot stores is a bad line.
  auto old = Lp("m v=1 -99999999999", Precision::kSeconds);
  EXPECT_EQ(old->errors.first,
            "line 1: unable to parse 'm v=1 -99999999999': _timestamp -1199-02-15T14:13:21.000000Z "
            "is outside the range "
            "ingot stores [0001-01-01T00:00:00.000000Z, 9999-12-31T23:59:59.999999Z]");
  // A timestamp that overflows in microseconds is a bad line, not a wrapped value.
  auto d = Lp("m v=1 9223372036854775807", Precision::kSeconds);
  EXPECT_FALSE(d->status.ok());
  EXPECT_EQ(d->errors.first,
            "line 1: unable to parse 'm v=1 9223372036854775807': timestamp out of range");
}

// Each bad line is counted, the first named with its number and why; the valid lines are stored.
TEST(LineProtocol, BadLines) {
  struct Case {
    std::string line;
    std::string why;
  };
  const Case cases[] = {
      {"cpu", "missing fields"},
      {"cpu ", "missing fields"},
      {",t=1 v=1", "missing measurement"},
      {"cpu,t v=1", "missing tag value"},
      {"cpu,t= v=1", "missing tag value"},
      {"cpu,=x v=1", "missing tag key"},
      {"cpu v", "missing field value"},
      {"cpu v=", "missing field value"},
      {"cpu =1", "missing field key"},
      {"cpu v=1,", "missing field key"},
      {"cpu v=abc", "invalid field value"},
      {"cpu v=tru", "invalid boolean"},
      {"cpu v=1.5i", "invalid number"},
      {"cpu v=-1u", "invalid number"},
      {"cpu v=i", "invalid number"},
      {"cpu v=99999999999999999999i", "integer out of range"},
      {"cpu v=1e999", "float out of range"},
      {"cpu v=inf", "invalid field value"},
      {"cpu v=nan", "invalid field value"},
      {"cpu v=+1", "invalid field value"},
      {"cpu v=1x", "invalid number"},
      {"cpu v=\"abc\"x", "invalid field format"},
      {"cpu v=\"abc", "unterminated string field value"},
      {"cpu v=1 12a", "invalid timestamp"},
      {"cpu v=1 1.5", "invalid timestamp"},
      {"cpu v=1 99999999999999999999", "timestamp out of range"},
      {"cpu v=1 1 2", "unexpected text after the timestamp"},
      {std::string(200, 'm') + " v=1",
       "measurement name \"" + std::string(32, 'm') + "...\" is 200 bytes, over the limit of 128"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    auto d = Lp("ok v=1i 1700000000000000000\n" + c.line + "\nok v=2i 1700000000000000000\n");
    ASSERT_TRUE(d->status.ok()) << d->status.ToString();
    EXPECT_EQ(d->errors.bad, 1u);
    std::string quoted = c.line.substr(0, 64);
    if (c.line.size() > 64) quoted += "...";
    EXPECT_EQ(d->errors.first, "line 2: unable to parse '" + quoted + "': " + c.why);
    EXPECT_EQ(d->Row("ok", 0), "_timestamp=1700000000000000 v=1");
    EXPECT_EQ(d->Row("ok", 1), "_timestamp=1700000000000000 v=2");
  }
}

// The message quotes 64 bytes of the line, never half a UTF-8 character (it goes into JSON).
TEST(LineProtocol, QuotesCutAtCharacterBoundaries) {
  const std::string line = std::string(63, 'm') + "\xc3\xa9 v";  // é across byte 64
  auto d = Lp(line);
  EXPECT_EQ(d->status.message(),
            "line 1: unable to parse '" + std::string(63, 'm') + "...': missing field value");
}

TEST(LineProtocol, OnlyBadLinesFailTheRequest) {
  auto d = Lp("cpu\ncpu v=\n");
  EXPECT_EQ(d->status.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(d->status.message(), "line 1: unable to parse 'cpu': missing fields");
  EXPECT_EQ(d->errors.bad, 2u);
  // An empty body, or one of comments, stores nothing and is fine.
  for (std::string_view body : {"", "\n\n", "# just a comment\n", "  \r\n"}) {
    auto e = Lp(body);
    EXPECT_TRUE(e->status.ok()) << body;
    EXPECT_TRUE(e->decoded.streams().empty());
  }
}

TEST(LineProtocol, CommentsBlankLinesCrlfAndLineNumbers) {
  auto d =
      Lp("# comment\r\n"
         "\r\n"
         "cpu v=1i 1700000000000000000\r\n"
         "   # indented comment\n"
         "cpu s=\"two\nlines\" 1700000000000000000\r\n"  // lines 5 and 6
         "cpu v=\n"                                      // line 7: bad
         "cpu v=3i\r\n"
         "cpu v=4i");
  ASSERT_TRUE(d->status.ok()) << d->status.ToString();
  EXPECT_EQ(d->errors.first, "line 7: unable to parse 'cpu v=': missing field value");
  EXPECT_EQ(d->Row("cpu", 0), "_timestamp=1700000000000000 v=1");
  EXPECT_EQ(d->Row("cpu", 1), "_timestamp=1700000000000000 s=\"two\nlines\"");
  EXPECT_EQ(d->Row("cpu", 2), "_timestamp=1700000000000000 v=3");
  EXPECT_EQ(d->Row("cpu", 3), "_timestamp=1700000000000000 v=4");
}

TEST(LineProtocol, MeasurementsAreStreamsAndFieldsWiden) {
  auto d =
      Lp("cpu,host=a v=1i 1700000000000000000\n"
         "mem free=10i 1700000000000000000\n"
         "cpu,host=b v=2.5 1700000000000000000\n"
         "mem free=\"lots\" 1700000000000000000\n"
         "cpu v=true 1700000000000000000\n");
  ASSERT_TRUE(d->status.ok()) << d->status.ToString();
  ASSERT_EQ(d->decoded.streams().size(), 2u);
  EXPECT_EQ(d->Row("cpu", 0), "_timestamp=1700000000000000 host=\"a\" v=1f");
  EXPECT_EQ(d->Row("cpu", 1), "_timestamp=1700000000000000 host=\"b\" v=2.5f");
  EXPECT_EQ(d->Row("cpu", 2), "_timestamp=1700000000000000 v=1f");
  EXPECT_EQ(d->Row("mem", 0), "_timestamp=1700000000000000 free=\"10\"");
  EXPECT_EQ(d->Row("mem", 1), "_timestamp=1700000000000000 free=\"lots\"");
  // Over the 16 remembered measurements, names are looked up again.
  std::string body;
  for (int i = 0; i < 40; ++i) body += "m" + std::to_string(i % 20) + " v=1i\n";
  auto many = Lp(body);
  ASSERT_TRUE(many->status.ok());
  EXPECT_EQ(many->decoded.streams().size(), 20u);
  for (const auto& s : many->decoded.streams()) EXPECT_EQ(s->builder.records(), 2u) << s->name;
}

// A record that fails after parsing (outside the accepted window, over --max-fields or
// --max-record-size, not UTF-8) is a bad line, and counted as its stream's failure.
TEST(LineProtocol, RecordLimits) {
  model::BuilderOptions o = Options();
  o.min_timestamp_us = kNow - 1'000'000;
  o.max_fields = 3;
  o.max_record_bytes = 40;
  auto d =
      Lp("cpu v=1i\n"
         "cpu v=1i 1000000000000000000\n"
         "cpu a=1i,b=2i,c=3i,d=4i\n"
         "cpu v=\"" +
             std::string(40, 'x') +
             "\"\n"
             "cpu v=\"\xff\"\n",
         Precision::kNanoseconds, o);
  ASSERT_TRUE(d->status.ok());
  EXPECT_EQ(d->errors.bad, 4u);
  EXPECT_EQ(d->errors.first,
            "line 2: unable to parse 'cpu v=1i 1000000000000000000': _timestamp "
            "2001-09-09T01:46:40.000000Z is outside the accepted window "
            "[2023-11-14T22:13:19.000000Z, 294247-01-10T04:00:54.775807Z]");
  EXPECT_EQ(d->stream("cpu")->builder.records(), 1u);
  EXPECT_EQ(d->stream("cpu")->failed, 2u);  // the window and --max-fields
  auto utf8 = Lp("cpu v=\"\xff\"\n", Precision::kNanoseconds, o);
  EXPECT_EQ(utf8->status.message(), "line 1: unable to parse 'cpu v=\"?\"': invalid UTF-8");
}

// Round trip through a reference encoder: InfluxDB's escaping rules as influxdb-python
// (make_line: `\` `,` ` ` `=` escaped in names and tag values, `\` and `"` in strings) writes them;
// @influxdata/influxdb-client sends the same but leaves a lone `\` as it is, which reads back the
// same except before an escapable character. tests/e2e/influx.test.mjs sends both clients' own
// bodies and checks them in DuckDB.
std::string EscapeName(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == ',' || c == ' ' || c == '=') out += '\\';
    out += c;
  }
  return out;
}
std::string QuoteString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

TEST(LineProtocol, RoundTripsWhatAReferenceEncoderWrites) {
  std::mt19937 rng(12);
  const std::string alphabet = "ab,= \\\"=#xy\t";
  auto random_text = [&](std::size_t min, bool newlines) {
    std::string s(min + rng() % 6, 'a');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    if (newlines && rng() % 3 == 0) s += "\nz";
    return s;
  };
  for (int round = 0; round < 500; ++round) {
    SCOPED_TRACE(round);
    const std::string tag_value = random_text(1, false);
    const std::string string_value = random_text(0, true);
    const std::int64_t i = static_cast<std::int64_t>(rng()) - (1LL << 31);
    const std::string line = "m,tag=" + EscapeName(tag_value) + " s=" + QuoteString(string_value) +
                             ",i=" + std::to_string(i) + "i 1700000000000000000\n";
    auto d = Lp(line);
    ASSERT_TRUE(d->status.ok()) << line << d->status.ToString();
    EXPECT_EQ(d->Row("m", 0), "_timestamp=1700000000000000 tag=\"" + tag_value + "\" s=\"" +
                                  string_value + "\" i=" + std::to_string(i))
        << line;
  }
}

// What ingot-load and the benchmarks send decodes whole.
TEST(LineProtocol, DecodesTheGeneratedWorkload) {
  workload::LineProtocolGenerator gen;
  std::string body;
  for (int i = 0; i < 1000; ++i) gen.AppendRecord(body);
  auto d = Lp(body);
  ASSERT_TRUE(d->status.ok()) << d->status.ToString();
  EXPECT_TRUE(d->errors.ok()) << d->errors.first;
  ASSERT_EQ(d->decoded.streams().size(), 1u);
  EXPECT_EQ(d->stream("cpu")->builder.records(), 1000u);
  EXPECT_EQ(d->stream("cpu")->builder.batch().num_columns(), 6u);  // _timestamp, 2 tags, 3 fields
}

}  // namespace
}  // namespace ingot::protocols::influx
