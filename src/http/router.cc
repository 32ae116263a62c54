#include "http/router.h"

#include <algorithm>

namespace ingot::http {
namespace {

// Splits "a/b/c" into "a" and "b/c"; `last` is set when no '/' follows the segment.
std::string_view NextSegment(std::string_view& rest, bool& last) {
  const std::size_t slash = rest.find('/');
  last = slash == std::string_view::npos;
  const std::string_view seg = rest.substr(0, slash);
  rest = last ? std::string_view() : rest.substr(slash + 1);
  return seg;
}

const Router::Route* RouteFor(const std::vector<const Router::Route*>& routes,
                              std::string_view method) {
  for (const Router::Route* r : routes) {
    if (r->method == method) return r;
  }
  return nullptr;
}

}  // namespace

Router::Router() : nodes_(1) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

Status Router::Add(std::string_view method, std::string_view pattern, Handler handler,
                   PreBodyCheck pre_body_check, RouteOptions options) {
  if (method.empty()) return Status::InvalidInput("route method is empty");
  if (pattern.empty() || pattern.front() != '/') {
    return Status::InvalidInput("route pattern must start with '/': " + std::string(pattern));
  }
  auto route = std::make_unique<Route>();
  route->method = std::string(method);
  route->pattern = std::string(pattern);
  route->handler = std::move(handler);
  route->pre_body_check = std::move(pre_body_check);
  route->options = options;

  std::uint32_t node = 0;
  std::string_view rest = pattern.substr(1);
  for (bool last = false; !last;) {
    const std::string_view seg = NextSegment(rest, last);
    const bool is_param = !seg.empty() && seg.front() == '{';
    if (is_param) {
      if (seg.size() < 3 || seg.back() != '}' ||
          seg.substr(1, seg.size() - 2).find_first_of("{}") != std::string_view::npos) {
        return Status::InvalidInput("malformed parameter in route pattern: " +
                                    std::string(pattern));
      }
      if (route->param_names.size() == kMaxParams) {
        return Status::InvalidInput("too many parameters in route pattern: " +
                                    std::string(pattern));
      }
      route->param_names.emplace_back(seg.substr(1, seg.size() - 2));
      if (nodes_[node].param_child == kNone) {
        nodes_[node].param_child = static_cast<std::uint32_t>(nodes_.size());
        nodes_.emplace_back();
      }
      node = nodes_[node].param_child;
      continue;
    }
    if (seg.find_first_of("{}") != std::string_view::npos) {
      return Status::InvalidInput("malformed segment in route pattern: " + std::string(pattern));
    }
    auto& lits = nodes_[node].literals;
    auto it = std::find_if(lits.begin(), lits.end(), [&](const auto& l) { return l.first == seg; });
    if (it != lits.end()) {
      node = it->second;
      continue;
    }
    const auto child = static_cast<std::uint32_t>(nodes_.size());
    nodes_[node].literals.emplace_back(std::string(seg), child);
    nodes_.emplace_back();
    node = child;
  }
  if (RouteFor(nodes_[node].routes, method) != nullptr) {
    return Status::InvalidInput("route registered twice: " + std::string(method) + " " +
                                std::string(pattern));
  }
  nodes_[node].routes.push_back(route.get());
  routes_.push_back(std::move(route));
  return Status::Ok();
}

const Router::Node* Router::Walk(std::uint32_t node, std::string_view rest,
                                 const std::string_view* method, Match& m) const {
  bool last = false;
  const std::string_view seg = NextSegment(rest, last);
  auto accept = [&](std::uint32_t child) -> const Node* {
    if (!last) return Walk(child, rest, method, m);
    const Node& n = nodes_[child];
    if (n.routes.empty()) return nullptr;
    if (method != nullptr && RouteFor(n.routes, *method) == nullptr) return nullptr;
    return &n;
  };
  for (const auto& [literal, child] : nodes_[node].literals) {
    if (literal != seg) continue;
    if (const Node* found = accept(child)) return found;
    break;
  }
  const std::uint32_t param = nodes_[node].param_child;
  if (param == kNone || seg.empty() || m.value_count == kMaxParams) return nullptr;
  m.values[m.value_count++] = seg;
  if (const Node* found = accept(param)) return found;
  --m.value_count;
  return nullptr;
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match m;
  if (path.empty() || path.front() != '/') return m;
  if (const Node* n = Walk(0, path.substr(1), &method, m)) {
    m.outcome = Outcome::kFound;
    m.route = RouteFor(n->routes, method);
    return m;
  }
  m.value_count = 0;
  if (Walk(0, path.substr(1), nullptr, m) != nullptr) m.outcome = Outcome::kMethodNotAllowed;
  m.value_count = 0;
  return m;
}

std::string Router::AllowedMethods(std::string_view path) const {
  std::string allowed;
  if (path.empty() || path.front() != '/') return allowed;
  Match m;
  const Node* n = Walk(0, path.substr(1), nullptr, m);
  if (n == nullptr) return allowed;
  for (const Route* r : n->routes) {
    if (!allowed.empty()) allowed += ", ";
    allowed += r->method;
  }
  return allowed;
}

}  // namespace ingot::http
