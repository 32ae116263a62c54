#include "objstore/s3_object_store.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>
#include <memory>
#include <random>
#include <thread>

#include "objstore/s3_xml.h"
#include "objstore/sigv4.h"

namespace ingot::objstore {
namespace {

constexpr std::size_t kDeleteBatch = 1000;  // DeleteObjects' limit
constexpr std::uint64_t kMaxParts = 10000;  // S3's limit of parts per upload
const std::string kEmptySha256 = Sha256Hex("");

std::uint64_t BodySize(const S3ObjectStore::Request& r) {
  return r.body.fd >= 0 ? r.body.length : r.body.bytes.size();
}

struct Transfer {
  const S3ObjectStore::Request* request;
  std::uint64_t pos = 0;
  S3ObjectStore::Response* response;
};

std::size_t ReadBody(char* buf, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const auto& body = t->request->body;
  std::uint64_t total = BodySize(*t->request);
  std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size * n, total - t->pos));
  if (want == 0) return 0;
  if (body.fd >= 0) {
    ssize_t got = pread(body.fd, buf, want, static_cast<off_t>(body.offset + t->pos));
    if (got <= 0) {
      t->response->read_failed = true;
      return CURL_READFUNC_ABORT;
    }
    t->pos += static_cast<std::uint64_t>(got);
    return static_cast<std::size_t>(got);
  }
  std::memcpy(buf, body.bytes.data() + t->pos, want);
  t->pos += want;
  return want;
}

std::size_t WriteBody(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<Transfer*>(user)->response->body.append(data, size * n);
  return size * n;
}

std::string Trim(std::string_view v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  return std::string(v);
}

std::string Unquote(std::string v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return v;
}

bool HeaderIs(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  }
  return true;
}

std::size_t ReadHeader(char* data, std::size_t size, std::size_t n, void* user) {
  auto* response = static_cast<Transfer*>(user)->response;
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {  // a new answer (after a redirect or 100 Continue)
    response->etag.clear();
    response->bucket_region.clear();
  } else if (HeaderIs(line, "etag")) {
    response->etag = Unquote(Trim(line.substr(5)));
  } else if (HeaderIs(line, "x-amz-bucket-region")) {
    response->bucket_region = Trim(line.substr(20));
  }
  return size * n;
}

bool Is2xx(long status) { return status >= 200 && status < 300; }

// Whether an HTTP answer may heal by itself: 5xx, 429, and S3's throttling and timeout codes.
bool RetryableAnswer(const S3ObjectStore::Response& r) {
  if (r.status >= 500 || r.status == 429) return true;
  S3Error e = ParseS3Error(r.body);
  return e.code == "SlowDown" || e.code == "RequestTimeout" || e.code == "InternalError" ||
         e.code == "ServiceUnavailable";
}

// libcurl errors that no retry can heal: the URL or TLS set-up is wrong.
bool PermanentCurlError(int code) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND: return true;
    default: return false;
  }
}

bool TransientDeleteCode(const std::string& code) {
  return code == "InternalError" || code == "SlowDown" || code == "ServiceUnavailable";
}

struct Digests {
  std::string md5;         // raw
  std::string sha256_hex;  // hex
};

