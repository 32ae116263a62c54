#include "app/fd_limit.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <thread>

namespace ingot::app {
namespace {

TEST(FdLimit, ReserveGrowsWithThreads) {
  EXPECT_EQ(FdReserve(0, 0), kFdBaseReserve + 64);
  EXPECT_EQ(FdReserve(2, 2), kFdBaseReserve + 64 + 4 + 8);
}

TEST(FdLimit, ConnectionCapFitsWhatTheReserveLeaves) {
  const std::size_t reserve = FdReserve(2, 2);  // 172
  // systemd's default soft limit with the default cap: lowered to what is left.
  EXPECT_EQ(ConnectionsWithin(1024, reserve, 10000), 1024 - reserve);
  // A limit that holds the cap and the reserve leaves the cap alone.
  EXPECT_EQ(ConnectionsWithin(524288, reserve, 10000), 10000u);
  EXPECT_EQ(ConnectionsWithin(10000 + reserve, reserve, 10000), 10000u);
  EXPECT_EQ(ConnectionsWithin(10000 + reserve - 1, reserve, 10000), 9999u);
  EXPECT_EQ(ConnectionsWithin(RLIM_INFINITY, reserve, 10000), 10000u);
  // Too low to leave even a few: a floor, so the server still serves (and warns).
  EXPECT_EQ(ConnectionsWithin(100, reserve, 10000), kMinConnections);
  EXPECT_EQ(ConnectionsWithin(100, reserve, 5), 5u);
  EXPECT_EQ(ConnectionsWithin(256, reserve, 10000), 256 - reserve);
}

TEST(FdLimit, PlanRaisesTheSoftLimitToTheHardOne) {
  rlimit before{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
  if (before.rlim_max == RLIM_INFINITY) GTEST_SKIP() << "unlimited hard limit";
  rlimit lowered = before;
  lowered.rlim_cur = std::min<rlim_t>(before.rlim_max, 512);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
  ServeConfig config;
  config.max_connections = 1'000'000'000;
  const std::size_t cap = PlanFileDescriptors(config);
  rlimit after{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &after), 0);
  EXPECT_EQ(after.rlim_cur, before.rlim_max);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  EXPECT_EQ(cap,
            ConnectionsWithin(after.rlim_cur, FdReserve(cores, cores), config.max_connections));
  EXPECT_LT(cap, config.max_connections);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &before), 0);
}

}  // namespace
}  // namespace ingot::app
