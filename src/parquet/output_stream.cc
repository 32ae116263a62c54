#include "parquet/output_stream.h"

namespace ingot::parquet {

OutputStream::~OutputStream() = default;

Status StringOutputStream::Write(const void* data, std::size_t n) {
  contents_.append(static_cast<const char*>(data), n);
  return Status::Ok();
}

}  // namespace ingot::parquet