// MD5 and SHA-256 of `length` bytes of `fd` from `offset`, in one pass.
Result<Digests> DigestFileRange(int fd, std::uint64_t offset, std::uint64_t length,
                                const std::string& path) {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> md5(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> sha(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!md5 || !sha || EVP_DigestInit_ex(md5.get(), EVP_md5(), nullptr) != 1 ||
      EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr) != 1) {
    return Status::Internal("OpenSSL: cannot start a digest");
  }
  std::vector<char> buf(std::size_t{1} << 20);
  std::uint64_t done = 0;
  while (done < length) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), length - done));
    ssize_t got = pread(fd, buf.data(), want, static_cast<off_t>(offset + done));
    if (got < 0) return Status::IoError("cannot read " + path + ": " + std::strerror(errno));
    if (got == 0) return Status::IoError(path + " became shorter while it was uploaded");
    EVP_DigestUpdate(md5.get(), buf.data(), static_cast<std::size_t>(got));
    EVP_DigestUpdate(sha.get(), buf.data(), static_cast<std::size_t>(got));
    done += static_cast<std::uint64_t>(got);
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  Digests d;
  EVP_DigestFinal_ex(md5.get(), out, &len);
  d.md5.assign(reinterpret_cast<const char*>(out), len);
  EVP_DigestFinal_ex(sha.get(), out, &len);
  d.sha256_hex = Hex(std::string_view(reinterpret_cast<const char*>(out), len));
  return d;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::chrono::milliseconds Backoff(const S3Options& o, int retry) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  long long cap = o.base_backoff.count() << std::min(retry, 20);
  cap = std::min<long long>(cap, o.max_backoff.count());
  if (cap <= 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(std::uniform_int_distribution<long long>(0, cap - 1)(rng));
}

}  // namespace

S3ObjectStore::S3ObjectStore(S3Config config) : config_(std::move(config)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

S3ObjectStore::~S3ObjectStore() {
  for (void* h : idle_handles_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* S3ObjectStore::AcquireHandle() {
  {
    std::lock_guard lock(pool_mu_);
    if (!idle_handles_.empty()) {
      void* h = idle_handles_.back();
      idle_handles_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void S3ObjectStore::ReleaseHandle(void* handle) {
  std::lock_guard lock(pool_mu_);
  idle_handles_.push_back(handle);
}

std::string S3ObjectStore::Describe(const std::string& key) const { return config_.Describe(key); }

Status S3ObjectStore::Fail(Status status) {
  ++stats_.failures;
  return status;
}

S3ObjectStore::Response S3ObjectStore::Attempt(const Request& request) {
  Response response;
  SigningRequest to_sign;
  to_sign.method = request.method;
  to_sign.host = config_.authority;
  to_sign.path = config_.RawPath(request.object_key);
  to_sign.query = request.query;
  to_sign.headers = request.headers;
  to_sign.payload_hash = request.payload_hash.empty() ? kEmptySha256 : request.payload_hash;
  SignedRequest signed_request =
      SignV4(to_sign, {config_.access_key_id, config_.secret_access_key, config_.session_token},
             config_.region, "s3", AmzDateNow());

  std::string url = config_.BaseUrl() + signed_request.encoded_path;
  if (!signed_request.encoded_query.empty()) url += "?" + signed_request.encoded_query;

  auto* curl = static_cast<CURL*>(AcquireHandle());
  if (curl == nullptr) {
    response.curl_code = CURLE_FAILED_INIT;
    response.curl_error = "curl_easy_init failed";
    return response;
  }
  curl_easy_reset(curl);
  char error[CURL_ERROR_SIZE] = {0};
  Transfer transfer{&request, 0, &response};
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : signed_request.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  if (std::strcmp(request.method, "POST") == 0) {
    bool has_type = std::any_of(request.headers.begin(), request.headers.end(),
                                [](const auto& h) { return h.first == "content-type"; });
    if (!has_type) headers = curl_slist_append(headers, "Content-Type:");
  }

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(config_.options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, config_.options.low_speed_bytes);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                   static_cast<long>(config_.options.low_speed_time.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &ReadHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  const auto size = static_cast<curl_off_t>(BodySize(request));
  if (std::strcmp(request.method, "HEAD") == 0) {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (std::strcmp(request.method, "PUT") == 0) {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, size);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, &ReadBody);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
  } else if (std::strcmp(request.method, "POST") == 0) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, size);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, &ReadBody);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
  } else if (std::strcmp(request.method, "GET") != 0) {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method);
  }

  CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  } else {
    response.curl_code = code;
    response.curl_error = error[0] != '\0' ? error : curl_easy_strerror(code);
  }
  curl_slist_free_all(headers);
  ReleaseHandle(curl);
  return response;
}

Result<S3ObjectStore::Response> S3ObjectStore::Send(const Request& request,
                                                    const std::string& what) {
  const int attempts = std::max(1, config_.options.max_attempts);
  std::string last_error;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) {
      ++stats_.retries;
      std::this_thread::sleep_for(Backoff(config_.options, attempt - 1));
    }
    ++stats_.requests;
    Response response = Attempt(request);
    if (response.read_failed) {
      return Status::IoError(what + ": the local file could not be read while it was sent");
    }
    if (response.curl_code != CURLE_OK) {
      if (PermanentCurlError(response.curl_code)) {
        return Status::InvalidInput(what + ": " + response.curl_error);
      }
      last_error = response.curl_error;
      continue;
    }
    if (Is2xx(response.status) || !RetryableAnswer(response)) return response;
    last_error = ErrorStatus(response, what).message();
    last_error = last_error.substr(std::min(last_error.size(), what.size() + 2));
  }
  return Status::Unavailable(what + ": " + last_error + " (gave up after " +
                             std::to_string(attempts) + " attempts)");
}

