#include "http/io_worker.h"

#include <pthread.h>

#include <cassert>
#include <cstdio>
#include <cstring>
#include <string>

#include "http/connection.h"

namespace ingot::http::internal {
namespace {

thread_local IoWorker* current_worker = nullptr;

}  // namespace

IoWorker::IoWorker(unsigned index, std::chrono::milliseconds sweep_period)
    : work_(boost::asio::make_work_guard(ioc_)),
      gate_(std::make_shared<PostGate>(ioc_)),
      index_(index),
      sweep_period_(sweep_period),
      sweep_timer_(ioc_) {}

IoWorker::~IoWorker() {
  assert(!thread_.joinable());
  gate_->Close();
}

IoWorker* IoWorker::Current() { return current_worker; }

void IoWorker::StartThread() {
  ScheduleSweep();
  thread_ = std::thread([this] {
    const std::string name = "ingot-http-" + std::to_string(index_);
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
    current_worker = this;
    ioc_.run();
    current_worker = nullptr;
  });
}

void IoWorker::Join() {
  if (thread_.joinable()) thread_.join();
  gate_->Close();
}

void IoWorker::Register(Connection* c) {
  c->set_registry_index(connections_.size());
  connections_.push_back(c);
}

void IoWorker::Unregister(Connection* c) {
  const std::size_t i = c->registry_index();
  assert(i < connections_.size() && connections_[i] == c);
  connections_[i] = connections_.back();
  connections_[i]->set_registry_index(i);
  connections_.pop_back();
}

void IoWorker::CloseAll() {
  ForEachConnection([](Connection& c) { c.Close(); });
  // cancel() alone is not enough: a sweep that expired before this ran may already be queued
  // behind it, to run with success and re-arm the timer, and run() would then never return.
  // closed_ makes that sweep the last.
  closed_ = true;
  sweep_timer_.cancel();
  work_.reset();
}

void IoWorker::ScheduleSweep() {
  sweep_timer_.expires_after(sweep_period_);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || closed_) return;
    const auto now = std::chrono::steady_clock::now();
    ForEachConnection([now](Connection& c) { c.CheckDeadline(now); });
    ScheduleSweep();
  });
}

std::string_view IoWorker::HttpDate() {
  const std::time_t now = std::time(nullptr);
  if (now != date_second_) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7],
                  tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    std::memcpy(date_, buf, sizeof(date_));
    date_second_ = now;
  }
  return {date_, sizeof(date_)};
}

}  // namespace ingot::http::internal
