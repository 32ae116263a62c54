#include "api/otlp_http.h"

#include <gtest/gtest.h>

#include "http/response.h"

namespace ingot::api {
namespace {

namespace otlp = protocols::otlp;

TEST(OtlpContentTypeTest, MediaTypesWithAndWithoutParameters) {
  EXPECT_EQ(ParseOtlpContentType("application/x-protobuf"), OtlpEncoding::kProtobuf);
  EXPECT_EQ(ParseOtlpContentType("application/protobuf"), OtlpEncoding::kProtobuf);
  EXPECT_EQ(ParseOtlpContentType("Application/X-Protobuf"), OtlpEncoding::kProtobuf);
  EXPECT_EQ(ParseOtlpContentType("application/json"), OtlpEncoding::kJson);
  EXPECT_EQ(ParseOtlpContentType("application/json; charset=utf-8"), OtlpEncoding::kJson);
  EXPECT_EQ(ParseOtlpContentType("application/json;charset=UTF-8"), OtlpEncoding::kJson);
  EXPECT_EQ(ParseOtlpContentType(" application/x-protobuf ; foo=bar"), OtlpEncoding::kProtobuf);
}

TEST(OtlpContentTypeTest, OthersAreUnsupported) {
  EXPECT_EQ(ParseOtlpContentType(""), std::nullopt);
  EXPECT_EQ(ParseOtlpContentType("text/plain"), std::nullopt);
  EXPECT_EQ(ParseOtlpContentType("application/x-www-form-urlencoded"), std::nullopt);
  EXPECT_EQ(ParseOtlpContentType("application/jsonx"), std::nullopt);
  EXPECT_EQ(ParseOtlpContentType("application/x-ndjson"), std::nullopt);
  EXPECT_EQ(ParseOtlpContentType(";application/json"), std::nullopt);
}

std::string Header(const http::Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

TEST(OtlpResponseTest, SuccessInTheRequestsEncoding) {
  const http::Response proto = OtlpExportResponse(otlp::Signal::kLogs, OtlpEncoding::kProtobuf, {});
  EXPECT_EQ(proto.status, 200);
  EXPECT_EQ(proto.content_type, "application/x-protobuf");
  EXPECT_EQ(proto.body, otlp::EncodeExportResponseProtobuf(otlp::Signal::kLogs, {}));
  const otlp::ExportResult partial{2, "bad record"};
  const http::Response json =
      OtlpExportResponse(otlp::Signal::kTraces, OtlpEncoding::kJson, partial);
  EXPECT_EQ(json.status, 200);
  EXPECT_EQ(json.content_type, "application/json");
  EXPECT_EQ(json.body, otlp::EncodeExportResponseJson(otlp::Signal::kTraces, partial));
  EXPECT_NE(json.body.find("bad record"), std::string::npos);
}

TEST(OtlpResponseTest, ErrorsAreStatusBodiesWithRetryAfterWhenRetryable) {
  const http::Response busy = OtlpErrorResponse(OtlpEncoding::kProtobuf, {503, "busy", {}});
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.content_type, "application/x-protobuf");
  EXPECT_EQ(busy.body, otlp::EncodeStatusProtobuf(14, "busy"));
  EXPECT_EQ(Header(busy, "Retry-After"), "1");

  const http::Response bad = OtlpErrorResponse(OtlpEncoding::kJson, {400, "malformed", {}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.content_type, "application/json");
  EXPECT_EQ(bad.body, otlp::EncodeStatusJson(3, "malformed"));
  EXPECT_EQ(Header(bad, "Retry-After"), "");

  const http::Response unauthorized = OtlpErrorResponse(OtlpEncoding::kJson, {401, "who?", {}});
  EXPECT_EQ(Header(unauthorized, "WWW-Authenticate"), auth::kWwwAuthenticate);
}

}  // namespace
}  // namespace ingot::api
