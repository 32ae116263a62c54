// libFuzzer target for what auth parses from the network: the Authorization header (scheme,
// base64, user:password) and base64 itself. Any input must give a decision that is consistent
// (a known status, a failure matching it, the same answer twice) and base64 must round-trip.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "auth/authenticator.h"
#include "auth/base64.h"

namespace {

using ingot::auth::Authenticator;
using ingot::auth::Decision;
using ingot::auth::Failure;

const Authenticator& Auth() {
  static const Authenticator* auth = [] {
    // Few iterations: a fuzzer mostly sends wrong passwords, each of which runs PBKDF2.
    const std::vector<std::string> all = {"*"};
    std::string text = ingot::auth::FormatUserEntry(
        "a@x", ingot::auth::HashPassword("password", ingot::auth::kMinPbkdf2Iterations).value(),
        all);
    text += ingot::auth::FormatTokenEntry("t", ingot::auth::HashToken("0123456789abcdef").value(),
                                          std::vector<std::string>{"acme"});
    auto file = ingot::auth::ParseAuthFile(text, "fuzz.toml");
    if (!file.ok()) std::abort();
    auto a = Authenticator::Create(std::move(file).value(), {});
    if (!a.ok()) std::abort();
    return new Authenticator(std::move(a).value());
  }();
  return *auth;
}

void CheckDecision(const Decision& d, bool hec_path) {
  if (d.status != 0 && d.status != 401 && d.status != 403) std::abort();
  if ((d.status == 0) != (d.failure == Failure::kNone)) std::abort();
  if ((d.status == 403) != (d.failure == Failure::kOrgNotCovered)) std::abort();
  if (d.status != 0 && d.message.empty()) std::abort();
  if (!hec_path && d.scheme == ingot::auth::Scheme::kSplunk && d.status == 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (bool hec : {false, true}) {
    const Decision first = Auth().CheckAuthorization(input, "acme", hec);
    CheckDecision(first, hec);
    const Decision second = Auth().CheckAuthorization(input, "acme", hec);
    if (second.status != first.status || second.principal != first.principal) std::abort();
  }
  std::string decoded;
  if (ingot::auth::Base64Decode(input, decoded)) {
    const std::string encoded = ingot::auth::Base64Encode(
        std::span(reinterpret_cast<const unsigned char*>(decoded.data()), decoded.size()),
        ingot::auth::Base64Alphabet::kStandard, false);
    std::string again;
    if (!ingot::auth::Base64Decode(encoded, again) || again != decoded) std::abort();
    // Strict decoding: one accepted spelling per byte string, padding aside.
    std::string_view unpadded = input;
    while (!unpadded.empty() && unpadded.back() == '=') unpadded.remove_suffix(1);
    if (unpadded != encoded) std::abort();
  }
  return 0;
}
