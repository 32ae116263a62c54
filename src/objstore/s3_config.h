// S3Config: where an S3 object store is and how to reach it, from an `s3://<bucket>/<prefix>` URL
// and the AWS_* variables every S3 tool reads:
//
//   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY   the credential (both required)
//   AWS_SESSION_TOKEN                           a temporary credential's token (optional)
//   AWS_REGION, else AWS_DEFAULT_REGION         the signing region (default us-east-1)
//   AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL  an S3-compatible server (http:// or https://);
//                                               requests then use path-style addressing
//                                               (<endpoint>/<bucket>/<key>). Without one, AWS's
//                                               virtual-hosted style
//                                               https://<bucket>.s3.<region>.amazonaws.com/<key>
//                                               (path style for bucket names with dots, which a
//                                               wildcard TLS certificate does not cover).
//
// The environment is read through an EnvGetter so tests never touch the process's environment.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ingot::objstore {

// The value of an environment variable, nullopt when unset. An empty value counts as unset.
using EnvGetter = std::function<std::optional<std::string>(const std::string& name)>;
// The process's environment (getenv).
EnvGetter ProcessEnv();

struct S3Location {
  std::string bucket;
  std::string prefix;  // without leading or trailing '/'; may be empty
};

// Parses "s3://<bucket>" or "s3://<bucket>/<prefix>" (a trailing '/' is dropped). Rejects bucket
// names S3 does not allow (3-63 characters of a-z 0-9 . -, starting and ending with a letter or
// digit, no "..", not an IP address) and prefixes with empty segments ("a//b").
Result<S3Location> ParseS3Url(std::string_view url);

// Tuning of the client; the defaults are for production, tests make them small.
struct S3Options {
  // PutFile uploads files larger than this in parts of `part_size` bytes (S3: 5 MiB minimum part,
  // except the last; 10000 parts at most, so part_size grows for very large files).
  std::size_t multipart_threshold = std::size_t{128} << 20;
  std::size_t part_size = std::size_t{64} << 20;
  int part_threads = 4;  // parts uploaded in parallel
  // Attempts per request (1 = no retry) and the backoff between them: full jitter, a random wait
  // in [0, min(max_backoff, base_backoff * 2^attempt)).
  int max_attempts = 5;
  std::chrono::milliseconds base_backoff{200};
  std::chrono::milliseconds max_backoff{10000};
  // libcurl: time to connect, and a transfer slower than low_speed_bytes/s for low_speed_time is
  // abandoned (counted as a timeout and retried).
  std::chrono::milliseconds connect_timeout{5000};
  long low_speed_bytes = 1024;
  std::chrono::seconds low_speed_time{30};
  // Keys per ListObjectsV2 page (S3's maximum is 1000).
  int list_page_size = 1000;
};

struct S3Config {
  S3Location location;
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: none
  std::string region;
  bool https = true;
  // host[:port] of every request (the Host header); with virtual-hosted style it starts with
  // "<bucket>.".
  std::string authority;
  bool path_style = false;
  S3Options options;

  // "http(s)://<authority>"
  std::string BaseUrl() const;
  // The request path of `object_key` (a full key, prefix included; empty for the bucket itself),
  // not yet URI-encoded: "/<bucket>/<key>" (path style) or "/<key>".
  std::string RawPath(std::string_view object_key) const;
  // The full key of `key` (prefix + "/" + key, or key when there is no prefix).
  std::string FullKey(std::string_view key) const;
  // "s3://bucket/prefix/key"
  std::string Describe(std::string_view key) const;
};

// The configuration of `url` ("s3://...") with the AWS_* variables of `env`. kInvalidInput with a
// message naming the problem (bad URL or bucket name, missing credential, bad endpoint URL).
Result<S3Config> S3ConfigFromUrl(std::string_view url, const EnvGetter& env);

}  // namespace ingot::objstore
