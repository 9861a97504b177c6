// The HDF5 reader's driver: superblock, the root group, and turning object headers into
// nodes. Groups, datasets, attributes, chunk indexes and vlen data live in reader_*.cpp.
#include "format/hdf5/reader.hpp"

#include <mutex>
#include <unordered_set>

#include "core/fail.hpp"
#include "format/hdf5/dtype_map.hpp"
#include "format/hdf5/fractal_heap.hpp"
#include "format/hdf5/messages/datatype.hpp"
#include "format/hdf5/messages/shared_message.hpp"
#include "format/hdf5/reader_internal.hpp"

namespace h5mem::detail {

namespace {

// Each level of group nesting costs a few stack frames; a crafted file could otherwise nest
// groups until the stack overflows. Real files stay far below this.
constexpr unsigned kMaxGroupDepth = 512;

bool has(const ObjectHeader& h, HeaderMessageType t) {
  return find_message(h, t) != nullptr;
}

}  // namespace

ObjectHeader ReaderContext::header(std::uint64_t address) const {
  if (address == kUndefinedAddress) fail_corrupt("object header", 0, "undefined address");
  return decode_object_header(rel, address, sb.sizes);
}

const HeaderMessage* find_message(const ObjectHeader& h, HeaderMessageType type) {
  for (const HeaderMessage& m : h.messages) {
    if (m.kind() == type) return &m;
  }
  return nullptr;
}

std::vector<std::byte> message_body(const ReaderContext& ctx, const HeaderMessage& m) {
  if (!(m.flags & kMessageShared)) return m.body;
  const std::uint64_t at = ctx.view.absolute(m.address);
  return shared_body(ctx, m.type, decode_shared_message(m.body, at, ctx.sb.sizes), at);
}

std::vector<std::byte> shared_body(const ReaderContext& ctx, std::uint16_t type,
                                   const SharedMessage& ref, std::uint64_t offset) {
  if (ref.location == SharedLocation::heap) {
    return shared_heap_body(ctx, type, ref.heap_id, offset);
  }
  if (ref.location != SharedLocation::committed) {
    fail_corrupt(
        "shared message", offset,
        "not a reference (location " + std::to_string(static_cast<int>(ref.location)) + ")");
  }
  ObjectHeader target = ctx.header(ref.address);
  for (const HeaderMessage& t : target.messages) {
    // A committed message is never itself shared: this also stops reference chains.
    if (t.type == type && !(t.flags & kMessageShared)) return t.body;
  }
  fail_corrupt("shared message", offset,
               "the object header at " + std::to_string(ref.address) +
                   " holds no message of type " + std::to_string(type));
}

std::vector<std::byte> shared_heap_body(const ReaderContext& ctx, std::uint16_t type,
                                        const std::array<std::byte, 8>& heap_id,
                                        std::uint64_t offset) {
  for (const SharedMessageIndex& index : ctx.shared_indexes) {
    if (!index.tracks(type)) continue;
    if (index.heap_address == kUndefinedAddress) break;
    return FractalHeap(ctx.view, index.heap_address).read(heap_id);
  }
  fail_corrupt("shared message", offset,
               "no shared message index holds messages of type " + std::to_string(type));
}

namespace {

unsigned depth_of(const Node& n) {
  unsigned d = 0;
  for (const Node* p = &n; p->parent != nullptr; p = p->parent) ++d;
  return d;
}

// True if linking `n` under `g` would make a group its own ancestor.
bool closes_cycle(const Node& n, const GroupNode& g) {
  for (const Node* p = &g; p != nullptr; p = p->parent) {
    if (p == &n) return true;
  }
  return false;
}

// Registers a node built from the header at `address` in the current batch.
void adopt(ReaderContext& ctx, std::uint64_t address, const std::shared_ptr<Node>& node) {
  if (auto it = ctx.assigned_ids.find(address); it != ctx.assigned_ids.end()) node->id = it->second;
  ctx.objects[address] = node;
  ctx.fresh.emplace_back(address, node);
}

}  // namespace

std::uint64_t ReaderContext::id_for(std::uint64_t address) {
  if (address == 0 || address == kUndefinedAddress) return 0;
  if (auto it = objects.find(address); it != objects.end()) {
    std::shared_ptr<Node> n = it->second.lock();
    return n ? n->id : 0;
  }
  if (auto it = assigned_ids.find(address); it != assigned_ids.end()) return it->second;
  if (not_objects.count(address)) return 0;
  // An object not built yet (its group was not read): promise it an id, if there is an
  // object header there at all.
  try {
    (void)header(address);
  } catch (const Error&) {
    not_objects.insert(address);
    return 0;
  }
  const std::uint64_t id = next_node_id();
  assigned_ids.emplace(address, id);
  return id;
}

std::shared_ptr<Node> build_object(ReaderContext& ctx, std::uint64_t address, GroupNode& parent,
                                   const std::string& name, const std::string& path) {
  if (auto it = ctx.objects.find(address); it != ctx.objects.end()) {
    // A second hard link: share the node (its path() reports the first link read).
    std::shared_ptr<Node> n = it->second.lock();
    if (!n || n->removed.load(std::memory_order_acquire)) {
      ctx.note(path, "hard link to an object removed from the tree skipped");
      return nullptr;
    }
    if (closes_cycle(*n, parent)) {
      ctx.note(path, "hard link to an ancestor group skipped (the tree cannot hold cycles)");
      return nullptr;
    }
    return n;
  }
  ObjectHeader h = ctx.header(address);
  std::shared_ptr<Node> node;
  if (has(h, HeaderMessageType::layout)) {
    node = build_dataset(ctx, h, path);
  } else if (has(h, HeaderMessageType::symbol_table) || has(h, HeaderMessageType::link_info) ||
             has(h, HeaderMessageType::link) || has(h, HeaderMessageType::group_info)) {
    if (depth_of(parent) + 1 > kMaxGroupDepth) {
      fail(ErrorCode::unsupported,
           path + ": groups nested deeper than " + std::to_string(kMaxGroupDepth) + " levels");
    }
    auto g = std::make_shared<GroupNode>();
    g->defer_members(ctx.loader.lock(), address);
    node = g;
  } else if (const HeaderMessage* t = find_message(h, HeaderMessageType::datatype)) {
    if (t->flags & kMessageShared) fail_corrupt("committed datatype", address, "shared itself");
    try {
      node = std::make_shared<DatatypeNode>(
          from_datatype_message(decode_datatype(t->body, ctx.view.absolute(t->address))));
    } catch (const Error& e) {
      if (e.code() != ErrorCode::unsupported) throw;
      ctx.note(path, std::string("committed datatype skipped: ") + e.what());
      return nullptr;
    }
  } else {
    ctx.note(path, "object of unknown kind skipped");
    return nullptr;
  }
  node->parent = &parent;
  node->name = name;
  adopt(ctx, address, node);
  read_attributes(ctx, h, *node, path);
  return node;
}

void resolve_named_types(ReaderContext& ctx) {
  for (auto& [ds, address] : ctx.named_type_uses) {
    std::shared_ptr<Node> n;
    if (auto it = ctx.objects.find(address); it != ctx.objects.end()) {
      n = it->second.lock();
    } else {
      // The type's own link has not been read yet (or it has none: H5Tcommit_anon). Build
      // it unlinked; reading its group links it. One that stays unlinked is written inline.
      ObjectHeader h = ctx.header(address);
      const HeaderMessage* t = find_message(h, HeaderMessageType::datatype);
      if (!t || (t->flags & kMessageShared) || has(h, HeaderMessageType::layout)) continue;
      try {
        n = std::make_shared<DatatypeNode>(
            from_datatype_message(decode_datatype(t->body, ctx.view.absolute(t->address))));
      } catch (const Error& e) {
        if (e.code() != ErrorCode::unsupported) throw;
        continue;
      }
      static_cast<DatatypeNode&>(*n).unlinked.store(true, std::memory_order_relaxed);
      adopt(ctx, address, n);
      read_attributes(ctx, h, *n, "committed datatype at byte " + std::to_string(address));
    }
    if (n && n->kind == ObjectKind::datatype) {
      ds->named_type = std::static_pointer_cast<DatatypeNode>(n);
    }
  }
}

namespace {

// Reads group members on first use (lazily opened files) or all at once (read_hdf5 without
// an owner), one group per batch: a group is read completely or not at all.
class GroupReader final : public MemberSource {
 public:
  GroupReader(std::span<const std::byte> bytes, FileImage& image, std::string name)
      : ctx(bytes, image, result), name_(std::move(name)) {}

