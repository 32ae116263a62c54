// What a protocol decoder produces from one request: records grouped by destination stream, each
// stream's records already in columns (a BatchBuilder), with per-stream success/failure counts.
//
// A decoder either returns an error Status for the request as a whole (malformed body: nothing of
// it is stored) or fills a Decoded in which individual records may have failed (e.g. a timestamp
// outside the accepted window) while the rest go on.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/batch_builder.h"

namespace ingot::protocols {

struct StreamRecords {
  StreamRecords(std::string_view stream, const model::BuilderOptions& options,
                model::BatchBuilder::KeyTree&& tree)
      : name(stream), builder(options, std::move(tree)) {}

  std::string name;  // sanitized stream name
  model::BatchBuilder builder;
  std::size_t stored = 0;   // records that decoded, counted by Decoded::Finish()
  std::size_t failed = 0;   // records rejected one by one
  std::string first_error;  // message of the first failed record, for the response

  void RecordFailure(std::string_view message) {
    if (failed++ == 0) first_error = message;
  }
};

// Bytes of the key trees this thread keeps between requests (see Decoded::Stream): at most 1 MiB,
// 512 KiB per stream, 8 streams (decoded.cc). For tests and metrics.
std::size_t KeyTreeCacheBytes();

class Decoded {
 public:
  explicit Decoded(const model::BuilderOptions& options) : options_(options) {}

  // The records of stream `name` (already sanitized, non-empty), created on first use, with the
  // key tree (BatchBuilder::KeyTree) this thread's last Finish() kept for the stream.
  StreamRecords& Stream(std::string_view name);

  const model::BuilderOptions& options() const { return options_; }
  // For settings that depend on the protocol (the message fields); only before the first
  // Stream().
  model::BuilderOptions& mutable_options() { return options_; }
  std::vector<std::unique_ptr<StreamRecords>>& streams() { return streams_; }
  const std::vector<std::unique_ptr<StreamRecords>>& streams() const { return streams_; }
  // Finishes every stream's batch (see BatchBuilder::Finish) and counts its records, so the
  // counts survive the batches being moved into the memtable. Each stream's key tree is kept for
  // the thread's next request to the same stream (see Stream()).
  void Finish();
  std::size_t successful() const;
  std::size_t failed() const;

 private:
  model::BuilderOptions options_;
  std::vector<std::unique_ptr<StreamRecords>> streams_;
};

}  // namespace ingot::protocols
