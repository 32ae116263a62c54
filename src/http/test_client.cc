#include "http/test_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace ingot::http::testing {
namespace {

std::size_t AppendTo(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct Upload {
  std::string_view body;
  std::size_t piece;
  std::size_t offset = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t n, void* arg) {
  auto* up = static_cast<Upload*>(arg);
  const std::size_t take = std::min({size * n, up->piece, up->body.size() - up->offset});
  std::memcpy(buffer, up->body.data() + up->offset, take);
  up->offset += take;
  return take;
}

bool IContains(std::string_view haystack, std::string_view needle, std::size_t* at) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return std::tolower(a) == std::tolower(b); });
  if (it == haystack.end()) return false;
  *at = static_cast<std::size_t>(it - haystack.begin());
  return true;
}

}  // namespace

CurlClient::CurlClient() : curl_(curl_easy_init()) {}
CurlClient::~CurlClient() { curl_easy_cleanup(curl_); }

CurlResult CurlClient::Get(const std::string& url) { return Request("GET", url, {}, {}); }

CurlResult CurlClient::Post(const std::string& url, std::string_view body,
                            const std::vector<std::string>& headers) {
  return Request("POST", url, body, headers);
}

CurlResult CurlClient::Request(const std::string& method, const std::string& url,
                               std::string_view body, const std::vector<std::string>& headers) {
  curl_easy_reset(curl_);
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  if (method == "GET") {
    curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl_easy_setopt(curl_, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl_, CURLOPT_POST, 1L);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    if (method != "POST") curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  return Perform(headers);
}

CurlResult CurlClient::PostChunked(const std::string& url, std::string_view body, std::size_t piece,
                                   const std::vector<std::string>& headers) {
  curl_easy_reset(curl_);
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_, CURLOPT_POST, 1L);
  Upload up{body, piece};
  curl_easy_setopt(curl_, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(curl_, CURLOPT_READDATA, &up);
  std::vector<std::string> all = headers;
  all.push_back("Transfer-Encoding: chunked");
  return Perform(all);
}

CurlResult CurlClient::Perform(const std::vector<std::string>& headers) {
  CurlResult result;
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, AppendTo);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, AppendTo);
  curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &result.headers);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 20000L);
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  result.curl_code = curl_easy_perform(curl_);
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &result.status);
  curl_easy_getinfo(curl_, CURLINFO_NUM_CONNECTS, &result.new_connections);
  curl_slist_free_all(list);
  return result;
}

RawConnection::RawConnection(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) Close();
  if (fd_ >= 0) {
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
}

RawConnection::~RawConnection() { Close(); }

void RawConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RawConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool RawConnection::Fill(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0 || fd_ < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char buf[65536];
  const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
  if (n <= 0) return false;
  pending_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::string RawConnection::ReadResponse(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const std::size_t end = pending_.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::size_t length = 0;
      std::size_t at = 0;
      const std::string_view head(pending_.data(), end);
      if (IContains(head, "\r\ncontent-length:", &at)) {
        length = std::strtoul(head.data() + at + 17, nullptr, 10);
      }
      const std::size_t total = end + 4 + length;
      if (StatusOf(pending_) == 100) {  // interim response: hand it back alone
        std::string interim = pending_.substr(0, end + 4);
        pending_.erase(0, end + 4);
        return interim;
      }
      if (pending_.size() >= total) {
        std::string response = pending_.substr(0, total);
        pending_.erase(0, total);
        return response;
      }
    }
    if (!Fill(deadline)) return {};
  }
}

std::string RawConnection::ReadAvailable(std::chrono::milliseconds quiet) {
  while (Fill(std::chrono::steady_clock::now() + quiet)) {
  }
  std::string out;
  out.swap(pending_);
  return out;
}

bool RawConnection::WaitForClose(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return true;
  }
}

int StatusOf(std::string_view raw) {
  if (raw.size() < 12 || raw.substr(0, 5) != "HTTP/") return 0;
  return std::atoi(std::string(raw.substr(9, 3)).c_str());
}

std::string_view BodyOf(std::string_view raw) {
  const std::size_t end = raw.find("\r\n\r\n");
  return end == std::string_view::npos ? std::string_view() : raw.substr(end + 4);
}

}  // namespace ingot::http::testing
