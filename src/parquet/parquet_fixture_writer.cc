// parquet_fixture_writer <dir>: writes the Parquet files tests/e2e/parquet_roundtrip.test.mjs
// reads back with DuckDB, plus <dir>/manifest.json listing them.
//
// Two kinds of fixture:
//  - small ones with awkward values (NaN, infinities, -0.0, int64 extremes, empty and non-ASCII
//    strings, all-null columns); the manifest carries every expected value, as text that
//    JavaScript can compare exactly (integers as decimal strings, doubles by their shortest
//    round-trip spelling or "NaN" / "Infinity" / "-Infinity" / "-0");
//  - large ones whose values follow formulas of the row number (see FormulaBatch), so the test
//    checks hundreds of thousands of rows with one SQL query; they cover dictionary fallback,
//    multi-page chunks, several row groups and every codec.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "common/json_escape.h"
#include "model/record_batch.h"
#include "parquet/file_writer.h"
#include "parquet/row_group_encoder.h"
#include "parquet/write_batch.h"

namespace ingot::parquet {
namespace {

using model::Column;
using model::ColumnType;
using model::RecordBatch;

// Formula data, row r (the JavaScript test states the same formulas in SQL):
//   _timestamp  1700000000000000 + r * 1000 µs                          never null
//   id          r * 7919 - 1000000                                     never null, unique
//   level       ["INFO","WARN","ERROR","DEBUG"][r % 4]                  null when r % 10 == 9
//   user        "user-" + r                                            never null, unique
//   bucket      (r * 31) % 100                                         null when r % 7 == 3
//   ratio       r / 4 - 1000                                           null when r % 5 == 4
//   flag        r % 3 == 0                                             null when r % 11 == 10
RecordBatch FormulaBatch(std::size_t rows) {
  RecordBatch b;
  b.ReserveColumns(16);  // the column references below stay valid while columns are added
  Column& ts = b.column(b.AddColumn("_timestamp", ColumnType::kTimestamp));
  Column& id = b.column(b.AddColumn("id", ColumnType::kInt64));
  Column& level = b.column(b.AddColumn("level", ColumnType::kString));
  Column& user = b.column(b.AddColumn("user", ColumnType::kString));
  Column& bucket = b.column(b.AddColumn("bucket", ColumnType::kInt64));
  Column& ratio = b.column(b.AddColumn("ratio", ColumnType::kFloat64));
  Column& flag = b.column(b.AddColumn("flag", ColumnType::kBool));
  static const char* kLevels[] = {"INFO", "WARN", "ERROR", "DEBUG"};
  for (std::size_t r = 0; r < rows; ++r) {
    const auto i = static_cast<std::int64_t>(r);
    ts.AppendInt(1'700'000'000'000'000 + i * 1000);
    id.AppendInt(i * 7919 - 1'000'000);
    if (r % 10 == 9) {
      level.AppendNull();
    } else {
      level.AppendString(kLevels[r % 4]);
    }
    user.AppendString("user-" + std::to_string(r));
    if (r % 7 == 3) {
      bucket.AppendNull();
    } else {
      bucket.AppendInt(i * 31 % 100);
    }
    if (r % 5 == 4) {
      ratio.AppendNull();
    } else {
      ratio.AppendDouble(static_cast<double>(i) / 4.0 - 1000.0);
    }
    if (r % 11 == 10) {
      flag.AppendNull();
    } else {
      flag.AppendBool(r % 3 == 0);
    }
    b.CommitRow();
  }
  return b;
}

// Awkward values, one row each.
RecordBatch SpecialValuesBatch() {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::int64_t min64 = std::numeric_limits<std::int64_t>::min();
  const std::int64_t max64 = std::numeric_limits<std::int64_t>::max();
  const std::vector<double> doubles = {0.0,
                                       -0.0,
                                       inf,
                                       -inf,
                                       nan,
                                       std::numeric_limits<double>::max(),
                                       std::numeric_limits<double>::denorm_min(),
                                       -1.5,
                                       1e-300,
                                       0.1,
                                       123456789.125,
                                       -2.5e100};
  const std::vector<std::int64_t> ints = {
      0,         -1, 1,   min64,     max64,           min64 + 1,
      max64 - 1, 42, -42, 1LL << 53, (1LL << 53) + 1, -(1LL << 60)};
  const std::vector<std::string> strings = {
      "",
      "plain ascii",
      "caf\xC3\xA9",                           // é: 2-byte UTF-8, sorts above ASCII
      "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",  // 日本語
      "\xF0\x9F\x98\x80 emoji",                // 😀
      "e\xCC\x81 combining",                   // e + combining acute
      "quote \" backslash \\ tab \t newline \n end",
      std::string(200, 'z') + " long (statistics cut at 64 bytes)",
      "\x7F delete char",
      " leading space",
      "",
      "~tilde"};
  RecordBatch b;
  b.ReserveColumns(16);  // the column references below stay valid while columns are added
  Column& ts = b.column(b.AddColumn("_timestamp", ColumnType::kTimestamp));
  Column& i64 = b.column(b.AddColumn("i64", ColumnType::kInt64));
  Column& f64 = b.column(b.AddColumn("f64", ColumnType::kFloat64));
  Column& str = b.column(b.AddColumn("str", ColumnType::kString));
  Column& flag = b.column(b.AddColumn("flag", ColumnType::kBool));
  Column& sparse = b.column(b.AddColumn("sparse", ColumnType::kString));
  Column& ts_extreme = b.column(b.AddColumn("ts_extreme", ColumnType::kTimestamp));
  // Long values: both statistics bounds are cut to 64 bytes (and marked inexact).
  Column& long_str = b.column(b.AddColumn("long_str", ColumnType::kString));
  const std::vector<std::int64_t> timestamps = {0,                   // epoch
                                                -1,                  // just before it
                                                253402300799999999,  // 9999-12-31T23:59:59.999999Z
                                                -62135596800000000,  // 0001-01-01T00:00:00Z
                                                1700000000123456,
                                                1,
                                                946684800000000,
                                                951782400000000,  // ..., 2000-01-01, 2000-02-29
                                                4102444800000000,
                                                1700000000000000,
                                                1700000000000001,
                                                1699999999999999};
  for (std::size_t r = 0; r < doubles.size(); ++r) {
    ts.AppendInt(1'700'000'000'000'000 + static_cast<std::int64_t>(r));
    i64.AppendInt(ints[r]);
    f64.AppendDouble(doubles[r]);
    str.AppendString(strings[r]);
    flag.AppendBool(r % 2 == 1);
    if (r == 5) {
      sparse.AppendString("only value");
    } else {
      sparse.AppendNull();
    }
    ts_extreme.AppendInt(timestamps[r]);
    long_str.AppendString(std::string(100, static_cast<char>('a' + r % 3)) + std::to_string(r));
    b.CommitRow();
  }
  return b;
}

// Every type with nulls in different rows, and columns that are entirely null.
RecordBatch MixedNullsBatch() {
  RecordBatch b;
  b.ReserveColumns(16);  // the column references below stay valid while columns are added
  Column& ts = b.column(b.AddColumn("_timestamp", ColumnType::kTimestamp));
  Column& i64 = b.column(b.AddColumn("i64", ColumnType::kInt64));
  Column& f64 = b.column(b.AddColumn("f64", ColumnType::kFloat64));
  Column& str = b.column(b.AddColumn("str", ColumnType::kString));
  Column& flag = b.column(b.AddColumn("flag", ColumnType::kBool));
  b.AddColumn("null_i64", ColumnType::kInt64);
  b.AddColumn("null_f64", ColumnType::kFloat64);
  b.AddColumn("null_str", ColumnType::kString);
  b.AddColumn("null_bool", ColumnType::kBool);
  b.AddColumn("null_ts", ColumnType::kTimestamp);
  for (std::size_t r = 0; r < 40; ++r) {
    const auto i = static_cast<std::int64_t>(r);
    ts.AppendInt(1'700'000'000'000'000 + i * 1'000'000);
    if (r % 2 == 0) {
      i64.AppendNull();
    } else {
      i64.AppendInt(i * i - 100);
    }
    if (r % 3 == 0) {
      f64.AppendNull();
    } else {
      f64.AppendDouble(static_cast<double>(i) * 0.5);
    }
    if (r % 4 == 1) {
      str.AppendNull();
    } else {
      str.AppendString(r % 8 == 0 ? std::string() : "s" + std::to_string(r % 5));
    }
    if (r % 5 == 2) {
      flag.AppendNull();
    } else {
      flag.AppendBool(r % 3 == 1);
    }
    for (std::size_t c = 5; c < b.num_columns(); ++c) b.column(c).AppendNull();
    b.CommitRow();
  }
  return b;
}

void AppendValueJson(const Column& c, std::size_t value, std::string& out) {
  switch (c.type()) {
    case ColumnType::kBool: out += c.bools()[value] ? "true" : "false"; break;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp: out += '"' + std::to_string(c.ints()[value]) + '"'; break;
    case ColumnType::kFloat64: {
      const double d = c.doubles()[value];
      std::string text;
      if (d == 0 && std::signbit(d)) {
        text = "-0";
      } else {
        model::AppendDoubleText(d, text);
      }
      out += '"' + text + '"';
      break;
    }
    case ColumnType::kString: AppendJsonString(c.string_at(value), out); break;
  }
}

// {"name": [v0, v1, null, ...], ...} for every column of the file (all nulls for a schema column
// the batch lacks).
std::string ValuesJson(const RecordBatch& b, const FileSchema& schema) {
  std::string out = "{";
  for (std::size_t c = 0; c < schema.columns.size(); ++c) {
    const int index = b.FindColumn(schema.columns[c].first);
    if (c > 0) out += ",";
    out += "\n      ";
    AppendJsonString(schema.columns[c].first, out);
    out += ": [";
    std::size_t value = 0;
    for (std::size_t r = 0; r < b.num_rows(); ++r) {
      if (r > 0) out += ", ";
      const Column* col = index < 0 ? nullptr : &b.column(static_cast<std::size_t>(index));
      if (col != nullptr && col->is_defined(r)) {
        AppendValueJson(*col, value++, out);
      } else {
        out += "null";
      }
    }
    out += "]";
  }
  return out + "}";
}

struct Fixtures {
  std::string dir;
  std::string manifest = "{\"fixtures\": [";
  bool first = true;
  bool ok = true;

  // Writes `batch` as <name>.parquet and records it in the manifest; `values` says whether the
  // manifest lists every value.
  void Add(const std::string& name, const RecordBatch& batch, const WriterOptions& options,
           bool values, const FileSchema* explicit_schema = nullptr) {
    const FileSchema schema = explicit_schema == nullptr ? FileSchema::Of(batch) : *explicit_schema;
    StringOutputStream out;
    Status st = explicit_schema == nullptr ? WriteBatch(batch, options, out)
                                           : WriteWithSchema(batch, schema, options, out);
    if (!st.ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), st.ToString().c_str());
      ok = false;
      return;
    }
    std::ofstream f(dir + "/" + name + ".parquet", std::ios::binary);
    f.write(out.contents().data(), static_cast<std::streamsize>(out.contents().size()));
    if (!f) {
      std::fprintf(stderr, "%s: cannot write file\n", name.c_str());
      ok = false;
      return;
    }
    manifest += first ? "\n  " : ",\n  ";
    first = false;
    manifest += "{\"name\": \"" + name + "\", \"file\": \"" + name +
                ".parquet\", \"rows\": " + std::to_string(batch.num_rows()) + ", \"codec\": \"" +
                std::string(CodecName(options.codec)) + "\",\n    \"columns\": [";
    for (std::size_t c = 0; c < schema.columns.size(); ++c) {
      if (c > 0) manifest += ", ";
      manifest += "{\"name\": ";
      AppendJsonString(schema.columns[c].first, manifest);
      manifest +=
          ", \"type\": \"" + std::string(model::ColumnTypeName(schema.columns[c].second)) + "\"}";
    }
    manifest += "]";
    if (values) manifest += ",\n    \"values\": " + ValuesJson(batch, schema);
    manifest += "}";
  }

  // One row group with an explicit schema (used for a column the batch lacks).
  static Status WriteWithSchema(const RecordBatch& batch, const FileSchema& schema,
                                const WriterOptions& options, OutputStream& out) {
    FileWriter writer(out, schema, options);
    Result<EncodedRowGroup> group = EncodeRowGroup(batch, 0, batch.num_rows(), schema, options);
    if (!group.ok()) return group.status();
    INGOT_RETURN_IF_ERROR(writer.AppendRowGroup(std::move(group.value())));
    return writer.Close();
  }
};

int Main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output-dir>\n", argv[0]);
    return 2;
  }
  Fixtures fx;
  fx.dir = argv[1];

