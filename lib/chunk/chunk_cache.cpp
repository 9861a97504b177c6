#include "chunk/chunk_cache.hpp"

#include <atomic>

#include "core/memory_budget.hpp"
#include "h5mem/error.hpp"

namespace h5mem::detail {

ChunkCache::~ChunkCache() {
  std::lock_guard lock(mu_);
  capacity_ = 0;
  evict_to(0);
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

namespace {
constexpr std::size_t kMaxSpares = 4;
}

std::shared_ptr<ByteBuffer> ChunkCache::make_buffer(std::size_t size) {
  {
    std::lock_guard lock(mu_);
    for (auto it = spares_.begin(); it != spares_.end(); ++it) {
      if ((*it)->size() == size) {
        auto b = std::move(*it);
        spares_.erase(it);
        return b;
      }
    }
  }
  return std::make_shared<ByteBuffer>(size);
}

void ChunkCache::drop(Lru::iterator it) {
  std::uint64_t n = it->second->size();
  bytes_ -= n;
  if (budget_) budget_->release(n);
  // Only the cache holds it: no reader can see the buffer any more, so it may be reused.
  if (it->second.use_count() == 1 && spares_.size() < kMaxSpares && capacity_ > 0) {
    spares_.push_back(std::const_pointer_cast<ByteBuffer>(std::move(it->second)));
  }
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
  if (capacity_ == 0) spares_.clear();
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
