// S3ObjectStore: the ObjectStore over S3's REST API with libcurl, signed with our SigV4
// (sigv4.h). Calls (see object_store.h for the status codes):
//   Check   HeadBucket; when refused, a ListObjectsV2 of one key to learn S3's error code
//           (HEAD answers carry no body)
//   Put     PutObject with Content-MD5 and x-amz-content-sha256; the ETag answered must be the MD5
//   PutFile the same for a file (streamed from disk, hashed first); above
//           options.multipart_threshold a multipart upload: parts of options.part_size uploaded
//           by options.part_threads threads, each with Content-MD5 and its ETag checked, then
//           CompleteMultipartUpload; any failure aborts the upload (AbortMultipartUpload)
//   Get     GetObject
//   List    ListObjectsV2, every page (continuation tokens)
//   Delete  DeleteObjects in batches of 1000 (with Content-MD5), each key's <Error> checked
//
// Every request is retried on what may heal (connection errors and timeouts, 5xx, 429, SlowDown,
// RequestTimeout) up to options.max_attempts times, with exponential backoff and full jitter.
// Messages name the request, the object and S3's error code and message ("NoSuchBucket: The
// specified bucket does not exist").
//
// libcurl easy handles are pooled (one per concurrent call), so connections are reused.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "objstore/object_store.h"
#include "objstore/s3_config.h"

namespace ingot::objstore {

class S3ObjectStore final : public ObjectStore {
 public:
  explicit S3ObjectStore(S3Config config);
  ~S3ObjectStore() override;
  S3ObjectStore(const S3ObjectStore&) = delete;
  S3ObjectStore& operator=(const S3ObjectStore&) = delete;

  Status Check() override;
  Status PutFile(const std::string& key, const std::string& path) override;
  Status Put(const std::string& key, std::string_view bytes) override;
  Result<std::string> Get(const std::string& key) override;
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override;
  Status Delete(const std::vector<std::string>& keys) override;
  std::string Describe(const std::string& key) const override;

  const S3Config& config() const { return config_; }

  // One request as the store sends it (public for the .cc's helpers; not an API).
  // Where a request's body comes from: memory, or a range of an open file.
  struct Body {
    std::string_view bytes;
    int fd = -1;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
  };
  struct Request {
    const char* method = "GET";
    std::string object_key;  // full key (prefix included); empty: the bucket
    std::vector<std::pair<std::string, std::string>> query;
    std::vector<std::pair<std::string, std::string>> headers;  // signed and sent
    Body body;
    std::string payload_hash;  // hex SHA-256 of the body
  };
  struct Response {
    long status = 0;
    std::string body;
    std::string etag;           // without quotes
    std::string bucket_region;  // x-amz-bucket-region
    int curl_code = 0;          // CURLE_OK when an HTTP answer came
    std::string curl_error;
    bool read_failed = false;  // the body could not be read from its file
  };

 private:
  // Sends `request`, retrying what may heal; an HTTP answer (any status) or the Status of the
  // last failure to get one / of a refused request after the retries.
  Result<Response> Send(const Request& request, const std::string& what);
  // One attempt.
  Response Attempt(const Request& request);
  // The Status for a final non-2xx answer to `what` ("PUT s3://b/k").
  Status ErrorStatus(const Response& response, const std::string& what) const;
  Status PutMultipart(const std::string& key, int fd, std::uint64_t size);
  // Sends one part of a multipart upload; its ETag (quoted) and raw MD5 into `etag`, `md5`.
  Status PutPart(const std::string& full_key, const std::string& upload_id, int part_number, int fd,
                 std::uint64_t offset, std::uint64_t length, std::string& etag, std::string& md5);
  void AbortMultipart(const std::string& full_key, const std::string& upload_id);
  Status DeleteBatch(const std::vector<std::string>& full_keys);
  // Counts a call that gave up.
  Status Fail(Status status);

  void* AcquireHandle();
  void ReleaseHandle(void* handle);

  S3Config config_;
  std::mutex pool_mu_;
  std::vector<void*> idle_handles_;  // GUARDED_BY(pool_mu_): CURL*
};

}  // namespace ingot::objstore
