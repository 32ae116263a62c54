// libFuzzer target for what the server parses itself: the request head (Beast's parser feeding our
// arena), a chunked body into a padded buffer under a limit, routing and parameter extraction.
// Any input must parse or fail cleanly; fed in two pieces it must give the same answer as in one.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/request_parser.h"
#include "http/router.h"

namespace {

using ingot::http::PaddedBuffer;
using ingot::http::Router;
using ingot::http::internal::RequestHead;
using ingot::http::internal::RequestParser;

const Router& Routes() {
  static const Router* router = [] {
    auto* r = new Router();
    for (const char* p : {"/api/{org}/{stream}/_json", "/api/{org}/_bulk", "/api/v1/write/msgpack",
                          "/api/{org}/", "/services/collector/event", "/v1/logs"}) {
      if (!r->Add("POST", p, nullptr).ok()) std::abort();
    }
    return r;
  }();
  return *router;
}

// Parses `in` fed in two pieces split at `split`; returns a digest of what was understood.
std::string Parse(std::string_view in, std::size_t split) {
  RequestHead head;
  head.arena.reserve(2 * 4096 + 64);
  RequestParser parser(head, 4096);
  PaddedBuffer body;
  std::string buffered;
  std::string digest;
  bool body_started = false;
  for (std::string_view piece : {in.substr(0, split), in.substr(split)}) {
    buffered.append(piece);
    for (;;) {
      boost::beast::error_code ec;
      const std::size_t used = parser.put(boost::asio::buffer(buffered), ec);
      buffered.erase(0, used);
      if (ec == boost::beast::http::error::need_more) break;
      if (ec) return digest + "error:" + ec.message();
      if (parser.is_done()) break;
      if (parser.is_header_done() && !body_started) {
        body_started = true;
        digest += std::string(head.view(head.method)) + " " + std::string(head.view(head.target));
        const auto m = Routes().Find(head.view(head.method), head.view(head.target));
        digest += " route=" + std::to_string(static_cast<int>(m.outcome));
        for (std::size_t i = 0; i < m.value_count; ++i) digest += " " + std::string(m.values[i]);
        body.Clear();
        parser.SetBodySink(&body, 1 << 16);
        parser.eager(true);
        continue;
      }
      if (used == 0) break;
    }
    if (parser.is_done()) break;
  }
  if (body.size() > (1 << 16)) std::abort();  // the limit held
  body.SealPadding();
  return digest + " body=" + std::string(body.view()) + (parser.is_done() ? " done" : "");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::string whole = Parse(in, size);
  const std::string split = Parse(in, size / 2);
  // Beast reports need_more differently depending on where a piece ends, so only compare when
  // both reached the end of the message.
  if (whole.ends_with(" done") && split.ends_with(" done") && whole != split) std::abort();
  return 0;
}
