#include "http/request.h"

#include <gtest/gtest.h>

#include <vector>

namespace ingot::http {
namespace {

// Header names are case-insensitive (RFC 9110 §5.1): a client's "authorization" is the
// Authorization header the credentials check reads.
TEST(Request, HeadersAreFoundWhateverTheirCase) {
  const std::vector<Header> headers = {{"Content-Type", "application/json"},
                                       {"authorization", "Bearer t"},
                                       {"AUTHORIZATION", "Bearer second"}};
  Request request;
  request.headers = headers;
  EXPECT_EQ(request.header("Authorization"), "Bearer t");  // the first one
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_TRUE(request.has_header("Authorization"));
  request.headers = std::span(headers).first(1);
  EXPECT_EQ(request.header("Authorization"), "");
  EXPECT_FALSE(request.has_header("Authorization"));
}

}  // namespace
}  // namespace ingot::http
