// Router: maps (method, path) to a handler, with {name} path parameters.
//
// Patterns are '/'-separated; each segment is a literal or a {name} parameter that matches one
// non-empty segment ("/api/{org}/{stream}/_json"). A trailing slash is significant ("/api/{org}/"
// is the Elasticsearch info endpoint, "/api/{org}" is not). Literals win over parameters, with
// backtracking, so "/api/v1/write/msgpack" and "/api/{org}/_bulk" coexist.
//
// Matching walks a segment trie with string compares only: no regex, no allocation. Routes are
// added before the server starts and are immutable afterwards, so lookups need no lock.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "http/exchange.h"
#include "http/request.h"
#include "http/response.h"
#include "http/stats.h"

namespace ingot::http {

// A route's look at a request before its body: called on the I/O thread once the route matched
// and the path parameters are decoded, with `head.body` empty, before any byte of the body is
// read, any memory is reserved for it, or "100 Continue" is sent. Returns the answer to send
// instead (the unread body then ends the connection, after the usual lingering close), or nullopt
// to go on. This is where credentials are checked: a client that may not write must not make the
// server buffer, decompress or wait for its body. Must not block, like a handler.
using PreBodyCheck = std::function<std::optional<Response>(const Request& head)>;

struct RouteOptions {
  // A body sent without Content-Encoding that starts like a gzip or zstd stream
  // (SniffCompression) is decoded as one, as Arc's clients expect; only for routes whose bodies
  // can never start with those bytes.
  bool sniff_compression = false;
};

class Router {
 public:
  static constexpr std::size_t kMaxParams = 8;

  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> param_names;  // in pattern order
    Handler handler;
    PreBodyCheck pre_body_check;  // may be empty
    RouteOptions options;
    mutable RouteStats stats;  // updated by the server's I/O threads
  };

  enum class Outcome : unsigned char { kFound, kNotFound, kMethodNotAllowed };

  struct Match {
    Outcome outcome = Outcome::kNotFound;
    const Route* route = nullptr;  // set when kFound
    // Raw (not percent-decoded) parameter values, in the order of route->param_names.
    std::array<std::string_view, kMaxParams> values;
    std::size_t value_count = 0;
  };

  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Registers `handler` for `method` ("GET", "POST", ...) on `pattern`, with an optional
  // `pre_body_check` that may answer from the request head alone; the handler runs only for
  // requests the check let through.
  // Errors: kInvalidInput when the pattern does not start with '/', has an unbalanced or empty
  // {param}, more than kMaxParams parameters, or when (method, pattern) is already registered.
  Status Add(std::string_view method, std::string_view pattern, Handler handler,
             PreBodyCheck pre_body_check = {}, RouteOptions options = {});

  Match Find(std::string_view method, std::string_view path) const;

  // "GET, POST": the methods registered for `path`, for the Allow header of a 405.
  std::string AllowedMethods(std::string_view path) const;

  // Every route in registration order, for metrics.
  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  struct Node {
    std::vector<std::pair<std::string, std::uint32_t>> literals;  // segment -> child
    std::uint32_t param_child = kNone;
    std::vector<const Route*> routes;  // routes ending here, one per method
  };
  static constexpr std::uint32_t kNone = UINT32_MAX;

  // Depth-first walk from `node` over the remaining path `rest` (after a '/'). With a method,
  // returns the first terminal node that has a route for it; without one, any terminal node.
  const Node* Walk(std::uint32_t node, std::string_view rest, const std::string_view* method,
                   Match& m) const;

  std::vector<Node> nodes_;
  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace ingot::http
