#include "auth/secret_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <climits>
#include <cstdlib>
#include <memory>

#include "auth/base64.h"

namespace ingot::auth {

namespace {

constexpr std::string_view kPbkdf2Prefix = "pbkdf2-sha256$";
constexpr std::string_view kSha256Prefix = "sha256$";
constexpr std::string_view kTokenPrefix = "ingot_";
constexpr std::size_t kMinSaltBytes = 8;
constexpr std::size_t kMaxSaltBytes = 64;
constexpr std::size_t kTokenRandomBytes = 32;

const EVP_MD* Sha256Md() {
  // Fetched once: EVP_sha256() would look the implementation up in the provider on every use.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// One digest context per thread, reused: creating one costs an allocation per hash.
EVP_MD_CTX* ThreadDigestContext() {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  return ctx.get();
}

std::span<const unsigned char> AsBytes(std::string_view s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Splits `text` at the next '$'; false when there is none.
bool NextField(std::string_view& text, std::string_view& field) {
  const std::size_t dollar = text.find('$');
  if (dollar == std::string_view::npos) return false;
  field = text.substr(0, dollar);
  text.remove_prefix(dollar + 1);
  return true;
}

Status CheckIterations(std::uint32_t iterations) {
  if (iterations < kMinPbkdf2Iterations || iterations > kMaxPbkdf2Iterations) {
    return Status::InvalidInput(
        "PBKDF2 iterations must be between " + std::to_string(kMinPbkdf2Iterations) + " and " +
        std::to_string(kMaxPbkdf2Iterations) + ", got " + std::to_string(iterations));
  }
  return Status::Ok();
}

}  // namespace

Digest Sha256(std::initializer_list<std::string_view> parts) {
  Digest out{};
  EVP_MD_CTX* ctx = ThreadDigestContext();
  bool ok = ctx != nullptr && Sha256Md() != nullptr && EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr);
  for (std::string_view part : parts) {
    ok = ok && EVP_DigestUpdate(ctx, part.data(), part.size());
  }
  unsigned int size = 0;
  ok = ok && EVP_DigestFinal_ex(ctx, out.data(), &size) && size == out.size();
  // Only an out-of-memory or a broken OpenSSL installation gets here; a wrong digest would be an
  // authentication bypass, so stop rather than go on.
  if (!ok) std::abort();
  return out;
}

bool DigestEquals(const Digest& a, const Digest& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Digest Pbkdf2Sha256(std::string_view password, std::string_view salt, std::uint32_t iterations) {
  Digest out{};
  if (iterations > INT_MAX || password.size() > INT_MAX || salt.size() > INT_MAX ||
      PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), Sha256Md(),
                        static_cast<int>(out.size()), out.data()) != 1) {
    std::abort();  // as in Sha256(): never return a key that was not derived
  }
  return out;
}

bool RandomBytes(std::span<unsigned char> out) {
  return out.size() <= INT_MAX && RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

Result<PasswordHash> PasswordHash::Parse(std::string_view text) {
  if (!text.starts_with(kPbkdf2Prefix)) {
    return Status::InvalidInput("password hash must start with \"pbkdf2-sha256$\"");
  }
  text.remove_prefix(kPbkdf2Prefix.size());
  std::string_view iterations_text, salt_text;
  if (!NextField(text, iterations_text) || !NextField(text, salt_text)) {
    return Status::InvalidInput(
        "password hash must have the form pbkdf2-sha256$<iterations>$<salt>$<key>");
  }
  const std::string_view key_text = text;
  PasswordHash hash;
  const auto [end, ec] = std::from_chars(
      iterations_text.data(), iterations_text.data() + iterations_text.size(), hash.iterations_);
  if (ec != std::errc() || end != iterations_text.data() + iterations_text.size()) {
    return Status::InvalidInput("password hash: iterations \"" + std::string(iterations_text) +
                                "\" is not a number");
  }
  INGOT_RETURN_IF_ERROR(CheckIterations(hash.iterations_));
  if (!Base64Decode(salt_text, hash.salt_)) {
    return Status::InvalidInput("password hash: the salt is not base64");
  }
  if (hash.salt_.size() < kMinSaltBytes || hash.salt_.size() > kMaxSaltBytes) {
    return Status::InvalidInput("password hash: the salt must have 8 to 64 bytes, it has " +
                                std::to_string(hash.salt_.size()));
  }
  if (Base64DecodedSize(key_text) != hash.key_.size() || !Base64Decode(key_text, hash.key_)) {
    return Status::InvalidInput("password hash: the key must be 32 bytes in base64");
  }
  return hash;
}

Result<PasswordHash> PasswordHash::Create(std::string_view password, std::uint32_t iterations) {
  INGOT_RETURN_IF_ERROR(CheckIterations(iterations));
  PasswordHash hash;
  hash.iterations_ = iterations;
  hash.salt_.resize(kSaltBytes);
  if (!RandomBytes(std::span<unsigned char>(reinterpret_cast<unsigned char*>(hash.salt_.data()),
                                            hash.salt_.size()))) {
    return Status::Internal("no random bytes available for a salt");
  }
  hash.key_ = Pbkdf2Sha256(password, hash.salt_, iterations);
  return hash;
}

std::string PasswordHash::ToString() const {
  return std::string(kPbkdf2Prefix) + std::to_string(iterations_) + "$" +
         Base64Encode(AsBytes(salt_), Base64Alphabet::kStandard, false) + "$" +
         Base64Encode(key_, Base64Alphabet::kStandard, false);
}

bool PasswordHash::Verify(std::string_view password) const {
  return DigestEquals(Pbkdf2Sha256(password, salt_, iterations_), key_);
}

Result<TokenHash> TokenHash::Parse(std::string_view text) {
  if (!text.starts_with(kSha256Prefix)) {
    return Status::InvalidInput("token hash must start with \"sha256$\"");
  }
  text.remove_prefix(kSha256Prefix.size());
  Digest digest{};
  if (text.size() != 2 * digest.size()) {
    return Status::InvalidInput("token hash must be \"sha256$\" and 64 hex digits");
  }
  for (std::size_t i = 0; i < digest.size(); ++i) {
    const int hi = HexValue(text[2 * i]);
    const int lo = HexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Status::InvalidInput("token hash must be \"sha256$\" and 64 hex digits");
    }
    digest[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return TokenHash(digest);
}

std::string TokenHash::ToString() const {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out(kSha256Prefix);
  for (unsigned char b : digest_) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

Result<std::string> HashPassword(std::string_view password, std::uint32_t iterations) {
  if (password.size() < kMinPasswordLength) {
    return Status::InvalidInput("a password must have at least " +
                                std::to_string(kMinPasswordLength) + " characters");
  }
  Result<PasswordHash> hash = PasswordHash::Create(password, iterations);
  if (!hash.ok()) return hash.status();
  return hash->ToString();
}

Result<std::string> HashToken(std::string_view token) {
  if (token.size() < kMinTokenLength) {
    return Status::InvalidInput("a token must have at least " + std::to_string(kMinTokenLength) +
                                " characters (use `ingot new-token` for a random one)");
  }
  for (char c : token) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return Status::InvalidInput("a token must not contain spaces or control characters");
    }
  }
  return TokenHash::Of(token).ToString();
}

Result<NewTokenResult> NewToken() {
  std::array<unsigned char, kTokenRandomBytes> random{};
  if (!RandomBytes(random)) return Status::Internal("no random bytes available for a token");
  NewTokenResult result;
  result.token = std::string(kTokenPrefix) + Base64Encode(random, Base64Alphabet::kUrlSafe, false);
  OPENSSL_cleanse(random.data(), random.size());
  result.token_hash = TokenHash::Of(result.token).ToString();
  return result;
}

}  // namespace ingot::auth
