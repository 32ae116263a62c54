#include "http/request.h"

#include <algorithm>

#include "common/ascii.h"

namespace ingot::http {

std::string_view Request::header(std::string_view name) const {
  for (const Header& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return h.value;
  }
  return {};
}

bool Request::has_header(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const Header& h) { return EqualsIgnoreCase(h.name, name); });
}

std::string_view Request::param(std::string_view name) const {
  for (const PathParam& p : params) {
    if (p.name == name) return p.value;
  }
  return {};
}

}  // namespace ingot::http
