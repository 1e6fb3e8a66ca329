#include "chunk/zstd_context_pool.h"

#include <mutex>
#include <vector>

namespace chunk {
namespace {

// Idle contexts beyond this many are freed: enough for every thread that compresses or
// decompresses at once, without keeping a burst's worth forever.
constexpr size_t kMaxIdle = 64;

template <typename Ctx>
class Pool {
 public:
  Pool(Ctx* (*create)(), size_t (*destroy)(Ctx*)) : create_(create), destroy_(destroy) {}
  ~Pool() {
    for (Ctx* c : idle_) destroy_(c);
  }
  Ctx* take() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        Ctx* c = idle_.back();
        idle_.pop_back();
        return c;
      }
    }
    return create_();
  }
  void give_back(Ctx* c) {
    {
      std::lock_guard lock(mu_);
      if (idle_.size() < kMaxIdle) {
        idle_.push_back(c);
        return;
      }
    }
    destroy_(c);
  }

 private:
  Ctx* (*const create_)();
  size_t (*const destroy_)(Ctx*);
  std::mutex mu_;
  std::vector<Ctx*> idle_;
};

Pool<ZSTD_CCtx>& compressors() {
  static Pool<ZSTD_CCtx> pool(ZSTD_createCCtx, ZSTD_freeCCtx);
  return pool;
}

Pool<ZSTD_DCtx>& decompressors() {
  static Pool<ZSTD_DCtx> pool(ZSTD_createDCtx, ZSTD_freeDCtx);
  return pool;
}

}  // namespace

ZstdCompressorLease::ZstdCompressorLease() : ctx_(compressors().take()) {}

ZstdCompressorLease::~ZstdCompressorLease() {
  if (!ctx_) return;
  ZSTD_CCtx_reset(ctx_, ZSTD_reset_session_and_parameters);
  compressors().give_back(ctx_);
}

ZstdDecompressorLease::ZstdDecompressorLease() : ctx_(decompressors().take()) {}

ZstdDecompressorLease::~ZstdDecompressorLease() {
  if (!ctx_) return;
  ZSTD_DCtx_reset(ctx_, ZSTD_reset_session_and_parameters);
  decompressors().give_back(ctx_);
}

}  // namespace chunk
