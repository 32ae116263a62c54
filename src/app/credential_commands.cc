#include "app/credential_commands.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "auth/auth_file.h"
#include "auth/secret_hash.h"

namespace ingot::app {

namespace {

// One line from standard input; with echo turned off when it is a terminal.
bool ReadSecretLine(const char* prompt, std::string& out) {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::fprintf(stderr, "%s", prompt);
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  const bool ok = static_cast<bool>(std::getline(std::cin, out));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::fprintf(stderr, "\n");
  }
  return ok;
}

bool CheckOrgs(const std::vector<std::string>& orgs) {
  auto scope = auth::ParseOrgScope(orgs);
  if (!scope.ok()) std::fprintf(stderr, "ingot: --orgs: %s\n", scope.status().message().c_str());
  return scope.ok();
}

}  // namespace

void AddCredentialCommands(CLI::App& app, CredentialOptions& options, CLI::App*& hash_password,
                           CLI::App*& new_token) {
  hash_password = app.add_subcommand(
      "hash-password",
      "Read a password (asked twice, or one line of stdin) and print an auth-file [[user]] block");
  hash_password->add_option("--email", options.email, "The user name clients send with HTTP Basic")
      ->required();
  hash_password->add_option("--orgs", options.orgs, "Orgs the user may write to (\"*\": all)")
      ->delimiter(',')
      ->capture_default_str();
  new_token = app.add_subcommand(
      "new-token", "Make a random token and print it (once) with its auth-file [[token]] block");
  new_token->add_option("--name", options.name, "What the token is for, e.g. fluent-bit-prod")
      ->required();
  new_token->add_option("--orgs", options.orgs, "Orgs the token may write to (\"*\": all)")
      ->delimiter(',')
      ->capture_default_str();
}

int RunHashPassword(const CredentialOptions& options) {
  if (Status st = auth::CheckUserName(options.email); !st.ok()) {
    std::fprintf(stderr, "ingot: --email: %s\n", st.message().c_str());
    return 2;
  }
  if (!CheckOrgs(options.orgs)) return 2;
  std::string password, again;
  if (!ReadSecretLine("Password: ", password)) {
    std::fprintf(stderr, "ingot: no password given\n");
    return 2;
  }
  if (::isatty(STDIN_FILENO) && (!ReadSecretLine("Again: ", again) || again != password)) {
    std::fprintf(stderr, "ingot: the passwords differ\n");
    return 2;
  }
  auto hash = auth::HashPassword(password);
  if (!hash.ok()) {
    std::fprintf(stderr, "ingot: %s\n", hash.status().message().c_str());
    return 2;
  }
  std::cout << auth::FormatUserEntry(options.email, *hash, options.orgs);
  return 0;
}

int RunNewToken(const CredentialOptions& options) {
  if (!CheckOrgs(options.orgs)) return 2;
  auto token = auth::NewToken();
  if (!token.ok()) {
    std::fprintf(stderr, "ingot: %s\n", token.status().message().c_str());
    return 1;
  }
  std::fprintf(stderr, "token (shown once; only its hash goes in the auth file):\n");
  std::cout << "# token: " << token->token << "\n"
            << auth::FormatTokenEntry(options.name, token->token_hash, options.orgs);
  return 0;
}

}  // namespace ingot::app
