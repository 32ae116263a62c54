// Normalization of the names clients send: field keys become column names, org and stream names
// become directory names. The rules are the external contract in DESIGN.md ("Normalization").
#pragma once

#include <string>
#include <string_view>

namespace ingot::model {

// Appends the column-name form of one key segment: ASCII letters lowercased, [a-z0-9_] kept, any
// other character (a whole UTF-8 sequence counts as one) replaced by '_'.
// "@timestamp" -> "_timestamp", "Kubernetes.Labels" -> "kubernetes_labels".
void AppendFormattedKey(std::string_view raw, std::string& out);

// The directory-safe form of an org or stream name: characters outside [a-zA-Z0-9_:] become '_',
// then lowercased. Returns an empty string for an empty input (callers reject it). The result never
// contains '/', '.', or NUL, so it cannot leave the directory it is joined to.
std::string SanitizeStreamName(std::string_view raw);

}  // namespace ingot::model