Status S3ObjectStore::ErrorStatus(const Response& response, const std::string& what) const {
  S3Error error = ParseS3Error(response.body);
  std::string detail = "HTTP " + std::to_string(response.status);
  if (!error.code.empty()) detail += " " + error.code;
  if (!error.message.empty()) detail += ": " + error.message;
  std::string message = what + ": " + detail;
  if (response.status == 404) return Status::NotFound(message);
  if ((response.status == 301 || response.status == 307 || response.status == 400) &&
      !response.bucket_region.empty() && response.bucket_region != config_.region) {
    return Status::InvalidInput(message + " (the bucket is in region " + response.bucket_region +
                                ", not " + config_.region +
                                ": set AWS_REGION=" + response.bucket_region + ")");
  }
  if (response.status == 401 || response.status == 403) {
    return Status::InvalidInput(message + " (credentials refused or access denied)");
  }
  if (RetryableAnswer(response)) return Status::Unavailable(message);
  return Status::InvalidInput(message);
}

Status S3ObjectStore::Check() {
  const std::string what = "HeadBucket " + Describe("");
  Request head;
  head.method = "HEAD";
  Result<Response> r = Send(head, what);
  if (!r.ok()) return Fail(r.status());
  if (Is2xx(r->status)) return Status::Ok();
  // A HEAD answer has no body, so S3's error code is unknown: ask again with a request whose
  // answer names it (NoSuchBucket, InvalidAccessKeyId, SignatureDoesNotMatch, AccessDenied).
  Request list;
  list.query = {{"list-type", "2"}, {"max-keys", "1"}};
  Result<Response> again = Send(list, "ListObjectsV2 " + Describe(""));
  const Response& answer =
      again.ok() && !Is2xx(again->status) && !ParseS3Error(again->body).code.empty() ? *again : *r;
  Status status = ErrorStatus(answer, what);
  if (status.code() == StatusCode::kNotFound) {
    status = Status::NotFound("bucket " + config_.location.bucket + " does not exist at " +
                              config_.BaseUrl() + " (" + status.message() + ")");
  }
  return Fail(status);
}

Status S3ObjectStore::Put(const std::string& key, std::string_view bytes) {
  const std::string what = "PutObject " + Describe(key);
  const std::string md5 = Md5(bytes);
  Request put;
  put.method = "PUT";
  put.object_key = config_.FullKey(key);
  put.headers = {{"content-md5", Base64(md5)}};
  put.body.bytes = bytes;
  put.payload_hash = Sha256Hex(bytes);
  Result<Response> r = Send(put, what);
  if (!r.ok()) return Fail(r.status());
  if (!Is2xx(r->status)) return Fail(ErrorStatus(*r, what));
  if (r->etag != Hex(md5)) {
    return Fail(Status::InvalidInput(what + ": the store answered ETag \"" + r->etag +
                                     "\", not the MD5 sent (" + Hex(md5) + ")"));
  }
  stats_.bytes_uploaded += bytes.size();
  return Status::Ok();
}

