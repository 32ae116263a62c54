// kInputPadding: how many readable bytes every request body must have after its end when it is
// handed to a decoder. simdjson reads ahead in 64-byte blocks, up to SIMDJSON_PADDING bytes past
// the end of its input; the HTTP server (PaddedBuffer), the gRPC server, WAL replay and `ingot
// convert` all leave this many zero bytes after a body, and the decoders require them. The files
// that parse with simdjson check that it covers SIMDJSON_PADDING (a static_assert there, so that
// common/ does not depend on simdjson).
#pragma once

#include <cstddef>

namespace ingot {

inline constexpr std::size_t kInputPadding = 64;

}  // namespace ingot
