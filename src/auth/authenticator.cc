#include "auth/authenticator.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <span>

#include "auth/base64.h"
#include "common/ascii.h"

namespace ingot::auth {

namespace {

// Basic credentials longer than this once decoded are refused as malformed: no real user name
// and password come close, and the bound lets the hot path decode into a stack buffer.
constexpr std::size_t kMaxBasicCredentials = 1024;
constexpr std::size_t kCacheSecretBytes = 32;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), AsciiLower);
  return out;
}

std::uint64_t DigestPrefix(const Digest& digest) {
  std::uint64_t prefix = 0;
  std::memcpy(&prefix, digest.data(), sizeof(prefix));
  return prefix;
}

Result<std::string> RandomString(std::size_t size) {
  std::string out(size, '\0');
  if (!RandomBytes(std::span<unsigned char>(reinterpret_cast<unsigned char*>(out.data()), size))) {
    return Status::Internal("no random bytes available");
  }
  return out;
}

Decision Refuse(Failure failure, Scheme scheme, std::string message) {
  Decision d;
  d.status = failure == Failure::kOrgNotCovered ? 403 : 401;
  d.failure = failure;
  d.scheme = scheme;
  d.message = std::move(message);
  return d;
}

}  // namespace

struct Authenticator::Shared {
  explicit Shared(std::size_t capacity) : cache(capacity) {}
  VerificationCache cache;  // SHA-256(cache_secret_, user ":" password) -> principal
  std::atomic<std::uint64_t> slow_verifications{0};
};

void ReadRootUserFromEnvironment(AuthConfig& config) {
  const char* email = std::getenv("INGOT_ROOT_USER_EMAIL");
  const char* password = std::getenv("INGOT_ROOT_USER_PASSWORD");
  config.root_user_email = email != nullptr ? email : "";
  config.root_user_password = password != nullptr ? password : "";
}

Authenticator::Authenticator() = default;
Authenticator::Authenticator(Authenticator&&) noexcept = default;
Authenticator& Authenticator::operator=(Authenticator&&) noexcept = default;
Authenticator::~Authenticator() = default;

Result<Authenticator> Authenticator::Load(const AuthConfig& config) {
  AuthFile file;
  if (!config.auth_file.empty()) {
    Result<AuthFile> read = ReadAuthFile(config.auth_file);
    if (!read.ok()) return read.status();
    if (read->users.empty() && read->tokens.empty()) {
      return Status::InvalidInput("auth file " + config.auth_file +
                                  " defines no [[user]] and no [[token]]");
    }
    file = std::move(read).value();
  }
  return Create(std::move(file), config);
}

Result<Authenticator> Authenticator::Create(AuthFile file, const AuthConfig& config) {
  Authenticator a;
  auto add_user = [&](std::string email, PasswordHash hash, OrgScope scope) {
    const auto principal = static_cast<std::uint32_t>(a.principals_.size());
    a.max_iterations_ = std::max(a.max_iterations_, hash.iterations());
    a.users_.emplace(Lower(email), User{std::move(hash), principal});
    a.principals_.push_back(Principal{std::move(email), std::move(scope)});
  };
  for (UserEntry& user : file.users) {
    add_user(std::move(user.email), std::move(user.password_hash), std::move(user.scope));
  }
  for (TokenEntry& token : file.tokens) {
    const auto principal = static_cast<std::uint32_t>(a.principals_.size());
    const Digest& digest = token.token_hash.digest();
    a.tokens_.emplace(DigestPrefix(digest), Token{digest, principal});
    a.principals_.push_back(Principal{"token:" + token.name, std::move(token.scope)});
  }
  a.token_count_ = file.tokens.size();

  const bool has_email = !config.root_user_email.empty();
  if (has_email != !config.root_user_password.empty()) {
    return Status::InvalidInput(
        has_email ? "INGOT_ROOT_USER_EMAIL is set but INGOT_ROOT_USER_PASSWORD is not"
                  : "INGOT_ROOT_USER_PASSWORD is set but INGOT_ROOT_USER_EMAIL is not");
  }
  if (has_email) {
    if (Status st = CheckUserName(config.root_user_email); !st.ok()) {
      return Status::InvalidInput("INGOT_ROOT_USER_EMAIL: " + st.message());
    }
    if (config.root_user_password.size() < kMinPasswordLength) {
      return Status::InvalidInput("INGOT_ROOT_USER_PASSWORD must have at least " +
                                  std::to_string(kMinPasswordLength) + " characters");
    }
    if (a.users_.contains(Lower(config.root_user_email))) {
      return Status::InvalidInput("user " + config.root_user_email +
                                  " is both the root user (INGOT_ROOT_USER_EMAIL) and a [[user]] "
                                  "of the auth file " +
                                  config.auth_file);
    }
    Result<PasswordHash> hash =
        PasswordHash::Create(config.root_user_password, config.root_password_iterations);
    if (!hash.ok()) return hash.status();
    add_user(config.root_user_email, std::move(hash).value(), OrgScope{.all = true, .orgs = {}});
  }

  Result<std::string> dummy_salt = RandomString(kSaltBytes);
  Result<std::string> cache_secret = RandomString(kCacheSecretBytes);
  if (!dummy_salt.ok()) return dummy_salt.status();
  if (!cache_secret.ok()) return cache_secret.status();
  a.dummy_salt_ = std::move(dummy_salt).value();
  a.cache_secret_ = std::move(cache_secret).value();
  a.shared_ = std::make_unique<Shared>(config.cache_capacity);
  return a;
}