Status S3ObjectStore::PutFile(const std::string& key, const std::string& path) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0)
    return Fail(Status::IoError("cannot open " + path + ": " + std::strerror(errno)));
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) {
    return Fail(Status::IoError("cannot stat " + path + ": " + std::strerror(errno)));
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > config_.options.multipart_threshold) return PutMultipart(key, fd.get(), size);

  const std::string what = "PutObject " + Describe(key);
  Result<Digests> digests = DigestFileRange(fd.get(), 0, size, path);
  if (!digests.ok()) return Fail(digests.status());
  Request put;
  put.method = "PUT";
  put.object_key = config_.FullKey(key);
  put.headers = {{"content-md5", Base64(digests->md5)}};
  put.body.fd = fd.get();
  put.body.length = size;
  put.payload_hash = digests->sha256_hex;
  Result<Response> r = Send(put, what);
  if (!r.ok()) return Fail(r.status());
  if (!Is2xx(r->status)) return Fail(ErrorStatus(*r, what));
  if (r->etag != Hex(digests->md5)) {
    return Fail(Status::InvalidInput(what + ": the store answered ETag \"" + r->etag +
                                     "\", not the MD5 sent (" + Hex(digests->md5) + ")"));
  }
  stats_.bytes_uploaded += size;
  return Status::Ok();
}

Status S3ObjectStore::PutPart(const std::string& full_key, const std::string& upload_id,
                              int part_number, int fd, std::uint64_t offset, std::uint64_t length,
                              std::string& etag, std::string& md5) {
  const std::string what = "UploadPart " + std::to_string(part_number) + " of s3://" +
                           config_.location.bucket + "/" + full_key;
  Result<Digests> digests = DigestFileRange(fd, offset, length, full_key);
  if (!digests.ok()) return digests.status();
  Request put;
  put.method = "PUT";
  put.object_key = full_key;
  put.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}};
  put.headers = {{"content-md5", Base64(digests->md5)}};
  put.body.fd = fd;
  put.body.offset = offset;
  put.body.length = length;
  put.payload_hash = digests->sha256_hex;
  Result<Response> r = Send(put, what);
  if (!r.ok()) return r.status();
  if (!Is2xx(r->status)) return ErrorStatus(*r, what);
  if (r->etag != Hex(digests->md5)) {
    return Status::InvalidInput(what + ": the store answered ETag \"" + r->etag +
                                "\", not the MD5 sent (" + Hex(digests->md5) + ")");
  }
  stats_.bytes_uploaded += length;
  etag = "\"" + r->etag + "\"";
  md5 = std::move(digests->md5);
  return Status::Ok();
}

void S3ObjectStore::AbortMultipart(const std::string& full_key, const std::string& upload_id) {
  Request abort;
  abort.method = "DELETE";
  abort.object_key = full_key;
  abort.query = {{"uploadId", upload_id}};
  // Best effort: an upload left incomplete costs storage until a lifecycle rule removes it, and
  // the caller's error says what failed first.
  (void)Send(abort, "AbortMultipartUpload");
}

