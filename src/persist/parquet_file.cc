#include "persist/parquet_file.h"

#include <filesystem>

#include "parquet/output_stream.h"
#include "parquet/write_batch.h"

namespace ingot::persist {

namespace {

// Feeds the Parquet writer's output to an fs::WritableFile, counting bytes.
class FileOutputStream final : public parquet::OutputStream {
 public:
  explicit FileOutputStream(fs::WritableFile& file) : file_(file) {}
  Status Write(const void* data, std::size_t n) override {
    bytes_ += n;
    return file_.Append(data, n);
  }
  std::uint64_t bytes() const { return bytes_; }

 private:
  fs::WritableFile& file_;
  std::uint64_t bytes_ = 0;
};

Status WriteAndSync(fs::WritableFile& file, const model::RecordBatch& batch,
                    const parquet::WriterOptions& options, std::uint64_t& bytes) {
  FileOutputStream out(file);
  INGOT_RETURN_IF_ERROR(parquet::WriteBatch(batch, options, out));
  bytes = out.bytes();
  INGOT_RETURN_IF_ERROR(file.Sync());
  return file.Close();
}

}  // namespace

Result<PublishedFile> PublishParquetFile(fs::FileSystem& fs, const std::string& dir,
                                         const std::string& name, const model::RecordBatch& batch,
                                         const parquet::WriterOptions& options) {
  INGOT_RETURN_IF_ERROR(fs.CreateDirs(dir));
  const std::string tmp = dir + "/." + name + ".tmp";
  const std::string path = dir + "/" + name;
  auto file = fs.NewWritableFile(tmp);
  if (!file.ok()) return file.status();
  std::uint64_t bytes = 0;
  Status st = WriteAndSync(**file, batch, options, bytes);
  file->reset();
  if (st.ok()) st = fs.RenameNoReplace(tmp, path);
  if (!st.ok()) {
    (void)fs.Remove(tmp);  // best effort: a leftover is removed at the next start anyway
    return st;
  }
  INGOT_RETURN_IF_ERROR(fs.SyncDir(dir));
  return PublishedFile{path, bytes};
}

std::size_t RemoveTemporaryFiles(fs::FileSystem& fs, const std::string& root) {
  std::size_t removed = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_regular_file(ec) && name.size() > 5 && name[0] == '.' && name.ends_with(".tmp") &&
        fs.Remove(it->path().string()).ok()) {
      ++removed;
    }
  }
  return removed;
}

}  // namespace ingot::persist
