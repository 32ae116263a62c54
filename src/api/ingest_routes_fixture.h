// Test fixture of the ingestion routes inside the process: an http::Server with IngestApi's routes
// over an Ingester without WAL; tests send real HTTP requests (libcurl) and check the memtable's
// sealed partitions.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "api/ingest_api.h"
#include "http/server.h"
#include "http/test_client.h"
#include "ingest/ingest_flow.h"
#include "ingest/ingester.h"
#include "memtable/memtable.h"

namespace ingot::api {

using http::testing::CurlClient;
using http::testing::CurlResult;

inline bool HasHeader(const CurlResult& r, std::string_view line) {
  return r.headers.find(line) != std::string::npos;
}

class IngestRoutesTest : public ::testing::Test {
 protected:
  IngestRoutesTest()
      : memtable_({},
                  [this](memtable::SealedPartition&& p) {
                    std::lock_guard lock(mu_);
                    sealed_.push_back(std::move(p));
                  }),
        ingester_(memtable_, nullptr, nullptr),
        flow_(Options()),
        api_(flow_) {}

  static ingest::IngestFlowOptions Options() {
    ingest::IngestFlowOptions o;
    o.max_past_us = 3600LL * 1'000'000 * 24 * 365 * 10;  // ten years: 2020 fits, 1971 does not
    return o;
  }

  void SetUp() override {
    http::Router router;
    ASSERT_TRUE(api_.Register(router).ok());
    http::ServerOptions options;
    options.address = "127.0.0.1:0";
    options.io_threads = 1;
    server_ = std::make_unique<http::Server>(options, std::move(router));
    ASSERT_TRUE(server_->Start().ok());
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  void TearDown() override {
    client_.reset();  // closes its keep-alive connection, so Stop() has nothing to wait for
    server_->Stop();
  }

  std::vector<memtable::SealedPartition> Sealed() {
    memtable_.SealAll();
    std::lock_guard lock(mu_);
    return std::move(sealed_);
  }

  std::mutex mu_;
  std::vector<memtable::SealedPartition> sealed_;
  memtable::Memtable memtable_;
  ingest::Ingester ingester_;
  ingest::IngestFlow flow_;
  IngestApi api_;
  std::unique_ptr<http::Server> server_;
  std::string base_;
  std::unique_ptr<CurlClient> client_ = std::make_unique<CurlClient>();
};

}  // namespace ingot::api
