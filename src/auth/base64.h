// Base64 (RFC 4648) for the few places auth needs it: the credentials of HTTP Basic (standard
// alphabet, padded), salts and hashes in the auth file (standard alphabet, unpadded, as the PHC
// string format writes them), and new tokens (URL-safe alphabet, unpadded, so a token never
// needs quoting in a header, a URL or a YAML file).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace ingot::auth {

enum class Base64Alphabet : unsigned char { kStandard, kUrlSafe };

// Encodes `bytes`; `pad` appends '=' up to a multiple of four characters.
std::string Base64Encode(std::span<const unsigned char> bytes, Base64Alphabet alphabet, bool pad);

// Decoded size of `text` when it is valid standard base64, padded or not, else SIZE_MAX.
// Strict: no whitespace, no characters outside the alphabet, '=' only as one or two final
// characters completing a group, and unused low bits of the last character zero (so every byte
// string has exactly one accepted encoding, padding aside).
std::size_t Base64DecodedSize(std::string_view text);

// Decodes standard base64 (as validated by Base64DecodedSize) into `out`, which must have room for
// Base64DecodedSize(text) bytes. Returns false, leaving `out` unspecified, when `text` is invalid.
bool Base64Decode(std::string_view text, std::span<unsigned char> out);

// Convenience for cold paths: the decoded bytes, or false.
bool Base64Decode(std::string_view text, std::string& out);

}  // namespace ingot::auth