std::uint64_t Authenticator::slow_verifications() const {
  return shared_->slow_verifications.load(std::memory_order_relaxed);
}

Decision Authenticator::CheckAuthorization(std::string_view authorization, std::string_view org,
                                           bool hec_path) const {
  if (!enabled()) return Decision{};
  const std::string_view value = TrimWhitespace(authorization);
  if (value.empty()) {
    return Refuse(Failure::kMissing, Scheme::kNone,
                  hec_path ? "authentication required: send Authorization: Splunk <token>, "
                             "Bearer <token> or Basic credentials"
                           : "authentication required: send Authorization: Basic credentials "
                             "(user and password, or any user and a token) or Bearer <token>");
  }
  const std::size_t space = value.find(' ');
  const std::string_view scheme_name = value.substr(0, space);
  const std::string_view credentials =
      space == std::string_view::npos ? std::string_view() : TrimWhitespace(value.substr(space));
  if (EqualsIgnoreCase(scheme_name, "Basic")) return CheckBasic(credentials, org);
  if (EqualsIgnoreCase(scheme_name, "Bearer")) {
    return CheckToken(credentials, Scheme::kBearer, org);
  }
  // InfluxDB 2.x and Arc clients send their token as "Token <t>".
  if (EqualsIgnoreCase(scheme_name, "Token")) return CheckToken(credentials, Scheme::kToken, org);
  if (EqualsIgnoreCase(scheme_name, "Splunk")) {
    if (!hec_path) {
      return Refuse(Failure::kUnsupportedScheme, Scheme::kSplunk,
                    "the Splunk authorization scheme is accepted only on the HEC endpoints; send "
                    "Authorization: Bearer <token> here");
    }
    return CheckToken(credentials, Scheme::kSplunk, org);
  }
  if (space == std::string_view::npos) {
    // Probably a bare token ("Authorization: <token>"): never echo it.
    return Refuse(Failure::kUnsupportedScheme, Scheme::kNone,
                  "the Authorization header must name its scheme: Basic <credentials> or "
                  "Bearer <token>");
  }
  // Echo the scheme name only when it looks like one (it reaches responses and logs).
  const bool echo =
      scheme_name.size() <= 20 && std::all_of(scheme_name.begin(), scheme_name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-';
      });
  return Refuse(Failure::kUnsupportedScheme, Scheme::kNone,
                "unsupported authorization scheme" +
                    (echo ? " \"" + std::string(scheme_name) + "\"" : std::string()) +
                    " (use Basic or Bearer)");
}

