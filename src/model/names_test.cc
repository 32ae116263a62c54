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

}  // namespace
}  // namespace ingot::model
