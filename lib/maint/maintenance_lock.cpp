#include "maint/maintenance_lock.h"

#include <charconv>

#include "fsutil/atomic_file.h"
#include "model/time.h"

namespace maint {
namespace {

// "<owner> <expiry ns>\n"
bool parse_lease(std::string_view text, std::string& owner, int64_t& expiry) {
  auto space = text.find(' ');
  if (space == std::string_view::npos) return false;
  owner = std::string(text.substr(0, space));
  std::string_view rest = text.substr(space + 1);
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), expiry);
  return ec == std::errc() && end != rest.data();
}

}  // namespace

util::Result<fsutil::FileLock> acquire_maintenance_lock(const std::string& data_dir) {
  if (auto s = fsutil::create_directories(data_dir); !s.ok()) return s.status_error();
  auto lock = fsutil::FileLock::acquire(data_dir + "/maint.lock");
  if (!lock.ok()) return util::unavailable("another maintenance run holds the lock: " + lock.error());
  return lock;
}

BucketLease::BucketLease(Target target, std::string owner, int64_t ttl_ns)
    : target_(std::move(target)), owner_(std::move(owner)), ttl_ns_(ttl_ns) {}

util::Status BucketLease::write() const {
  return target_.bucket->put(kLeaseKey, owner_ + " " + std::to_string(target_.clock->now_ns() + ttl_ns_) + "\n");
}

util::Result<std::unique_ptr<BucketLease>> BucketLease::acquire(const Target& target, std::string owner,
                                                                int64_t ttl_ns) {
  std::unique_ptr<BucketLease> lease(new BucketLease(target, std::move(owner), ttl_ns));
  auto held = [&](const std::string& text) -> util::Status {
    std::string holder;
    int64_t expiry = 0;
    if (parse_lease(text, holder, expiry) && holder != lease->owner_ && expiry > target.clock->now_ns()) {
      return util::unavailable("another maintenance run holds the lock of " + target.bucket->name() + ": " + holder +
                               " until " + model::format_rfc3339nano(expiry) + " (object " + kLeaseKey + ")");
    }
    return {};
  };
  auto current = target.bucket->get(kLeaseKey);
  if (current.ok()) {
    if (auto s = held(*current); !s.ok()) return s.status_error();
  } else if (current.code() != util::ErrorCode::kNotFound) {
    return util::Error{target.bucket->name() + ": reading " + kLeaseKey + ": " + current.error(), current.code()};
  }
  if (auto s = lease->write(); !s.ok()) return s.status_error();
  // Two runs writing at once: the last write wins, and the read-back tells the other.
  auto back = target.bucket->get(kLeaseKey);
  if (!back.ok()) return back.status_error();
  if (auto s = held(*back); !s.ok()) return s.status_error();
  BucketLease* self = lease.get();
  lease->renewer_ = std::jthread([self](std::stop_token stop) {
    while (self->target_.clock->sleep_for(self->ttl_ns_ / 3, stop)) {
      auto text = self->target_.bucket->get(kLeaseKey);
      std::string holder;
      int64_t expiry = 0;
      if (text.ok() && parse_lease(*text, holder, expiry) && holder != self->owner_) {
        self->lost_ = true;
        return;
      }
      (void)self->write();
    }
  });
  return lease;
}

BucketLease::~BucketLease() {
  renewer_.request_stop();
  if (renewer_.joinable()) renewer_.join();
  if (lost_) return;
  auto text = target_.bucket->get(kLeaseKey);
  std::string holder;
  int64_t expiry = 0;
  if (text.ok() && parse_lease(*text, holder, expiry) && holder == owner_) (void)target_.bucket->remove(kLeaseKey);
}

util::Result<MaintenanceLock> lock_store(const Target& target, const std::string& data_dir, const std::string& owner) {
  MaintenanceLock lock;
  if (!data_dir.empty()) {
    auto l = acquire_maintenance_lock(data_dir);
    if (!l.ok()) return l.status_error();
    lock.local = std::move(*l);
    return lock;
  }
  auto lease = BucketLease::acquire(target, owner, 15LL * 60 * 1'000'000'000);
  if (!lease.ok()) return lease.status_error();
  lock.lease = std::move(*lease);
  return lock;
}

}  // namespace maint
