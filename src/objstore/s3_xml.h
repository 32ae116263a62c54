// The little XML S3 answers with, read without an XML library: S3's responses are flat documents of
// known elements (no CDATA, no namespaces in element names we read, no nesting of an element
// inside itself), so finding <Tag>...</Tag> pairs and decoding the entities of their text is a
// correct reader for them. Used for errors, ListObjectsV2, multipart uploads and DeleteObjects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ingot::objstore {

// Replaces &amp; &lt; &gt; &quot; &apos; and numeric references (&#NN; &#xHH;, as UTF-8); an
// unknown or broken reference is kept as it is.
std::string XmlDecode(std::string_view text);
// Escapes & < > " ' for element text.
std::string XmlEscape(std::string_view text);
// The raw contents of every <tag>...</tag> (or <tag attr="..."> ... </tag>) in `doc`, in order; an
// empty element <tag/> gives an empty string.
std::vector<std::string_view> XmlElements(std::string_view doc, std::string_view tag);
// The decoded text of the first <tag> element, nullopt if there is none.
std::optional<std::string> XmlText(std::string_view doc, std::string_view tag);

// An S3 error document: <Error><Code>NoSuchBucket</Code><Message>...</Message></Error>.
struct S3Error {
  std::string code;  // empty if the body is no error document
  std::string message;
};
S3Error ParseS3Error(std::string_view body);

struct ListPage {
  struct Entry {
    std::string key;  // decoded, the full key (prefix included)
    std::uint64_t size = 0;
  };
  std::vector<Entry> entries;
  bool truncated = false;
  std::string next_token;  // decoded NextContinuationToken
};
// A ListObjectsV2 answer (<ListBucketResult>); nullopt if it is not one (or a Size is no number).
std::optional<ListPage> ParseListPage(std::string_view body);

// The <Error> entries of a DeleteObjects answer (<DeleteResult>), one per key that was not
// deleted.
struct DeleteError {
  std::string key;
  std::string code;
  std::string message;
};
std::vector<DeleteError> ParseDeleteErrors(std::string_view body);

}  // namespace ingot::objstore
