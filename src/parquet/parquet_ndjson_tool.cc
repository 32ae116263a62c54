// parquet_ndjson_tool IN.ndjson OUT.parquet [codec] [zstd_level] [row_group_rows] [threads]
//                     [auto|never|always]
//
// Decodes an NDJSON file with the server's `_multi` decoder into one batch, writes it with our
// Parquet writer (row groups encoded on `threads` threads), and prints how long each half took.
// A measuring tool for docs/parquet.md (file size and per-column sizes against DuckDB's file of
// the same data); `ingot convert` is the product command.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "parquet/file_writer.h"
#include "parquet/row_group_encoder.h"
#include "parquet/write_batch.h"
#include "protocols/decoded.h"
#include "protocols/json/json_walker.h"
#include "protocols/json/multi.h"

namespace ingot::parquet {
namespace {

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

class FileStream final : public OutputStream {
 public:
  explicit FileStream(const std::string& path) : f_(path, std::ios::binary) {}
  Status Write(const void* data, std::size_t n) override {
    f_.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
    return f_ ? Status::Ok() : Status::IoError("write failed");
  }

 private:
  std::ofstream f_;
};

int Main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: %s IN.ndjson OUT.parquet [codec] [zstd_level] [row_group_rows] "
                 "[threads] [auto|never|always]\n",
                 argv[0]);
    return 2;
  }
  WriterOptions options;
  if (argc > 3) {
    Result<Codec> codec = ParseCodec(argv[3]);
    if (!codec.ok()) {
      std::fprintf(stderr, "%s\n", codec.status().ToString().c_str());
      return 2;
    }
    options.codec = codec.value();
  }
  if (argc > 4) options.zstd_level = std::atoi(argv[4]);
  if (argc > 5) options.row_group_rows = std::strtoull(argv[5], nullptr, 10);
  const unsigned threads = argc > 6 ? static_cast<unsigned>(std::atoi(argv[6])) : 1;
  if (argc > 7) {
    const std::string mode = argv[7];
    options.dictionary = mode == "never"    ? DictionaryMode::kNever
                         : mode == "always" ? DictionaryMode::kAlways
                                            : DictionaryMode::kAuto;
  }

  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string body = std::move(text).str();
  const std::size_t input_bytes = body.size();
  body.append(protocols::json::kPadding, '\0');

  auto t0 = std::chrono::steady_clock::now();
  protocols::StreamRecords stream;
  stream.builder.Reset(model::BuilderOptions{});
  Status st = protocols::json::DecodeNdjson(std::string_view(body.data(), input_bytes), stream);
  if (!st.ok()) {
    std::fprintf(stderr, "decode: %s\n", st.ToString().c_str());
    return 1;
  }
  const model::RecordBatch& batch = stream.builder.Finish();
  const double decode_s = Since(t0);

  t0 = std::chrono::steady_clock::now();
  const FileSchema schema = FileSchema::Of(batch);
  const std::vector<RowRange> ranges = PlanRowGroups(batch, options);
  std::vector<std::optional<Result<EncodedRowGroup>>> groups(ranges.size());
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (std::size_t g = t; g < ranges.size(); g += threads) {
        groups[g].emplace(EncodeRowGroup(batch, ranges[g].begin, ranges[g].end, schema, options));
      }
    });
  }
  for (auto& w : workers) w.join();
  const double encode_s = Since(t0);
  FileStream out(argv[2]);
  FileWriter writer(out, schema, options);
  for (auto& g : groups) {
    if (!g->ok()) {
      std::fprintf(stderr, "encode: %s\n", g->status().ToString().c_str());
      return 1;
    }
    st = writer.AppendRowGroup(std::move(g->value()));
    if (!st.ok()) break;
  }
  if (st.ok()) st = writer.Close();
  if (!st.ok()) {
    std::fprintf(stderr, "write: %s\n", st.ToString().c_str());
    return 1;
  }
  const double rows = static_cast<double>(batch.num_rows());
  std::printf(
      "records=%zu input_bytes=%zu decode_s=%.3f (%.2fM rec/s) encode_s=%.3f (%.2fM rec/s on %u "
      "threads) file_bytes=%llu row_groups=%zu\n",
      batch.num_rows(), input_bytes, decode_s, rows / decode_s / 1e6, encode_s,
      rows / encode_s / 1e6, threads, static_cast<unsigned long long>(writer.bytes_written()),
      ranges.size());
  return 0;
}

}  // namespace
}  // namespace ingot::parquet

int main(int argc, char** argv) { return ingot::parquet::Main(argc, argv); }
