// S3ObjectStore against a scripted HTTP server on 127.0.0.1 (plain sockets, one request per
// connection): retries on 5xx / 429 / SlowDown / RequestTimeout, the final statuses, the checksums
// sent and checked, pagination, DeleteObjects' per-key errors, multipart abort.
#include "objstore/s3_object_store.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "objstore/sigv4.h"

namespace ingot::objstore {
namespace {

struct Answer {
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
  bool etag_from_body = false;  // answer ETag: "<md5 hex of the request body>"
  bool stall = false;           // say nothing until the server stops (at most 10 s), then close
};

struct Received {
  std::string method;
  std::string target;                          // path?query as sent
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

class ScriptedS3 {
 public:
  ScriptedS3() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(fd_, 16), 0);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedS3() {
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
    }
    stopped_cv_.notify_all();
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }

  void Then(Answer a) {
    std::lock_guard lock(mu_);
    script_.push_back(std::move(a));
  }
  std::vector<Received> received() {
    std::lock_guard lock(mu_);
    return received_;
  }
  int port() const { return port_; }

 private:
  void Serve() {
    for (;;) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      Handle(c);
      close(c);
    }
  }

  void Handle(int c) {
    std::string data;
    char buf[65536];
    std::size_t header_end;
    while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) return;
      data.append(buf, static_cast<std::size_t>(n));
    }
    Received r;
    std::size_t line_end = data.find("\r\n");
    std::string line = data.substr(0, line_end);
    r.method = line.substr(0, line.find(' '));
    r.target = line.substr(r.method.size() + 1, line.rfind(' ') - r.method.size() - 1);
    std::size_t pos = line_end + 2;
    while (pos < header_end) {
      std::size_t e = data.find("\r\n", pos);
      std::string h = data.substr(pos, e - pos);
      std::size_t colon = h.find(':');
      std::string name = h.substr(0, colon);
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      std::size_t v = colon + 1;
      while (v < h.size() && h[v] == ' ') ++v;
      r.headers[name] = h.substr(v);
      pos = e + 2;
    }
    std::size_t length = 0;
    if (auto it = r.headers.find("content-length"); it != r.headers.end()) {
      length = std::stoul(it->second);
    }
    r.body = data.substr(header_end + 4);
    while (r.body.size() < length) {
      ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) return;
      r.body.append(buf, static_cast<std::size_t>(n));
    }
    Answer a;
    {
      std::lock_guard lock(mu_);
      received_.push_back(r);
      if (script_.empty()) {
        a.status = 599;
        a.body = "unscripted request";
      } else {
        a = std::move(script_.front());
        script_.pop_front();
      }
    }
    if (a.stall) {
      std::unique_lock lock(mu_);
      stopped_cv_.wait_for(lock, std::chrono::seconds(10), [this] { return stopped_; });
      return;
    }
    std::string out = "HTTP/1.1 " + std::to_string(a.status) + " X\r\nConnection: close\r\n";
    if (a.etag_from_body) out += "ETag: \"" + Hex(Md5(r.body)) + "\"\r\n";
    for (const auto& [k, v] : a.headers) out += k + ": " + v + "\r\n";
    out += "Content-Length: " + std::to_string(r.method == "HEAD" ? 0 : a.body.size()) + "\r\n\r\n";
    if (r.method != "HEAD") out += a.body;
    std::size_t sent = 0;
    while (sent < out.size()) {
      ssize_t n = write(c, out.data() + sent, out.size() - sent);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable stopped_cv_;
  bool stopped_ = false;  // GUARDED_BY(mu_)
  std::deque<Answer> script_;
  std::vector<Received> received_;
};

std::string ErrorXml(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" +
         message + "</Message></Error>";
}

S3Config ConfigFor(int port, const std::string& prefix = "pre") {
  S3Config c;
  c.location = {"bucket", prefix};
  c.access_key_id = "AKID";
  c.secret_access_key = "SECRET";
  c.region = "us-east-1";
  c.https = false;
  c.path_style = true;
  c.authority = "127.0.0.1:" + std::to_string(port);
  c.options.max_attempts = 4;
  c.options.base_backoff = std::chrono::milliseconds(1);
  c.options.max_backoff = std::chrono::milliseconds(5);
  c.options.connect_timeout = std::chrono::milliseconds(2000);
  return c;
}

