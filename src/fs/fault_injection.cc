#include "fs/fault_injection.h"

#include <algorithm>
#include <random>

namespace ingot::fs {

namespace {

constexpr std::uint64_t kPageSize = 4096;

std::string ParentDir(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

class FaultInjectingFileSystem::Appendable final : public WritableFile {
 public:
  Appendable(FaultInjectingFileSystem& fs, std::shared_ptr<FileState> state,
             std::uint64_t generation, std::unique_ptr<WritableFile> base)
      : fs_(fs), state_(std::move(state)), generation_(generation), base_(std::move(base)) {}

  Status Append(const void* data, std::size_t n) override {
    std::lock_guard lock(fs_.mu_);
    INGOT_RETURN_IF_ERROR(fs_.CheckAlive(generation_));
    INGOT_RETURN_IF_ERROR(fs_.Check(kAppend));
    INGOT_RETURN_IF_ERROR(base_->Append(data, n));
    state_->size += n;
    return Status::Ok();
  }
  Status Sync() override {
    std::lock_guard lock(fs_.mu_);
    INGOT_RETURN_IF_ERROR(fs_.CheckAlive(generation_));
    INGOT_RETURN_IF_ERROR(fs_.Check(kSync));
    INGOT_RETURN_IF_ERROR(base_->Sync());
    state_->synced_size = state_->size;
    return Status::Ok();
  }
  Status Close() override { return base_->Close(); }

 private:
  FaultInjectingFileSystem& fs_;
  const std::shared_ptr<FileState> state_;
  const std::uint64_t generation_;
  std::unique_ptr<WritableFile> base_;
};

class FaultInjectingFileSystem::Positional final : public RandomRWFile {
 public:
  // `state` is null for a file opened read-only: nothing to track.
  Positional(FaultInjectingFileSystem& fs, std::shared_ptr<FileState> state,
             std::uint64_t generation, std::unique_ptr<RandomRWFile> base)
      : fs_(fs), state_(std::move(state)), generation_(generation), base_(std::move(base)) {}

  Result<std::size_t> ReadAt(std::uint64_t offset, void* buf, std::size_t n) override {
    std::lock_guard lock(fs_.mu_);
    INGOT_RETURN_IF_ERROR(fs_.CheckAlive(generation_));
    INGOT_RETURN_IF_ERROR(fs_.Check(kRead));
    return base_->ReadAt(offset, buf, n);
  }

  Status WriteAt(std::uint64_t offset, std::span<const iovec> pieces) override {
    std::lock_guard lock(fs_.mu_);
    INGOT_RETURN_IF_ERROR(fs_.CheckAlive(generation_));
    std::uint64_t total = 0;
    for (const iovec& piece : pieces) total += piece.iov_len;
    if (Status fault = fs_.Check(kWrite); !fault.ok()) {
      const std::uint64_t partial = std::min<std::uint64_t>(fs_.partial_write_bytes_, total);
      if (partial > 0) {
        std::vector<iovec> prefix;
        for (std::uint64_t left = partial; left > 0;) {
          const iovec& piece = pieces[prefix.size()];
          prefix.push_back({piece.iov_base, std::min<std::uint64_t>(piece.iov_len, left)});
          left -= prefix.back().iov_len;
        }
        if (Status st = Write(offset, prefix, partial); !st.ok()) return st;
      }
      return fault;
    }
    return Write(offset, pieces, total);
  }

  Status Sync() override {
    std::lock_guard lock(fs_.mu_);
    INGOT_RETURN_IF_ERROR(fs_.CheckAlive(generation_));
    INGOT_RETURN_IF_ERROR(fs_.Check(kSync));
    INGOT_RETURN_IF_ERROR(base_->Sync());
    auto size = base_->Size();
    if (!size.ok()) return size.status();
    if (state_ != nullptr) {
      state_->synced_size = *size;
      state_->undo.clear();
    }
    return Status::Ok();
  }

  Status Allocate(std::uint64_t offset, std::uint64_t length) override {
    std::lock_guard lock(fs_.mu_);
    INGOT_RETURN_IF_ERROR(fs_.CheckAlive(generation_));
    INGOT_RETURN_IF_ERROR(fs_.Check(kAllocate));
    return base_->Allocate(offset, length);
  }

  Status Truncate(std::uint64_t size) override {
    std::lock_guard lock(fs_.mu_);
    INGOT_RETURN_IF_ERROR(fs_.CheckAlive(generation_));
    INGOT_RETURN_IF_ERROR(fs_.Check(kTruncate));
    INGOT_RETURN_IF_ERROR(base_->Truncate(size));
    if (state_ != nullptr) {
      state_->synced_size = std::min(state_->synced_size, size);
      std::erase_if(state_->undo, [&](const Undo& u) { return u.offset >= size; });
      for (Undo& u : state_->undo) u.bytes.resize(std::min(u.bytes.size(), size - u.offset));
    }
    return Status::Ok();
  }

  Result<std::uint64_t> Size() override {
    std::lock_guard lock(fs_.mu_);
    INGOT_RETURN_IF_ERROR(fs_.CheckAlive(generation_));
    return base_->Size();
  }

  Status Close() override { return base_->Close(); }

 private:
  // REQUIRES: fs_.mu_ is held. Saves the bytes about to be overwritten, then writes.
  Status Write(std::uint64_t offset, std::span<const iovec> pieces, std::uint64_t total) {
    if (state_ != nullptr) {
      auto size = base_->Size();
      if (!size.ok()) return size.status();
      // Bytes past the current size need no undo: the power loss truncates to the synced size.
      if (offset < *size) {
        Undo undo{offset, std::string(std::min(total, *size - offset), '\0')};
        auto read = base_->ReadAt(offset, undo.bytes.data(), undo.bytes.size());
        if (!read.ok()) return read.status();
        undo.bytes.resize(*read);
        state_->undo.push_back(std::move(undo));
      }
    }
    return base_->WriteAt(offset, pieces);
  }

  FaultInjectingFileSystem& fs_;
  const std::shared_ptr<FileState> state_;
  const std::uint64_t generation_;
  std::unique_ptr<RandomRWFile> base_;
};

void FaultInjectingFileSystem::FailNext(Op op, Status status, int count, int skip) {
  std::lock_guard lock(mu_);
  faults_[op].status = std::move(status);
  faults_[op].skip = skip;
  faults_[op].count = count;
}

int FaultInjectingFileSystem::calls(Op op) const {
  std::lock_guard lock(mu_);
  return faults_[op].calls;
}

void FaultInjectingFileSystem::SetPartialWriteBytes(std::size_t bytes) {
  std::lock_guard lock(mu_);
  partial_write_bytes_ = bytes;
}

Status FaultInjectingFileSystem::Check(Op op) {
  if (down_) return Status::IoError("simulated power loss: the machine is down");
  Fault& f = faults_[op];
  ++f.calls;
  if (f.skip > 0) {
    --f.skip;
    return Status::Ok();
  }
  if (f.count > 0) {
    --f.count;
    return f.status;
  }
  return Status::Ok();
}

Status FaultInjectingFileSystem::CheckAlive(std::uint64_t generation) const {
  if (down_) return Status::IoError("simulated power loss: the machine is down");
  if (generation != generation_) {
    return Status::IoError("file was opened before a simulated power loss");
  }
  return Status::Ok();
}

std::shared_ptr<FaultInjectingFileSystem::FileState> FaultInjectingFileSystem::NoteCreated(
    const std::string& path) {
  unsynced_entries_[path] = "";
  return files_[path] = std::make_shared<FileState>();
}

Result<std::unique_ptr<WritableFile>> FaultInjectingFileSystem::NewWritableFile(
    const std::string& path) {
  std::lock_guard lock(mu_);
  INGOT_RETURN_IF_ERROR(Check(kCreate));
  INGOT_RETURN_IF_ERROR(CheckPath(path));
  auto file = base_.NewWritableFile(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<WritableFile>(
      std::make_unique<Appendable>(*this, NoteCreated(path), generation_, std::move(*file)));
}

Result<std::unique_ptr<RandomRWFile>> FaultInjectingFileSystem::OpenRandomRWFile(
    const std::string& path, OpenMode mode) {
  std::lock_guard lock(mu_);
  if (mode == OpenMode::kCreateNew) {
    INGOT_RETURN_IF_ERROR(Check(kCreate));
  } else if (down_) {
    return Status::IoError("simulated power loss: the machine is down");
  }
  auto file = base_.OpenRandomRWFile(path, mode);
  if (!file.ok()) return file.status();
  std::shared_ptr<FileState> state;
  if (mode == OpenMode::kCreateNew) {
    state = NoteCreated(path);
  } else if (mode == OpenMode::kReadWrite) {
    std::shared_ptr<FileState>& known = files_[path];
    if (known == nullptr) {
      // A file this object did not write: its current contents count as durable.
      auto size = (*file)->Size();
      if (!size.ok()) return size.status();
      known = std::make_shared<FileState>(FileState{*size, *size, {}});
    }
    state = known;
  }
  return std::unique_ptr<RandomRWFile>(
      std::make_unique<Positional>(*this, std::move(state), generation_, std::move(*file)));
}

Status FaultInjectingFileSystem::RenameNoReplace(const std::string& from, const std::string& to) {
  std::lock_guard lock(mu_);
  INGOT_RETURN_IF_ERROR(Check(kRename));
  INGOT_RETURN_IF_ERROR(base_.RenameNoReplace(from, to));
  if (auto node = files_.extract(from)) {
    node.key() = to;
    files_.insert(std::move(node));
  }
  std::string origin = from;
  if (auto it = unsynced_entries_.find(from); it != unsynced_entries_.end()) {
    origin = it->second;
    unsynced_entries_.erase(it);
  }
  unsynced_entries_[to] = origin;
  return Status::Ok();
}

Status FaultInjectingFileSystem::SyncDir(const std::string& dir) {
  std::lock_guard lock(mu_);
  INGOT_RETURN_IF_ERROR(Check(kSyncDir));
  INGOT_RETURN_IF_ERROR(base_.SyncDir(dir));
  std::erase_if(unsynced_entries_,
                [&](const auto& entry) { return ParentDir(entry.first) == dir; });
  return Status::Ok();
}

Status FaultInjectingFileSystem::CreateDirs(const std::string& dir) {
  std::lock_guard lock(mu_);
  if (down_) return Status::IoError("simulated power loss: the machine is down");
  INGOT_RETURN_IF_ERROR(CheckPath(dir));
  return base_.CreateDirs(dir);
}

void FaultInjectingFileSystem::FailPathsContaining(std::string part, Status status) {
  std::lock_guard lock(mu_);
  path_faults_.emplace_back(std::move(part), std::move(status));
}

void FaultInjectingFileSystem::ClearPathFaults() {
  std::lock_guard lock(mu_);
  path_faults_.clear();
}

Status FaultInjectingFileSystem::CheckPath(const std::string& path) const {
  for (const auto& [part, status] : path_faults_) {
    if (path.find(part) != std::string::npos) return status;
  }
  return Status::Ok();
}

Status FaultInjectingFileSystem::Remove(const std::string& path) {
  std::lock_guard lock(mu_);
  INGOT_RETURN_IF_ERROR(Check(kRemove));
  INGOT_RETURN_IF_ERROR(base_.Remove(path));
  files_.erase(path);
  unsynced_entries_.erase(path);
  return Status::Ok();
}

bool FaultInjectingFileSystem::Exists(const std::string& path) { return base_.Exists(path); }

Result<std::vector<std::string>> FaultInjectingFileSystem::ListDir(const std::string& dir) {
  return base_.ListDir(dir);
}

Status FaultInjectingFileSystem::SimulatePowerLoss(Loss loss, std::uint32_t seed) {
  std::lock_guard lock(mu_);
  down_ = true;
  ++generation_;
  std::mt19937 rng(seed);
  const auto survives = [&] { return loss == Loss::kRandomPages && (rng() & 1) != 0; };
  for (auto& [path, tracked] : files_) {
    if (tracked == nullptr) continue;
    FileState& state = *tracked;
    auto file = base_.OpenRandomRWFile(path, OpenMode::kReadWrite);
    if (!file.ok()) continue;  // removed behind our back: nothing to revert
    for (auto undo = state.undo.rbegin(); undo != state.undo.rend(); ++undo) {
      // Page by page, so that kRandomPages tears a write the way a disk would.
      for (std::uint64_t pos = undo->offset; pos < undo->offset + undo->bytes.size();) {
        const std::uint64_t page_end =
            std::min(undo->offset + undo->bytes.size(), (pos / kPageSize + 1) * kPageSize);
        if (!survives()) {
          const iovec old{undo->bytes.data() + (pos - undo->offset), page_end - pos};
          INGOT_RETURN_IF_ERROR((*file)->WriteAt(pos, {&old, 1}));
        }
        pos = page_end;
      }
    }
    auto size = (*file)->Size();
    if (!size.ok()) return size.status();
    std::uint64_t keep = std::min(state.synced_size, *size);
    if (loss == Loss::kRandomPages && *size > keep) {
      keep = std::min(*size, keep + rng() % ((*size - keep) / kPageSize + 1) * kPageSize);
    }
    if (keep < *size) INGOT_RETURN_IF_ERROR((*file)->Truncate(keep));
    INGOT_RETURN_IF_ERROR((*file)->Sync());
    state = FileState{keep, keep, {}};
  }
  for (const auto& [path, origin] : unsynced_entries_) {
    if (origin.empty() || !base_.RenameNoReplace(path, origin).ok()) {
      INGOT_RETURN_IF_ERROR(base_.Remove(path));
      files_.erase(path);
    } else if (auto node = files_.extract(path)) {
      node.key() = origin;
      files_.insert(std::move(node));
    }
  }
  unsynced_entries_.clear();
  return Status::Ok();
}

void FaultInjectingFileSystem::Restart() {
  std::lock_guard lock(mu_);
  down_ = false;
}

}  // namespace ingot::fs
