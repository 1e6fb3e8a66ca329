#include "objstore/bucket.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "objstore/object_key.h"

namespace objstore {
namespace {

util::Status validate_list_options(const ListOptions& options) {
  if (auto s = validate_key_prefix(options.prefix, "list prefix"); !s.ok()) return s;
  if (auto s = validate_key_prefix(options.start_after, "list start-after"); !s.ok()) return s;
  if (options.delimiter.size() > 1) {
    // S3 allows longer delimiters; nothing here needs them, and one byte keeps the backends simple.
    return util::invalid_argument("list delimiter must be one character or empty, got \"" + options.delimiter + "\"");
  }
  if (options.delimiter.size() == 1 && (static_cast<unsigned char>(options.delimiter[0]) < 0x20 || options.delimiter[0] == 0x7f)) {
    return util::invalid_argument("list delimiter must not be a control character");
  }
  return {};
}

}  // namespace

util::Status RemoveBatchResult::status() const {
  if (failed.empty()) return {};
  std::string message = "could not remove " + std::to_string(failed.size()) + " object(s); first: " +
                        failed.front().key + ": " + failed.front().error.message;
  return util::Error{std::move(message), failed.front().error.code};
}

util::Status Bucket::put(std::string_view key, std::string_view data, std::stop_token stop) {
  if (auto s = validate_key(key); !s.ok()) return s;
  if (stop.stop_requested()) return util::cancelled("put " + std::string(key) + ": cancelled");
  return do_put(std::string(key), data, stop);
}

util::Status Bucket::put_many(const std::vector<ObjectToPut>& objects, std::stop_token stop) {
  for (const auto& o : objects)
    if (auto s = validate_key(o.key); !s.ok()) return s;
  if (objects.empty()) return {};
  if (stop.stop_requested()) return util::cancelled("put of " + std::to_string(objects.size()) + " objects: cancelled");
  return do_put_many(objects, stop);
}

util::Status Bucket::do_put_many(const std::vector<ObjectToPut>& objects, std::stop_token stop) {
  size_t threads = std::min(objects.size(), std::max<size_t>(1, put_parallelism()));
  if (threads <= 1) {
    for (const auto& o : objects)
      if (auto s = do_put(o.key, o.data, stop); !s.ok()) return s;
    return {};
  }
  // Workers take the next object until one fails; the others then stop taking new ones.
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  util::Status first;
  auto work = [&] {
    for (size_t i = next.fetch_add(1); !failed.load() && i < objects.size(); i = next.fetch_add(1)) {
      if (auto s = do_put(objects[i].key, objects[i].data, stop); !s.ok()) {
        std::lock_guard lock(mu);
        if (!failed.exchange(true)) first = s;
      }
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return first;
}

util::Result<std::string> Bucket::get(std::string_view key, std::stop_token stop) {
  if (auto s = validate_key(key); !s.ok()) return s.status_error();
  if (stop.stop_requested()) return util::cancelled("get " + std::string(key) + ": cancelled");
  return do_get(std::string(key), stop);
}

util::Result<std::string> Bucket::get_range(std::string_view key, uint64_t offset, uint64_t length,
                                            std::stop_token stop) {
  if (auto s = validate_key(key); !s.ok()) return s.status_error();
  if (offset > UINT64_MAX - length) return util::invalid_argument("get_range " + std::string(key) + ": offset + length overflows");
  if (stop.stop_requested()) return util::cancelled("get_range " + std::string(key) + ": cancelled");
  return do_get_range(std::string(key), offset, length, stop);
}

util::Result<ObjectAttributes> Bucket::head(std::string_view key, std::stop_token stop) {
  if (auto s = validate_key(key); !s.ok()) return s.status_error();
  if (stop.stop_requested()) return util::cancelled("head " + std::string(key) + ": cancelled");
  return do_head(std::string(key), stop);
}

util::Result<bool> Bucket::exists(std::string_view key, std::stop_token stop) {
  auto attributes = head(key, stop);
  if (attributes.ok()) return true;
  if (attributes.code() == util::ErrorCode::kNotFound) return false;
  return attributes.status_error();
}

util::Status Bucket::list(const ListOptions& options, const ListCallback& callback, std::stop_token stop) {
  if (auto s = validate_list_options(options); !s.ok()) return s;
  if (stop.stop_requested()) return util::cancelled("list " + options.prefix + ": cancelled");
  return do_list(options, callback, stop);
}

util::Status Bucket::remove(std::string_view key, std::stop_token stop) {
  if (auto s = validate_key(key); !s.ok()) return s;
  if (stop.stop_requested()) return util::cancelled("remove " + std::string(key) + ": cancelled");
  return do_remove(std::string(key), stop);
}

RemoveBatchResult Bucket::remove_batch(const std::vector<std::string>& keys, std::stop_token stop) {
  RemoveBatchResult result;
  std::vector<std::string> valid;
  valid.reserve(keys.size());
  for (const auto& key : keys) {
    if (auto s = validate_key(key); !s.ok()) {
      result.failed.push_back({key, s.status_error()});
    } else {
      valid.push_back(key);
    }
  }
  if (valid.empty()) return result;
  if (stop.stop_requested()) {
    for (auto& key : valid) result.failed.push_back({std::move(key), util::cancelled("remove_batch: cancelled")});
    return result;
  }
  RemoveBatchResult backend = do_remove_batch(valid, stop);
  for (auto& f : backend.failed) result.failed.push_back(std::move(f));
  return result;
}

}  // namespace objstore