TEST(S3ObjectStore, PutRetriesWhatMayHealThenSucceeds) {
  ScriptedS3 server;
  server.Then({500, "oops", {}});
  server.Then({503, ErrorXml("SlowDown", "Please reduce your request rate."), {}});
  server.Then({429, "", {}});
  server.Then({400, ErrorXml("RequestTimeout", "idle too long"), {}});
  server.Then({200, "", {}, true});
  S3Config config = ConfigFor(server.port());
  config.options.max_attempts = 5;
  S3ObjectStore store(config);
  Status st = store.Put("a b/c+d.txt", "hello");
  ASSERT_TRUE(st.ok()) << st.ToString();
  std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 5u);
  for (const Received& r : got) {
    EXPECT_EQ(r.method, "PUT");
    EXPECT_EQ(r.target, "/bucket/pre/a%20b/c%2Bd.txt");
    EXPECT_EQ(r.body, "hello");
    EXPECT_EQ(r.headers.at("content-md5"), Base64(Md5("hello")));
    EXPECT_EQ(r.headers.at("x-amz-content-sha256"), Sha256Hex("hello"));
    EXPECT_EQ(r.headers.at("host"), "127.0.0.1:" + std::to_string(server.port()));
    EXPECT_TRUE(r.headers.at("authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKID/"));
  }
  EXPECT_EQ(store.stats().requests, 5u);
  EXPECT_EQ(store.stats().retries, 4u);
  EXPECT_EQ(store.stats().failures, 0u);
  EXPECT_EQ(store.stats().bytes_uploaded, 5u);
}

TEST(S3ObjectStore, GivesUpWithUnavailableAfterTheAttempts) {
  ScriptedS3 server;
  for (int i = 0; i < 4; ++i) server.Then({503, ErrorXml("SlowDown", "Reduce your rate"), {}});
  S3ObjectStore store(ConfigFor(server.port()));
  Status st = store.Put("k", "v");
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_NE(st.message().find("SlowDown: Reduce your rate"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("4 attempts"), std::string::npos) << st.message();
  EXPECT_EQ(server.received().size(), 4u);
  EXPECT_EQ(store.stats().failures, 1u);
  EXPECT_EQ(store.stats().retries, 3u);
}

TEST(S3ObjectStore, RefusedRequestsAreNotRetried) {
  ScriptedS3 server;
  server.Then({400, ErrorXml("BadDigest", "The Content-MD5 you specified did not match"), {}});
  server.Then({403, ErrorXml("SignatureDoesNotMatch", "The request signature ..."), {}});
  server.Then({404, ErrorXml("NoSuchBucket", "The specified bucket does not exist"), {}});
  server.Then({404, ErrorXml("NoSuchKey", "The specified key does not exist."), {}});
  S3ObjectStore store(ConfigFor(server.port()));
  Status st = store.Put("k", "v");
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("BadDigest"), std::string::npos) << st.message();
  st = store.Put("k", "v");
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("SignatureDoesNotMatch"), std::string::npos) << st.message();
  Result<std::string> get = store.Get("k");
  EXPECT_EQ(get.status().code(), StatusCode::kNotFound);
  EXPECT_NE(get.status().message().find("NoSuchBucket"), std::string::npos);
  get = store.Get("k");
  EXPECT_EQ(get.status().code(), StatusCode::kNotFound);
  EXPECT_NE(get.status().message().find("NoSuchKey"), std::string::npos);
  EXPECT_EQ(server.received().size(), 4u);
  EXPECT_EQ(store.stats().retries, 0u);
}

TEST(S3ObjectStore, AnEtagThatIsNotTheMd5IsAnError) {
  ScriptedS3 server;
  server.Then({200, "", {{"ETag", "\"00000000000000000000000000000000\""}}});
  S3ObjectStore store(ConfigFor(server.port()));
  Status st = store.Put("k", "v");
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("ETag"), std::string::npos);
}