Decision Authenticator::CheckBasic(std::string_view credentials, std::string_view org) const {
  const std::size_t size = Base64DecodedSize(credentials);
  if (credentials.empty() || size == SIZE_MAX) {
    return Refuse(Failure::kMalformed, Scheme::kBasic,
                  "malformed Basic credentials: expected base64 of user:password");
  }
  if (size > kMaxBasicCredentials) {
    return Refuse(Failure::kMalformed, Scheme::kBasic, "malformed Basic credentials: too long");
  }
  std::array<unsigned char, kMaxBasicCredentials> buffer;
  if (!Base64Decode(credentials, std::span(buffer.data(), size))) {
    return Refuse(Failure::kMalformed, Scheme::kBasic,
                  "malformed Basic credentials: expected base64 of user:password");
  }
  const std::string_view decoded(reinterpret_cast<const char*>(buffer.data()), size);
  const std::size_t colon = decoded.find(':');
  if (colon == std::string_view::npos) {
    return Refuse(Failure::kMalformed, Scheme::kBasic,
                  "malformed Basic credentials: no ':' between user and password");
  }
  const std::string_view user = decoded.substr(0, colon);
  const std::string_view password = decoded.substr(colon + 1);

  // The hot path: credentials this process has verified before.
  const Digest key = Sha256({cache_secret_, user, ":", password});
  if (const auto cached = shared_->cache.Find(key)) {
    return Authorize(*cached, Scheme::kBasic, org);
  }
  if (const std::int64_t token = FindToken(Sha256({password})); token >= 0) {
    return Authorize(static_cast<std::uint32_t>(token), Scheme::kBasic, org);
  }
  const std::int64_t principal = VerifyPassword(user, password);
  if (principal < 0) return Refuse(Failure::kInvalid, Scheme::kBasic, "invalid credentials");
  shared_->cache.Insert(key, static_cast<std::uint32_t>(principal));
  return Authorize(static_cast<std::uint32_t>(principal), Scheme::kBasic, org);
}

Decision Authenticator::CheckToken(std::string_view token, Scheme scheme,
                                   std::string_view org) const {
  const char* name = scheme == Scheme::kSplunk   ? "Splunk"
                     : scheme == Scheme::kToken  ? "Token"
                     : scheme == Scheme::kApiKey ? "x-api-key"
                                                 : "Bearer";
  if (token.empty()) {
    return Refuse(Failure::kMalformed, scheme,
                  std::string("malformed ") + name + " credentials: no token");
  }
  if (token.find_first_of(" \t") != std::string_view::npos) {
    return Refuse(Failure::kMalformed, scheme,
                  std::string("malformed ") + name + " credentials: a token has no spaces");
  }
  const std::int64_t principal = FindToken(Sha256({token}));
  if (principal < 0) return Refuse(Failure::kInvalid, scheme, "invalid token");
  return Authorize(static_cast<std::uint32_t>(principal), scheme, org);
}

Decision Authenticator::CheckApiKey(std::string_view key, std::string_view org) const {
  if (!enabled()) return Decision{};
  return CheckToken(TrimWhitespace(key), Scheme::kApiKey, org);
}

std::int64_t Authenticator::FindToken(const Digest& digest) const {
  // Looking the digest up by its prefix leaks nothing about any token: an attacker controls the
  // token, not its SHA-256. The comparison of the whole digest is constant-time all the same.
  const auto [begin, end] = tokens_.equal_range(DigestPrefix(digest));
  for (auto it = begin; it != end; ++it) {
    if (DigestEquals(it->second.digest, digest)) return it->second.principal;
  }
  return -1;
}

std::int64_t Authenticator::VerifyPassword(std::string_view email,
                                           std::string_view password) const {
  // Without users there is no email to protect, and no reason to spend PBKDF2 on a bad token.
  if (users_.empty()) return -1;
  shared_->slow_verifications.fetch_add(1, std::memory_order_relaxed);
  const auto it = users_.find(Lower(email));
  if (it == users_.end()) {
    // Unknown user: the same work as for the costliest known one, so timing tells nothing.
    Pbkdf2Sha256(password, dummy_salt_, max_iterations_);
    return -1;
  }
  const User& user = it->second;
  const bool ok = user.hash.Verify(password);
  if (user.hash.iterations() < max_iterations_) {
    Pbkdf2Sha256(password, dummy_salt_, max_iterations_ - user.hash.iterations());
  }
  return ok ? static_cast<std::int64_t>(user.principal) : -1;
}

Decision Authenticator::Authorize(std::uint32_t principal, Scheme scheme,
                                  std::string_view org) const {
  const Principal& p = principals_[principal];
  if (!p.scope.Covers(org)) {
    Decision d = Refuse(Failure::kOrgNotCovered, scheme,
                        p.name + " may not send data to org \"" + std::string(org) + "\"");
    d.principal = p.name;
    return d;
  }
  Decision d;
  d.scheme = scheme;
  d.principal = p.name;
  return d;
}

}  // namespace ingot::auth