  fx.Add("special_values", SpecialValuesBatch(), WriterOptions{}, true);

  {
    const RecordBatch batch = MixedNullsBatch();
    FileSchema schema = FileSchema::Of(batch);
    // A column the batch does not have is written all-null.
    schema.columns.emplace_back("absent", ColumnType::kString);
    fx.Add("mixed_nulls", batch, WriterOptions{}, true, &schema);
  }

  {
    WriterOptions options;
    options.key_value_metadata = {{"ingot.fixture", "formula"}, {"ingot.empty", ""}};
    options.data_page_bytes = 64 * 1024;  // many pages per chunk
    options.row_group_rows = 100'000;     // 250k rows -> 3 row groups
    fx.Add("multi_row_group", FormulaBatch(250'000), options, false);
  }

  {
    // Low dictionary limit: `level` (34 bytes of dictionary) keeps it, `bucket` (800 bytes)
    // falls back to PLAIN.
    WriterOptions options;
    options.dictionary_bytes_limit = 500;
    fx.Add("dictionary_limit", FormulaBatch(20'000), options, false);
  }

  for (const char* codec : {"zstd", "snappy", "lz4", "none"}) {
    WriterOptions options;
    options.codec = ParseCodec(codec).value();
    fx.Add(std::string("codec_") + codec, FormulaBatch(30'000), options, false);
  }

  {
    RecordBatch empty;
    empty.AddColumn("_timestamp", ColumnType::kTimestamp);
    empty.AddColumn("message", ColumnType::kString);
    fx.Add("empty", empty, WriterOptions{}, true);
  }

  fx.manifest += "\n]}\n";
  std::ofstream m(fx.dir + "/manifest.json");
  m << fx.manifest;
  if (!m) {
    std::fprintf(stderr, "cannot write manifest.json\n");
    return 1;
  }
  return fx.ok ? 0 : 1;
}

}  // namespace
}  // namespace ingot::parquet

int main(int argc, char** argv) { return ingot::parquet::Main(argc, argv); }
