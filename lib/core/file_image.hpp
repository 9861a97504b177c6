// A file image: the object tree, its locks and its memory accounting.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "chunk/chunk_cache.hpp"
#include "core/memory_budget.hpp"
#include "core/node.hpp"
#include "h5mem/options.hpp"

namespace h5mem::detail {

struct BackingStore;

// Shared by every open of one name. Destroyed when the last open releases it (and the
// registry no longer keeps it); the destructor retires every node so that object handles
// outliving their file throw Error(closed) and the element storage is freed at once.
class FileImage {
 public:
  FileImage(std::string name, const CreateOptions& options);
  ~FileImage();
  FileImage(const FileImage&) = delete;
  FileImage& operator=(const FileImage&) = delete;

  const std::string name;
  const Lifetime lifetime;
  MemoryBudget budget;
  // Decoded chunks of every chunked dataset without a cache of its own.
  ChunkCache cache;
  // Parallelism for chunk decode/encode (FileOptions::threads).
  std::atomic<unsigned> threads{0};
  // Reject strings declared UTF-8 whose bytes are not valid UTF-8 (FileOptions).
  std::atomic<bool> validate_utf8{false};
  // Guards the tree's structure, names and attributes.
  mutable std::shared_mutex tree_mutex;
  const std::shared_ptr<GroupNode> root;

  // Format the image is written in (flush, save_as, to_bytes without a format).
  std::atomic<Format> format{Format::earliest};
  // Bumped by every change to the tree, attributes or elements (before the change, so a
  // flush that read an older value always writes again).
  std::atomic<std::uint64_t> generation{0};
  void touch() noexcept { generation.fetch_add(1, std::memory_order_acq_rel); }
  // Set for images named by a filesystem path (see core/backing_store.hpp); fixed before
  // the image is shared.
  std::unique_ptr<BackingStore> backing;

  // Node id -> node, for ObjectRef lookups: a cache rebuilt from the tree on a miss (entries
  // of removed nodes are rejected when found). Guarded by index_mutex (taken under the tree
  // mutex, shared or exclusive). See core/reference.cpp.
  std::mutex index_mutex;
  std::unordered_map<std::uint64_t, std::weak_ptr<Node>> node_index;
  // The live node with `id` in this image's tree, or null. Requires the tree mutex.
  std::shared_ptr<Node> find_node(std::uint64_t id);

  // Registry bookkeeping, guarded by the registry's mutex.
  std::size_t open_count = 0;
  bool linked = true;  // the registry maps `name` to this image
};

// Marks `node` and everything below it removed and frees their element storage, returning
// the bytes (and those of their attributes) to `budget`. Requires the tree mutex held
// exclusively.
void retire_subtree(Node& node, MemoryBudget& budget, ChunkCache& cache) noexcept;

// Default capacity of an image's decoded-chunk cache.
inline constexpr std::uint64_t kDefaultCacheBytes = 64ull << 20;

}  // namespace h5mem::detail
