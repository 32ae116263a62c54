// test_objstore_tool: a test-only command-line front end of objstore/ (built in the build dir, not
// installed), used by tests/e2e/s3_client.test.mjs.
//
//   test_objstore_tool sign < requests.json
//       Signs each request of a JSON array (or one object) and prints its Authorization header,
//       one line each. A request: {"method", "host", "path" (not encoded), "query": [[name,
//       value]], "headers": [[name, value]], "payload_hash", "access_key_id", "secret_access_key",
//       "session_token", "region", "service", "amz_date"}.
//   test_objstore_tool [options] s3://bucket/prefix COMMAND ...
//       check | put KEY (bytes from stdin) | putfile KEY PATH | get KEY (bytes to stdout) |
//       list PREFIX ("key<TAB>size" lines) | delete KEY...
//       with the AWS_* variables of the environment. Options: --part-size N,
//       --multipart-threshold N, --part-threads N, --attempts N, --page-size N, --backoff-ms N.
//
// Exit status: 0 done; 2 not found, 3 refused (invalid input), 4 unavailable, 5 I/O error, 1 any
// other failure or bad usage. The error goes to stderr, and the store's counters after the call as
// "stats: requests=N retries=N failures=N".
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "objstore/open.h"
#include "objstore/sigv4.h"

namespace ingot::objstore {
namespace {

int Usage() {
  std::cerr << "usage: test_objstore_tool sign < requests.json\n"
               "       test_objstore_tool [--part-size N] [--multipart-threshold N] "
               "[--part-threads N] [--attempts N] [--page-size N] [--backoff-ms N] "
               "s3://bucket/prefix check|put KEY|putfile KEY PATH|get KEY|list PREFIX|"
               "delete KEY...\n";
  return 1;
}

std::string Field(simdjson::dom::object o, const char* name) {
  std::string_view v;
  if (o[name].get(v) != simdjson::SUCCESS) return {};
  return std::string(v);
}

std::vector<std::pair<std::string, std::string>> Pairs(simdjson::dom::object o, const char* name) {
  std::vector<std::pair<std::string, std::string>> out;
  simdjson::dom::array a;
  if (o[name].get(a) != simdjson::SUCCESS) return out;
  for (simdjson::dom::element e : a) {
    simdjson::dom::array pair;
    std::string_view k;
    std::string_view v;
    if (e.get(pair) == simdjson::SUCCESS && pair.size() == 2 && pair.at(0).get(k) == 0 &&
        pair.at(1).get(v) == 0) {
      out.emplace_back(std::string(k), std::string(v));
    }
  }
  return out;
}

int Sign() {
  std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(input).get(doc) != simdjson::SUCCESS) {
    std::cerr << "error: stdin is no JSON\n";
    return 1;
  }
  std::vector<simdjson::dom::object> requests;
  simdjson::dom::array array;
  simdjson::dom::object one;
  if (doc.get(array) == simdjson::SUCCESS) {
    for (simdjson::dom::element e : array) {
      if (e.get(one) != simdjson::SUCCESS) return Usage();
      requests.push_back(one);
    }
  } else if (doc.get(one) == simdjson::SUCCESS) {
    requests.push_back(one);
  } else {
    return Usage();
  }
  for (simdjson::dom::object o : requests) {
    SigningRequest r;
    r.method = Field(o, "method");
    r.host = Field(o, "host");
    r.path = Field(o, "path");
    r.query = Pairs(o, "query");
    r.headers = Pairs(o, "headers");
    r.payload_hash = Field(o, "payload_hash");
    Credentials c{Field(o, "access_key_id"), Field(o, "secret_access_key"),
                  Field(o, "session_token")};
    std::string service = Field(o, "service");
    SignedRequest s =
        SignV4(r, c, Field(o, "region"), service.empty() ? "s3" : service, Field(o, "amz_date"));
    std::cout << s.authorization << '\n';
  }
  return 0;
}

int ExitCode(const Status& st) {
  switch (st.code()) {
    case StatusCode::kOk: return 0;
    case StatusCode::kNotFound: return 2;
    case StatusCode::kInvalidInput: return 3;
    case StatusCode::kUnavailable: return 4;
    case StatusCode::kIoError: return 5;
    default: return 1;
  }
}

int Run(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "sign") return Sign();
  S3Options options;
  int i = 1;
  for (; i + 1 < argc && std::string(argv[i]).starts_with("--"); i += 2) {
    std::string flag = argv[i];
    long long n = std::atoll(argv[i + 1]);
    if (n <= 0) return Usage();
    if (flag == "--part-size") {
      options.part_size = static_cast<std::size_t>(n);
    } else if (flag == "--multipart-threshold") {
      options.multipart_threshold = static_cast<std::size_t>(n);
    } else if (flag == "--part-threads") {
      options.part_threads = static_cast<int>(n);
    } else if (flag == "--attempts") {
      options.max_attempts = static_cast<int>(n);
    } else if (flag == "--page-size") {
      options.list_page_size = static_cast<int>(n);
    } else if (flag == "--backoff-ms") {
      options.base_backoff = std::chrono::milliseconds(n);
      options.max_backoff = std::chrono::milliseconds(n * 8);
    } else {
      return Usage();
    }
  }
  if (argc - i < 2) return Usage();
  Result<std::unique_ptr<ObjectStore>> opened = OpenObjectStore(argv[i], ProcessEnv(), options);
  if (!opened.ok()) {
    std::cerr << "error: " << opened.status().ToString() << '\n';
    return ExitCode(opened.status());
  }
  ObjectStore& store = **opened;
  const std::string command = argv[i + 1];
  std::vector<std::string> args(argv + i + 2, argv + argc);
  Status st;
  if (command == "check" && args.empty()) {
    st = store.Check();
  } else if (command == "put" && args.size() == 1) {
    std::string bytes((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    st = store.Put(args[0], bytes);
  } else if (command == "putfile" && args.size() == 2) {
    st = store.PutFile(args[0], args[1]);
  } else if (command == "get" && args.size() == 1) {
    Result<std::string> got = store.Get(args[0]);
    st = got.status();
    if (got.ok()) std::fwrite(got->data(), 1, got->size(), stdout);
  } else if (command == "list" && args.size() <= 1) {
    Result<std::vector<ObjectInfo>> list = store.List(args.empty() ? "" : args[0]);
    st = list.status();
    if (list.ok()) {
      for (const ObjectInfo& o : *list) std::cout << o.key << '\t' << o.size << '\n';
    }
  } else if (command == "delete") {
    st = store.Delete(args);
  } else {
    return Usage();
  }
  std::cout.flush();
  std::fflush(stdout);
  const ObjectStoreStats& s = store.stats();
  std::cerr << "stats: requests=" << s.requests << " retries=" << s.retries
            << " failures=" << s.failures << '\n';
  if (!st.ok()) std::cerr << "error: " << st.ToString() << '\n';
  return ExitCode(st);
}

}  // namespace
}  // namespace ingot::objstore

int main(int argc, char** argv) { return ingot::objstore::Run(argc, argv); }
