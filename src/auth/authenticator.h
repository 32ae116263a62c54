// Authenticator: decides, for each request, whether its credentials are valid (else 401) and cover
// the org it writes to (else 403). Built once at start from the auth file and the root user of the
// environment; immutable afterwards except for its cache, and safe to call from every I/O thread.
//
// Accepted credentials (docs/auth.md):
//   Authorization: Basic base64(email:password)   a [[user]] or the root user
//   Authorization: Basic base64(anything:token)   a [[token]] as the password, any user name
//   Authorization: Bearer <token>                 a [[token]]
//   Authorization: Token <token>                  a [[token]] (InfluxDB 2.x and Arc clients)
//   Authorization: Splunk <token>                 a [[token]], on HEC paths only
//   x-api-key: <token>                            a [[token]], where the caller reads that header
//                                                 (CheckApiKey: the Arc endpoints)
// (InfluxDB 1.x's u/p query credentials are turned into Basic by api/influx_http.h.)
// Scheme names are case-insensitive (RFC 9110 §11.1): "basic" and "BEARER" work too.
//
// Cost per request (auth_bench.cc has the numbers): Bearer and Splunk hash the token once with
// SHA-256 and look the digest up. Basic with a password looks the credentials up in a cache of
// recent successful verifications first, so a client that sends Basic on every request pays for
// PBKDF2 (hundreds of milliseconds by design) once, then about a microsecond per request. A
// cache miss (first request, wrong password, unknown user) runs PBKDF2 on the calling thread.
//
// Timing: secrets are compared in constant time, and a failed Basic check costs the same PBKDF2
// work whether the user exists or not, so the time of a 401 does not tell valid emails apart.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/auth_file.h"
#include "auth/secret_hash.h"
#include "auth/verification_cache.h"
#include "common/status.h"

namespace ingot::auth {

struct AuthConfig {
  std::string auth_file;           // --auth-file; empty: none
  std::string root_user_email;     // INGOT_ROOT_USER_EMAIL
  std::string root_user_password;  // INGOT_ROOT_USER_PASSWORD, plain text; hashed by Load()
  // PBKDF2 iterations for the root password's in-memory hash (tests lower it).
  std::uint32_t root_password_iterations = kDefaultPbkdf2Iterations;
  // Successful Basic verifications remembered (about this many; 0 disables the cache).
  std::size_t cache_capacity = 4096;
};

// Sets root_user_email and root_user_password from INGOT_ROOT_USER_EMAIL and
// INGOT_ROOT_USER_PASSWORD (left empty when unset).
void ReadRootUserFromEnvironment(AuthConfig& config);

enum class Scheme : unsigned char { kNone, kBasic, kBearer, kToken, kSplunk, kApiKey };

// Why a request was refused, for callers whose protocol has its own codes (Splunk HEC answers
// code 2 for kMissing, 3 for kMalformed and kUnsupportedScheme, 4 for kInvalid).
enum class Failure : unsigned char {
  kNone,
  kMissing,            // 401: no Authorization header
  kMalformed,          // 401: a known scheme whose credentials cannot be read
  kUnsupportedScheme,  // 401: another scheme, or Splunk outside the HEC paths
  kInvalid,            // 401: no user or token matches
  kOrgNotCovered,      // 403: valid credentials that do not cover the org
};

// The value of the WWW-Authenticate header of every 401 (RFC 9110 §11.6.1): it makes curl,
// browsers and Elasticsearch clients send Basic credentials.
inline constexpr std::string_view kWwwAuthenticate = "Basic realm=\"ingot\"";

struct Decision {
  int status = 0;  // 0: allowed; 401 or 403: refused
  Failure failure = Failure::kNone;
  Scheme scheme = Scheme::kNone;  // the scheme the request used, when it sent a known one
  // Who was authenticated: the user's email as configured, or "token:<name>". Empty when
  // authentication is disabled. Points into the Authenticator; valid as long as it lives.
  std::string_view principal;
  // Why the request was refused, for the response body (not JSON-escaped: it may quote the org).
  std::string message;

  bool allowed() const { return status == 0; }
};

class Authenticator {
 public:
  // Reads config.auth_file (when not empty) and hashes the root user's password (when set).
  // Errors: kIoError when the file cannot be read; kInvalidInput for a malformed file (with its
  // line), a file defining no credentials, only one of the two root variables set, a root
  // password under kMinPasswordLength characters, or a root email also in the file.
  static Result<Authenticator> Load(const AuthConfig& config);
  // As Load(), with the file already parsed (config.auth_file is then only used in messages).
  static Result<Authenticator> Create(AuthFile file, const AuthConfig& config);

  Authenticator(Authenticator&&) noexcept;
  Authenticator& operator=(Authenticator&&) noexcept;
  ~Authenticator();

  // Whether any credential is configured. When not, CheckAuthorization() allows every
  // request: the server runs
  // open, which CheckExposure() (exposure.h) permits only on loopback or with --no-auth.
  bool enabled() const { return !principals_.empty(); }

  // Whether a request whose Authorization header (or gRPC `authorization` metadata) is
  // `authorization` ("" when absent) may write to `org`, checked against the configured
  // credentials. `org` is the org as stored (model::SanitizeStreamName of the path parameter,
  // "default" for paths without one); `hec_path` is true on the Splunk HEC endpoints, the only
  // ones that accept the Splunk scheme. May run PBKDF2 on a cache miss (see above).
  Decision CheckAuthorization(std::string_view authorization, std::string_view org,
                              bool hec_path) const;

  // The same for a token sent in an `x-api-key` header (Arc's clients), which callers check
  // instead of an absent Authorization header on the endpoints that take it.
  Decision CheckApiKey(std::string_view key, std::string_view org) const;

  std::size_t user_count() const { return users_.size(); }
  std::size_t token_count() const { return token_count_; }
  // PBKDF2 verifications run by CheckAuthorization() so far (cache misses), for tests and metrics.
  std::uint64_t slow_verifications() const;

 private:
  struct User {
    PasswordHash hash;
    std::uint32_t principal;
  };
  struct Token {
    Digest digest;
    std::uint32_t principal;
  };
  struct Principal {
    std::string name;
    OrgScope scope;
  };
  struct Shared;  // the cache and counters: mutable, internally synchronized

  Authenticator();

  Decision CheckBasic(std::string_view credentials, std::string_view org) const;
  Decision CheckToken(std::string_view token, Scheme scheme, std::string_view org) const;
  // The principal of the token whose digest is `digest`, or -1.
  std::int64_t FindToken(const Digest& digest) const;
  // Verifies a password with PBKDF2, spending the same work whether `email` exists or not.
  std::int64_t VerifyPassword(std::string_view email, std::string_view password) const;
  Decision Authorize(std::uint32_t principal, Scheme scheme, std::string_view org) const;

  std::vector<Principal> principals_;
  std::unordered_map<std::string, User> users_;           // by lower-case email
  std::unordered_multimap<std::uint64_t, Token> tokens_;  // by the digest's first 8 bytes
  std::size_t token_count_ = 0;
  std::uint32_t max_iterations_ = 0;  // of any user: the work every failed Basic check does
  std::string dummy_salt_;            // for the PBKDF2 run on behalf of unknown users
  std::string cache_secret_;          // prefixes the cache keys
  std::unique_ptr<Shared> shared_;
};

}  // namespace ingot::auth
