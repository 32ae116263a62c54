// Thrift compact-protocol (de)serialisation of the generated Parquet metadata classes.
//
// Internal to src/parquet (and its tests): it pulls in the Thrift and generated headers, which
// the public headers of this folder keep out of their users' builds. Thrift reports errors with
// exceptions; these functions turn them into Status at this boundary.
#pragma once

#include <thrift/Thrift.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "parquet/byte_buffer.h"
#include "parquet/format/parquet_types.h"

namespace ingot::parquet::internal {

// Appends the compact-protocol encoding of `object` to `out`. Uses a per-thread transport, so
// concurrent calls from different threads are safe.
template <typename T>
Status AppendThrift(const T& object, ByteBuffer* out) {
  using apache::thrift::protocol::TCompactProtocolT;
  using apache::thrift::transport::TMemoryBuffer;
  thread_local std::shared_ptr<TMemoryBuffer> buffer = std::make_shared<TMemoryBuffer>();
  try {
    buffer->resetBuffer();
    TCompactProtocolT<TMemoryBuffer> protocol(buffer);
    object.write(&protocol);
    std::uint8_t* data = nullptr;
    std::uint32_t size = 0;
    buffer->getBuffer(&data, &size);
    out->Append(data, size);
    return Status::Ok();
  } catch (const apache::thrift::TException& e) {
    return Status::Internal(std::string("cannot serialize parquet metadata: ") + e.what());
  }
}

// Decodes one `T` from the start of `bytes`; `*consumed` (if given) gets the bytes it used.
template <typename T>
Status ReadThrift(std::string_view bytes, T* object, std::uint32_t* consumed = nullptr) {
  using apache::thrift::protocol::TCompactProtocolT;
  using apache::thrift::transport::TMemoryBuffer;
  try {
    auto buffer = std::make_shared<TMemoryBuffer>(
        reinterpret_cast<std::uint8_t*>(const_cast<char*>(bytes.data())),
        static_cast<std::uint32_t>(bytes.size()), TMemoryBuffer::OBSERVE);
    TCompactProtocolT<TMemoryBuffer> protocol(buffer);
    const std::uint32_t used = object->read(&protocol);
    if (consumed != nullptr) *consumed = used;
    return Status::Ok();
  } catch (const apache::thrift::TException& e) {
    return Status::InvalidInput(std::string("cannot decode parquet metadata: ") + e.what());
  }
}

}  // namespace ingot::parquet::internal
