// libFuzzer target for what the S3 client reads from the network: the XML of S3's answers (errors,
// ListObjectsV2 pages, DeleteObjects results, multipart answers) and its entity decoding. Any input
// must parse without a crash; every element found lies inside the document; escaping then decoding
// gives the text back.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "objstore/s3_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ingot::objstore;
  std::string_view doc(reinterpret_cast<const char*>(data), size);
  (void)ParseS3Error(doc);
  (void)ParseListPage(doc);
  (void)ParseDeleteErrors(doc);
  (void)XmlText(doc, "UploadId");
  for (std::string_view e : XmlElements(doc, "Key")) {
    if (e.data() < doc.data() || e.data() + e.size() > doc.data() + doc.size()) std::abort();
  }
  if (XmlDecode(XmlEscape(doc)) != doc) std::abort();
  if (XmlDecode(doc).size() > doc.size()) std::abort();  // a reference never grows when decoded
  return 0;
}