  void load_members(GroupNode& group) override {
    std::lock_guard lock(mutex_);
    if (!group.members_pending()) return;
    try {
      load_locked(group);
    } catch (const Error& e) {
      if (name_.empty()) throw;
      rethrow_in_context(e, name_, "");
    }
  }

  // Reads one group's members. Requires mutex_ (or the reader alone).
  void load_locked(GroupNode& group) {
    const std::string path = group.parent ? path_of(group) : "";
    ObjectHeader h = ctx.header(group.header_address());
    GroupMembers members;
    run_batch([&] { read_group_members(ctx, h, group, path, members); });
    for (auto& [name, child] : members.children) {
      if (child->kind != ObjectKind::datatype) continue;
      auto& type = static_cast<DatatypeNode&>(*child);
      if (type.unlinked.load(std::memory_order_relaxed)) {  // built for a dataset read earlier
        type.parent = &group;
        type.name = name;
        type.unlinked.store(false, std::memory_order_release);
      }
    }
    group.loaded_children() = std::move(members.children);
    group.loaded_links() = std::move(members.links);
    group.mark_members_loaded();
  }

  // Runs `build`, then resolves what the nodes it built refer to; undoes all of it if
  // anything throws.
  template <class F>
  void run_batch(F&& build) {
    try {
      build();
      resolve_named_types(ctx);
      resolve_references(ctx);
    } catch (...) {
      for (auto& [address, node] : ctx.fresh) {
        ctx.objects.erase(address);
        if (node != ctx.image.root) retire_subtree(*node, ctx.image.budget, ctx.image.cache);
      }
      end_batch();
      throw;
    }
    end_batch();
  }

