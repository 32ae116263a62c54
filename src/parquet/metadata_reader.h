// Reading back what ingot needs from the footer of a Parquet file it wrote: the row count and the
// key-value metadata (ingot.schema, ingot.wal_seqs). Recovery uses it to learn which WAL records
// a file already holds. Checks the magic numbers and the footer length; never trusts a length
// further than the file reaches.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace ingot::parquet {

struct FooterSummary {
  std::int64_t num_rows = 0;
  std::vector<std::pair<std::string, std::string>> key_value_metadata;

  // The value of `key`, or empty.
  std::string_view Value(std::string_view key) const;
};

// From the file's last bytes: `tail` must hold at least the footer, its length and the magic
// ("...<footer><u32 length>PAR1"); the whole file works too.
Result<FooterSummary> ParseFooter(std::string_view tail);

// Reads the footer of the file at `path` (two reads from its end).
Result<FooterSummary> ReadFooter(const std::string& path);

}  // namespace ingot::parquet
