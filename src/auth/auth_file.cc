#include "auth/auth_file.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <toml.hpp>
#include <utility>

#include "common/ascii.h"
#include "model/names.h"

namespace ingot::auth {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), AsciiLower);
  return out;
}

bool IsControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

bool HasSpaceOrControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c == ' ' || IsControl(c); });
}

std::string TomlQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7f) {
      constexpr std::string_view kHex = "0123456789ABCDEF";
      out.append("\\u00");
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string TomlList(std::span<const std::string> items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.append(", ");
    out.append(TomlQuote(items[i]));
  }
  out.push_back(']');
  return out;
}

// Reads one [[user]] or [[token]] table, producing errors that say where.
class EntryReader {
 public:
  EntryReader(std::string_view source, std::string_view kind, const toml::value& table)
      : source_(source), kind_(kind), table_(table) {}

  // The error "<source>:<line>: [[kind]] (#index): <what>", pointing at `at` (else the table).
  Status Error(const std::string& what, const toml::value* at = nullptr) const {
    const toml::value& where = at != nullptr ? *at : table_;
    std::string label = "[[" + std::string(kind_) + "]]";
    if (!label_.empty()) label += " " + TomlQuote(label_);
    return Status::InvalidInput(std::string(source_) + ":" +
                                std::to_string(where.location().line()) + ": " + label + ": " +
                                what);
  }

  // Fails on keys outside `known`, the first in file order.
  Status CheckKeys(std::initializer_list<std::string_view> known) const {
    const toml::value* first = nullptr;
    std::string first_key;
    for (const auto& [key, value] : table_.as_table()) {
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      if (first == nullptr || value.location().line() < first->location().line()) {
        first = &value;
        first_key = key;
      }
    }
    if (first == nullptr) return Status::Ok();
    std::string expected;
    for (std::string_view k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
    return Error("unknown key \"" + first_key + "\" (expected " + expected + ")", first);
  }

  // The string under `key`; an error when it is absent, not a string or empty.
  Result<std::string> String(const std::string& key) const {
    const auto& table = table_.as_table();
    const auto it = table.find(key);
    if (it == table.end()) return Error("missing key \"" + key + "\"");
    if (!it->second.is_string()) return Error("\"" + key + "\" must be a string", &it->second);
    std::string value = it->second.as_string().str;
    if (value.empty()) return Error("\"" + key + "\" must not be empty", &it->second);
    return value;
  }

  // The value under `key`, or an error when absent.
  Result<const toml::value*> Value(const std::string& key) const {
    const auto& table = table_.as_table();
    const auto it = table.find(key);
    if (it == table.end()) return Error("missing key \"" + key + "\"");
    return &it->second;
  }

  Result<OrgScope> Orgs() const {
    Result<const toml::value*> value = Value("orgs");
    if (!value.ok()) return value.status();
    const toml::value& v = **value;
    std::vector<std::string> names;
    if (v.is_array()) {
      for (const toml::value& item : v.as_array()) {
        if (!item.is_string()) break;
        names.push_back(item.as_string().str);
      }
    }
    if (!v.is_array() || names.size() != v.as_array().size()) {
      return Error("\"orgs\" must be an array of strings, such as [\"default\"] or [\"*\"]", &v);
    }
    Result<OrgScope> scope = ParseOrgScope(names);
    if (!scope.ok()) return Error(scope.status().message(), &v);
    return scope;
  }

  // Names the entry in later errors.
  void set_label(std::string label) { label_ = std::move(label); }
  const toml::value& table() const { return table_; }

 private:
  std::string_view source_;
  std::string_view kind_;
  const toml::value& table_;
  std::string label_;
};

Status ReadUser(const EntryReader& reader, AuthFile& file, std::set<std::string>& emails) {
  Result<std::string> email = reader.String("email");
  if (!email.ok()) return email.status();
  if (Status st = CheckUserName(*email); !st.ok()) {
    return reader.Error("\"email\": " + st.message(), reader.Value("email").value());
  }
  EntryReader named = reader;
  named.set_label(*email);
  INGOT_RETURN_IF_ERROR(named.CheckKeys({"email", "password_hash", "orgs"}));
  if (!emails.insert(Lower(*email)).second) {
    return named.Error("this user is defined twice (emails are compared case-insensitively)");
  }
  Result<std::string> hash_text = named.String("password_hash");
  if (!hash_text.ok()) return hash_text.status();
  Result<PasswordHash> hash = PasswordHash::Parse(*hash_text);
  if (!hash.ok()) return named.Error(hash.status().message(), named.Value("password_hash").value());
  Result<OrgScope> scope = named.Orgs();
  if (!scope.ok()) return scope.status();
  file.users.push_back(UserEntry{std::move(*email), std::move(*hash), std::move(*scope)});
  return Status::Ok();
}

Status ReadToken(const EntryReader& reader, AuthFile& file, std::set<std::string>& names,
                 std::set<std::string>& hashes) {
  Result<std::string> name = reader.String("name");
  if (!name.ok()) return name.status();
  EntryReader named = reader;
  named.set_label(*name);
  INGOT_RETURN_IF_ERROR(named.CheckKeys({"name", "token_hash", "orgs"}));
  if (std::any_of(name->begin(), name->end(), IsControl) ||
      name->find_first_not_of(' ') == std::string::npos) {
    return named.Error("\"name\" must not be blank or contain control characters");
  }
  if (!names.insert(*name).second) return named.Error("a token of this name is defined twice");
  Result<std::string> hash_text = named.String("token_hash");
  if (!hash_text.ok()) return hash_text.status();
  Result<TokenHash> hash = TokenHash::Parse(*hash_text);
  if (!hash.ok()) return named.Error(hash.status().message(), named.Value("token_hash").value());
  if (!hashes.insert(hash->ToString()).second) {
    return named.Error("the same token_hash is listed for another token");
  }
  Result<OrgScope> scope = named.Orgs();
  if (!scope.ok()) return scope.status();
  file.tokens.push_back(TokenEntry{std::move(*name), *hash, std::move(*scope)});
  return Status::Ok();
}

}  // namespace

