// SigV4 against AWS's published examples: the four of the S3 API reference ("Examples: Signature
// Calculations", examplebucket, 2013-05-24, whose canonical requests' hashes are published too) and
// get-vanilla / get-vanilla-query-order-key-case of the generic Signature Version 4 test suite.
#include "objstore/sigv4.h"

#include <gtest/gtest.h>

namespace ingot::objstore {
namespace {

const Credentials kS3Example{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                             ""};
const std::string kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string SignatureOf(const std::string& authorization) {
  return authorization.substr(authorization.rfind('=') + 1);
}

TEST(SigV4, S3GetObjectWithRange) {
  SigningRequest r{"GET", "examplebucket.s3.amazonaws.com", "/test.txt",
                   {},    {{"Range", "bytes=0-9"}},         kEmptyHash};
  SignedRequest s = SignV4(r, kS3Example, "us-east-1", "s3", "20130524T000000Z");
  EXPECT_EQ(s.canonical_request,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:" +
                kEmptyHash +
                "\nx-amz-date:20130524T000000Z\n\n"
                "host;range;x-amz-content-sha256;x-amz-date\n" +
                kEmptyHash);
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, S3PutObject) {
  const std::string body = "Welcome to Amazon S3.";
  EXPECT_EQ(Sha256Hex(body), "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SigningRequest r{
      "PUT",
      "examplebucket.s3.amazonaws.com",
      "/test$file.text",
      {},
      {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
      Sha256Hex(body)};
  SignedRequest s = SignV4(r, kS3Example, "us-east-1", "s3", "20130524T000000Z");
  EXPECT_EQ(s.encoded_path, "/test%24file.text");
  EXPECT_EQ(s.string_to_sign.substr(s.string_to_sign.rfind('\n') + 1),
            "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  EXPECT_NE(s.authorization.find(
                "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class"),
            std::string::npos);
  EXPECT_EQ(SignatureOf(s.authorization),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4, S3GetBucketLifecycle) {
  SigningRequest r{"GET",     "examplebucket.s3.amazonaws.com", "/", {{"lifecycle", ""}}, {},
                   kEmptyHash};
  SignedRequest s = SignV4(r, kS3Example, "us-east-1", "s3", "20130524T000000Z");
  EXPECT_EQ(s.encoded_query, "lifecycle=");
  EXPECT_EQ(s.string_to_sign.substr(s.string_to_sign.rfind('\n') + 1),
            "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca");
  EXPECT_EQ(SignatureOf(s.authorization),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4, S3ListObjects) {
  // Given out of order: the canonical query is sorted.
  SigningRequest r{"GET", "examplebucket.s3.amazonaws.com",
                   "/",   {{"prefix", "J"}, {"max-keys", "2"}},
                   {},    kEmptyHash};
  SignedRequest s = SignV4(r, kS3Example, "us-east-1", "s3", "20130524T000000Z");
  EXPECT_EQ(s.encoded_query, "max-keys=2&prefix=J");
  EXPECT_EQ(s.string_to_sign.substr(s.string_to_sign.rfind('\n') + 1),
            "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
  EXPECT_EQ(SignatureOf(s.authorization),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

const Credentials kSuite{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

TEST(SigV4, TestSuiteGetVanilla) {
  SigningRequest r{"GET", "example.amazonaws.com", "/", {}, {}, kEmptyHash};
  r.content_sha256_header = false;
  SignedRequest s = SignV4(r, kSuite, "us-east-1", "service", "20150830T123600Z");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4, TestSuiteGetVanillaQueryOrderKeyCase) {
  SigningRequest r{"GET", "example.amazonaws.com",
                   "/",   {{"Param2", "value2"}, {"Param1", "value1"}},
                   {},    kEmptyHash};
  r.content_sha256_header = false;
  SignedRequest s = SignV4(r, kSuite, "us-east-1", "service", "20150830T123600Z");
  EXPECT_EQ(SignatureOf(s.authorization),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4, SessionTokenIsSentAndSigned) {
  SigningRequest r{"GET", "h", "/k", {}, {}, "UNSIGNED-PAYLOAD"};
  Credentials c = kS3Example;
  c.session_token = "TOKEN/+=";
  SignedRequest s = SignV4(r, c, "us-east-1", "s3", "20130524T000000Z");
  EXPECT_NE(s.canonical_request.find("\nx-amz-security-token:TOKEN/+=\n"), std::string::npos);
  EXPECT_NE(s.authorization.find("x-amz-date;x-amz-security-token,"), std::string::npos);
  bool sent = false;
  for (const auto& [name, value] : s.headers) sent |= name == "x-amz-security-token";
  EXPECT_TRUE(sent);
  // Without a token the signature differs (the header is part of it).
  EXPECT_NE(SignV4(r, kS3Example, "us-east-1", "s3", "20130524T000000Z").authorization,
            s.authorization);
}

TEST(SigV4, UriEncodingOfKeysAndQueries) {
  EXPECT_EQ(UriEncode("a b/c+d=é~_.-", true), "a%20b/c%2Bd%3D%C3%A9~_.-");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  SigningRequest r{"GET",
                   "h",
                   "/bucket/dir/a b+c.parquet",
                   {{"continuation-token", "1/2+3="}, {"list-type", "2"}},
                   {},
                   kEmptyHash};
  SignedRequest s = SignV4(r, kS3Example, "us-east-1", "s3", "20130524T000000Z");
  EXPECT_EQ(s.encoded_path, "/bucket/dir/a%20b%2Bc.parquet");
  EXPECT_EQ(s.encoded_query, "continuation-token=1%2F2%2B3%3D&list-type=2");
}

TEST(SigV4, HeaderValuesAreTrimmedAndFolded) {
  SigningRequest r{"GET", "h", "/", {}, {{"X-Custom", "  a   b  "}}, kEmptyHash};
  SignedRequest s = SignV4(r, kS3Example, "us-east-1", "s3", "20130524T000000Z");
  EXPECT_NE(s.canonical_request.find("\nx-custom:a b\n"), std::string::npos);
}

TEST(Digests, Md5AndBase64) {
  EXPECT_EQ(Hex(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Base64(Md5("")), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(AmzDateNow().size(), 16u);
}

}  // namespace
}  // namespace ingot::objstore
