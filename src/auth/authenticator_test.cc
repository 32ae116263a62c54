#include "auth/authenticator.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "auth/base64.h"

namespace ingot::auth {
namespace {

// Low iteration counts keep the tests fast; the code paths are the same as with the default.
constexpr std::uint32_t kTestIterations = 1000;

const std::string kFluentToken = "tok_fluent_bit_0123456789abcdef";
const std::string kHecToken = "11111111-2222-3333-4444-555555555555";

std::string Basic(std::string_view user_password) {
  return "Basic " +
         Base64Encode(std::span(reinterpret_cast<const unsigned char*>(user_password.data()),
                                user_password.size()),
                      Base64Alphabet::kStandard, true);
}

std::string Hashed(std::string_view password) {
  return HashPassword(password, kTestIterations).value();
}

std::string TestFile() {
  const std::vector<std::string> both = {"default", "acme"};
  const std::vector<std::string> all = {"*"};
  const std::vector<std::string> acme = {"acme"};
  const std::vector<std::string> def = {"default"};
  return FormatUserEntry("alice@example.com", Hashed("alice-password"), both) +
         FormatUserEntry("bob@example.com", Hashed("bob-password"), all) +
         FormatUserEntry("carol@example.com", Hashed("pass:with:colons"), def) +
         FormatTokenEntry("fluent-bit", HashToken(kFluentToken).value(), acme) +
         FormatTokenEntry("hec", HashToken(kHecToken).value(), def);
}

Authenticator Make(const std::string& text, AuthConfig config = {}) {
  Result<AuthFile> file = ParseAuthFile(text, "test.toml");
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  config.root_password_iterations = kTestIterations;
  Result<Authenticator> auth = Authenticator::Create(std::move(file).value(), config);
  EXPECT_TRUE(auth.ok()) << auth.status().ToString();
  return std::move(auth).value();
}

struct Case {
  const char* name;
  std::string authorization;
  std::string org;
  bool hec_path;
  int status;
  Failure failure;
  Scheme scheme;
  std::string principal;
};

TEST(AuthenticatorTest, DecisionTable) {
  const Authenticator auth = Make(TestFile());
  ASSERT_TRUE(auth.enabled());
  EXPECT_EQ(auth.user_count(), 3u);
  EXPECT_EQ(auth.token_count(), 2u);
  using F = Failure;
  using S = Scheme;
  const std::string alice = "alice@example.com";
  const std::string fluent = "token:fluent-bit";
  const std::vector<Case> cases = {
      // Basic with a user's password.
      {"basic ok", Basic("alice@example.com:alice-password"), "default", false, 0, F::kNone,
       S::kBasic, alice},
      {"basic second org", Basic("alice@example.com:alice-password"), "acme", false, 0, F::kNone,
       S::kBasic, alice},
      {"basic other org", Basic("alice@example.com:alice-password"), "other", false, 403,
       F::kOrgNotCovered, S::kBasic, alice},
      {"basic on hec path", Basic("alice@example.com:alice-password"), "default", true, 0, F::kNone,
       S::kBasic, alice},
      {"basic email any case", Basic("Alice@Example.COM:alice-password"), "default", false, 0,
       F::kNone, S::kBasic, alice},
      {"basic wrong password", Basic("alice@example.com:alice-passworD"), "default", false, 401,
       F::kInvalid, S::kBasic, ""},
      {"basic empty password", Basic("alice@example.com:"), "default", false, 401, F::kInvalid,
       S::kBasic, ""},
      {"basic unknown user", Basic("mallory@example.com:alice-password"), "default", false, 401,
       F::kInvalid, S::kBasic, ""},
      {"basic password of another user", Basic("bob@example.com:alice-password"), "default", false,
       401, F::kInvalid, S::kBasic, ""},
      {"basic star orgs", Basic("bob@example.com:bob-password"), "whatever", false, 0, F::kNone,
       S::kBasic, "bob@example.com"},
      {"basic colons in password", Basic("carol@example.com:pass:with:colons"), "default", false, 0,
       F::kNone, S::kBasic, "carol@example.com"},
      {"basic lower-case scheme", "basic " + Basic("alice@example.com:alice-password").substr(6),
       "default", false, 0, F::kNone, S::kBasic, alice},
      {"basic upper-case scheme", "BASIC " + Basic("alice@example.com:alice-password").substr(6),
       "default", false, 0, F::kNone, S::kBasic, alice},
      // Basic with a token as the password.
      {"basic token any user", Basic("whoever:" + kFluentToken), "acme", false, 0, F::kNone,
       S::kBasic, fluent},
      {"basic token empty user", Basic(":" + kFluentToken), "acme", false, 0, F::kNone, S::kBasic,
       fluent},
      {"basic token other org", Basic("fluent-bit:" + kFluentToken), "default", false, 403,
       F::kOrgNotCovered, S::kBasic, fluent},
      // Malformed Basic.
      {"basic no credentials", "Basic", "default", false, 401, F::kMalformed, S::kBasic, ""},
      {"basic blank credentials", "Basic    ", "default", false, 401, F::kMalformed, S::kBasic, ""},
      {"basic bad base64", "Basic !!not-base64!!", "default", false, 401, F::kMalformed, S::kBasic,
       ""},
      {"basic bad padding", "Basic YWxpY2U6eA=", "default", false, 401, F::kMalformed, S::kBasic,
       ""},
      {"basic no colon", Basic("alice@example.com"), "default", false, 401, F::kMalformed,
       S::kBasic, ""},
      {"basic two parts", Basic("a:b") + " extra", "default", false, 401, F::kMalformed, S::kBasic,
       ""},
      {"basic too long", Basic(std::string(2000, 'a') + ":x"), "default", false, 401, F::kMalformed,
       S::kBasic, ""},
      // Bearer.
      {"bearer ok", "Bearer " + kFluentToken, "acme", false, 0, F::kNone, S::kBearer, fluent},
      {"bearer lower-case", "bearer " + kFluentToken, "acme", false, 0, F::kNone, S::kBearer,
       fluent},
      {"bearer spaces around", "  Bearer   " + kFluentToken + "  ", "acme", false, 0, F::kNone,
       S::kBearer, fluent},
      {"bearer on hec path", "Bearer " + kHecToken, "default", true, 0, F::kNone, S::kBearer,
       "token:hec"},
      {"bearer other org", "Bearer " + kFluentToken, "default", false, 403, F::kOrgNotCovered,
       S::kBearer, fluent},
      {"bearer invalid", "Bearer " + kFluentToken + "x", "acme", false, 401, F::kInvalid,
       S::kBearer, ""},
      {"bearer password is no token", "Bearer alice-password", "default", false, 401, F::kInvalid,
       S::kBearer, ""},
      {"bearer empty", "Bearer", "acme", false, 401, F::kMalformed, S::kBearer, ""},
      {"bearer blank", "Bearer   ", "acme", false, 401, F::kMalformed, S::kBearer, ""},
      {"bearer with space", "Bearer tok en", "acme", false, 401, F::kMalformed, S::kBearer, ""},
      {"bearer tab", "Bearer\t" + kFluentToken, "acme", false, 401, F::kUnsupportedScheme, S::kNone,
       ""},
      // Token (InfluxDB 2.x, Arc): the tokens Bearer carries, on every path.
      {"token ok", "Token " + kFluentToken, "acme", false, 0, F::kNone, S::kToken, fluent},
      {"token lower-case", "token " + kFluentToken, "acme", false, 0, F::kNone, S::kToken, fluent},
      {"token on hec path", "Token " + kHecToken, "default", true, 0, F::kNone, S::kToken,
       "token:hec"},
      {"token other org", "Token " + kFluentToken, "default", false, 403, F::kOrgNotCovered,
       S::kToken, fluent},
      {"token invalid", "Token " + kFluentToken + "x", "acme", false, 401, F::kInvalid, S::kToken,
       ""},
      {"token password is no token", "Token alice-password", "default", false, 401, F::kInvalid,
       S::kToken, ""},
      {"token empty", "Token", "acme", false, 401, F::kMalformed, S::kToken, ""},
      // Splunk, on HEC paths only.
      {"splunk ok", "Splunk " + kHecToken, "default", true, 0, F::kNone, S::kSplunk, "token:hec"},
      {"splunk lower-case", "splunk " + kHecToken, "default", true, 0, F::kNone, S::kSplunk,
       "token:hec"},
      {"splunk other org", "Splunk " + kHecToken, "acme", true, 403, F::kOrgNotCovered, S::kSplunk,
       "token:hec"},
      {"splunk invalid", "Splunk 00000000-0000-0000-0000-000000000000", "default", true, 401,
       F::kInvalid, S::kSplunk, ""},
      {"splunk empty", "Splunk", "default", true, 401, F::kMalformed, S::kSplunk, ""},
      {"splunk off hec path", "Splunk " + kHecToken, "default", false, 401, F::kUnsupportedScheme,
       S::kSplunk, ""},
      // No or unknown scheme.
      {"missing", "", "default", false, 401, F::kMissing, S::kNone, ""},
      {"blank", "   ", "default", true, 401, F::kMissing, S::kNone, ""},
      {"digest", "Digest username=\"alice\"", "default", false, 401, F::kUnsupportedScheme,
       S::kNone, ""},
      {"token alone", kFluentToken, "acme", false, 401, F::kUnsupportedScheme, S::kNone, ""},
      {"basicx", "Basicx " + kFluentToken, "acme", false, 401, F::kUnsupportedScheme, S::kNone, ""},
  };
  for (const Case& c : cases) {
    const Decision d = auth.CheckAuthorization(c.authorization, c.org, c.hec_path);
    EXPECT_EQ(d.status, c.status) << c.name << ": " << d.message;
    EXPECT_EQ(d.allowed(), c.status == 0) << c.name;
    EXPECT_EQ(d.failure, c.failure) << c.name << ": " << d.message;
    EXPECT_EQ(d.scheme, c.scheme) << c.name;
    EXPECT_EQ(d.principal, c.principal) << c.name;
    EXPECT_EQ(d.message.empty(), c.status == 0) << c.name;
  }
}

TEST(AuthenticatorTest, ApiKeyCarriesTheTokensBearerDoes) {
  const Authenticator auth = Make(TestFile());
  Decision d = auth.CheckApiKey(kFluentToken, "acme");
  EXPECT_TRUE(d.allowed()) << d.message;
  EXPECT_EQ(d.scheme, Scheme::kApiKey);
  EXPECT_EQ(d.principal, "token:fluent-bit");
  d = auth.CheckApiKey("  " + kFluentToken + " ", "acme");
  EXPECT_TRUE(d.allowed()) << d.message;
  d = auth.CheckApiKey(kFluentToken, "default");
  EXPECT_EQ(d.status, 403);
  EXPECT_EQ(d.failure, Failure::kOrgNotCovered);
  d = auth.CheckApiKey(kFluentToken + "x", "acme");
  EXPECT_EQ(d.status, 401);
  EXPECT_EQ(d.failure, Failure::kInvalid);
  d = auth.CheckApiKey("alice-password", "default");  // a password is no token
  EXPECT_EQ(d.status, 401);
  d = auth.CheckApiKey("", "acme");
  EXPECT_EQ(d.status, 401);
  EXPECT_EQ(d.failure, Failure::kMalformed);
  EXPECT_EQ(d.message, "malformed x-api-key credentials: no token");
  // Without credentials configured, everyone may.
  Result<Authenticator> open = Authenticator::Load(AuthConfig{});
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  EXPECT_TRUE(open->CheckApiKey("", "acme").allowed());
}

TEST(AuthenticatorTest, MessagesSayWhatToDo) {
  const Authenticator auth = Make(TestFile());
  EXPECT_NE(auth.CheckAuthorization("", "default", false).message.find("Bearer <token>"),
            std::string::npos);
  EXPECT_NE(auth.CheckAuthorization("", "default", true).message.find("Splunk <token>"),
            std::string::npos);
  EXPECT_NE(auth.CheckAuthorization("Splunk " + kHecToken, "default", false)
                .message.find("accepted only on the HEC endpoints"),
            std::string::npos);
  EXPECT_EQ(auth.CheckAuthorization("Digest x", "default", false).message,
            "unsupported authorization scheme \"Digest\" (use Basic or Bearer)");
  EXPECT_EQ(auth.CheckAuthorization("Dig\"est x", "default", false).message,
            "unsupported authorization scheme (use Basic or Bearer)");
  // A bare token is not echoed back.
  const std::string bare = auth.CheckAuthorization(kFluentToken, "acme", false).message;
  EXPECT_EQ(bare.find(kFluentToken), std::string::npos) << bare;
  EXPECT_NE(bare.find("must name its scheme"), std::string::npos) << bare;
  EXPECT_EQ(auth.CheckAuthorization("Bearer " + kFluentToken, "default", false).message,
            "token:fluent-bit may not send data to org \"default\"");
  // A wrong password and an unknown user read the same.
  EXPECT_EQ(
      auth.CheckAuthorization(Basic("alice@example.com:wrong-password"), "default", false).message,
      auth.CheckAuthorization(Basic("nobody@example.com:wrong-password"), "default", false)
          .message);
  EXPECT_EQ(kWwwAuthenticate, "Basic realm=\"ingot\"");
}

TEST(AuthenticatorTest, CachesSuccessfulBasicVerifications) {
  const Authenticator auth = Make(TestFile());
  const std::string alice = Basic("alice@example.com:alice-password");
  EXPECT_EQ(auth.slow_verifications(), 0u);
  EXPECT_TRUE(auth.CheckAuthorization(alice, "default", false).allowed());
  EXPECT_EQ(auth.slow_verifications(), 1u);
  // The second request is answered from the cache, for any org (the org is checked each time).
  EXPECT_TRUE(auth.CheckAuthorization(alice, "default", false).allowed());
  EXPECT_TRUE(auth.CheckAuthorization(alice, "acme", false).allowed());
  EXPECT_EQ(auth.CheckAuthorization(alice, "other", false).status, 403);
  EXPECT_EQ(auth.slow_verifications(), 1u);
  // Failures are never cached: each costs a PBKDF2, known user or not.
  const std::string wrong = Basic("alice@example.com:not-her-password");
  const std::string unknown = Basic("nobody@example.com:not-her-password");
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(auth.CheckAuthorization(wrong, "default", false).status, 401);
    EXPECT_EQ(auth.CheckAuthorization(unknown, "default", false).status, 401);
  }
  EXPECT_EQ(auth.slow_verifications(), 5u);
  // A cached password does not open the door to a neighbour: the key is user and password.
  EXPECT_EQ(
      auth.CheckAuthorization(Basic("bob@example.com:alice-password"), "default", false).status,
      401);
  EXPECT_EQ(auth.slow_verifications(), 6u);
  // Tokens never need PBKDF2, neither as Bearer nor as a Basic password.
  EXPECT_TRUE(auth.CheckAuthorization("Bearer " + kFluentToken, "acme", false).allowed());
  EXPECT_TRUE(auth.CheckAuthorization(Basic("x:" + kFluentToken), "acme", false).allowed());
  EXPECT_EQ(auth.slow_verifications(), 6u);
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

TEST(AuthenticatorTest, FailedBasicCostsTheSameForEveryUser) {
  // A fast user and a slow one: a failure for either, or for an unknown user, does the slow
  // user's work, so the time of a 401 does not tell which emails exist. Thread CPU time keeps
  // the comparison meaningful on a busy machine.
  const std::vector<std::string> all = {"*"};
  const Authenticator auth = Make(
      FormatUserEntry("fast@example.com", Hashed("fast-password"), all) +
      FormatUserEntry("slow@example.com", HashPassword("slow-password", 100'000).value(), all));
  auto cost = [&](const std::string& user_password) {
    const double start = ThreadCpuSeconds();
    EXPECT_EQ(auth.CheckAuthorization(Basic(user_password), "a", false).status, 401);
    return ThreadCpuSeconds() - start;
  };
  const double fast_user = cost("fast@example.com:wrong-password");
  const double slow_user = cost("slow@example.com:wrong-password");
  const double unknown = cost("nobody@example.com:wrong-password");
  const double one_fast_pbkdf2 = [] {
    const double start = ThreadCpuSeconds();
    Pbkdf2Sha256("x", "salt", kTestIterations);
    return ThreadCpuSeconds() - start;
  }();
  EXPECT_GT(fast_user, 20 * one_fast_pbkdf2);  // 100x in theory
  EXPECT_GT(fast_user, slow_user / 2);
  EXPECT_GT(unknown, slow_user / 2);
  EXPECT_LT(fast_user, slow_user * 2);
  EXPECT_LT(unknown, slow_user * 2);
}

TEST(AuthenticatorTest, CacheCanBeDisabled) {
  AuthConfig config;
  config.cache_capacity = 0;
  const Authenticator auth = Make(TestFile(), config);
  const std::string alice = Basic("alice@example.com:alice-password");
  EXPECT_TRUE(auth.CheckAuthorization(alice, "default", false).allowed());
  EXPECT_TRUE(auth.CheckAuthorization(alice, "default", false).allowed());
  EXPECT_EQ(auth.slow_verifications(), 2u);
}

TEST(AuthenticatorTest, TokensOnlySkipPbkdf2ForBadBasic) {
  const Authenticator auth =
      Make(FormatTokenEntry("t", HashToken(kFluentToken).value(), std::vector<std::string>{"*"}));
  EXPECT_EQ(auth.CheckAuthorization(Basic("x:wrong-token-value"), "a", false).failure,
            Failure::kInvalid);
  EXPECT_TRUE(auth.CheckAuthorization(Basic("x:" + kFluentToken), "a", false).allowed());
  EXPECT_EQ(auth.slow_verifications(), 0u);
}

TEST(AuthenticatorTest, ConcurrentChecks) {
  const Authenticator auth = Make(TestFile());
  const std::string alice = Basic("alice@example.com:alice-password");
  const std::string bearer = "Bearer " + kFluentToken;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (!auth.CheckAuthorization(alice, "acme", false).allowed()) ++failures;
        if (!auth.CheckAuthorization(bearer, "acme", false).allowed()) ++failures;
        if (auth.CheckAuthorization(bearer, "default", false).status != 403) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(auth.slow_verifications(), 4u);  // at most one miss per thread racing the first
}

TEST(AuthenticatorTest, DisabledWithoutCredentials) {
  Result<Authenticator> auth = Authenticator::Load(AuthConfig{});
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_FALSE(auth->enabled());
  for (const std::string& header : {std::string(), std::string("Bearer nonsense")}) {
    const Decision d = auth->CheckAuthorization(header, "anything", false);
    EXPECT_TRUE(d.allowed());
    EXPECT_EQ(d.principal, "");
  }
}

AuthConfig RootConfig(std::string email, std::string password) {
  AuthConfig config;
  config.root_user_email = std::move(email);
  config.root_user_password = std::move(password);
  config.root_password_iterations = kTestIterations;
  return config;
}

TEST(AuthenticatorTest, RootUserFromConfig) {
  Result<Authenticator> auth =
      Authenticator::Load(RootConfig("root@example.com", "Complexpass#123"));
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_TRUE(auth->enabled());
  EXPECT_EQ(auth->user_count(), 1u);
  const Decision d =
      auth->CheckAuthorization(Basic("root@example.com:Complexpass#123"), "any_org", false);
  EXPECT_TRUE(d.allowed()) << d.message;
  EXPECT_EQ(d.principal, "root@example.com");
  EXPECT_EQ(auth->CheckAuthorization(Basic("root@example.com:Complexpass#12"), "a", false).status,
            401);
  // Root password stays a password: not a token.
  EXPECT_EQ(auth->CheckAuthorization("Bearer Complexpass#123", "a", false).status, 401);
}

TEST(AuthenticatorTest, RootUserAlongsideFile) {
  const std::string path = ::testing::TempDir() + "/authenticator_test.toml";
  {
    std::ofstream out(path);
    out << TestFile();
  }
  AuthConfig config = RootConfig("root@example.com", "Complexpass#123");
  config.auth_file = path;
  Result<Authenticator> auth = Authenticator::Load(config);
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_EQ(auth->user_count(), 4u);
  EXPECT_TRUE(
      auth->CheckAuthorization(Basic("root@example.com:Complexpass#123"), "acme", false).allowed());
  EXPECT_TRUE(auth->CheckAuthorization("Bearer " + kFluentToken, "acme", false).allowed());

  config.root_user_email = "ALICE@example.com";
  Result<Authenticator> clash = Authenticator::Load(config);
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.status().message().find("is both the root user"), std::string::npos);
  std::remove(path.c_str());
}

TEST(AuthenticatorTest, LoadErrors) {
  struct ErrorCase {
    const char* name;
    AuthConfig config;
    StatusCode code;
    std::string expected;
  };
  AuthConfig missing_file;
  missing_file.auth_file = ::testing::TempDir() + "/no_such_auth_file.toml";
  AuthConfig empty_file;
  empty_file.auth_file = ::testing::TempDir() + "/empty_auth_file.toml";
  std::ofstream(empty_file.auth_file) << "# no one yet\n";
  AuthConfig bad_file;
  bad_file.auth_file = ::testing::TempDir() + "/bad_auth_file.toml";
  std::ofstream(bad_file.auth_file) << "[[user]]\nemail = \"a@x\"\nfoo = 1\n";
  const std::vector<ErrorCase> cases = {
      {"missing file", missing_file, StatusCode::kIoError, "cannot open auth file"},
      {"empty file", empty_file, StatusCode::kInvalidInput, "defines no [[user]] and no [[token]]"},
      {"bad file", bad_file, StatusCode::kInvalidInput,
       bad_file.auth_file + ":3: [[user]] \"a@x\": unknown key \"foo\""},
      {"email only", RootConfig("root@example.com", ""), StatusCode::kInvalidInput,
       "INGOT_ROOT_USER_EMAIL is set but INGOT_ROOT_USER_PASSWORD is not"},
      {"password only", RootConfig("", "Complexpass#123"), StatusCode::kInvalidInput,
       "INGOT_ROOT_USER_PASSWORD is set but INGOT_ROOT_USER_EMAIL is not"},
      {"short password", RootConfig("root@example.com", "short"), StatusCode::kInvalidInput,
       "INGOT_ROOT_USER_PASSWORD must have at least 8 characters"},
      {"bad email", RootConfig("root:x", "Complexpass#123"), StatusCode::kInvalidInput,
       "INGOT_ROOT_USER_EMAIL: the user name must not contain ':'"},
  };
  for (const ErrorCase& c : cases) {
    Result<Authenticator> auth = Authenticator::Load(c.config);
    ASSERT_FALSE(auth.ok()) << c.name;
    EXPECT_EQ(auth.status().code(), c.code) << c.name;
    EXPECT_NE(auth.status().message().find(c.expected), std::string::npos)
        << c.name << ": " << auth.status().message();
  }
}

TEST(AuthenticatorTest, ReadRootUserFromEnvironment) {
  ASSERT_EQ(setenv("INGOT_ROOT_USER_EMAIL", "env@example.com", 1), 0);
  ASSERT_EQ(setenv("INGOT_ROOT_USER_PASSWORD", "Env-password-1", 1), 0);
  AuthConfig config;
  ReadRootUserFromEnvironment(config);
  EXPECT_EQ(config.root_user_email, "env@example.com");
  EXPECT_EQ(config.root_user_password, "Env-password-1");
  ASSERT_EQ(unsetenv("INGOT_ROOT_USER_EMAIL"), 0);
  ASSERT_EQ(unsetenv("INGOT_ROOT_USER_PASSWORD"), 0);
  ReadRootUserFromEnvironment(config);
  EXPECT_EQ(config.root_user_email, "");
  EXPECT_EQ(config.root_user_password, "");
}

TEST(AuthenticatorTest, SurvivesMove) {
  Authenticator moved = Make(TestFile());
  Authenticator auth = std::move(moved);
  const Decision d = auth.CheckAuthorization("Bearer " + kFluentToken, "acme", false);
  EXPECT_TRUE(d.allowed());
  EXPECT_EQ(d.principal, "token:fluent-bit");
}

}  // namespace
}  // namespace ingot::auth
