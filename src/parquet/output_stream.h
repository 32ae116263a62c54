// OutputStream: where FileWriter puts the bytes of a Parquet file. The writer only appends, in
// order, so a stream can be a file, a socket or memory; durability (fsync, rename) is the
// caller's business, not the writer's.
#pragma once

#include <cstddef>
#include <string>

#include "common/status.h"

namespace ingot::parquet {

class OutputStream {
 public:
  virtual ~OutputStream();
  // Appends n bytes. A failed write leaves the stream in an unknown state; FileWriter stops at the
  // first error and reports it from then on.
  virtual Status Write(const void* data, std::size_t n) = 0;
};

// Collects the file in memory (tests, and callers that upload whole files).
class StringOutputStream final : public OutputStream {
 public:
  Status Write(const void* data, std::size_t n) override;
  const std::string& contents() const { return contents_; }
  std::string& contents() { return contents_; }

 private:
  std::string contents_;
};

}  // namespace ingot::parquet