TEST(S3ObjectStore, GetReturnsTheBody) {
  ScriptedS3 server;
  server.Then({500, "", {}});
  server.Then({200, std::string("bin\0ary", 7), {}});
  S3ObjectStore store(ConfigFor(server.port(), ""));
  Result<std::string> got = store.Get("dir/x.parquet");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, std::string("bin\0ary", 7));
  EXPECT_EQ(server.received()[1].target, "/bucket/dir/x.parquet");
  EXPECT_EQ(store.stats().bytes_downloaded, 7u);
}

TEST(S3ObjectStore, CheckNamesTheProblem) {
  ScriptedS3 server;
  // HEAD answers have no body: the store asks ListObjectsV2 for S3's error code.
  server.Then({404, "", {}});
  server.Then({404, ErrorXml("NoSuchBucket", "The specified bucket does not exist"), {}});
  server.Then({403, "", {}});
  server.Then({403,
               ErrorXml("InvalidAccessKeyId",
                        "The AWS Access Key Id you provided does not "
                        "exist in our records."),
               {}});
  server.Then({200, "", {}});
  S3ObjectStore store(ConfigFor(server.port()));
  Status st = store.Check();
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_NE(st.message().find("bucket bucket does not exist"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("NoSuchBucket"), std::string::npos) << st.message();
  st = store.Check();
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("InvalidAccessKeyId"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("credentials refused"), std::string::npos) << st.message();
  EXPECT_TRUE(store.Check().ok());
  std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0].method, "HEAD");
  EXPECT_EQ(got[0].target, "/bucket");
  EXPECT_EQ(got[1].method, "GET");
  EXPECT_EQ(got[1].target, "/bucket?list-type=2&max-keys=1");
}

TEST(S3ObjectStore, ABucketInAnotherRegionIsNamed) {
  ScriptedS3 server;
  server.Then({301, "", {{"x-amz-bucket-region", "eu-west-1"}}});
  server.Then({301,
               ErrorXml("PermanentRedirect",
                        "The bucket you are attempting to access must "
                        "be addressed using the specified endpoint."),
               {{"x-amz-bucket-region", "eu-west-1"}}});
  S3ObjectStore store(ConfigFor(server.port()));
  Status st = store.Check();
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("PermanentRedirect"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("set AWS_REGION=eu-west-1"), std::string::npos) << st.message();
}

TEST(S3ObjectStore, UnreachableIsUnavailable) {
  int port;
  {
    ScriptedS3 gone;  // bound, then closed: nothing listens there any more
    port = gone.port();
  }
  S3Config config = ConfigFor(port);
  config.options.max_attempts = 2;
  S3ObjectStore store(config);
  Status st = store.Check();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_EQ(store.stats().requests, 2u);
}

TEST(S3ObjectStore, AServerThatStallsIsATimeout) {
  ScriptedS3 server;
  server.Then({500, "", {}, false, true});
  S3Config config = ConfigFor(server.port());
  config.options.max_attempts = 1;
  config.options.low_speed_bytes = 1;
  config.options.low_speed_time = std::chrono::seconds(1);
  S3ObjectStore store(config);
  Status st = store.Put("k", "v");
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  // libcurl's low-speed limit ended it, not the server closing the connection after 10 s.
  EXPECT_NE(st.message().find("Operation too slow"), std::string::npos) << st.message();
}

TEST(S3ObjectStore, ListFollowsContinuationTokens) {
  ScriptedS3 server;
  server.Then({200,
               "<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>pre/o/b</Key>"
               "<Size>2</Size></Contents><Contents><Key>pre/o/a &amp; c</Key><Size>1</Size>"
               "</Contents><NextContinuationToken>t/1+=</NextContinuationToken>"
               "</ListBucketResult>",
               {}});
  server.Then({503, "", {}});
  server.Then({200,
               "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>pre/o/c</Key>"
               "<Size>3</Size></Contents></ListBucketResult>",
               {}});
  S3Config config = ConfigFor(server.port());
  config.options.list_page_size = 2;
  S3ObjectStore store(config);
  Result<std::vector<ObjectInfo>> list = store.List("o/");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].key, "o/a & c");
  EXPECT_EQ((*list)[0].size, 1u);
  EXPECT_EQ((*list)[1].key, "o/b");
  EXPECT_EQ((*list)[2].key, "o/c");
  std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].target, "/bucket?list-type=2&max-keys=2&prefix=pre%2Fo%2F");
  EXPECT_EQ(got[2].target,
            "/bucket?continuation-token=t%2F1%2B%3D&list-type=2&max-keys=2&prefix=pre%2Fo%2F");
}

