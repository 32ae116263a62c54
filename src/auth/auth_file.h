// The auth file (`--auth-file`): the credentials allowed to send data and the orgs each covers.
// TOML, documented with an example in docs/auth.md:
//
//   [[user]]                      # HTTP Basic: email (user name) + password
//   email = "alice@example.com"
//   password_hash = "pbkdf2-sha256$600000$<salt>$<key>"
//   orgs = ["default", "acme"]    # or ["*"] for every org
//
//   [[token]]                     # Bearer, Splunk (HEC paths) or Basic with the token as password
//   name = "fluent-bit-prod"
//   token_hash = "sha256$<64 hex digits>"
//   orgs = ["acme"]
//
// Only hashes are stored (secret_hash.h). Reading is strict, because a typo in an auth file should
// stop the server rather than silently lock someone out or let someone in: unknown keys, missing
// keys, org names that are not in their normalized form, and duplicate users, token names or
// token hashes are errors naming the file and line.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/secret_hash.h"
#include "common/status.h"

namespace ingot::auth {

// The orgs a credential may write to.
struct OrgScope {
  bool all = false;               // "*"
  std::vector<std::string> orgs;  // sorted, unique; empty when `all`

  bool Covers(std::string_view org) const;
};

struct UserEntry {
  std::string email;  // as written; matched case-insensitively
  PasswordHash password_hash;
  OrgScope scope;
};

struct TokenEntry {
  std::string name;
  TokenHash token_hash;
  OrgScope scope;
};

struct AuthFile {
  std::vector<UserEntry> users;
  std::vector<TokenEntry> tokens;
};

// Parses the text of an auth file; `source_name` (the path) prefixes error messages, which read
// "<source_name>:<line>: <what is wrong>". Errors: kInvalidInput.
Result<AuthFile> ParseAuthFile(std::string_view text, std::string_view source_name);
// Reads and parses the file at `path`. Errors: kIoError when it cannot be read, else as above.
Result<AuthFile> ReadAuthFile(const std::string& path);

// A user name usable with HTTP Basic: not empty, no ':' (Basic splits at the first one), no
// spaces or control characters. Errors: kInvalidInput naming the problem.
Status CheckUserName(std::string_view email);
// Parses an `orgs` list: "*" alone, or org names in their normalized form (as the server stores
// them: lower case, [a-z0-9_:]). Errors: kInvalidInput naming the bad entry.
Result<OrgScope> ParseOrgScope(std::span<const std::string> orgs);

// Blocks ready to paste into an auth file (what `ingot hash-password` and `ingot new-token` print),
// with the strings quoted as TOML requires.
std::string FormatUserEntry(std::string_view email, std::string_view password_hash,
                            std::span<const std::string> orgs);
std::string FormatTokenEntry(std::string_view name, std::string_view token_hash,
                             std::span<const std::string> orgs);

}  // namespace ingot::auth
