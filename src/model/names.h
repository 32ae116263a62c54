// Normalization of the names clients send: field keys become column names, org and stream names
// become directory names. The rules are the external contract in DESIGN.md ("Normalization").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ingot::model {

// Appends the column-name form of one key segment: ASCII letters lowercased, [a-z0-9_] kept, any
// other character (a whole UTF-8 sequence counts as one) replaced by '_'.
// "@timestamp" -> "_timestamp", "Kubernetes.Labels" -> "kubernetes_labels".
void AppendFormattedKey(std::string_view raw, std::string& out);

// Longest org or stream name, in bytes once sanitized. Each is a path component on disk (255
// bytes at most on every Linux file system) and, with the type, the Hive partition and the file
// name, part of an object key (1024 bytes on S3): 128 leaves room for both and is longer than
// any name a shipper makes up (Elasticsearch index names, Loki tenants, OTLP service names).
inline constexpr std::size_t kMaxStreamNameBytes = 128;

// Longest column name, in bytes once formatted. A field whose key formats to a longer name (or
// to an empty one) cannot have a column: its value is kept in `_extra` (docs/normalization.md).
inline constexpr std::size_t kMaxColumnNameBytes = 256;

// The directory-safe form of an org or stream name: characters outside [a-zA-Z0-9_:] become '_',
// then lowercased. Returns an empty string for an empty input (callers reject it). The result never
// contains '/', '.', or NUL, so it cannot leave the directory it is joined to.
std::string SanitizeStreamName(std::string_view raw);

// The stored form of an org or stream name a client chose (`what` says which, for the message:
// "org", "stream", "_index"), or kInvalidInput naming why it cannot be one: empty, or longer than
// kMaxStreamNameBytes once sanitized. Every transport checks names with this before anything is
// written to the WAL; names that sanitize to the same string are the same stream.
Result<std::string> StreamName(std::string_view raw, std::string_view what);

// Whether `name` is a stored name StreamName() could have returned (WAL replay checks the names
// of records written by any earlier version with it); kInvalidInput saying why not.
Status CheckStoredStreamName(std::string_view name, std::string_view what);

}  // namespace ingot::model
