#include "tools/load/dump.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "tools/load/record_source.h"

namespace ingot::load {

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

Status WriteError(const std::string& path) {
  return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
}

}  // namespace

Result<DumpResult> DumpNdjson(const LoadOptions& options, const std::string& path) {
  if (options.max_records == 0) {
    return Status::InvalidInput("--dump-ndjson needs --records N (records to write)");
  }
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "wb"));
  if (file == nullptr) return WriteError(path);

  DumpResult result;
  result.start_timestamp_ms = StartTimestampMs(options);
  std::unique_ptr<RecordSource> source =
      MakeRecordSource(options.workload, options.seed, result.start_timestamp_ms);
  constexpr std::size_t kChunk = 1 << 20;
  std::string chunk;
  chunk.reserve(kChunk + 8192);
  auto flush = [&]() -> Status {
    if (std::fwrite(chunk.data(), 1, chunk.size(), file.get()) != chunk.size()) {
      return WriteError(path);
    }
    result.bytes += chunk.size();
    chunk.clear();
    return Status::Ok();
  };
  for (std::uint64_t i = 0; i < options.max_records; ++i) {
    source->Append(chunk);
    if (chunk.size() >= kChunk) INGOT_RETURN_IF_ERROR(flush());
  }
  INGOT_RETURN_IF_ERROR(flush());
  if (std::fclose(file.release()) != 0) return WriteError(path);
  result.records = options.max_records;
  return result;
}

}  // namespace ingot::load
