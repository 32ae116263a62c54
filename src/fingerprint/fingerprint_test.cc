#include "fingerprint/fingerprint.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace ingot::fingerprint {
namespace {

std::string TemplateOf(std::string_view message) {
  Fingerprinter f;
  return std::string(f.Template(message));
}

TEST(Fingerprint, TheCorpusOfRealLogLineShapes) {
  // tests/fingerprint/corpus.tsv: "<message>\t<expected template>" a line; # comments.
  std::ifstream in(INGOT_FINGERPRINT_CORPUS);
  ASSERT_TRUE(in) << INGOT_FINGERPRINT_CORPUS;
  std::string line;
  int cases = 0;
  Fingerprinter f;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t tab = line.rfind('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    EXPECT_EQ(f.Template(line.substr(0, tab)), line.substr(tab + 1)) << line.substr(0, tab);
    ++cases;
  }
  EXPECT_GE(cases, 30);
}

// Each variable token kind, with values of different lengths and spellings: substituting one for
// another never changes the fingerprint.
TEST(Fingerprint, SubstitutingAVariableTokenKeepsTheFingerprint) {
  const std::vector<std::vector<std::string>> kinds = {
      {"0", "42", "-7", "3.14159", "1e9", "123456789012", "30s", "12.5ms", "4KiB", "99%", "7GB"},
      {"0x0", "0xdeadBEEF", "9f86d081884c7d659a2feaa0c55ad015",
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "abcdefabcdefabcd"},
      {"550e8400-e29b-41d4-a716-446655440000", "123E4567-E89B-12D3-A456-426614174000"},
      {"10.0.0.1", "255.255.255.255", "192.168.1.20:8080", "10.0.0.0/8", "::1", "fe80::1",
       "2001:db8::8a2e:370:7334", "::ffff:10.0.0.1", "fe80::1%eth0"},
      {"2026-12-03", "2026-12-03T20:56:36Z", "2026-12-03T20:56:36.123456+01:00", "20:56:36", "9:05",
       "03/Dec/2026:20:56:36", "12/03/2026", "2026/12/03"},
      {"\"quoted\"", "\"with \\\"escapes\\\" and spaces\"", "'single quoted'", "\"\""},
      {"alice@example.com", "bob.smith+tag@mail.example.co.uk"},
  };
  const std::vector<std::string> frames = {"value {} seen", "{}",         "x={} y",
                                           "took {}, done", "[{}] start", "id: {}"};
  Fingerprinter f;
  for (const auto& values : kinds) {
    for (const std::string& frame : frames) {
      const std::size_t at = frame.find("{}");
      auto fill = [&](const std::string& v) {
        return frame.substr(0, at) + v + frame.substr(at + 2);
      };
      const std::string expected(f.Template(fill(values[0])));
      for (const std::string& value : values) {
        EXPECT_EQ(f.Template(fill(value)), expected) << fill(value) << " vs " << fill(values[0]);
      }
    }
  }
}

TEST(Fingerprint, IdsInPathsAndNamesAreVariable) {
  Fingerprinter f;
  const std::string a(f.Template("GET /api/users/123/orders/987 from pod web-7d9f8b6c5-x2k4p"));
  EXPECT_EQ(f.Template("GET /api/users/5/orders/1 from pod web-5c8d7b9f4-qz8mn"), a);
  EXPECT_EQ(a, "GET /api/users/<NUM>/orders/<NUM> from pod web-<ID>-<ID>");
}

TEST(Fingerprint, ChangingAWordChangesTheFingerprint) {
  Fingerprinter f;
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"user 42 logged in", "user 42 logged out"},
      {"GET /api/users/1", "GET /api/orders/1"},
      {"connection refused by 10.0.0.1", "connection reset by 10.0.0.1"},
      {"ERROR disk full", "WARN disk full"},
      {"a b", "a  b c"},
  };
  for (const auto& [a, b] : pairs) {
    const std::int64_t fa = Fingerprinter::Hash(f.Template(a));
    const std::int64_t fb = Fingerprinter::Hash(f.Template(b));
    EXPECT_NE(fa, fb) << a << " / " << b;
  }
}

TEST(Fingerprint, SpacesAreCollapsedAndOnlyTheFirstLineCounts) {
  EXPECT_EQ(TemplateOf("  a \t b  "), "a b");
  EXPECT_EQ(TemplateOf("first line 1\nat com.example.Foo(Foo.java:42)"), "first line <NUM>");
  EXPECT_EQ(TemplateOf("crlf\r\nnext"), "crlf");
  EXPECT_EQ(TemplateOf(""), "");
  const std::string long_line(5000, 'z');
  EXPECT_EQ(TemplateOf(long_line).size(), kMaxMessageBytes);
}

TEST(Fingerprint, ApostrophesInWordsAreNotQuotes) {
  EXPECT_EQ(TemplateOf("don't retry 'job 7' now"), "don't retry <STR> now");
  EXPECT_EQ(TemplateOf("unclosed \"quote 5"), "unclosed \"quote <NUM>");
}

TEST(Fingerprint, HashIsXxh3OfTheTemplate) {
  // XXH3_64bits("") = 0x2D06800538D394C2 (xxHash's published value for empty input).
  EXPECT_EQ(static_cast<std::uint64_t>(Fingerprinter::Hash("")), 0x2D06800538D394C2ULL);
  EXPECT_EQ(Fingerprinter::Hash("user <NUM> logged in"),
            Fingerprinter::Hash("user <NUM> logged in"));
  EXPECT_NE(Fingerprinter::Hash("user <NUM> logged in"), Fingerprinter::Hash("user <NUM> logged"));
}

}  // namespace
}  // namespace ingot::fingerprint
