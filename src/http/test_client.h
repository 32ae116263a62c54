// Test-only HTTP clients: libcurl where a real client's behaviour matters (keep-alive,
// 100-continue, chunked uploads), and a raw socket where the test needs byte-level control (silent
// clients, pipelining, HTTP/1.0, oversized chunked bodies).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

typedef void CURL;

namespace ingot::http::testing {

struct CurlResult {
  int curl_code = 0;  // CURLE_OK == 0
  long status = 0;
  long new_connections = 0;  // connections curl opened for this request (0 = reused)
  std::string headers;       // raw response header block
  std::string body;
};

// One libcurl easy handle, i.e. one keep-alive connection reused across calls.
class CurlClient {
 public:
  CurlClient();
  ~CurlClient();
  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;

  CurlResult Get(const std::string& url);
  CurlResult Post(const std::string& url, std::string_view body,
                  const std::vector<std::string>& headers = {});
  // Sends the body with Transfer-Encoding: chunked, in pieces of `piece` bytes.
  CurlResult PostChunked(const std::string& url, std::string_view body, std::size_t piece,
                         const std::vector<std::string>& headers = {});
  CurlResult Request(const std::string& method, const std::string& url, std::string_view body,
                     const std::vector<std::string>& headers);

 private:
  CurlResult Perform(const std::vector<std::string>& headers);
  CURL* curl_;
};

// A blocking TCP connection to 127.0.0.1:port.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Send(std::string_view bytes);
  // Reads one response (header plus Content-Length body). Empty on EOF, error or timeout.
  std::string ReadResponse(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Everything that arrives until the connection has been quiet for `quiet`.
  std::string ReadAvailable(std::chrono::milliseconds quiet);
  // True when the server closes the connection within `timeout` (bytes received meanwhile are
  // discarded).
  bool WaitForClose(std::chrono::milliseconds timeout);
  void Close();

 private:
  // Appends what arrives within `timeout` to pending_; false on EOF, error or timeout.
  bool Fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string pending_;
};

// Status code of a raw response ("HTTP/1.1 404 ..." -> 404); 0 when malformed.
int StatusOf(std::string_view raw_response);
// Body of a raw response (after the blank line).
std::string_view BodyOf(std::string_view raw_response);

}  // namespace ingot::http::testing
