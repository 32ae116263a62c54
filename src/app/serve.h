// `ingot serve`: wires the stages together (HTTP -> decoders -> ingester -> memtable -> persister
// -> Parquet files), runs until SIGTERM or SIGINT, then shuts down gracefully: stop accepting,
// finish in-flight requests, persist every buffered record, exit 0.
#pragma once

#include "app/serve_config.h"

namespace ingot::app {

// Returns the process exit code.
int RunServe(const ServeConfig& config);

}  // namespace ingot::app
