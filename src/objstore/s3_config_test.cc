#include "objstore/s3_config.h"

#include <gtest/gtest.h>

#include <map>

#include "objstore/open.h"

namespace ingot::objstore {
namespace {

EnvGetter Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

const std::map<std::string, std::string> kKeys = {{"AWS_ACCESS_KEY_ID", "AKID"},
                                                  {"AWS_SECRET_ACCESS_KEY", "SECRET"}};

std::map<std::string, std::string> With(std::map<std::string, std::string> more) {
  std::map<std::string, std::string> all = kKeys;
  for (auto& [k, v] : more) all[k] = v;
  return all;
}

TEST(ParseS3Url, BucketAndPrefix) {
  Result<S3Location> l = ParseS3Url("s3://my-bucket/a/b/");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(l->bucket, "my-bucket");
  EXPECT_EQ(l->prefix, "a/b");
  l = ParseS3Url("s3://my-bucket");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->prefix, "");
  l = ParseS3Url("s3://my-bucket/");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->prefix, "");
  l = ParseS3Url("s3://b.with.dots/x");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->bucket, "b.with.dots");
}

TEST(ParseS3Url, RejectsBadUrlsAndBucketNames) {
  for (const char* url : {"http://bucket/x", "s3:/bucket", "s3://", "s3://ab", "s3://My-Bucket",
                          "s3://-bucket", "s3://bucket-", "s3://buck..et", "s3://buck_et",
                          "s3://192.168.1.1", "s3://xn--bucket", "s3://bucket-s3alias",
                          "s3://bucket//x", "s3://bucket/a//b", "s3://bucket/x?y=1", "s3://a.-b"}) {
    Result<S3Location> l = ParseS3Url(url);
    EXPECT_FALSE(l.ok()) << url;
    if (!l.ok()) {
      EXPECT_EQ(l.status().code(), StatusCode::kInvalidInput) << url;
    }
  }
  std::string long_name(64, 'a');
  EXPECT_FALSE(ParseS3Url("s3://" + long_name).ok());
  EXPECT_TRUE(ParseS3Url("s3://" + std::string(63, 'a')).ok());
  Result<S3Location> l = ParseS3Url("s3://Bad_Bucket/x");
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.status().message().find("bucket name \"Bad_Bucket\""), std::string::npos)
      << l.status().message();
}

TEST(S3ConfigFromUrl, AwsVirtualHostedStyle) {
  Result<S3Config> c = S3ConfigFromUrl(
      "s3://logs/ingot", Env(With({{"AWS_REGION", "eu-west-1"}, {"AWS_SESSION_TOKEN", "TOKEN"}})));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKID");
  EXPECT_EQ(c->secret_access_key, "SECRET");
  EXPECT_EQ(c->session_token, "TOKEN");
  EXPECT_EQ(c->region, "eu-west-1");
  EXPECT_TRUE(c->https);
  EXPECT_FALSE(c->path_style);
  EXPECT_EQ(c->BaseUrl(), "https://logs.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(c->RawPath("ingot/a b.parquet"), "/ingot/a b.parquet");
  EXPECT_EQ(c->RawPath(""), "/");
  EXPECT_EQ(c->FullKey("o/logs/x.parquet"), "ingot/o/logs/x.parquet");
  EXPECT_EQ(c->Describe("o/x"), "s3://logs/ingot/o/x");
}

TEST(S3ConfigFromUrl, RegionDefaultsAndFallback) {
  Result<S3Config> c = S3ConfigFromUrl("s3://logs", Env(kKeys));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->region, "us-east-1");
  EXPECT_EQ(c->FullKey("k"), "k");
  EXPECT_EQ(c->Describe("k"), "s3://logs/k");
  c = S3ConfigFromUrl("s3://logs", Env(With({{"AWS_DEFAULT_REGION", "ap-south-1"}})));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->region, "ap-south-1");
  c = S3ConfigFromUrl(
      "s3://logs", Env(With({{"AWS_DEFAULT_REGION", "ap-south-1"}, {"AWS_REGION", "us-west-2"}})));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->region, "us-west-2");
  EXPECT_FALSE(S3ConfigFromUrl("s3://logs", Env(With({{"AWS_REGION", "us west"}}))).ok());
}

TEST(S3ConfigFromUrl, DottedBucketOnAwsUsesPathStyle) {
  Result<S3Config> c = S3ConfigFromUrl("s3://my.logs/p", Env(kKeys));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->path_style);
  EXPECT_EQ(c->BaseUrl(), "https://s3.us-east-1.amazonaws.com");
  EXPECT_EQ(c->RawPath("p/k"), "/my.logs/p/k");
}

TEST(S3ConfigFromUrl, CustomEndpointUsesPathStyle) {
  Result<S3Config> c =
      S3ConfigFromUrl("s3://logs/p", Env(With({{"AWS_ENDPOINT_URL", "http://127.0.0.1:9000/"}})));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->https);
  EXPECT_TRUE(c->path_style);
  EXPECT_EQ(c->authority, "127.0.0.1:9000");
  EXPECT_EQ(c->BaseUrl(), "http://127.0.0.1:9000");
  EXPECT_EQ(c->RawPath("p/k"), "/logs/p/k");
  EXPECT_EQ(c->RawPath(""), "/logs");
  // The S3-specific variable wins over the generic one.
  c = S3ConfigFromUrl("s3://logs", Env(With({{"AWS_ENDPOINT_URL", "http://other:1"},
                                             {"AWS_ENDPOINT_URL_S3", "https://minio.local"}})));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->https);
  EXPECT_EQ(c->authority, "minio.local");
}

TEST(S3ConfigFromUrl, RejectsBadEndpointsAndMissingCredentials) {
  for (const char* endpoint :
       {"ftp://x", "127.0.0.1:9000", "http://", "http://h/path", "http://user@h", "http://h?x"}) {
    Result<S3Config> c =
        S3ConfigFromUrl("s3://logs", Env(With({{"AWS_ENDPOINT_URL_S3", endpoint}})));
    ASSERT_FALSE(c.ok()) << endpoint;
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidInput);
    EXPECT_NE(c.status().message().find("AWS_ENDPOINT_URL_S3"), std::string::npos);
  }
  Result<S3Config> c = S3ConfigFromUrl("s3://logs", Env({{"AWS_ACCESS_KEY_ID", "AKID"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
  EXPECT_FALSE(S3ConfigFromUrl("s3://logs", Env({})).ok());
}

TEST(OpenObjectStore, OnlyS3) {
  Result<std::unique_ptr<ObjectStore>> store = OpenObjectStore("s3://logs/p", Env(kKeys));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Describe("a/b"), "s3://logs/p/a/b");
  for (const char* url : {"file:///tmp/x", "gs://bucket", "", "/data"}) {
    Result<std::unique_ptr<ObjectStore>> bad = OpenObjectStore(url, Env(kKeys));
    ASSERT_FALSE(bad.ok()) << url;
    EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
  }
  EXPECT_FALSE(OpenObjectStore("s3://logs", Env({})).ok());
}

}  // namespace
}  // namespace ingot::objstore
