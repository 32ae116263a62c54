// ObjectStore: the few operations ingot needs from S3-compatible object storage, behind an
// interface so that the uploader and the compactor are tested against an in-memory store with
// injected faults (memory_object_store.h) and run against S3 (s3_object_store.h).
//
// Keys are relative to the store's prefix ("<org>/<type>/<stream>/date=.../hour=HH/<name>"); the
// store adds its prefix. Every call is blocking and thread-safe. A call retries what may heal by
// itself (timeouts, connection errors, 5xx, 429/SlowDown) a few times with exponential backoff and
// jitter before it gives up with kUnavailable; the caller decides whether to try again later.
//
// Status codes every implementation returns:
//   kOk           done, and for writes confirmed by the store with the checksum sent
//   kNotFound     no such object (Get), or no such bucket (Check and any call)
//   kInvalidInput the store refused the request and retrying cannot help: credentials refused,
//                 access denied, a malformed request; the message names the cause
//   kUnavailable  the store could not be reached or kept failing (still failing after retries)
//   kIoError      a local file could not be read or written
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ingot::objstore {

struct ObjectInfo {
  std::string key;  // relative to the store's prefix
  std::uint64_t size = 0;
};

// Counters every store keeps, for /metrics.
struct ObjectStoreStats {
  std::atomic<std::uint64_t> requests{0};  // HTTP requests sent (each attempt counts)
  std::atomic<std::uint64_t> retries{0};   // attempts after a failure that may heal
  std::atomic<std::uint64_t> failures{0};  // calls that gave up
  std::atomic<std::uint64_t> bytes_uploaded{0};
  std::atomic<std::uint64_t> bytes_downloaded{0};
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Checks at start-up that the bucket exists and the credentials are accepted (kNotFound,
  // kInvalidInput), or that it cannot be reached now (kUnavailable).
  virtual Status Check() = 0;
  // Uploads the local file `path` as `key`, replacing any object of that name. Ok only after the
  // store confirmed the whole object with the checksum sent with it. Large files go as a
  // multipart upload (parts in parallel); a multipart upload that fails is aborted.
  virtual Status PutFile(const std::string& key, const std::string& path) = 0;
  // The same for bytes in memory.
  virtual Status Put(const std::string& key, std::string_view bytes) = 0;
  // The whole object.
  virtual Result<std::string> Get(const std::string& key) = 0;
  // Every object whose key starts with `prefix` (all pages), in key order.
  virtual Result<std::vector<ObjectInfo>> List(const std::string& prefix) = 0;
  // Deletes the objects; keys that do not exist are not an error.
  virtual Status Delete(const std::vector<std::string>& keys) = 0;
  // "s3://bucket/prefix/<key>", for logs and messages.
  virtual std::string Describe(const std::string& key) const = 0;

  const ObjectStoreStats& stats() const { return stats_; }

 protected:
  ObjectStoreStats stats_;
};

}  // namespace ingot::objstore
