// The decoded-chunk cache: an LRU bounded in bytes.
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "chunk/chunk_buffer.hpp"

namespace h5mem::detail {

class MemoryBudget;

// Key of a cached chunk: which layout (a process-unique id) and which chunk.
struct ChunkKey {
  std::uint64_t owner = 0;
  std::uint64_t chunk = 0;
  friend bool operator==(const ChunkKey&, const ChunkKey&) = default;
};

// Thread-safe. Entries are charged to `budget`; an insertion the budget refuses is simply
// not cached (a read never fails because of the cache).
class ChunkCache {
 public:
  ChunkCache(std::uint64_t capacity, MemoryBudget* budget);
  ~ChunkCache();
  ChunkCache(const ChunkCache&) = delete;
  ChunkCache& operator=(const ChunkCache&) = delete;

  // The cached chunk, marked most recently used; null if absent.
  SharedChunk get(const ChunkKey& key);
  // Inserts or replaces `key`, evicting least recently used entries to fit. Chunks larger
  // than the capacity are not cached.
  void put(const ChunkKey& key, SharedChunk chunk);
  void erase(const ChunkKey& key);
  // True if `key` is cached (does not touch the LRU order).
  bool contains(const ChunkKey& key) const;
  // Drops every entry of `owner`.
  void erase_owner(std::uint64_t owner);
  // Drops every entry (the capacity stays), returning their bytes to the budget.
  void clear();
  // Changes the capacity, evicting as needed.
  void set_capacity(std::uint64_t capacity);
  std::uint64_t capacity() const;
  // Bytes of decoded chunks held.
  std::uint64_t bytes() const;

  // A buffer of `size` bytes for a chunk about to be decoded and put() here: recycled from
  // released buffers when one of that size is free (fresh pages are expensive to touch),
  // otherwise newly allocated. Contents unspecified. A buffer returns to the spares when its
  // last holder (the cache or a reader still copying out of it) lets go, so reuse is ordered
  // after every read of it.
  std::shared_ptr<ByteBuffer> make_buffer(std::size_t size);

  // A new process-unique owner id.
  static std::uint64_t new_owner();

 private:
  struct KeyHash {
    std::size_t operator()(const ChunkKey& k) const noexcept {
      return std::hash<std::uint64_t>()(k.owner * 0x9E3779B97F4A7C15ull ^ k.chunk);
    }
  };
  using Lru = std::list<std::pair<ChunkKey, SharedChunk>>;

  void evict_to(std::uint64_t target);  // requires mu_
  void drop(Lru::iterator it);          // requires mu_

  mutable std::mutex mu_;
  std::uint64_t capacity_;
  std::uint64_t bytes_ = 0;
  MemoryBudget* budget_;
  Lru lru_;       // front = most recent
  struct Spares;  // shared with the buffers' deleters, which may outlive the cache
  std::shared_ptr<Spares> spares_;
  std::unordered_map<ChunkKey, Lru::iterator, KeyHash> index_;
};

}  // namespace h5mem::detail
