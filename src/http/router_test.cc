#include "http/router.h"

#include <gtest/gtest.h>

#include <string>

namespace ingot::http {
namespace {

Handler Noop() {
  return [](ExchangePtr) {};
}

std::string Params(const Router::Match& m) {
  std::string out;
  for (std::size_t i = 0; i < m.value_count; ++i) {
    out += m.route->param_names[i] + "=" + std::string(m.values[i]) + ";";
  }
  return out;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* p : {"/api/{org}/{stream}/_json", "/api/{org}/{stream}/_multi",
                          "/api/{org}/_bulk", "/api/{org}/_hec", "/api/v1/write/msgpack",
                          "/services/collector/event", "/v1/logs", "/api/{org}/v1/logs"}) {
      ASSERT_TRUE(router.Add("POST", p, Noop()).ok()) << p;
    }
    ASSERT_TRUE(router.Add("GET", "/api/{org}/", Noop()).ok());
    ASSERT_TRUE(router.Add("GET", "/healthz", Noop()).ok());
    ASSERT_TRUE(router.Add("HEAD", "/healthz", Noop()).ok());
  }
  Router router;
};

TEST_F(RouterTest, MatchesPatternsAndExtractsParams) {
  auto m = router.Find("POST", "/api/acme/app_logs/_json");
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.route->pattern, "/api/{org}/{stream}/_json");
  EXPECT_EQ(Params(m), "org=acme;stream=app_logs;");

  m = router.Find("POST", "/services/collector/event");
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.value_count, 0u);

  m = router.Find("GET", "/api/acme/");
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(Params(m), "org=acme;");
}

TEST_F(RouterTest, LiteralsWinButBacktrackToParams) {
  auto m = router.Find("POST", "/api/v1/write/msgpack");
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/write/msgpack");
  // "v1" is also a literal child of /api, but /api/v1/_bulk only exists through {org}.
  m = router.Find("POST", "/api/v1/_bulk");
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.route->pattern, "/api/{org}/_bulk");
  EXPECT_EQ(Params(m), "org=v1;");
  m = router.Find("POST", "/api/acme/v1/logs");
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.route->pattern, "/api/{org}/v1/logs");
}

TEST_F(RouterTest, NotFoundAndMethodNotAllowed) {
  EXPECT_EQ(router.Find("POST", "/api/acme").outcome, Router::Outcome::kNotFound);
  EXPECT_EQ(router.Find("POST", "/api/acme/logs/_json/extra").outcome, Router::Outcome::kNotFound);
  EXPECT_EQ(router.Find("POST", "/api//logs/_json").outcome, Router::Outcome::kNotFound);
  EXPECT_EQ(router.Find("POST", "").outcome, Router::Outcome::kNotFound);
  EXPECT_EQ(router.Find("POST", "*").outcome, Router::Outcome::kNotFound);
  EXPECT_EQ(router.Find("POST", "/v1/logs/").outcome, Router::Outcome::kNotFound);
  EXPECT_EQ(router.Find("GET", "/v1/logs").outcome, Router::Outcome::kMethodNotAllowed);
  EXPECT_EQ(router.Find("POST", "/healthz").outcome, Router::Outcome::kMethodNotAllowed);
  EXPECT_EQ(router.AllowedMethods("/healthz"), "GET, HEAD");
}

TEST(Router, RejectsMalformedAndDuplicatePatterns) {
  Router r;
  EXPECT_FALSE(r.Add("GET", "no-slash", Noop()).ok());
  EXPECT_FALSE(r.Add("GET", "/a/{}", Noop()).ok());
  EXPECT_FALSE(r.Add("GET", "/a/{b", Noop()).ok());
  EXPECT_FALSE(r.Add("GET", "/a/x{b}", Noop()).ok());
  EXPECT_FALSE(r.Add("GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", Noop()).ok());
  EXPECT_TRUE(r.Add("GET", "/a/{b}", Noop()).ok());
  EXPECT_FALSE(r.Add("GET", "/a/{b}", Noop()).ok());
  EXPECT_TRUE(r.Add("POST", "/a/{b}", Noop()).ok());
  EXPECT_EQ(r.routes().size(), 2u);
}

}  // namespace
}  // namespace ingot::http
