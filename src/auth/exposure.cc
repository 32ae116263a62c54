#include "auth/exposure.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <string>

#include "common/ascii.h"

namespace ingot::auth {

bool IsLoopbackAddress(std::string_view host_port) {
  std::string_view host = host_port;
  if (const std::size_t colon = host_port.rfind(':'); colon != std::string_view::npos) {
    host = host_port.substr(0, colon);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (EqualsIgnoreCase(host, "localhost")) return true;
  const std::string text(host);  // inet_pton needs a terminated string
  std::array<unsigned char, 16> addr{};
  if (inet_pton(AF_INET, text.c_str(), addr.data()) == 1) return addr[0] == 127;
  if (inet_pton(AF_INET6, text.c_str(), addr.data()) != 1) return false;
  constexpr std::array<unsigned char, 16> kLoopback6 = {0, 0, 0, 0, 0, 0, 0, 0,
                                                        0, 0, 0, 0, 0, 0, 0, 1};
  constexpr std::array<unsigned char, 12> kMappedPrefix = {0, 0, 0, 0, 0,    0,
                                                           0, 0, 0, 0, 0xff, 0xff};
  if (addr == kLoopback6) return true;
  return std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), addr.begin()) && addr[12] == 127;
}

Status CheckExposure(std::string_view http_addr, bool auth_enabled, bool no_auth_flag) {
  if (auth_enabled && no_auth_flag) {
    return Status::InvalidInput(
        "--no-auth was given but credentials are configured (--auth-file or "
        "INGOT_ROOT_USER_EMAIL); remove one or the other");
  }
  if (auth_enabled || no_auth_flag || IsLoopbackAddress(http_addr)) return Status::Ok();
  return Status::InvalidInput(
      "refusing to listen on " + std::string(http_addr) +
      " without authentication: it is not a loopback address, so anyone who can reach it could "
      "send data. Configure credentials (--auth-file, or INGOT_ROOT_USER_EMAIL and "
      "INGOT_ROOT_USER_PASSWORD), listen on 127.0.0.1, or pass --no-auth to accept "
      "unauthenticated requests from the network");
}

}  // namespace ingot::auth
