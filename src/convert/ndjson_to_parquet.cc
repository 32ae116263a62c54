#include "convert/ndjson_to_parquet.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "common/input_padding.h"
#include "fs/file_system.h"
#include "parquet/file_writer.h"
#include "parquet/write_batch.h"
#include "protocols/decoded.h"
#include "protocols/json/multi.h"

namespace ingot::convert {

namespace {

// The input file, mapped read-only. The last chunk is decoded from a padded copy, because the
// parser reads up to kInputPadding bytes past the end of what it parses and the mapping ends there.
class MappedInput {
 public:
  ~MappedInput() {
    if (data_ != nullptr && data_ != MAP_FAILED) ::munmap(const_cast<char*>(data_), size_);
  }
  Status Open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::IoError("open " + path + ": " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return Status::IoError("stat " + path + ": " + std::strerror(errno));
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
      // MAP_POPULATE: fault the pages in up front, in the kernel, instead of one by one while
      // parsing (first touch of a page costs microseconds on this kind of VM; BASELINES.md).
      void* map = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (map == MAP_FAILED) {
        ::close(fd);
        return Status::IoError("mmap " + path + ": " + std::strerror(errno));
      }
      data_ = static_cast<const char*>(map);
    }
    ::close(fd);
    return Status::Ok();
  }
  std::string_view view() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

struct Chunk {
  std::size_t begin = 0;  // offsets in the input
  std::size_t end = 0;
  std::string padded_copy;  // the last chunk's bytes plus padding
  std::unique_ptr<protocols::Decoded> decoded;
  Status status;
  std::vector<Result<parquet::EncodedRowGroup>> row_groups;

  std::string_view Body(std::string_view input) const {
    if (!padded_copy.empty() || begin == end) {
      return {padded_copy.data(), end - begin};
    }
    return input.substr(begin, end - begin);
  }
  model::RecordBatch& batch() { return decoded->streams().front()->builder.batch(); }
};

// Cuts the input into chunks of about `target` bytes, each ending after a newline.
std::vector<Chunk> PlanChunks(std::string_view input, std::size_t target) {
  std::vector<Chunk> chunks;
  std::size_t begin = 0;
  while (begin < input.size()) {
    std::size_t end = std::min(begin + target, input.size());
    if (end < input.size()) {
      const auto* nl =
          static_cast<const char*>(std::memchr(input.data() + end, '\n', input.size() - end));
      end = nl ? static_cast<std::size_t>(nl - input.data()) + 1 : input.size();
    }
    // A chunk must leave kInputPadding readable bytes after it: fold a short tail into this chunk.
    if (input.size() - end < kInputPadding) end = input.size();
    Chunk& c = chunks.emplace_back();
    c.begin = begin;
    c.end = end;
    begin = end;
  }
  if (!chunks.empty()) {
    Chunk& last = chunks.back();
    last.padded_copy.assign(input.data() + last.begin, last.end - last.begin);
    last.padded_copy.append(kInputPadding, '\0');
  }
  return chunks;
}

// Runs fn(i) for i in [0, n) on `threads` threads.
template <typename Fn>
void ParallelFor(std::size_t n, unsigned threads, Fn fn) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) fn(i);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads && t < n; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

// "line 12: ..." inside a chunk -> "line <absolute>: ...".
Status WithAbsoluteLine(const Status& st, std::string_view input, std::size_t chunk_begin) {
  const std::string& m = st.message();
  if (m.rfind("line ", 0) != 0) return st;
  const std::size_t lines_before =
      static_cast<std::size_t>(std::count(input.begin(), input.begin() + chunk_begin, '\n'));
  const std::size_t colon = m.find(':');
  const std::size_t line = std::stoull(m.substr(5, colon - 5)) + lines_before;
  return Status(st.code(), "line " + std::to_string(line) + m.substr(colon));
}

// The union of the chunks' columns, in first-seen order, with types widened.
parquet::FileSchema UnifiedSchema(std::vector<Chunk>& chunks) {
  parquet::FileSchema schema;
  std::unordered_map<std::string, std::size_t> index;
  for (Chunk& c : chunks) {
    const model::RecordBatch& batch = c.batch();
    for (std::size_t i = 0; i < batch.num_columns(); ++i) {
      const model::Column& col = batch.column(i);
      auto [it, inserted] = index.try_emplace(col.name(), schema.columns.size());
      if (inserted) {
        schema.columns.emplace_back(col.name(), col.type());
      } else {
        auto& type = schema.columns[it->second].second;
        type = model::WidenedType(type, col.type());
      }
    }
  }
  if (schema.columns.empty()) {  // no records: still a valid file, with the one column all have
    schema.columns.emplace_back(std::string(model::kTimestampColumn),
                                model::ColumnType::kTimestamp);
  }
  return schema;
}

class FileStream final : public parquet::OutputStream {
 public:
  explicit FileStream(fs::WritableFile& file) : file_(file) {}
  Status Write(const void* data, std::size_t n) override { return file_.Append(data, n); }

