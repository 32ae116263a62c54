#include "auth/verification_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace ingot::auth {
namespace {

TEST(VerificationCacheTest, FindsWhatWasInserted) {
  VerificationCache cache(64);
  const Digest a = Sha256({"a"});
  const Digest b = Sha256({"b"});
  EXPECT_FALSE(cache.Find(a).has_value());
  cache.Insert(a, 7);
  ASSERT_TRUE(cache.Find(a).has_value());
  EXPECT_EQ(*cache.Find(a), 7u);
  EXPECT_FALSE(cache.Find(b).has_value());
  cache.Insert(a, 8);  // the same key again replaces, without growing
  EXPECT_EQ(*cache.Find(a), 8u);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(VerificationCacheTest, ComparesTheWholeDigest) {
  VerificationCache cache(64);
  const Digest a = Sha256({"a"});
  Digest same_prefix = a;  // same bucket and shard, different tail
  same_prefix[31] ^= 0x80;
  cache.Insert(a, 1);
  EXPECT_FALSE(cache.Find(same_prefix).has_value());
}

TEST(VerificationCacheTest, BoundedWithOldestEvicted) {
  VerificationCache cache(32);  // two per shard
  for (int i = 0; i < 1000; ++i) cache.Insert(Sha256({std::to_string(i)}), i);
  EXPECT_LE(cache.size(), 32u);
  EXPECT_TRUE(cache.Find(Sha256({"999"})).has_value());  // the newest stays
  EXPECT_FALSE(cache.Find(Sha256({"0"})).has_value());   // the oldest went
}

TEST(VerificationCacheTest, ZeroCapacityDisables) {
  VerificationCache cache(0);
  cache.Insert(Sha256({"a"}), 1);
  EXPECT_FALSE(cache.Find(Sha256({"a"})).has_value());
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace ingot::auth