Status S3ObjectStore::PutMultipart(const std::string& key, int fd, std::uint64_t size) {
  const std::string full_key = config_.FullKey(key);
  const std::string what = "multipart upload of " + Describe(key);
  std::uint64_t part_size = std::max<std::uint64_t>(config_.options.part_size, 1);
  part_size = std::max(part_size, (size + kMaxParts - 1) / kMaxParts);
  const std::uint64_t parts = (size + part_size - 1) / part_size;

  Request create;
  create.method = "POST";
  create.object_key = full_key;
  create.query = {{"uploads", ""}};
  Result<Response> created = Send(create, "CreateMultipartUpload " + Describe(key));
  if (!created.ok()) return Fail(created.status());
  if (!Is2xx(created->status)) {
    return Fail(ErrorStatus(*created, "CreateMultipartUpload " + Describe(key)));
  }
  std::optional<std::string> upload_id = XmlText(created->body, "UploadId");
  if (!upload_id || upload_id->empty()) {
    return Fail(Status::Unavailable("CreateMultipartUpload " + Describe(key) +
                                    ": no UploadId in the answer"));
  }

  std::vector<std::string> etags(parts);
  std::vector<std::string> md5s(parts);
  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mu;
  Status first_error;
  auto worker = [&] {
    while (!failed.load()) {
      std::uint64_t i = next.fetch_add(1);
      if (i >= parts) return;
      std::uint64_t offset = i * part_size;
      Status st = PutPart(full_key, *upload_id, static_cast<int>(i + 1), fd, offset,
                          std::min(part_size, size - offset), etags[i], md5s[i]);
      if (!st.ok()) {
        std::lock_guard lock(error_mu);
        if (!failed.exchange(true)) first_error = std::move(st);
        return;
      }
    }
  };
  const auto threads = static_cast<std::uint64_t>(std::max(1, config_.options.part_threads));
  std::vector<std::thread> pool;
  for (std::uint64_t t = 1; t < std::min(threads, parts); ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (failed.load()) {
    AbortMultipart(full_key, *upload_id);
    return Fail(first_error);
  }

  std::string body = "<CompleteMultipartUpload>";
  std::string all_md5s;
  for (std::uint64_t i = 0; i < parts; ++i) {
    body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
            XmlEscape(etags[i]) + "</ETag></Part>";
    all_md5s += md5s[i];
  }
  body += "</CompleteMultipartUpload>";
  Request complete;
  complete.method = "POST";
  complete.object_key = full_key;
  complete.query = {{"uploadId", *upload_id}};
  complete.headers = {{"content-md5", Base64(Md5(body))}, {"content-type", "application/xml"}};
  complete.body.bytes = body;
  complete.payload_hash = Sha256Hex(body);
  const std::string complete_what = "CompleteMultipartUpload " + Describe(key);
  Result<Response> done = Send(complete, complete_what);
  Status st;
  if (!done.ok()) {
    st = done.status();
  } else if (!Is2xx(done->status)) {
    st = ErrorStatus(*done, complete_what);
  } else if (S3Error e = ParseS3Error(done->body); !e.code.empty()) {
    // S3 may answer 200 and report the failure in the body.
    Response as_error = *done;
    as_error.status = RetryableAnswer(as_error) ? 500 : 400;
    st = Status(ErrorStatus(as_error, complete_what).code(),
                complete_what + ": " + e.code + ": " + e.message);
  } else {
    // AWS's ETag of a multipart object is the MD5 of the parts' MD5s and the part count; a store
    // that answers another form (s3rver: the whole object's MD5) is checked part by part only.
    std::string etag = Unquote(XmlText(done->body, "ETag").value_or(""));
    std::string expected = Hex(Md5(all_md5s)) + "-" + std::to_string(parts);
    if (etag.find('-') != std::string::npos && etag != expected) {
      st = Status::InvalidInput(complete_what + ": the store answered ETag \"" + etag + "\", not " +
                                expected);
    }
  }
  if (!st.ok()) {
    AbortMultipart(full_key, *upload_id);
    return Fail(st);
  }
  return Status::Ok();
}

Result<std::string> S3ObjectStore::Get(const std::string& key) {
  const std::string what = "GetObject " + Describe(key);
  Request get;
  get.object_key = config_.FullKey(key);
  Result<Response> r = Send(get, what);
  if (!r.ok()) return Fail(r.status());
  if (!Is2xx(r->status)) {
    Status st = ErrorStatus(*r, what);
    return st.code() == StatusCode::kNotFound ? st : Fail(st);
  }
  stats_.bytes_downloaded += r->body.size();
  return std::move(r->body);
}

Result<std::vector<ObjectInfo>> S3ObjectStore::List(const std::string& prefix) {
  const std::string what = "ListObjectsV2 " + Describe(prefix);
  const std::string full_prefix = config_.FullKey(prefix);
  const std::size_t strip =
      config_.location.prefix.empty() ? 0 : config_.location.prefix.size() + 1;
  std::vector<ObjectInfo> found;
  std::string token;
  do {
    Request list;
    list.query = {{"list-type", "2"},
                  {"prefix", full_prefix},
                  {"max-keys", std::to_string(config_.options.list_page_size)}};
    if (!token.empty()) list.query.emplace_back("continuation-token", token);
    Result<Response> r = Send(list, what);
    if (!r.ok()) return Fail(r.status());
    if (!Is2xx(r->status)) return Fail(ErrorStatus(*r, what));
    std::optional<ListPage> page = ParseListPage(r->body);
    if (!page) return Fail(Status::Unavailable(what + ": the answer is no ListBucketResult"));
    for (ListPage::Entry& e : page->entries) {
      if (e.key.size() < strip || !e.key.starts_with(full_prefix)) continue;
      found.push_back({e.key.substr(strip), e.size});
    }
    if (page->truncated && page->next_token.empty()) {
      return Fail(Status::Unavailable(what + ": a truncated page without NextContinuationToken"));
    }
    token = page->truncated ? page->next_token : std::string();
  } while (!token.empty());
  std::sort(found.begin(), found.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return found;
}

Status S3ObjectStore::DeleteBatch(const std::vector<std::string>& full_keys) {
  const std::string what = "DeleteObjects s3://" + config_.location.bucket;
  std::vector<std::string> pending = full_keys;
  std::vector<DeleteError> errors;
  for (int round = 0; round < std::max(1, config_.options.max_attempts) && !pending.empty();
       ++round) {
    if (round > 0) {
      ++stats_.retries;
      std::this_thread::sleep_for(Backoff(config_.options, round - 1));
    }
    std::string body = "<Delete><Quiet>true</Quiet>";
    for (const std::string& k : pending) body += "<Object><Key>" + XmlEscape(k) + "</Key></Object>";
    body += "</Delete>";
    Request del;
    del.method = "POST";
    del.query = {{"delete", ""}};
    del.headers = {{"content-md5", Base64(Md5(body))}, {"content-type", "application/xml"}};
    del.body.bytes = body;
    del.payload_hash = Sha256Hex(body);
    Result<Response> r = Send(del, what);
    if (!r.ok()) return r.status();
    if (!Is2xx(r->status)) return ErrorStatus(*r, what);
    errors = ParseDeleteErrors(r->body);
    if (errors.empty()) return Status::Ok();
    // Keys that failed for a reason that may heal are sent again; any other failure is final.
    pending.clear();
    for (const DeleteError& e : errors) {
      if (!TransientDeleteCode(e.code)) {
        return Status::InvalidInput(what + ": " + std::to_string(errors.size()) +
                                    " key(s) not deleted, e.g. " + e.key + ": " + e.code + ": " +
                                    e.message);
      }
      pending.push_back(e.key);
    }
  }
  const DeleteError& e = errors.front();
  return Status::Unavailable(what + ": " + std::to_string(errors.size()) +
                             " key(s) not deleted, e.g. " + e.key + ": " + e.code + ": " +
                             e.message);
}

Status S3ObjectStore::Delete(const std::vector<std::string>& keys) {
  for (std::size_t i = 0; i < keys.size(); i += kDeleteBatch) {
    std::vector<std::string> batch;
    for (std::size_t j = i; j < std::min(keys.size(), i + kDeleteBatch); ++j) {
      batch.push_back(config_.FullKey(keys[j]));
    }
    if (Status st = DeleteBatch(batch); !st.ok()) return Fail(st);
  }
  return Status::Ok();
}

}  // namespace ingot::objstore
