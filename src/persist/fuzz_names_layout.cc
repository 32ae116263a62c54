// Fuzzes the one check every org and stream name goes through (model::StreamName) together with
// the directory layout built from its result (persist::PartitionDir): whatever bytes a client
// sends, a name is either refused with kInvalidInput, or it is a stored name (1 to 128 bytes of
// [a-z0-9_:], the same when checked again) and every partition directory made from it is a path
// of exactly the layout's components below <data-dir>/files, none empty, "." or "..", none over
// the 255 bytes a Linux file system takes, with a date and hour that read back as the hour.
//
// Input: byte 0 picks the stream type, bytes 1-8 the hour, byte 9 the org's length; the org's
// bytes follow, the stream is the rest.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "model/names.h"
#include "model/stream_key.h"
#include "model/timestamp.h"
#include "persist/layout.h"

namespace {

using ingot::Result;
using ingot::StatusCode;
namespace model = ingot::model;

void Require(bool ok) {
  if (!ok) std::abort();
}

bool StoredAlphabet(std::string_view name) {
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == ':')) return false;
  }
  return true;
}

// Checks the name rule for `raw`; the stored name, or empty when refused.
std::string CheckName(std::string_view raw) {
  const Result<std::string> name = model::StreamName(raw, "stream");
  const std::string sanitized = model::SanitizeStreamName(raw);
  if (!name.ok()) {
    Require(name.status().code() == StatusCode::kInvalidInput);
    Require(!name.status().message().empty());
    Require(sanitized.empty() || sanitized.size() > model::kMaxStreamNameBytes);
    return {};
  }
  const std::string& n = *name;
  Require(n == sanitized);
  Require(!n.empty() && n.size() <= model::kMaxStreamNameBytes && n.size() <= raw.size());
  Require(StoredAlphabet(n));
  Require(model::CheckStoredStreamName(n, "stream").ok());
  const Result<std::string> again = model::StreamName(n, "stream");
  Require(again.ok() && *again == n);
  return n;
}

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return parts;
    start = slash + 1;
  }
}

int Digits(std::string_view s) {
  int v = 0;
  for (char c : s) {
    Require(c >= '0' && c <= '9');
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 10) return 0;
  const auto type = static_cast<model::StreamType>(data[0] % 3);
  std::uint64_t seed;
  std::memcpy(&seed, data + 1, sizeof seed);
  const std::size_t org_len = std::min<std::size_t>(data[9], size - 10);
  const std::string_view org_raw(reinterpret_cast<const char*>(data + 10), org_len);
  const std::string_view stream_raw(reinterpret_cast<const char*>(data + 10 + org_len),
                                    size - 10 - org_len);
  const std::string org = CheckName(org_raw);
  const std::string stream = CheckName(stream_raw);
  if (org.empty() || stream.empty()) return 0;

  // Any hour of years 1 to 9999 (the partitions a stored _timestamp can have).
  const std::int64_t first = model::HourOf(model::CivilToMicros(1, 1, 1, 0, 0, 0));
  const std::int64_t last = model::HourOf(model::CivilToMicros(9999, 12, 31, 23, 0, 0));
  const std::int64_t hour =
      first + static_cast<std::int64_t>(seed % static_cast<std::uint64_t>(last - first + 1));
  const std::string data_dir = "/data";
  const std::string dir = ingot::persist::PartitionDir(data_dir, {org, type, stream}, hour);
  Require(dir.starts_with(data_dir + "/files/"));
  const std::vector<std::string_view> parts =
      Split(std::string_view(dir).substr(data_dir.size() + 7));
  Require(parts.size() == 5);
  for (std::string_view p : parts) Require(!p.empty() && p != "." && p != ".." && p.size() <= 255);
  Require(parts[0] == org && parts[1] == model::StreamTypeName(type) && parts[2] == stream);
  Require(parts[3].size() == 15 && parts[3].starts_with("date=") && parts[3][9] == '-' &&
          parts[3][12] == '-');
  Require(parts[4].size() == 7 && parts[4].starts_with("hour="));
  const int year = Digits(parts[3].substr(5, 4));
  const int month = Digits(parts[3].substr(10, 2));
  const int day = Digits(parts[3].substr(13, 2));
  const int h = Digits(parts[4].substr(5, 2));
  Require(h < 24);
  Require(model::HourOf(model::CivilToMicros(year, month, day, h, 0, 0)) == hour);
  return 0;
}
