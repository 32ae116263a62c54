#include "auth/auth_file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace ingot::auth {
namespace {

const std::string kPasswordHash =
    "pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg$BVALGMmC/K/8ELErc5VgJxyPFApArIZRCQsqjEgZWJ4";
const std::string kTokenHash =
    "sha256$ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const std::string kOtherTokenHash =
    "sha256$0000000000000000000000000000000000000000000000000000000000000001";

TEST(AuthFileTest, ParsesUsersAndTokens) {
  const std::string text = R"(# who may send data
[[user]]
email = "alice@example.com"
password_hash = ")" + kPasswordHash +
                           R"("
orgs = ["default", "acme", "acme"]

[[user]]
email = "root@example.com"
password_hash = ")" + kPasswordHash +
                           R"("
orgs = ["*"]

[[token]]
name = "fluent-bit prod"
token_hash = ")" + kTokenHash +
                           R"("
orgs = ["acme"]
)";
  Result<AuthFile> file = ParseAuthFile(text, "auth.toml");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_EQ(file->users.size(), 2u);
  EXPECT_EQ(file->users[0].email, "alice@example.com");
  EXPECT_FALSE(file->users[0].scope.all);
  EXPECT_EQ(file->users[0].scope.orgs, (std::vector<std::string>{"acme", "default"}));
  EXPECT_TRUE(file->users[0].password_hash.Verify("correct horse battery"));
  EXPECT_TRUE(file->users[1].scope.all);
  EXPECT_TRUE(file->users[1].scope.Covers("anything"));
  ASSERT_EQ(file->tokens.size(), 1u);
  EXPECT_EQ(file->tokens[0].name, "fluent-bit prod");
  EXPECT_EQ(file->tokens[0].token_hash.ToString(), kTokenHash);
  EXPECT_TRUE(file->tokens[0].scope.Covers("acme"));
  EXPECT_FALSE(file->tokens[0].scope.Covers("default"));
}

TEST(AuthFileTest, EmptyFileHasNoEntries) {
  Result<AuthFile> file = ParseAuthFile("# nothing yet\n", "auth.toml");
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(file->users.empty());
  EXPECT_TRUE(file->tokens.empty());
}

std::string User(std::string_view email, std::string_view hash, std::string_view orgs) {
  return "[[user]]\nemail = " + std::string(email) + "\npassword_hash = " + std::string(hash) +
         "\norgs = " + std::string(orgs) + "\n";
}

std::string Token(std::string_view name, std::string_view hash, std::string_view orgs) {
  return "[[token]]\nname = " + std::string(name) + "\ntoken_hash = " + std::string(hash) +
         "\norgs = " + std::string(orgs) + "\n";
}

struct ErrorCase {
  const char* name;
  std::string text;
  std::string expected;  // a substring of the message
};

TEST(AuthFileTest, ErrorsNameFileLineAndKey) {
  const std::string hash = "\"" + kPasswordHash + "\"";
  const std::string token = "\"" + kTokenHash + "\"";
  const std::vector<ErrorCase> cases = {
      {"not toml", "[[user]]\nemail = \"a@x\n", "auth file auth.toml is not valid TOML"},
      {"unknown section", "[[users]]\nemail = \"a@x\"\n",
       "auth.toml:1: unknown key \"users\" (an auth file holds [[user]] and [[token]] entries)"},
      {"table not array", "[user]\nemail = \"a@x\"\n", "\"user\" must be written [[user]]"},
      {"top-level key", "version = 1\n", "auth.toml:1: unknown key \"version\""},
      {"missing email", "[[user]]\npassword_hash = " + hash + "\norgs = [\"a\"]\n",
       "auth.toml:1: [[user]]: missing key \"email\""},
      {"email not string", "[[user]]\nemail = 3\n",
       "auth.toml:2: [[user]]: \"email\" must be a string"},
      {"empty email", "[[user]]\nemail = \"\"\n", "\"email\" must not be empty"},
      {"email with colon", User("\"a:b@x\"", hash, "[\"a\"]"),
       "auth.toml:2: [[user]]: \"email\": the user name must not contain ':'"},
      {"email with space", User("\"a b@x\"", hash, "[\"a\"]"), "must not contain spaces"},
      {"unknown key in user",
       "[[user]]\nemail = \"a@x\"\norgs = [\"a\"]\npasword_hash = " + hash + "\n",
       "auth.toml:4: [[user]] \"a@x\": unknown key \"pasword_hash\" (expected email, "
       "password_hash, orgs)"},
      {"missing password", "[[user]]\nemail = \"a@x\"\norgs = [\"a\"]\n",
       "auth.toml:1: [[user]] \"a@x\": missing key \"password_hash\""},
      {"plain password", User("\"a@x\"", "\"hunter22\"", "[\"a\"]"),
       "auth.toml:3: [[user]] \"a@x\": password hash must start with \"pbkdf2-sha256$\""},
      {"weak hash", User("\"a@x\"", "\"pbkdf2-sha256$10$MDEyMzQ1Njc4OWFiY2RlZg$x\"", "[\"a\"]"),
       "auth.toml:3: [[user]] \"a@x\": PBKDF2 iterations must be between"},
      {"duplicate user", User("\"a@x\"", hash, "[\"a\"]") + User("\"A@X\"", hash, "[\"b\"]"),
       "auth.toml:5: [[user]] \"A@X\": this user is defined twice"},
      {"missing orgs", "[[user]]\nemail = \"a@x\"\npassword_hash = " + hash + "\n",
       "missing key \"orgs\""},
      {"orgs a string", User("\"a@x\"", hash, "\"acme\""),
       "auth.toml:4: [[user]] \"a@x\": \"orgs\" must be an array of strings"},
      {"orgs with a number", User("\"a@x\"", hash, "[\"acme\", 1]"),
       "\"orgs\" must be an array of strings"},
      {"orgs empty", User("\"a@x\"", hash, "[]"), "orgs must list at least one org"},
      {"org not normalized", User("\"a@x\"", hash, "[\"Acme-Corp\"]"),
       "org \"Acme-Corp\" is not a normalized org name (the server stores it as \"acme_corp\""},
      {"org empty", User("\"a@x\"", hash, "[\"\"]"), "org name is empty"},
      {"star with others", User("\"a@x\"", hash, "[\"*\", \"acme\"]"),
       "\"*\" already covers every org; list it alone"},
      {"token missing name", "[[token]]\ntoken_hash = " + token + "\n",
       "auth.toml:1: [[token]]: missing key \"name\""},
      {"token unknown key", "[[token]]\nname = \"t\"\ntoken = \"secret\"\n",
       "auth.toml:3: [[token]] \"t\": unknown key \"token\" (expected name, token_hash, orgs)"},
      {"token blank name", Token("\"  \"", token, "[\"a\"]"), "must not be blank"},
      {"token bad hash", Token("\"t\"", "\"sha256$abc\"", "[\"a\"]"),
       "auth.toml:3: [[token]] \"t\": token hash must be \"sha256$\" and 64 hex digits"},
      {"token duplicate name",
       Token("\"t\"", token, "[\"a\"]") + Token("\"t\"", "\"" + kOtherTokenHash + "\"", "[\"a\"]"),
       "auth.toml:5: [[token]] \"t\": a token of this name is defined twice"},
      {"token duplicate hash", Token("\"t\"", token, "[\"a\"]") + Token("\"u\"", token, "[\"a\"]"),
       "auth.toml:5: [[token]] \"u\": the same token_hash is listed for another token"},
      {"token orgs", Token("\"t\"", token, "[\"default\", \"Bad Org\"]"),
       "auth.toml:4: [[token]] \"t\": org \"Bad Org\" is not a normalized org name"},
  };
  for (const ErrorCase& c : cases) {
    Result<AuthFile> file = ParseAuthFile(c.text, "auth.toml");
    ASSERT_FALSE(file.ok()) << c.name;
    EXPECT_EQ(file.status().code(), StatusCode::kInvalidInput) << c.name;
    EXPECT_NE(file.status().message().find(c.expected), std::string::npos)
        << c.name << ":\n  got:      " << file.status().message() << "\n  expected: " << c.expected;
  }
}

