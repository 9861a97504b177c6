// The in-memory object tree of a file image.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/rw_mutex.hpp"
#include "core/vlen_heap.hpp"
#include "h5mem/dtype.hpp"
#include "h5mem/link.hpp"
#include "h5mem/object.hpp"
#include "h5mem/shape.hpp"
#include "layout/layout.hpp"

namespace h5mem::detail {

struct GroupNode;

// One attribute's value in its stored type.
struct AttrValue {
  DType dtype;
  Shape shape;
  std::vector<std::byte> bytes;      // numeric payload
  std::vector<std::string> strings;  // vlen string payload
  // Other types with vlen data: `bytes` holds the stored form (core/vlen_elements.hpp), whose
  // VlenHandle ids are 1-based indexes into this list.
  std::vector<std::vector<std::byte>> vlen_objects;
  // A null dataspace (h5py's Empty): no elements, `shape` is {0}. Kept apart from a real
  // {0} extent so that it is written back as null.
  bool null_space = false;
  // Bytes charged to the image's budget.
  std::uint64_t payload() const;
};

using AttrTable = std::map<std::string, AttrValue, std::less<>>;

// A process-unique, never reused, non-zero node id (0 is the null object reference).
inline std::uint64_t next_node_id() noexcept {
  static std::atomic<std::uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

// Fields are guarded by the image's tree mutex unless noted.
struct Node {
  explicit Node(ObjectKind k) : kind(k) {}
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const ObjectKind kind;
  // What an ObjectRef to this node holds; stable across moves. Fixed before the node is
  // shared (the file reader gives a node the id its references were resolved to already).
  std::uint64_t id = next_node_id();
  GroupNode* parent = nullptr;  // null for the root and for removed subtrees
  std::string name;
  std::atomic<bool> removed{false};  // set once, under the tree mutex (and data mutex)
  AttrTable attrs;
};

// A soft or external link: a name bound to a path rather than to an object (hard links
// are the `children` themselves).
struct LinkEntry {
  LinkKind kind = LinkKind::soft;
  std::string target;  // the path, as given
  std::string file;    // external links: the file, as given
};

using ChildMap = std::map<std::string, std::shared_ptr<Node>, std::less<>>;
using LinkMap = std::map<std::string, LinkEntry, std::less<>>;

// Reads a group's members on first use: a file opened lazily (format/hdf5/reader.hpp) gives
// every group whose members it has not read yet a pointer to one of these.
class MemberSource {
 public:
  virtual ~MemberSource() = default;
  // Fills the members of `group` if they are still pending and marks them loaded. Safe to
  // call from several threads holding the tree mutex shared (loads are serialised inside).
  // Throws Error (corruption, unsupported, out_of_space) naming the file and group, leaving
  // the group pending and the tree unchanged; the next access tries again.
  virtual void load_members(GroupNode& group) = 0;
};

struct GroupNode : Node {
  GroupNode() : Node(ObjectKind::group) {}

  // Hard links (by name) and names bound to paths; a name is in at most one of them.
  // Reading the members of a group of a lazily opened file the first time parses them and
  // may throw what MemberSource::load_members throws. Require the tree mutex.
  ChildMap& children() { return ensure_members(), children_; }
  const ChildMap& children() const { return ensure_members(), children_; }
  LinkMap& links() { return ensure_members(), links_; }
  const LinkMap& links() const { return ensure_members(), links_; }

  // The members read so far, without reading any: for the source filling them and for
  // retiring a subtree (members never read hold nothing).
  ChildMap& loaded_children() noexcept { return children_; }
  LinkMap& loaded_links() noexcept { return links_; }

  // Makes the members pending, read by `source` on first use from the object header at
  // `address`. Only before the node is shared.
  void defer_members(std::shared_ptr<MemberSource> source, std::uint64_t address) {
    source_ = std::move(source);
    header_address_ = address;
    pending_.store(true, std::memory_order_relaxed);
  }
  bool members_pending() const noexcept { return pending_.load(std::memory_order_acquire); }
  // For the source: the members are in place (publishes them to other threads).
  void mark_members_loaded() noexcept { pending_.store(false, std::memory_order_release); }
  std::uint64_t header_address() const noexcept { return header_address_; }

 private:
  void ensure_members() const {
    // A retired group never read has no members: nothing may be built into it.
    if (!pending_.load(std::memory_order_acquire) || removed.load(std::memory_order_acquire))
      return;
    // Logically const: the members are a cache of the file's contents.
    source_->load_members(const_cast<GroupNode&>(*this));
  }

  ChildMap children_;
  LinkMap links_;
  // Set before the node is shared and never changed (the source outlives every read).
  std::shared_ptr<MemberSource> source_;
  std::uint64_t header_address_ = 0;
  std::atomic<bool> pending_{false};
};

// A committed (named) datatype.
struct DatatypeNode : Node {
  explicit DatatypeNode(DType t) : Node(ObjectKind::datatype), dtype(std::move(t)) {}
  const DType dtype;
  // Set for a type the file reader built for a dataset before reading the type's own link
  // (or that has none: H5Tcommit_anon); cleared, after `parent` and `name` are set, when
  // the link is read (see load_all_members).
  std::atomic<bool> unlinked{false};
};

struct DatasetNode : Node {
  DatasetNode(DType t, Shape s, Shape max)
      : Node(ObjectKind::dataset), dtype(t), max_shape(std::move(max)), shape(std::move(s)) {}
  const DType dtype;
  const Shape max_shape;
  // Guards `layout` contents and `shape`: readers share it, writers hold it alone (a
  // waiting writer goes before new readers). Lock order: tree mutex before data mutex.
  mutable RwMutex data_mutex;
  Shape shape;
  std::unique_ptr<Layout> layout;
  // Variable-length element bytes, for datasets of vlen string / sequence type (the layout
  // then stores VlenHandles).
  std::unique_ptr<VlenHeap> vlen;
  // Set (once, by the file reader) for a dataset whose stored data h5mem cannot decode,
  // e.g. a filter it does not implement: names the reason. Its metadata and attributes
  // stay available; reading, writing, resizing or saving it raises unsupported.
  std::string unreadable;
  // A null dataspace (h5py's Empty): no elements, `shape` and `max_shape` are {0}. Set before
  // the node is linked, constant afterwards.
  bool null_space = false;
  // The committed datatype `dtype` came from (same type), or null. Set before the node is
  // linked, constant afterwards; the type object may be removed from the tree meanwhile
  // (then the dataset is written with its datatype inline).
  std::shared_ptr<DatatypeNode> named_type;
  // Dimension scales attached to each dimension (node ids of the scale datasets, in attach
  // order); empty, or one entry per dimension. Guarded by the tree mutex. Written as the
  // DIMENSION_LIST / REFERENCE_LIST attributes (see core/reference.cpp).
  std::vector<std::vector<std::uint64_t>> dim_scales;
  // For a scale: the (dataset id, dimension) attachments in the order they were made, as
  // H5DS keeps REFERENCE_LIST. Only an ordering hint (dim_scales is the truth): the writer
  // skips entries no longer attached and appends attachments missing here. Guarded by the
  // tree mutex.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> scale_users;
};

// "group", "dataset" or "committed datatype", for messages.
const char* kind_name(ObjectKind kind) noexcept;

// Absolute path of `node`. Requires the tree mutex (shared or exclusive).
std::string path_of(const Node& node);

}  // namespace h5mem::detail
