#include "chunk/chunk_cache.hpp"

#include <atomic>

#include "core/memory_budget.hpp"
#include "h5mem/error.hpp"

namespace h5mem::detail {

namespace {
constexpr std::size_t kMaxSpares = 4;
}

// Buffers whose last holder let go. Lives as long as any buffer that may come back to it.
struct ChunkCache::Spares {
  std::mutex mu;
  bool enabled = true;
  std::vector<std::unique_ptr<ByteBuffer>> free;

  void give_back(ByteBuffer* b) {
    std::unique_ptr<ByteBuffer> owned(b);
    std::lock_guard lock(mu);
    if (enabled && free.size() < kMaxSpares) free.push_back(std::move(owned));
  }
  std::unique_ptr<ByteBuffer> take(std::size_t size) {
    std::lock_guard lock(mu);
    for (auto it = free.begin(); it != free.end(); ++it) {
      if ((*it)->size() == size) {
        auto b = std::move(*it);
        free.erase(it);
        return b;
      }
    }
    return nullptr;
  }
  void set_enabled(bool on) {
    std::lock_guard lock(mu);
    enabled = on;
    if (!on) free.clear();
  }
};

ChunkCache::ChunkCache(std::uint64_t capacity, MemoryBudget* budget)
    : capacity_(capacity), budget_(budget), spares_(std::make_shared<Spares>()) {
  spares_->enabled = capacity > 0;
}

ChunkCache::~ChunkCache() {
  std::lock_guard lock(mu_);
  capacity_ = 0;
  evict_to(0);
  spares_->set_enabled(false);
}

std::uint64_t ChunkCache::new_owner() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

SharedChunk ChunkCache::get(const ChunkKey& key) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

std::shared_ptr<ByteBuffer> ChunkCache::make_buffer(std::size_t size) {
  std::unique_ptr<ByteBuffer> b = spares_->take(size);
  if (!b) b = std::make_unique<ByteBuffer>(size);
  // The deleter runs in whichever thread drops the last reference, after the reference
  // count's acquire-release decrement, so a later take() is ordered after every reader.
  std::weak_ptr<Spares> home = spares_;
  return std::shared_ptr<ByteBuffer>(b.release(), [home](ByteBuffer* p) {
    if (auto s = home.lock()) {
      s->give_back(p);
    } else {
      delete p;
    }
  });
}

void ChunkCache::drop(Lru::iterator it) {
  std::uint64_t n = it->second->size();
  bytes_ -= n;
  if (budget_) budget_->release(n);
  index_.erase(it->first);
  lru_.erase(it);
}

void ChunkCache::evict_to(std::uint64_t target) {
  while (bytes_ > target && !lru_.empty()) drop(std::prev(lru_.end()));
}

void ChunkCache::put(const ChunkKey& key, SharedChunk chunk) {
  std::lock_guard lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) drop(it->second);
  std::uint64_t n = chunk->size();
  if (n > capacity_ || n == 0) return;
  evict_to(capacity_ - n);
  if (budget_) {
    try {
      budget_->reserve(n);
    } catch (const Error&) {
      return;  // over the file's quota: serve uncached rather than fail the read
    }
  }
  lru_.emplace_front(key, std::move(chunk));
  index_.emplace(key, lru_.begin());
  bytes_ += n;
}

bool ChunkCache::contains(const ChunkKey& key) const {
  std::lock_guard lock(mu_);
  return index_.count(key) != 0;
}

void ChunkCache::erase(const ChunkKey& key) {
  std::lock_guard lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) drop(it->second);
}

void ChunkCache::erase_owner(std::uint64_t owner) {
  std::lock_guard lock(mu_);
  for (auto it = lru_.begin(); it != lru_.end();) {
    auto next = std::next(it);
    if (it->first.owner == owner) drop(it);
    it = next;
  }
}

void ChunkCache::clear() {
  std::lock_guard lock(mu_);
  evict_to(0);
}

void ChunkCache::set_capacity(std::uint64_t capacity) {
  std::lock_guard lock(mu_);
  capacity_ = capacity;
  evict_to(capacity_);
  spares_->set_enabled(capacity_ > 0);
}

std::uint64_t ChunkCache::capacity() const {
  std::lock_guard lock(mu_);
  return capacity_;
}

std::uint64_t ChunkCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

}  // namespace h5mem::detail