TEST(AuthFileTest, ReportsTheFirstProblemInFileOrder) {
  const std::string text = "[[user]]\nemail = \"a@x\"\nzzz = 1\naaa = 2\n";
  Result<AuthFile> file = ParseAuthFile(text, "auth.toml");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("auth.toml:3: [[user]] \"a@x\": unknown key \"zzz\""),
            std::string::npos)
      << file.status().message();
}

TEST(AuthFileTest, ReadAuthFileFromDisk) {
  const std::string path = ::testing::TempDir() + "/auth_file_test.toml";
  {
    std::ofstream out(path);
    out << Token("\"t\"", "\"" + kTokenHash + "\"", "[\"default\"]");
  }
  Result<AuthFile> file = ReadAuthFile(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->tokens.size(), 1u);
  std::remove(path.c_str());

  Result<AuthFile> missing = ReadAuthFile(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  EXPECT_NE(missing.status().message().find(path), std::string::npos);
}

TEST(AuthFileTest, FormattedEntriesParseBack) {
  const std::vector<std::string> orgs = {"default", "acme"};
  const std::string odd_name = "quote \" and backslash \\ \x01";
  const std::string text = FormatUserEntry("alice@example.com", kPasswordHash, orgs) + "\n" +
                           FormatTokenEntry(odd_name, kTokenHash, std::vector<std::string>{"*"});
  EXPECT_EQ(FormatUserEntry("alice@example.com", kPasswordHash, orgs),
            "[[user]]\nemail = \"alice@example.com\"\npassword_hash = \"" + kPasswordHash +
                "\"\norgs = [\"default\", \"acme\"]\n");
  // The token name has a control character, which the parser refuses after TOML unquoted it
  // correctly; the error proves the quoting round-tripped.
  Result<AuthFile> file = ParseAuthFile(text, "auth.toml");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("[[token]] \"quote \\\" and backslash \\\\ \\u0001\""),
            std::string::npos)
      << file.status().message();

  const std::string good = FormatUserEntry("alice@example.com", kPasswordHash, orgs) + "\n" +
                           FormatTokenEntry("quote \" and \\", kTokenHash, orgs);
  Result<AuthFile> parsed = ParseAuthFile(good, "auth.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->users[0].email, "alice@example.com");
  EXPECT_EQ(parsed->tokens[0].name, "quote \" and \\");
}

TEST(AuthFileTest, CheckUserName) {
  EXPECT_TRUE(CheckUserName("alice@example.com").ok());
  EXPECT_TRUE(CheckUserName("admin").ok());
  EXPECT_FALSE(CheckUserName("").ok());
  EXPECT_FALSE(CheckUserName("a:b").ok());
  EXPECT_FALSE(CheckUserName("a b").ok());
  EXPECT_FALSE(CheckUserName("a\tb").ok());
}

}  // namespace
}  // namespace ingot::auth
