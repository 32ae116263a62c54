// The reference remote_write decoder: libprotobuf's generated classes of proto/remote_write.proto
// parse the body, and the same RowWriter makes the rows. For the differential tests, the fuzzer
// and the benchmark; not linked into the server.
#pragma once

#include <string_view>

#include "common/status.h"
#include "protocols/decoded.h"
#include "protocols/prometheus/remote_write.h"

namespace ingot::protocols::prometheus {

Status DecodeReference(Version version, std::string_view body, StreamRecords& out,
                       WriteResult& result);

}  // namespace ingot::protocols::prometheus