TEST(S3ObjectStore, DeleteChecksEachKey) {
  ScriptedS3 server;
  server.Then({200,
               "<DeleteResult><Error><Key>pre/b</Key><Code>InternalError</Code><Message>try "
               "again</Message></Error></DeleteResult>",
               {}});
  server.Then({200, "<DeleteResult></DeleteResult>", {}});
  server.Then({200,
               "<DeleteResult><Error><Key>pre/x</Key><Code>AccessDenied</Code><Message>Access "
               "Denied</Message></Error></DeleteResult>",
               {}});
  S3ObjectStore store(ConfigFor(server.port()));
  ASSERT_TRUE(store.Delete({"a", "b&c"}).ok());
  std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/bucket?delete=");
  EXPECT_EQ(got[0].body,
            "<Delete><Quiet>true</Quiet><Object><Key>pre/a</Key></Object><Object><Key>pre/b&amp;c"
            "</Key></Object></Delete>");
  EXPECT_EQ(got[0].headers.at("content-md5"), Base64(Md5(got[0].body)));
  // The second round sends only the key that failed for a reason that may heal.
  EXPECT_EQ(got[1].body, "<Delete><Quiet>true</Quiet><Object><Key>pre/b</Key></Object></Delete>");
  Status st = store.Delete({"x"});
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("AccessDenied"), std::string::npos) << st.message();
  EXPECT_TRUE(store.Delete({}).ok());
}

TEST(S3ObjectStore, DeleteGoesInBatchesOf1000) {
  ScriptedS3 server;
  server.Then({200, "<DeleteResult/>", {}});
  server.Then({200, "<DeleteResult/>", {}});
  S3ObjectStore store(ConfigFor(server.port()));
  std::vector<std::string> keys;
  for (int i = 0; i < 1001; ++i) keys.push_back("k" + std::to_string(i));
  ASSERT_TRUE(store.Delete(keys).ok());
  std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 2u);
  auto count = [](const std::string& body) {
    std::size_t n = 0;
    for (std::size_t p = 0; (p = body.find("<Object>", p)) != std::string::npos; ++p) ++n;
    return n;
  };
  EXPECT_EQ(count(got[0].body), 1000u);
  EXPECT_EQ(count(got[1].body), 1u);
}

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/objstore_testXXXXXX";
    int fd = mkstemp(name);
    close(fd);
    path_ = name;
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 7) & 0xFF);
  return s;
}

TEST(S3ObjectStore, PutFileSmallIsOnePut) {
  const std::string content = Pattern(1000);
  TempFile file(content);
  ScriptedS3 server;
  server.Then({503, "", {}});
  server.Then({200, "", {}, true});
  S3ObjectStore store(ConfigFor(server.port()));
  ASSERT_TRUE(store.PutFile("f", file.path()).ok());
  std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].body, content);  // sent again from the start after the 503
  EXPECT_EQ(got[1].headers.at("content-md5"), Base64(Md5(content)));
  EXPECT_EQ(store.PutFile("f", "/nonexistent/file").code(), StatusCode::kIoError);
}

S3Config MultipartConfig(int port) {
  S3Config c = ConfigFor(port);
  c.options.multipart_threshold = 100;
  c.options.part_size = 40;
  c.options.part_threads = 1;  // the script answers in order
  return c;
}

