#include "model/names.h"

#include <gtest/gtest.h>

namespace ingot::model {
namespace {

std::string Formatted(std::string_view raw) {
  std::string out;
  AppendFormattedKey(raw, out);
  return out;
}

TEST(FormatKey, LowercasesAndReplacesEverythingOutsideTheSafeSet) {
  struct Case {
    std::string_view raw, want;
  };
  const Case cases[] = {
      {"level", "level"},
      {"Level", "level"},
      {"@timestamp", "_timestamp"},
      {"kubernetes.labels.app", "kubernetes_labels_app"},
      {"a-b c/d", "a_b_c_d"},
      {"under_score_9", "under_score_9"},
      {"héllo", "h_llo"},      // one UTF-8 character -> one '_'
      {"日本", "__"},          // three-byte sequences
      {"emoji😀x", "emoji_x"},  // four-byte sequence
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(Formatted(c.raw), c.want) << c.raw;
}

TEST(SanitizeStreamName, KeepsColonAndCannotEscapeTheDirectory) {
  struct Case {
    std::string_view raw, want;
  };
  const Case cases[] = {
      {"App-Logs", "app_logs"},
      {"k8s:prod", "k8s:prod"},
      {"../../etc", "______etc"},
      {"..", "__"},
      {"a/b", "a_b"},
      {std::string_view("nul\0x", 5), "nul_x"},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(SanitizeStreamName(c.raw), c.want) << c.raw;
}

TEST(StreamName, SanitizesAndChecksEmptyAndLength) {
  EXPECT_EQ(StreamName("App-Logs", "stream").value(), "app_logs");
  EXPECT_EQ(StreamName(std::string(kMaxStreamNameBytes, 'a'), "stream").value(),
            std::string(kMaxStreamNameBytes, 'a'));
  // Multi-byte characters count once sanitized (one '_' each), so 128 of them fit.
  std::string accents;
  for (std::size_t i = 0; i < kMaxStreamNameBytes; ++i) accents += "é";
  EXPECT_EQ(StreamName(accents, "org").value(), std::string(kMaxStreamNameBytes, '_'));

  const Result<std::string> empty = StreamName("", "org");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(empty.status().message(), "org name is empty");

  const Result<std::string> long_name = StreamName(std::string(300, 'X'), "stream");
  ASSERT_FALSE(long_name.ok());
  EXPECT_EQ(long_name.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(long_name.status().message().find("300 bytes, over the limit of 128"),
            std::string::npos)
      << long_name.status().message();
  EXPECT_FALSE(StreamName(std::string(kMaxStreamNameBytes + 1, 'a'), "stream").ok());
}

TEST(CheckStoredStreamName, AcceptsOnlyWhatStreamNameReturns) {
  EXPECT_TRUE(CheckStoredStreamName("app_logs", "stream").ok());
  EXPECT_TRUE(CheckStoredStreamName("k8s:prod", "stream").ok());
  EXPECT_FALSE(CheckStoredStreamName("", "stream").ok());
  EXPECT_FALSE(CheckStoredStreamName("App", "stream").ok());
  EXPECT_FALSE(CheckStoredStreamName("..", "stream").ok());
  EXPECT_FALSE(CheckStoredStreamName("a/b", "stream").ok());
  EXPECT_FALSE(CheckStoredStreamName(std::string(kMaxStreamNameBytes + 1, 'a'), "org").ok());
}

}  // namespace
}  // namespace ingot::model
