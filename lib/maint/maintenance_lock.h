// One maintenance run at a time per store. On a local data directory that is an flock() on
// <data>/maint.lock (logd holds <data>/logd.lock, so it never blocks the server). A shared bucket
// has no locks, so there it is a lease: the object "@logkit/maintenance.lock" names its holder
// and an expiry, is renewed while the run goes on, and removed at the end; a run that finds
// another holder's unexpired lease refuses to start, naming it. (Two runs starting within the
// same moment may both see no lease; the read-back after writing catches most such races. The
// scale-out work elects one compactor instead.)
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "fsutil/file_lock.h"
#include "maint/target.h"
#include "util/result.h"

namespace maint {

// Takes <data_dir>/maint.lock without waiting.
util::Result<fsutil::FileLock> acquire_maintenance_lock(const std::string& data_dir);

inline constexpr const char* kLeaseKey = "@logkit/maintenance.lock";

class BucketLease {
 public:
  // Takes the lease for `ttl_ns`, renewed every ttl/3 until destroyed. Errors: another holder
  // (kUnavailable, naming it and until when), or the store does not answer.
  static util::Result<std::unique_ptr<BucketLease>> acquire(const Target& target, std::string owner, int64_t ttl_ns);
  ~BucketLease();
  BucketLease(const BucketLease&) = delete;
  BucketLease& operator=(const BucketLease&) = delete;

  // Whether a renewal found another holder (the run should stop).
  bool lost() const { return lost_; }

 private:
  BucketLease(Target target, std::string owner, int64_t ttl_ns);
  util::Status write() const;

  Target target_;
  std::string owner_;
  int64_t ttl_ns_;
  std::atomic<bool> lost_{false};
  std::jthread renewer_;
};

// Whichever fits the store: the local lock for a local data directory (`data_dir` set), the
// lease otherwise.
struct MaintenanceLock {
  fsutil::FileLock local;
  std::unique_ptr<BucketLease> lease;
};
util::Result<MaintenanceLock> lock_store(const Target& target, const std::string& data_dir, const std::string& owner);

}  // namespace maint
