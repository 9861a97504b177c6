// The HDF5 reader's driver: superblock, the root group, and turning object headers into
// nodes. Groups, datasets, attributes, chunk indexes and vlen data live in reader_*.cpp.
#include "format/hdf5/reader.hpp"

#include "core/fail.hpp"
#include "format/hdf5/dtype_map.hpp"
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
  SharedMessage ref = decode_shared_message(m.body, ctx.view.absolute(m.address), ctx.sb.sizes);
  if (ref.location != SharedLocation::committed) {
    fail(ErrorCode::unsupported, "message of type " + std::to_string(m.type) + " at byte " +
                                     std::to_string(ctx.view.absolute(m.address)) +
                                     " is stored in the shared object header message heap");
  }
  ObjectHeader target = ctx.header(ref.address);
  for (const HeaderMessage& t : target.messages) {
    // A committed message is never itself shared: this also stops reference chains.
    if (t.type == m.type && !(t.flags & kMessageShared)) return t.body;
  }
  fail_corrupt("shared message", ctx.view.absolute(m.address),
               "the object header at " + std::to_string(ref.address) +
                   " holds no message of type " + std::to_string(m.type));
}

DatatypeMessage committed_datatype(const ReaderContext& ctx, std::uint64_t address) {
  ObjectHeader target = ctx.header(address);
  const HeaderMessage* m = find_message(target, HeaderMessageType::datatype);
  if (!m || (m->flags & kMessageShared)) {
    fail_corrupt("committed datatype", ctx.view.absolute(address), "no datatype message");
  }
  return decode_datatype(m->body, ctx.view.absolute(m->address));
}

std::shared_ptr<Node> build_object(ReaderContext& ctx, std::uint64_t address, GroupNode& parent,
                                   const std::string& name, const std::string& path) {
  if (auto it = ctx.objects.find(address); it != ctx.objects.end()) {
    // A second hard link: share the node (its path() reports the first link found).
    if (ctx.in_progress.count(address)) {
      ctx.note(path, "hard link to an ancestor group skipped (the tree cannot hold cycles)");
      return nullptr;
    }
    return it->second;
  }
  ObjectHeader h = ctx.header(address);
  std::shared_ptr<Node> node;
  if (has(h, HeaderMessageType::layout)) {
    node = build_dataset(ctx, h, path);
  } else if (has(h, HeaderMessageType::symbol_table) || has(h, HeaderMessageType::link_info) ||
             has(h, HeaderMessageType::link) || has(h, HeaderMessageType::group_info)) {
    if (ctx.depth >= kMaxGroupDepth) {
      fail(ErrorCode::unsupported,
           path + ": groups nested deeper than " + std::to_string(kMaxGroupDepth) + " levels");
    }
    auto g = std::make_shared<GroupNode>();
    g->parent = &parent;
    g->name = name;
    ctx.objects.emplace(address, g);
    ctx.in_progress.insert(address);
    ++ctx.depth;
    read_group_members(ctx, h, *g, path);
    --ctx.depth;
    ctx.in_progress.erase(address);
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
  ctx.objects.emplace(address, node);
  read_attributes(ctx, h, *node, path);
  return node;
}

ReadResult read_hdf5(std::span<const std::byte> bytes, FileImage& image,
                     const ReadSettings& settings) {
  ReadResult result;
  ReaderContext ctx(bytes, image, result);
  ctx.owner = settings.owner;
  ctx.sb = decode_superblock(bytes);
  ctx.rel = bytes.subspan(static_cast<std::size_t>(ctx.sb.location));
  // Addresses count from the superblock, whatever its base address field says (libhdf5).
  ctx.view = FileView{bytes, ctx.sb.sizes, ctx.sb.location};
  result.format = ctx.sb.version >= 2 ? Format::latest : Format::earliest;

  const std::uint64_t root = ctx.sb.root_object_header;
  ObjectHeader h = ctx.header(root);
  GroupNode& g = *image.root;
  ctx.objects.emplace(root, image.root);
  ctx.in_progress.insert(root);
  read_group_members(ctx, h, g, "");
  ctx.in_progress.erase(root);
  read_attributes(ctx, h, g, "/");
  for (auto& [ds, address] : ctx.named_type_uses) {
    // A type committed without a name (H5Tcommit_anon) is not in the tree: the dataset keeps
    // its datatype inline.
    auto it = ctx.objects.find(address);
    if (it != ctx.objects.end() && it->second->kind == ObjectKind::datatype) {
      ds->named_type = std::static_pointer_cast<DatatypeNode>(it->second);
    }
  }
  resolve_references(ctx);
  return result;
}

}  // namespace h5mem::detail
