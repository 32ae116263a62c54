#include "grpc/status_details.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ingot::grpc_server {
namespace {

// A minimal protobuf reader for the test: field number -> values (varints as numbers, bytes as
// strings), enough to check the nested messages field by field.
struct Fields {
  std::map<int, std::vector<std::uint64_t>> ints;
  std::map<int, std::vector<std::string>> bytes;
};

std::uint64_t Varint(std::string_view& in) {
  std::uint64_t v = 0;
  for (int shift = 0; !in.empty(); shift += 7) {
    const auto b = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
  }
  return v;
}

Fields Parse(std::string_view in) {
  Fields f;
  while (!in.empty()) {
    const std::uint64_t key = Varint(in);
    const int field = static_cast<int>(key >> 3);
    if ((key & 7) == 0) {
      f.ints[field].push_back(Varint(in));
    } else {
      EXPECT_EQ(key & 7, 2u);
      const std::size_t n = Varint(in);
      f.bytes[field].emplace_back(in.substr(0, n));
      in.remove_prefix(n);
    }
  }
  return f;
}

TEST(StatusDetailsTest, RetryInfoInsideGoogleRpcStatus) {
  const Fields status = Parse(EncodeRetryStatusDetails(14, "memory limit reached", 1));
  EXPECT_EQ(status.ints.at(1), std::vector<std::uint64_t>{14});
  EXPECT_EQ(status.bytes.at(2), std::vector<std::string>{"memory limit reached"});
  ASSERT_EQ(status.bytes.at(3).size(), 1u);
  const Fields any = Parse(status.bytes.at(3)[0]);
  EXPECT_EQ(any.bytes.at(1)[0], "type.googleapis.com/google.rpc.RetryInfo");
  const Fields retry_info = Parse(any.bytes.at(2)[0]);
  const Fields duration = Parse(retry_info.bytes.at(1)[0]);
  EXPECT_EQ(duration.ints.at(1), std::vector<std::uint64_t>{1});
  EXPECT_EQ(duration.ints.count(2), 0u);  // no nanos
}

struct MappingCase {
  int http;
  grpc::StatusCode code;
  bool retry_info;
};

class GrpcStatusForTest : public ::testing::TestWithParam<MappingCase> {};

TEST_P(GrpcStatusForTest, MapsRefusals) {
  const MappingCase& c = GetParam();
  const grpc::Status st = GrpcStatusFor({c.http, "why", {}});
  EXPECT_EQ(st.error_code(), c.code);
  EXPECT_EQ(st.error_message(), "why");
  EXPECT_EQ(!st.error_details().empty(), c.retry_info);
  if (c.retry_info) {
    const Fields status = Parse(st.error_details());
    EXPECT_EQ(status.ints.at(1)[0], static_cast<std::uint64_t>(c.code));
  }
}

// OTLP: only UNAVAILABLE and RESOURCE_EXHAUSTED-with-RetryInfo are retried by exporters, so busy
// answers carry RetryInfo and nothing else does.
INSTANTIATE_TEST_SUITE_P(
    Refusals, GrpcStatusForTest,
    ::testing::Values(MappingCase{400, grpc::StatusCode::INVALID_ARGUMENT, false},
                      MappingCase{401, grpc::StatusCode::UNAUTHENTICATED, false},
                      MappingCase{403, grpc::StatusCode::PERMISSION_DENIED, false},
                      MappingCase{413, grpc::StatusCode::RESOURCE_EXHAUSTED, false},
                      MappingCase{429, grpc::StatusCode::RESOURCE_EXHAUSTED, true},
                      MappingCase{500, grpc::StatusCode::INTERNAL, false},
                      MappingCase{503, grpc::StatusCode::UNAVAILABLE, true}));

}  // namespace
}  // namespace ingot::grpc_server
