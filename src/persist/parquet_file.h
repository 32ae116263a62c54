// Publishing a Parquet file so that readers never see a partial one and a crash never leaves a
// file that claims data it does not hold: write "<dir>/.<name>.tmp", fsync it, rename it to
// "<dir>/<name>" (never replacing an existing file), fsync the directory (DESIGN.md rule 8).
#pragma once

#include <string>

#include "common/status.h"
#include "fs/file_system.h"
#include "model/record_batch.h"
#include "parquet/writer_options.h"

namespace ingot::persist {

struct PublishedFile {
  std::string path;
  std::uint64_t bytes = 0;
};

// Encodes `batch` and publishes it as `dir`/`name` (creating `dir` as needed). On failure the
// temporary file is removed and nothing is published.
Result<PublishedFile> PublishParquetFile(fs::FileSystem& fs, const std::string& dir,
                                         const std::string& name, const model::RecordBatch& batch,
                                         const parquet::WriterOptions& options);

// Removes leftover "<dir>/.*.tmp" files of an interrupted publish, recursively below `root`.
// Returns how many were removed.
std::size_t RemoveTemporaryFiles(fs::FileSystem& fs, const std::string& root);

}  // namespace ingot::persist
