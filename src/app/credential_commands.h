// `ingot hash-password` and `ingot new-token`: print the [[user]] / [[token]] blocks of an auth
// file (docs/auth.md), so that no one has to hash secrets by hand.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace ingot::app {

struct CredentialOptions {
  std::string email;
  std::string name;
  std::vector<std::string> orgs = {"default"};
};

// Adds both subcommands to `app`; their options land in `options`.
void AddCredentialCommands(CLI::App& app, CredentialOptions& options, CLI::App*& hash_password,
                           CLI::App*& new_token);

// Reads a password (from the terminal without echo, asked twice; or one line of standard input)
// and prints a [[user]] block. Returns the exit code.
int RunHashPassword(const CredentialOptions& options);
// Prints a new random token (shown once) and its [[token]] block. Returns the exit code.
int RunNewToken(const CredentialOptions& options);

}  // namespace ingot::app
