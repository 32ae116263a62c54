#include "auth/secret_hash.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace ingot::auth {
namespace {

std::string Hex(const Digest& d) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : d) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

TEST(SecretHashTest, Sha256KnownAnswer) {
  EXPECT_EQ(Hex(Sha256({"abc"})),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256({"a", "", "bc"}), Sha256({"abc"}));
}

TEST(SecretHashTest, Pbkdf2KnownAnswer) {
  // RFC 7914 §11, PBKDF2-HMAC-SHA256 (the first 32 of its 64 bytes).
  EXPECT_EQ(Hex(Pbkdf2Sha256("passwd", "salt", 1)),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
}

TEST(SecretHashTest, DigestEqualsComparesEveryByte) {
  Digest a = Sha256({"x"});
  Digest b = a;
  EXPECT_TRUE(DigestEquals(a, b));
  b[31] ^= 1;
  EXPECT_FALSE(DigestEquals(a, b));
}

TEST(SecretHashTest, HashPasswordRoundTrip) {
  Result<std::string> text = HashPassword("correct horse battery", 1000);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_TRUE(text->starts_with("pbkdf2-sha256$1000$"));
  Result<PasswordHash> hash = PasswordHash::Parse(*text);
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_EQ(hash->iterations(), 1000u);
  EXPECT_EQ(hash->ToString(), *text);
  EXPECT_TRUE(hash->Verify("correct horse battery"));
  EXPECT_FALSE(hash->Verify("correct horse batterY"));
  EXPECT_FALSE(hash->Verify(""));
  // A random salt: the same password never hashes the same way twice.
  EXPECT_NE(HashPassword("correct horse battery", 1000).value(), *text);
}

TEST(SecretHashTest, DefaultIterations) {
  Result<std::string> text = HashPassword("correct horse battery");
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(text->starts_with("pbkdf2-sha256$600000$"));
}

TEST(SecretHashTest, VerifiesHashMadeByPython) {
  // hashlib.pbkdf2_hmac("sha256", b"correct horse battery", b"0123456789abcdef", 1000), in the
  // unpadded and the padded base64 that docs/auth.md's Python snippet may produce.
  for (std::string_view text :
       {"pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg$BVALGMmC/K/8ELErc5VgJxyPFApArIZRCQsqjEgZWJ4",
        "pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg==$BVALGMmC/K/"
        "8ELErc5VgJxyPFApArIZRCQsqjEgZWJ4="}) {
    Result<PasswordHash> hash = PasswordHash::Parse(text);
    ASSERT_TRUE(hash.ok()) << hash.status().ToString();
    EXPECT_TRUE(hash->Verify("correct horse battery"));
  }
}

TEST(SecretHashTest, RejectsWeakPasswordsAndIterations) {
  EXPECT_EQ(HashPassword("short").status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(HashPassword("long enough", 999).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(HashPassword("long enough", kMaxPbkdf2Iterations + 1).status().code(),
            StatusCode::kInvalidInput);
}

TEST(SecretHashTest, ParseErrorsNameTheProblem) {
  const std::string salt = "MDEyMzQ1Njc4OWFiY2RlZg";
  const std::string key = "BVALGMmC/K/8ELErc5VgJxyPFApArIZRCQsqjEgZWJ4";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"sha256$1000$" + salt + "$" + key, "must start with \"pbkdf2-sha256$\""},
      {"pbkdf2-sha256$1000$" + salt, "must have the form"},
      {"pbkdf2-sha256$lots$" + salt + "$" + key, "iterations \"lots\" is not a number"},
      {"pbkdf2-sha256$-5$" + salt + "$" + key, "is not a number"},
      {"pbkdf2-sha256$999$" + salt + "$" + key, "between 1000 and 10000000"},
      {"pbkdf2-sha256$99999999999$" + salt + "$" + key, "is not a number"},
      {"pbkdf2-sha256$1000$not base64!$" + key, "salt is not base64"},
      {"pbkdf2-sha256$1000$YWJj$" + key, "salt must have 8 to 64 bytes, it has 3"},
      {"pbkdf2-sha256$1000$" + salt + "$YWJj", "key must be 32 bytes"},
      {"pbkdf2-sha256$1000$" + salt + "$" + key + "$", "key must be 32 bytes"},
  };
  for (const auto& [text, expected] : cases) {
    Result<PasswordHash> hash = PasswordHash::Parse(text);
    ASSERT_FALSE(hash.ok()) << text;
    EXPECT_EQ(hash.status().code(), StatusCode::kInvalidInput);
    EXPECT_NE(hash.status().message().find(expected), std::string::npos)
        << text << " -> " << hash.status().message();
  }
}

TEST(SecretHashTest, TokenHashParse) {
  const std::string lower =
      "sha256$ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  Result<TokenHash> hash = TokenHash::Parse(lower);
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(DigestEquals(hash->digest(), TokenHash::Of("abc").digest()));
  EXPECT_EQ(hash->ToString(), lower);
  Result<TokenHash> upper =
      TokenHash::Parse("sha256$BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(upper->ToString(), lower);
  for (std::string_view bad :
       {"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256$",
        "sha256$ba7816bf",
        "sha256$ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ag",
        "sha512$ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}) {
    EXPECT_FALSE(TokenHash::Parse(bad).ok()) << bad;
  }
}

TEST(SecretHashTest, HashToken) {
  Result<std::string> hash = HashToken("11111111-2222-3333-4444-555555555555");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(*hash, TokenHash::Of("11111111-2222-3333-4444-555555555555").ToString());
  EXPECT_EQ(HashToken("too-short").status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(HashToken("has a space in the middle").status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(HashToken(std::string("control\x01character-token")).status().code(),
            StatusCode::kInvalidInput);
}

TEST(SecretHashTest, NewTokenIsRandomAndMatchesItsHash) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    Result<NewTokenResult> token = NewToken();
    ASSERT_TRUE(token.ok());
    EXPECT_TRUE(token->token.starts_with("ingot_"));
    EXPECT_EQ(token->token.size(), 6u + 43u);
    EXPECT_EQ(token->token.find_first_not_of(
                  "ingot_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"),
              std::string::npos);
    EXPECT_EQ(token->token_hash, HashToken(token->token).value());
    EXPECT_TRUE(seen.insert(token->token).second);
  }
}

}  // namespace
}  // namespace ingot::auth