bool OrgScope::Covers(std::string_view org) const {
  return all || std::binary_search(orgs.begin(), orgs.end(), org, std::less<>());
}

Status CheckUserName(std::string_view email) {
  if (email.empty()) return Status::InvalidInput("the user name must not be empty");
  if (email.find(':') != std::string_view::npos) {
    return Status::InvalidInput("the user name must not contain ':' (HTTP Basic cannot send it)");
  }
  if (HasSpaceOrControl(email)) {
    return Status::InvalidInput("the user name must not contain spaces or control characters");
  }
  return Status::Ok();
}

Result<OrgScope> ParseOrgScope(std::span<const std::string> orgs) {
  if (orgs.empty()) {
    return Status::InvalidInput("orgs must list at least one org, or \"*\" for every org");
  }
  OrgScope scope;
  for (const std::string& org : orgs) {
    if (org == "*") {
      if (orgs.size() != 1) {
        return Status::InvalidInput("\"*\" already covers every org; list it alone");
      }
      scope.all = true;
      return scope;
    }
    Result<std::string> stored = model::StreamName(org, "org");
    if (!stored.ok()) return stored.status();
    const std::string& normalized = *stored;
    if (normalized != org) {
      return Status::InvalidInput("org \"" + org + "\" is not a normalized org name (the server " +
                                  "stores it as \"" + normalized + "\"; write that)");
    }
    scope.orgs.push_back(org);
  }
  std::sort(scope.orgs.begin(), scope.orgs.end());
  scope.orgs.erase(std::unique(scope.orgs.begin(), scope.orgs.end()), scope.orgs.end());
  return scope;
}

Result<AuthFile> ParseAuthFile(std::string_view text, std::string_view source_name) {
  const std::string source(source_name);
  toml::value root;
  try {
    std::istringstream in{std::string(text)};
    root = toml::parse(in, source);
  } catch (const std::exception& e) {
    return Status::InvalidInput("auth file " + source + " is not valid TOML: " + e.what());
  }
  AuthFile file;
  std::set<std::string> emails, token_names, token_hashes;
  // Top-level keys in file order, so that the first problem reported is the first in the file.
  std::vector<std::pair<std::string, const toml::value*>> sections;
  for (const auto& [key, value] : root.as_table()) sections.emplace_back(key, &value);
  std::sort(sections.begin(), sections.end(), [](const auto& a, const auto& b) {
    return a.second->location().line() < b.second->location().line();
  });
  for (const auto& [key, value] : sections) {
    const std::string where = source + ":" + std::to_string(value->location().line()) + ": ";
    if (key != "user" && key != "token") {
      return Status::InvalidInput(where + "unknown key \"" + key +
                                  "\" (an auth file holds [[user]] and [[token]] entries)");
    }
    const bool tables =
        value->is_array() && std::all_of(value->as_array().begin(), value->as_array().end(),
                                         [](const toml::value& v) { return v.is_table(); });
    if (!tables) {
      return Status::InvalidInput(where + "\"" + key + "\" must be written [[" + key +
                                  "]] (an array of tables), one per " + key);
    }
    for (const toml::value& entry : value->as_array()) {
      const EntryReader reader(source, key, entry);
      INGOT_RETURN_IF_ERROR(key == "user" ? ReadUser(reader, file, emails)
                                          : ReadToken(reader, file, token_names, token_hashes));
    }
  }
  return file;
}

Result<AuthFile> ReadAuthFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot open auth file " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::IoError("cannot read auth file " + path);
  return ParseAuthFile(text, path);
}

std::string FormatUserEntry(std::string_view email, std::string_view password_hash,
                            std::span<const std::string> orgs) {
  return "[[user]]\nemail = " + TomlQuote(email) + "\npassword_hash = " + TomlQuote(password_hash) +
         "\norgs = " + TomlList(orgs) + "\n";
}

std::string FormatTokenEntry(std::string_view name, std::string_view token_hash,
                             std::span<const std::string> orgs) {
  return "[[token]]\nname = " + TomlQuote(name) + "\ntoken_hash = " + TomlQuote(token_hash) +
         "\norgs = " + TomlList(orgs) + "\n";
}

}  // namespace ingot::auth
