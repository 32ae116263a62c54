#include "persist/layout.h"

#include "model/timestamp.h"

namespace ingot::persist {

std::string PartitionDir(const std::string& data_dir, const model::StreamKey& key,
                         std::int64_t hour) {
  // FormatTimestamp gives "YYYY-MM-DDTHH:..."; the date and hour are its first 13 characters.
  const std::string iso = model::FormatTimestamp(hour * model::kMicrosPerHour);
  std::string dir = data_dir;
  dir += "/files/";
  dir += key.org;
  dir += '/';
  dir += model::StreamTypeName(key.type);
  dir += '/';
  dir += key.stream;
  dir += "/date=";
  dir.append(iso, 0, 10);
  dir += "/hour=";
  dir.append(iso, 11, 2);
  return dir;
}

}  // namespace ingot::persist