 private:
  fs::WritableFile& file_;
};

Status WriteFile(const std::string& path, const parquet::FileSchema& schema,
                 const parquet::WriterOptions& writer_options, std::vector<Chunk>& chunks,
                 ConvertStats& stats) {
  fs::FileSystem& fs = fs::PosixFileSystem();
  const std::string tmp = path + ".tmp";
  (void)fs.Remove(tmp);  // a leftover of an interrupted run
  auto file = fs.NewWritableFile(tmp);
  if (!file.ok()) return file.status();
  FileStream stream(**file);
  parquet::FileWriter writer(stream, schema, writer_options);
  Status st;
  for (Chunk& c : chunks) {
    for (auto& rg : c.row_groups) {
      if (st.ok()) st = rg.ok() ? writer.AppendRowGroup(std::move(rg.value())) : rg.status();
    }
  }
  if (st.ok()) st = writer.Close();
  if (st.ok()) st = (*file)->Sync();
  if (st.ok()) st = (*file)->Close();
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    st = Status::IoError("rename " + tmp + " to " + path + ": " + std::strerror(errno));
  }
  if (!st.ok()) {
    (void)fs.Remove(tmp);
    return st;
  }
  stats.output_bytes = writer.bytes_written();
  stats.row_groups = writer.num_row_groups();
  return Status::Ok();
}

}  // namespace

Status ConvertNdjsonToParquet(const ConvertOptions& options, ConvertStats& stats) {
  const auto started = std::chrono::steady_clock::now();
  MappedInput input;
  INGOT_RETURN_IF_ERROR(input.Open(options.input));
  const std::string_view data = input.view();
  stats.input_bytes = data.size();
  const unsigned threads =
      options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());

  std::vector<Chunk> chunks = PlanChunks(data, std::max<std::size_t>(options.chunk_bytes, 4096));
  ParallelFor(chunks.size(), threads, [&](std::size_t i) {
    Chunk& c = chunks[i];
    c.decoded = std::make_unique<protocols::Decoded>(options.normalize);
    protocols::StreamRecords& stream = c.decoded->Stream("convert");
    c.status = protocols::json::DecodeNdjson(c.Body(data), stream);
    c.decoded->Finish();
  });
  for (Chunk& c : chunks) {
    if (!c.status.ok()) return WithAbsoluteLine(c.status, data, c.begin);
    const protocols::StreamRecords& s = *c.decoded->streams().front();
    stats.records += s.builder.records();
    if (s.failed > 0 && stats.failed_records == 0) stats.first_failure = s.first_error;
    stats.failed_records += s.failed;
  }

  const parquet::FileSchema schema = UnifiedSchema(chunks);
  ParallelFor(chunks.size(), threads, [&](std::size_t i) {
    Chunk& c = chunks[i];
    model::RecordBatch& batch = c.batch();
    for (std::size_t col = 0; col < batch.num_columns(); ++col) {
      for (const auto& [name, type] : schema.columns) {
        if (name == batch.column(col).name()) batch.column(col).WidenTo(type);
      }
    }
    for (const parquet::RowRange& r : parquet::PlanRowGroups(batch, options.writer)) {
      c.row_groups.push_back(
          parquet::EncodeRowGroup(batch, r.begin, r.end, schema, options.writer));
    }
    c.decoded.reset();  // the columns are encoded: give the memory back early
  });

  INGOT_RETURN_IF_ERROR(WriteFile(options.output, schema, options.writer, chunks, stats));
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return Status::Ok();
}

}  // namespace ingot::convert
