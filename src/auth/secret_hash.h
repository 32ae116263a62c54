// How auth stores secrets: only hashes, in text forms that name their algorithm.
//
//   password_hash = "pbkdf2-sha256$<iterations>$<salt>$<key>"
//     PBKDF2-HMAC-SHA256 (RFC 8018), salt and 32-byte derived key in standard base64 without
//     padding (padding is accepted when read). Passwords are guessable, so their hash is slow on
//     purpose: 600,000 iterations by default (OWASP's 2023 figure for PBKDF2-HMAC-SHA256).
//
//   token_hash = "sha256$<64 hex digits>"
//     SHA-256 of the token. Tokens are 256-bit random strings nobody can guess, so a fast hash
//     loses nothing (a slow one would only slow every request down); this is how GitHub and
//     others store API tokens.
//
// The algorithm name leads each form so that a stronger one can be added later without breaking
// files that use these.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ingot::auth {

inline constexpr std::uint32_t kDefaultPbkdf2Iterations = 600'000;
// Below this a password hash is too fast to deserve the name; above it one verification would
// stall an I/O thread for seconds. Files outside the range are rejected when loaded.
inline constexpr std::uint32_t kMinPbkdf2Iterations = 1'000;
inline constexpr std::uint32_t kMaxPbkdf2Iterations = 10'000'000;
inline constexpr std::size_t kSaltBytes = 16;
inline constexpr std::size_t kMinPasswordLength = 8;
// Tokens are looked up by a fast hash, so they must be unguessable: HashToken() refuses shorter
// ones (a UUID, as Splunk HEC tokens are, has 36 characters).
inline constexpr std::size_t kMinTokenLength = 16;

using Digest = std::array<unsigned char, 32>;

// SHA-256 of the concatenation of `parts` (no allocation; safe from any thread).
Digest Sha256(std::initializer_list<std::string_view> parts);

// Constant-time equality of two digests (CRYPTO_memcmp): the time does not depend on where they
// differ.
bool DigestEquals(const Digest& a, const Digest& b);

// A parsed "pbkdf2-sha256$..." string.
class PasswordHash {
 public:
  // Errors: kInvalidInput naming what is wrong (algorithm, iterations out of range, salt or key
  // not base64, key not 32 bytes).
  static Result<PasswordHash> Parse(std::string_view text);
  // A new hash of `password` with a random salt. Errors: kInternal when the system has no
  // randomness to give.
  static Result<PasswordHash> Create(std::string_view password, std::uint32_t iterations);

  std::string ToString() const;
  std::uint32_t iterations() const { return iterations_; }
  // Derives the key from `password` (the slow part) and compares it in constant time.
  bool Verify(std::string_view password) const;

 private:
  std::uint32_t iterations_ = 0;
  std::string salt_;
  Digest key_{};
};

// PBKDF2-HMAC-SHA256 of `password` and `salt`, 32 bytes.
Digest Pbkdf2Sha256(std::string_view password, std::string_view salt, std::uint32_t iterations);

// A parsed "sha256$<hex>" string.
class TokenHash {
 public:
  // Errors: kInvalidInput when the form is not "sha256$" and 64 hex digits (either case).
  static Result<TokenHash> Parse(std::string_view text);
  static TokenHash Of(std::string_view token) { return TokenHash(Sha256({token})); }

  std::string ToString() const;  // lower-case hex
  const Digest& digest() const { return digest_; }

 private:
  explicit TokenHash(const Digest& digest) : digest_(digest) {}
  Digest digest_;
};

// The `password_hash` value for `password` (what `ingot hash-password` prints).
// Errors: kInvalidInput when the password is shorter than kMinPasswordLength or `iterations` is
// out of range; kInternal without randomness.
Result<std::string> HashPassword(std::string_view password,
                                 std::uint32_t iterations = kDefaultPbkdf2Iterations);

// The `token_hash` value for an existing token (to register a token a client already has, such as
// a Splunk HEC GUID). Errors: kInvalidInput when shorter than kMinTokenLength or when it contains
// characters a header cannot carry (space, control characters).
Result<std::string> HashToken(std::string_view token);

struct NewTokenResult {
  std::string token;       // "ingot_" + 43 URL-safe base64 characters (256 random bits)
  std::string token_hash;  // its `token_hash` value
};
// A new random token (what `ingot new-token` prints). Errors: kInternal without randomness.
Result<NewTokenResult> NewToken();

// Fills `out` with cryptographically secure random bytes; false when the system has none.
bool RandomBytes(std::span<unsigned char> out);

}  // namespace ingot::auth
