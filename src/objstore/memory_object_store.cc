#include "objstore/memory_object_store.h"

#include <fstream>
#include <sstream>

namespace ingot::objstore {

Status MemoryObjectStore::Enter(Op op) {
  std::lock_guard lock(mu_);
  ++calls_[op];
  ++stats_.requests;
  Fault& fault = faults_[op];
  if (fault.remaining == 0) return Status::Ok();
  if (fault.remaining > 0) --fault.remaining;
  ++stats_.failures;
  return fault.status;
}

Status MemoryObjectStore::Check() { return Enter(Op::kCheck); }

Status MemoryObjectStore::PutFile(const std::string& key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot open " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return Status::IoError("cannot read " + path);
  return Put(key, bytes.str());
}

Status MemoryObjectStore::Put(const std::string& key, std::string_view bytes) {
  if (Status st = Enter(Op::kPut); !st.ok()) return st;
  std::lock_guard lock(mu_);
  objects_[key] = std::string(bytes);
  stats_.bytes_uploaded += bytes.size();
  return Status::Ok();
}

Result<std::string> MemoryObjectStore::Get(const std::string& key) {
  if (Status st = Enter(Op::kGet); !st.ok()) return st;
  std::lock_guard lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return Status::NotFound("no object " + Describe(key));
  stats_.bytes_downloaded += it->second.size();
  return it->second;
}

Result<std::vector<ObjectInfo>> MemoryObjectStore::List(const std::string& prefix) {
  if (Status st = Enter(Op::kList); !st.ok()) return st;
  std::lock_guard lock(mu_);
  std::vector<ObjectInfo> found;
  for (auto it = objects_.lower_bound(prefix);
       it != objects_.end() && it->first.starts_with(prefix); ++it) {
    found.push_back({it->first, it->second.size()});
  }
  return found;
}

Status MemoryObjectStore::Delete(const std::vector<std::string>& keys) {
  if (Status st = Enter(Op::kDelete); !st.ok()) return st;
  std::lock_guard lock(mu_);
  for (const std::string& key : keys) objects_.erase(key);
  return Status::Ok();
}

std::string MemoryObjectStore::Describe(const std::string& key) const { return "memory:///" + key; }

void MemoryObjectStore::FailNext(Op op, int count, Status status) {
  std::lock_guard lock(mu_);
  faults_[op] = {count, std::move(status)};
}

std::map<std::string, std::string> MemoryObjectStore::objects() const {
  std::lock_guard lock(mu_);
  return objects_;
}

std::size_t MemoryObjectStore::calls(Op op) const {
  std::lock_guard lock(mu_);
  auto it = calls_.find(op);
  return it == calls_.end() ? 0 : it->second;
}

}  // namespace ingot::objstore
