// MemoryObjectStore: an ObjectStore held in memory, for unit tests of what uploads, lists and
// deletes objects. Faults are injected per operation: the next calls of an operation fail with a
// given status (an outage, a refused credential), so tests can stop a sequence at any step.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "objstore/object_store.h"

namespace ingot::objstore {

class MemoryObjectStore final : public ObjectStore {
 public:
  enum class Op { kCheck, kPut, kGet, kList, kDelete };

  Status Check() override;
  Status PutFile(const std::string& key, const std::string& path) override;
  Status Put(const std::string& key, std::string_view bytes) override;
  Result<std::string> Get(const std::string& key) override;
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override;
  Status Delete(const std::vector<std::string>& keys) override;
  std::string Describe(const std::string& key) const override;

  // The next `count` calls of `op` fail with `status` (and change nothing); count -1 = every call
  // until cleared with count 0.
  void FailNext(Op op, int count, Status status);
  // Copies of what the store holds now, by key.
  std::map<std::string, std::string> objects() const;
  // How many calls of `op` were made (failed ones included).
  std::size_t calls(Op op) const;

 private:
  // The injected failure for `op` if one is due (counting the call either way).
  Status Enter(Op op);

  struct Fault {
    int remaining = 0;
    Status status;
  };
  mutable std::mutex mu_;
  std::map<std::string, std::string> objects_;  // GUARDED_BY(mu_)
  std::map<Op, Fault> faults_;                  // GUARDED_BY(mu_)
  std::map<Op, std::size_t> calls_;             // GUARDED_BY(mu_)
};

}  // namespace ingot::objstore
