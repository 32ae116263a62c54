#include "objstore/s3_xml.h"

#include <gtest/gtest.h>

namespace ingot::objstore {
namespace {

TEST(S3Xml, DecodesEntities) {
  EXPECT_EQ(XmlDecode("a&amp;b&lt;c&gt;d&quot;e&apos;f"), "a&b<c>d\"e'f");
  EXPECT_EQ(XmlDecode("&#233;&#xE9;&#x1F600;"), "\xC3\xA9\xC3\xA9\xF0\x9F\x98\x80");
  // Unknown or broken references stay as they are.
  EXPECT_EQ(XmlDecode("&bogus; & &#xZZ; &#0; &"), "&bogus; & &#xZZ; &#0; &");
  EXPECT_EQ(XmlEscape("<a&b>\"'"), "&lt;a&amp;b&gt;&quot;&apos;");
  EXPECT_EQ(XmlDecode(XmlEscape("k<&>\"'é")), "k<&>\"'é");
}

TEST(S3Xml, FindsElements) {
  std::string doc = "<R><Key>a</Key><KeyCount>2</KeyCount><Key attr=\"x\">b</Key><Key/></R>";
  std::vector<std::string_view> keys = XmlElements(doc, "Key");
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0], "a");
  EXPECT_EQ(keys[1], "b");
  EXPECT_EQ(keys[2], "");
  EXPECT_EQ(XmlText(doc, "KeyCount").value_or(""), "2");
  EXPECT_FALSE(XmlText(doc, "Missing").has_value());
  EXPECT_TRUE(XmlElements("<Key>unterminated", "Key").empty());
}

TEST(S3Xml, ParsesErrors) {
  S3Error e = ParseS3Error(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code>"
      "<Message>The specified bucket does not exist</Message><BucketName>b</BucketName>"
      "<RequestId>1</RequestId></Error>");
  EXPECT_EQ(e.code, "NoSuchBucket");
  EXPECT_EQ(e.message, "The specified bucket does not exist");
  EXPECT_TRUE(ParseS3Error("").code.empty());
  EXPECT_TRUE(ParseS3Error("<html>bad gateway</html>").code.empty());
}

TEST(S3Xml, ParsesListPages) {
  std::optional<ListPage> page = ParseListPage(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
      "<Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>"
      "<IsTruncated>true</IsTruncated><Contents><Key>p/a &amp; b.parquet</Key>"
      "<LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>&quot;x&quot;</ETag>"
      "<Size>12</Size><StorageClass>STANDARD</StorageClass></Contents>"
      "<Contents><Key>p/&#233;</Key><Size>18446744073709551615</Size></Contents>"
      "<NextContinuationToken>tok+/=&amp;</NextContinuationToken></ListBucketResult>");
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_EQ(page->entries[0].key, "p/a & b.parquet");
  EXPECT_EQ(page->entries[0].size, 12u);
  EXPECT_EQ(page->entries[1].key, "p/\xC3\xA9");
  EXPECT_EQ(page->entries[1].size, 18446744073709551615u);
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_token, "tok+/=&");

  page = ParseListPage("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
  ASSERT_TRUE(page.has_value());
  EXPECT_TRUE(page->entries.empty());
  EXPECT_FALSE(page->truncated);

  EXPECT_FALSE(ParseListPage("<Error><Code>X</Code></Error>").has_value());
  EXPECT_FALSE(ParseListPage("<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents>"
                             "</ListBucketResult>")
                   .has_value());
}

TEST(S3Xml, ParsesMultipartAndDeleteAnswers) {
  EXPECT_EQ(XmlText("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                    "<UploadId>VXBsb2FkIElE&amp;</UploadId></InitiateMultipartUploadResult>",
                    "UploadId")
                .value_or(""),
            "VXBsb2FkIElE&");
  std::vector<DeleteError> errors = ParseDeleteErrors(
      "<DeleteResult><Deleted><Key>ok</Key></Deleted><Error><Key>a&lt;b</Key>"
      "<Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
      "<Error><Key>c</Key><Code>InternalError</Code><Message>m</Message></Error></DeleteResult>");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].key, "a<b");
  EXPECT_EQ(errors[0].code, "AccessDenied");
  EXPECT_EQ(errors[1].code, "InternalError");
  EXPECT_TRUE(
      ParseDeleteErrors("<DeleteResult><Deleted><Key>ok</Key></Deleted></DeleteResult>").empty());
}

}  // namespace
}  // namespace ingot::objstore
