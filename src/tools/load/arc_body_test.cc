#include "tools/load/arc_body.h"

#include <gtest/gtest.h>

#include <limits>
#include <msgpack.hpp>

namespace ingot::load {
namespace {

::msgpack::object_handle Unpack(const std::string& bytes) {
  std::size_t offset = 0;
  ::msgpack::object_handle h = ::msgpack::unpack(bytes.data(), bytes.size(), offset);
  EXPECT_EQ(offset, bytes.size());  // one document, nothing after it
  return h;
}

std::string Key(const ::msgpack::object& o) { return o.as<std::string>(); }

TEST(ArcBody, EncodingsReadBackWithMsgpackCxx) {
  for (std::int64_t v :
       {std::int64_t{0}, std::int64_t{127}, std::int64_t{128}, std::int64_t{-1}, std::int64_t{-32},
        std::int64_t{-33}, std::int64_t{-129}, std::int64_t{65536}, std::int64_t{-40000},
        std::int64_t{1700000000000}, std::numeric_limits<std::int64_t>::min(),
        std::numeric_limits<std::int64_t>::max()}) {
    std::string out;
    AppendMsgpackInt(v, out);
    EXPECT_EQ(Unpack(out).get().as<std::int64_t>(), v);
  }
  for (std::size_t n : {0, 31, 32, 255, 256, 70000}) {
    std::string out;
    const std::string s(n, 'x');
    AppendMsgpackStr(s, out);
    EXPECT_EQ(Unpack(out).get().as<std::string>(), s);
    out.clear();
    AppendMsgpackArray(static_cast<std::uint32_t>(n), out);
    for (std::size_t i = 0; i < n; ++i) out += '\xc0';
    EXPECT_EQ(Unpack(out).get().via.array.size, n);
  }
  std::string out;
  AppendMsgpackDouble(2.25, out);
  EXPECT_EQ(Unpack(out).get().as<double>(), 2.25);
}

TEST(ArcBody, ColumnarBodyHasOneMeasurementTwoTagsThreeFields) {
  ArcBody body(true, "cpu", 42, 1'700'000'000'000);
  std::string out;
  body.Append(300, out);
  ::msgpack::object_handle h = Unpack(out);
  const ::msgpack::object_map& item = h.get().via.map;
  ASSERT_EQ(item.size, 2u);
  EXPECT_EQ(Key(item.ptr[0].key), "m");
  EXPECT_EQ(Key(item.ptr[0].val), "cpu");
  EXPECT_EQ(Key(item.ptr[1].key), "columns");
  const ::msgpack::object_map& columns = item.ptr[1].val.via.map;
  const char* names[] = {"time", "host", "region", "usage_user", "usage_system", "requests"};
  ASSERT_EQ(columns.size, std::size(names));
  for (std::uint32_t c = 0; c < columns.size; ++c) {
    EXPECT_EQ(Key(columns.ptr[c].key), names[c]);
    EXPECT_EQ(columns.ptr[c].val.via.array.size, 300u);
  }
  // The points of --endpoint lp, in nanoseconds from the start.
  workload::LineProtocolGenerator same(42);
  same.set_timestamp_ms(1'700'000'000'000);
  workload::CpuPoint p;
  for (int i = 0; i < 300; ++i) p = same.Next();
  const ::msgpack::object_array* values[6];
  for (std::uint32_t c = 0; c < 6; ++c) values[c] = &columns.ptr[c].val.via.array;
  EXPECT_EQ(values[0]->ptr[299].as<std::int64_t>(), p.time_ns);
  EXPECT_GE(p.time_ns, std::int64_t{1'700'000'000'000'000'000});
  std::string host;
  workload::LineProtocolGenerator::AppendHost(p.host, host);
  EXPECT_EQ(values[1]->ptr[299].as<std::string>(), host);
  EXPECT_EQ(values[2]->ptr[299].as<std::string>(), p.region);
  EXPECT_EQ(values[3]->ptr[299].as<double>(), p.usage_user);
  EXPECT_EQ(values[4]->ptr[299].as<double>(), p.usage_system);
  EXPECT_EQ(values[5]->ptr[299].as<std::int64_t>(), p.requests);
  // The next body goes on with the points.
  out.clear();
  body.Append(1, out);
  h = Unpack(out);
  EXPECT_EQ(h.get().via.map.ptr[1].val.via.map.ptr[0].val.via.array.ptr[0].as<std::int64_t>(),
            same.Next().time_ns);
}

TEST(ArcBody, RowsBodyIsABatchOfRowItems) {
  ArcBody body(false, "cpu", 42, 1'700'000'000'000);
  std::string out;
  body.Append(20, out);
  ::msgpack::object_handle h = Unpack(out);
  const ::msgpack::object_map& top = h.get().via.map;
  ASSERT_EQ(top.size, 1u);
  EXPECT_EQ(Key(top.ptr[0].key), "batch");
  const ::msgpack::object_array& batch = top.ptr[0].val.via.array;
  ASSERT_EQ(batch.size, 20u);
  const ::msgpack::object_map& row = batch.ptr[19].via.map;
  ASSERT_EQ(row.size, 4u);
  EXPECT_EQ(Key(row.ptr[1].key), "t");
  EXPECT_GE(row.ptr[1].val.as<std::int64_t>(), std::int64_t{1'700'000'000'000'000'000});
  EXPECT_EQ(Key(row.ptr[2].key), "tags");
  EXPECT_EQ(row.ptr[2].val.via.map.size, 2u);
  EXPECT_EQ(Key(row.ptr[3].key), "fields");
  EXPECT_EQ(row.ptr[3].val.via.map.size, 3u);
}

}  // namespace
}  // namespace ingot::load
