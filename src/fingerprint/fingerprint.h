// Log fingerprints (docs/fingerprint.md): the template of a log message -- its words kept, its
// variable parts (numbers, ids, addresses, times, quoted strings...) replaced by typed
// placeholders -- and a 64-bit hash of it, the same for every message of that shape on every
// node, across restarts and for every protocol. One pass over the message, no allocation once
// the buffer has grown; the rules are versioned (kVersion): changing them is a new version.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ingot::fingerprint {

// The version of the rules in docs/fingerprint.md that Fingerprinter implements.
inline constexpr int kVersion = 1;
// Only the message's first line, and at most this many bytes of it, make its template.
inline constexpr std::size_t kMaxMessageBytes = 1024;

// The placeholders, in the order docs/fingerprint.md lists them.
inline constexpr std::string_view kNum = "<NUM>";      // 42, -3.5, 1e9, 30s, 12.5ms, 4KiB, 99%
inline constexpr std::string_view kHex = "<HEX>";      // 0x1f, deadbeef01, sha256 digests
inline constexpr std::string_view kUuid = "<UUID>";    // 123e4567-e89b-12d3-a456-426614174000
inline constexpr std::string_view kIp = "<IP>";        // 10.0.0.1, 10.0.0.1:8080, fe80::1
inline constexpr std::string_view kTime = "<TS>";      // 2024-01-02T03:04:05Z, 13:55:36, Oct 10
inline constexpr std::string_view kString = "<STR>";   // "quoted", 'quoted'
inline constexpr std::string_view kEmail = "<EMAIL>";  // user@example.com
inline constexpr std::string_view kId = "<ID>";        // other tokens with digits: a1b2, user42

// Builds templates into a buffer it reuses: one per thread.
class Fingerprinter {
 public:
  // The template of `message`; valid until the next call.
  std::string_view Template(std::string_view message);
  // The fingerprint of a template: XXH3-64 (Debian's libxxhash, XXH3_64bits, seed 0) of its
  // bytes, as the INT64 with the same bits.
  static std::int64_t Hash(std::string_view template_text);

 private:
  // Appends the template of one token (a run of bytes without spaces, separators or quotes).
  void AppendToken(std::string_view token);
  // Appends the template of one path/URL segment of a token no whole-token rule matched.
  void AppendSegment(std::string_view segment);

  std::string out_;
};

// The fingerprint of `message`, pointing `template_text` at its template in this thread's
// Fingerprinter (valid until the thread's next call): what model::BuilderOptions::fingerprint is
// set to, so that decoders fingerprint each log record while they build it.
std::int64_t FingerprintMessage(std::string_view message, std::string_view& template_text);

// The default --fingerprint-fields: where the JSON family's message is, in order of preference.
inline constexpr std::string_view kDefaultMessageFields = "message,msg,log,body";

}  // namespace ingot::fingerprint
