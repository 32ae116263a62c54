#include "common/json_escape.h"

#include <gtest/gtest.h>

namespace ingot {
namespace {

TEST(JsonEscape, EscapesWhatJsonRequires) {
  struct Case {
    std::string_view in;
    std::string_view want;
  };
  const Case cases[] = {
      {"plain", R"("plain")"},
      {"a\"b", R"("a\"b")"},
      {"back\\slash", R"("back\\slash")"},
      {"line\nbreak\ttab\r", R"("line\nbreak\ttab\r")"},
      {std::string_view("\x01\x1f", 2), R"("\u0001\u001f")"},
      {"héllo", "\"héllo\""},
      {"", R"("")"},
  };
  for (const auto& c : cases) {
    std::string out;
    AppendJsonString(c.in, out);
    EXPECT_EQ(out, c.want) << c.in;
  }
}

}  // namespace
}  // namespace ingot