TEST(S3ObjectStore, PutFileLargeIsMultipart) {
  const std::string content = Pattern(100 + 1);  // parts of 40, 40, 21
  TempFile file(content);
  ScriptedS3 server;
  server.Then({200,
               "<InitiateMultipartUploadResult><UploadId>up&amp;1</UploadId>"
               "</InitiateMultipartUploadResult>",
               {}});
  server.Then({200, "", {}, true});
  server.Then({500, "", {}});  // part 2 is sent twice
  server.Then({200, "", {}, true});
  server.Then({200, "", {}, true});
  std::string md5s =
      Md5(content.substr(0, 40)) + Md5(content.substr(40, 40)) + Md5(content.substr(80));
  server.Then({200,
               "<CompleteMultipartUploadResult><ETag>&quot;" + Hex(Md5(md5s)) +
                   "-3&quot;</ETag></CompleteMultipartUploadResult>",
               {}});
  S3ObjectStore store(MultipartConfig(server.port()));
  Status st = store.PutFile("big", file.path());
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(store.stats().bytes_uploaded, 101u);
  std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/bucket/pre/big?uploads=");
  EXPECT_EQ(got[1].target, "/bucket/pre/big?partNumber=1&uploadId=up%261");
  EXPECT_EQ(got[1].body, content.substr(0, 40));
  EXPECT_EQ(got[1].headers.at("content-md5"), Base64(Md5(content.substr(0, 40))));
  EXPECT_EQ(got[3].target, "/bucket/pre/big?partNumber=2&uploadId=up%261");
  EXPECT_EQ(got[3].body, content.substr(40, 40));
  EXPECT_EQ(got[4].body, content.substr(80));
  EXPECT_EQ(got[5].method, "POST");
  EXPECT_EQ(got[5].target, "/bucket/pre/big?uploadId=up%261");
  EXPECT_EQ(got[5].body, "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;" +
                             Hex(Md5(content.substr(0, 40))) +
                             "&quot;</ETag></Part><Part><PartNumber>2"
                             "</PartNumber><ETag>&quot;" +
                             Hex(Md5(content.substr(40, 40))) +
                             "&quot;</ETag></Part><Part><PartNumber>3</PartNumber><ETag>&quot;" +
                             Hex(Md5(content.substr(80))) +
                             "&quot;</ETag></Part></CompleteMultipartUpload>");
}

TEST(S3ObjectStore, AFailedMultipartUploadIsAborted) {
  const std::string content = Pattern(101);
  TempFile file(content);
  ScriptedS3 server;
  server.Then({200,
               "<InitiateMultipartUploadResult><UploadId>u</UploadId>"
               "</InitiateMultipartUploadResult>",
               {}});
  server.Then({200, "", {}, true});
  server.Then({403, ErrorXml("AccessDenied", "Access Denied"), {}});
  server.Then({204, "", {}});  // the abort
  S3ObjectStore store(MultipartConfig(server.port()));
  Status st = store.PutFile("big", file.path());
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("AccessDenied"), std::string::npos) << st.message();
  std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[3].method, "DELETE");
  EXPECT_EQ(got[3].target, "/bucket/pre/big?uploadId=u");
}

TEST(S3ObjectStore, ACompletionAnsweredWithAnErrorIsAborted) {
  const std::string content = Pattern(101);
  TempFile file(content);
  ScriptedS3 server;
  server.Then({200,
               "<InitiateMultipartUploadResult><UploadId>u</UploadId>"
               "</InitiateMultipartUploadResult>",
               {}});
  for (int i = 0; i < 3; ++i) server.Then({200, "", {}, true});
  // S3 can answer 200 and put the failure in the body.
  server.Then({200,
               ErrorXml("InvalidPart",
                        "One or more of the specified parts could not be "
                        "found."),
               {}});
  server.Then({204, "", {}});
  S3ObjectStore store(MultipartConfig(server.port()));
  Status st = store.PutFile("big", file.path());
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("InvalidPart"), std::string::npos) << st.message();
  std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[5].method, "DELETE");
}

TEST(S3ObjectStore, SessionTokenIsSent) {
  ScriptedS3 server;
  server.Then({200, "", {}});
  S3Config config = ConfigFor(server.port());
  config.session_token = "TOKEN";
  S3ObjectStore store(config);
  ASSERT_TRUE(store.Check().ok());
  Received r = server.received().at(0);
  EXPECT_EQ(r.headers.at("x-amz-security-token"), "TOKEN");
  EXPECT_NE(r.headers.at("authorization").find("x-amz-security-token"), std::string::npos);
}

}  // namespace
}  // namespace ingot::objstore
