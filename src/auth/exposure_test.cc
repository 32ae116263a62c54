#include "auth/exposure.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ingot::auth {
namespace {

TEST(ExposureTest, IsLoopbackAddress) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"127.0.0.1:5080", true},
      {"127.0.0.1:0", true},
      {"127.1.2.3:80", true},
      {"127.255.255.255:80", true},
      {"localhost:5080", true},
      {"LocalHost:5080", true},
      {"[::1]:5080", true},
      {"[0:0:0:0:0:0:0:1]:5080", true},
      {"[::ffff:127.0.0.1]:5080", true},
      {"[127.0.0.1]:5080", true},  // the server strips the brackets too
      {"127.0.0.1", true},         // a host alone
      {"localhost", true},
      {"0.0.0.0:5080", false},
      {"[::]:5080", false},
      {":5080", false},  // empty host: every interface
      {"", false},
      {"192.168.1.10:5080", false},
      {"10.0.0.1:5080", false},
      {"128.0.0.1:5080", false},
      {"126.255.255.255:5080", false},
      {"[::2]:5080", false},
      {"[::ffff:10.0.0.1]:5080", false},
      {"[fe80::1%eth0]:5080", false},
      {"::1", false},  // host "::" (every interface), port 1, as the server reads it
      {"example.com:5080", false},
      {"localhost.example.com:5080", false},
      {"localhost.:5080", false},
      {"127.0.0.1.example.com:5080", false},
      {"127.1:5080", false},  // not a dotted quad: the server would resolve it as a name
      {"0x7f.0.0.1:5080", false},
  };
  for (const auto& [address, loopback] : cases) {
    EXPECT_EQ(IsLoopbackAddress(address), loopback) << address;
  }
}

TEST(ExposureTest, CheckExposure) {
  struct Case {
    std::string address;
    bool auth_enabled;
    bool no_auth;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"127.0.0.1:5080", false, false, true},  // the default: open, but only to this machine
      {"localhost:5080", false, false, true},
      {"[::1]:5080", false, false, true},
      {"127.0.0.1:5080", true, false, true},
      {"127.0.0.1:5080", false, true, true},
      {"0.0.0.0:5080", false, false, false},  // open to the network: refused
      {"[::]:5080", false, false, false},
      {"192.168.1.10:5080", false, false, false},
      {"ingest.example.com:5080", false, false, false},
      {":5080", false, false, false},
      {"0.0.0.0:5080", true, false, true},  // credentials configured
      {"0.0.0.0:5080", false, true, true},  // --no-auth: the operator's explicit choice
      {"0.0.0.0:5080", true, true, false},  // both: ambiguous, refused
      {"127.0.0.1:5080", true, true, false},
  };
  for (const Case& c : cases) {
    const Status st = CheckExposure(c.address, c.auth_enabled, c.no_auth);
    EXPECT_EQ(st.ok(), c.ok) << c.address << " auth=" << c.auth_enabled << " no_auth=" << c.no_auth
                             << ": " << st.message();
    if (!st.ok()) {
      EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
    }
  }
}

TEST(ExposureTest, RefusalTellsWhatToDo) {
  const Status st = CheckExposure("0.0.0.0:5080", false, false);
  ASSERT_FALSE(st.ok());
  for (const char* hint : {"0.0.0.0:5080", "not a loopback address", "--auth-file",
                           "INGOT_ROOT_USER_EMAIL", "INGOT_ROOT_USER_PASSWORD", "--no-auth"}) {
    EXPECT_NE(st.message().find(hint), std::string::npos) << hint << " in " << st.message();
  }
  const Status both = CheckExposure("0.0.0.0:5080", true, true);
  EXPECT_NE(both.message().find("--no-auth was given but credentials are configured"),
            std::string::npos);
}

}  // namespace
}  // namespace ingot::auth
