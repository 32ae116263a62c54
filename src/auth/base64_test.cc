#include "auth/base64.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ingot::auth {
namespace {

std::span<const unsigned char> Bytes(std::string_view s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

TEST(Base64Test, EncodesRfc4648Vectors) {
  const std::vector<std::pair<std::string, std::string>> vectors = {{"", ""},
                                                                    {"f", "Zg=="},
                                                                    {"fo", "Zm8="},
                                                                    {"foo", "Zm9v"},
                                                                    {"foob", "Zm9vYg=="},
                                                                    {"fooba", "Zm9vYmE="},
                                                                    {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(Bytes(plain), Base64Alphabet::kStandard, true), encoded);
    std::string decoded;
    ASSERT_TRUE(Base64Decode(encoded, decoded)) << encoded;
    EXPECT_EQ(decoded, plain);
  }
}

TEST(Base64Test, UnpaddedAndUrlSafe) {
  EXPECT_EQ(Base64Encode(Bytes("f"), Base64Alphabet::kStandard, false), "Zg");
  const std::string binary = "\xfb\xff\xfe";
  EXPECT_EQ(Base64Encode(Bytes(binary), Base64Alphabet::kStandard, false), "+//+");
  EXPECT_EQ(Base64Encode(Bytes(binary), Base64Alphabet::kUrlSafe, false), "-__-");
  std::string decoded;
  ASSERT_TRUE(Base64Decode("Zg", decoded));
  EXPECT_EQ(decoded, "f");
  ASSERT_TRUE(Base64Decode("Zm8", decoded));
  EXPECT_EQ(decoded, "fo");
}

TEST(Base64Test, RoundTripsEveryLength) {
  std::string data;
  for (int n = 0; n < 40; ++n) {
    std::string decoded;
    for (bool pad : {true, false}) {
      const std::string encoded = Base64Encode(Bytes(data), Base64Alphabet::kStandard, pad);
      ASSERT_EQ(Base64DecodedSize(encoded), data.size()) << encoded;
      ASSERT_TRUE(Base64Decode(encoded, decoded)) << encoded;
      EXPECT_EQ(decoded, data);
    }
    data.push_back(static_cast<char>(n * 37 + 11));
  }
}

TEST(Base64Test, RejectsMalformedInput) {
  for (std::string_view bad : {"Z", "Zg=", "Zg===", "=", "==", "A===", "====", "Zm9v\n", "Zm 9v",
                               "Zm9v!", "Zh==", "Zm9=", "Zm=v", "-__-", "Zg==Zg=="}) {
    EXPECT_EQ(Base64DecodedSize(bad), SIZE_MAX) << bad;
    std::string out;
    EXPECT_FALSE(Base64Decode(bad, out)) << bad;
  }
}

TEST(Base64Test, DecodeNeedsRoom) {
  std::array<unsigned char, 2> small{};
  EXPECT_FALSE(Base64Decode("Zm9v", small));
}

}  // namespace
}  // namespace ingot::auth
