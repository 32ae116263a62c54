// AWS Signature Version 4 for S3 requests (header signing, "AWS4-HMAC-SHA256"), with OpenSSL's
// libcrypto for SHA-256 and HMAC. S3's variant: the path is URI-encoded once (each segment, '/'
// kept), never normalised or encoded twice; the payload hash goes in x-amz-content-sha256.
//
// Also the digests the S3 client needs (MD5 for Content-MD5 and ETags, SHA-256 hex, base64).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ingot::objstore {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: none
};

struct SigningRequest {
  std::string method;  // "GET", "PUT", ...
  std::string host;    // the Host header (host[:port])
  // The path, not encoded ("/bucket/a b.txt"); Sign encodes it (UriEncode, '/' kept).
  std::string path;
  // Query parameters, not encoded; a parameter without a value ("?delete") has an empty value.
  std::vector<std::pair<std::string, std::string>> query;
  // Headers sent and signed besides host, x-amz-date, x-amz-content-sha256 and
  // x-amz-security-token (which Sign adds); e.g. content-md5, range, content-type.
  std::vector<std::pair<std::string, std::string>> headers;
  // Hex SHA-256 of the body, or "UNSIGNED-PAYLOAD".
  std::string payload_hash;
  // Send (and sign) x-amz-content-sha256, as S3 requires; only AWS's generic test suite, written
  // for other services, goes without.
  bool content_sha256_header = true;
};

struct SignedRequest {
  // The headers to send, in canonical order, "authorization" included, names in lowercase.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string authorization;
  std::string canonical_request;  // for tests and debugging
  std::string string_to_sign;
  // The encoded path and query string to put in the URL (the same encoding as signed).
  std::string encoded_path;
  std::string encoded_query;
};

// Signs `request` with `credentials` for `region` and `service` ("s3") at `amz_date`
// ("YYYYMMDDTHHMMSSZ", UTC).
SignedRequest SignV4(const SigningRequest& request, const Credentials& credentials,
                     std::string_view region, std::string_view service, std::string_view amz_date);

// RFC 3986 percent-encoding as SigV4 wants it: A-Z a-z 0-9 - _ . ~ stay, every other byte is
// %XX (uppercase hex); '/' stays when `keep_slash`.
std::string UriEncode(std::string_view s, bool keep_slash);
// The current time as "YYYYMMDDTHHMMSSZ".
std::string AmzDateNow();

std::string Sha256Hex(std::string_view data);
// The raw 16-byte MD5 of `data`.
std::string Md5(std::string_view data);
std::string Hex(std::string_view bytes);
std::string Base64(std::string_view bytes);

}  // namespace ingot::objstore