  ReadResult result;
  ReaderContext ctx;

 private:
  void end_batch() {
    ctx.fresh.clear();
    ctx.named_type_uses.clear();
    ctx.dim_lists.clear();
    ctx.reference_lists.clear();
    ctx.global_heaps.clear();
  }

  std::mutex mutex_;
  const std::string name_;  // the file, for errors raised by lazy reads
};

// Reads every pending group below `root`, depth first in link order (so that an object
// reached by several hard links gets the path of the first one, as a recursive read would).
void read_all_groups(GroupReader& reader, GroupNode& root) {
  std::vector<GroupNode*> stack{&root};
  std::unordered_set<const GroupNode*> seen{&root};
  while (!stack.empty()) {
    GroupNode& g = *stack.back();
    stack.pop_back();
    if (g.members_pending()) reader.load_locked(g);
    const ChildMap& children = g.loaded_children();
    for (auto it = children.rbegin(); it != children.rend(); ++it) {
      if (it->second->kind != ObjectKind::group) continue;
      auto* child = static_cast<GroupNode*>(it->second.get());
      if (seen.insert(child).second) stack.push_back(child);
    }
  }
}

}  // namespace

ReadResult read_hdf5(std::span<const std::byte> bytes, FileImage& image,
                     const ReadSettings& settings) {
  auto reader = std::make_shared<GroupReader>(bytes, image, settings.name);
  ReaderContext& ctx = reader->ctx;
  ctx.loader = reader;
  ctx.owner = settings.owner;
  ctx.sb = decode_superblock(bytes);
  ctx.rel = bytes.subspan(static_cast<std::size_t>(ctx.sb.location));
  // Addresses count from the superblock, whatever its base address field says (libhdf5).
  ctx.view = FileView{bytes, ctx.sb.sizes, ctx.sb.location};
  reader->result.format = ctx.sb.version >= 2 ? Format::latest : Format::earliest;

  if (ctx.sb.extension_address != kUndefinedAddress) {
    const ObjectHeader ext = ctx.header(ctx.sb.extension_address);
    if (const HeaderMessage* m = find_message(ext, HeaderMessageType::shared_message_table)) {
      const SharedMessageTableMessage t =
          decode_shared_message_table_message(m->body, ctx.view.absolute(m->address), ctx.sb.sizes);
      ctx.shared_indexes = read_shared_message_table(ctx.view, t.table_address, t.index_count);
    }
  }
  const std::uint64_t root = ctx.sb.root_object_header;
  GroupNode& g = *image.root;
  image.root->defer_members(reader, root);
  reader->run_batch([&] {
    ObjectHeader h = ctx.header(root);
    ctx.objects.emplace(root, image.root);
    ctx.fresh.emplace_back(root, image.root);
    read_attributes(ctx, h, g, "/");
  });
  // Without an owner the bytes are gone after this call: read everything now.
  if (!settings.owner) read_all_groups(*reader, g);
  return reader->result;
}

}  // namespace h5mem::detail
