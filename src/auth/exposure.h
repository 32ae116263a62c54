// The refusal to serve the network unauthenticated (docs/auth.md "Running without credentials").
// Bound to loopback, a server without credentials only serves its own machine and may run open;
// bound to any other address it would accept anyone's data, so it must not start unless the
// operator says so with --no-auth.
#pragma once

#include <string_view>

#include "common/status.h"

namespace ingot::auth {

// Whether the host of `host_port` is a loopback address: 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104,
// or "localhost" (any case). `host_port` is split as the server splits --http-addr: the host is
// what comes before the last ':', without [ ] around an IPv6 address. So "[::1]:5080" is loopback,
// but a bare "::1" is host "::" (every interface) with port 1 and is not. A string without ':'
// is taken as a host alone. An empty host (":5080"), 0.0.0.0, ::, other addresses and other host
// names are not loopback.
bool IsLoopbackAddress(std::string_view host_port);

// Whether the server may start listening on `http_addr`. OK when credentials are configured
// (`auth_enabled`), when the address is loopback, or when --no-auth was given on a non-loopback
// address without credentials. Errors: kInvalidInput telling the user to configure credentials or
// pass --no-auth; and kInvalidInput when --no-auth is given although credentials are configured
// (an ambiguous request: it is unclear whether the operator wants them enforced).
Status CheckExposure(std::string_view http_addr, bool auth_enabled, bool no_auth_flag);

}  // namespace ingot::auth
