// Groups for the writer: symbol-table groups (earliest: local heap, v1 B-tree, symbol table
// nodes) and link-message groups (latest: compact links, or a fractal heap and a v2 B-tree
// above libhdf5's default of 8 links).
#include "core/fail.hpp"
#include "format/hdf5/btree_v1.hpp"
#include "format/hdf5/local_heap.hpp"
#include "format/hdf5/messages/group_info.hpp"
#include "format/hdf5/messages/link.hpp"
#include "format/hdf5/messages/link_info.hpp"
#include "format/hdf5/messages/symbol_table_message.hpp"
#include "format/hdf5/symbol_table_node.hpp"
#include "format/hdf5/writer_internal.hpp"

namespace h5mem::detail::hdf5w {

namespace {

// libhdf5's default group_info: compact storage up to 8 links.
constexpr std::size_t kMaxCompactLinks = 8;

std::vector<HeaderMessage> with_attributes(std::vector<HeaderMessage> msgs,
                                           const AttributePlan& a) {
  for (auto& m : a.all()) msgs.push_back(std::move(m));
  return msgs;
}

// One name of a group: an object (hard link) or a soft/external link.
struct Member {
  std::string name;
  const Node* node = nullptr;  // null for soft and external links
  const LinkEntry* link = nullptr;
  PlacedObject placed;
};

// Every member of `group`, in byte-wise name order (as libhdf5 stores and lists them).
std::vector<Member> members_of(const GroupNode& group) {
  std::vector<Member> out;
  out.reserve(group.children().size() + group.links().size());
  auto c = group.children().begin();
  auto l = group.links().begin();
  while (c != group.children().end() || l != group.links().end()) {
    if (l == group.links().end() || (c != group.children().end() && c->first < l->first)) {
      out.push_back(Member{c->first, c->second.get(), nullptr, {}});
      ++c;
    } else {
      out.push_back(Member{l->first, nullptr, &l->second, {}});
      ++l;
    }
  }
  return out;
}

struct SymbolGroupState {
  std::vector<Member> members;
  // The local heap's strings: every member's name, then the soft link targets.
  std::vector<std::string> names;
  std::vector<std::size_t> value_index;  // per member: index of its soft target in `names`
  std::vector<std::uint64_t> name_offsets;
  std::vector<std::uint64_t> snods;
  std::uint64_t btree = kUndefinedAddress;
  std::uint64_t heap = kUndefinedAddress;
  AttributePlan attrs;
};

PlacedObject place_symbol_group(Context& ctx, const GroupNode& group) {
  const FileSizes sizes = ctx.sizes;
  auto st = std::make_shared<SymbolGroupState>();
  st->members = members_of(group);
  const std::size_t n = st->members.size();
  for (const Member& m : st->members) st->names.push_back(m.name);
  st->value_index.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (!st->members[i].link) continue;
    st->value_index[i] = st->names.size();
    st->names.push_back(st->members[i].link->target);
  }
  st->attrs = plan_attributes(ctx, group);

  PlacedObject placed;
  placed.is_group = true;
  placed.header = place_object_header(ctx, [st, sizes] {
    std::vector<HeaderMessage> msgs;
    msgs.push_back(make_message(HeaderMessageType::symbol_table,
                                encode_symbol_table_message({st->btree, st->heap}, sizes)));
    return with_attributes(std::move(msgs), st->attrs);
  });

  // Symbol table nodes hold 2K entries (K = 4); the B-tree over them splits with K = 16.
  const std::size_t per_node = 2 * kDefaultGroupLeafK;
  const std::size_t n_nodes = (n + per_node - 1) / per_node;
  std::vector<GroupBTreeChild> dummy(n_nodes);
  const EncodedBTreeV1 probe = encode_group_btree(dummy, 0, sizes);
  // The root is the last node written; its offset from the start does not depend on content.
  const std::uint64_t btree_start = ctx.next;
  st->btree = btree_start + probe.root_address;
  ctx.alloc(probe.bytes.size(), [st, sizes, per_node, btree_start](ByteSink& sink) {
    std::vector<GroupBTreeChild> kids;
    for (std::size_t k = 0; k < st->snods.size(); ++k) {
      const std::size_t last = std::min(st->members.size(), (k + 1) * per_node) - 1;
      kids.push_back({st->snods[k], st->name_offsets[last]});
    }
    auto enc = encode_group_btree(kids, btree_start, sizes);
    sink.write(enc.bytes);
  });

  EncodedLocalHeap heap = encode_local_heap(st->names, 0, sizes);
  st->name_offsets = heap.offsets;
  st->heap = ctx.alloc(heap.bytes.size(), [st, sizes](ByteSink& sink) {
    sink.write(encode_local_heap(st->names, st->heap, sizes).bytes);
  });

  const std::uint64_t snod_size = symbol_table_node_size(sizes);
  for (std::size_t k = 0; k < n_nodes; ++k) {
    st->snods.push_back(ctx.alloc(snod_size, [st, sizes, k, per_node](ByteSink& sink) {
      std::vector<SymbolTableEntry> entries;
      for (std::size_t i = k * per_node; i < std::min(st->members.size(), (k + 1) * per_node);
           ++i) {
        SymbolTableEntry e;
        e.name_offset = st->name_offsets[i];
        const PlacedObject& child = st->members[i].placed;
        if (st->members[i].link) {
          // A soft link: its value sits in the local heap, as libhdf5 writes it.
          e.cache_type = SymbolCacheType::soft_link;
          e.link_value_offset = static_cast<std::uint32_t>(st->name_offsets[st->value_index[i]]);
        } else {
          e.object_address = child.header;
        }
        if (child.is_group && child.btree != kUndefinedAddress) {
          // libhdf5 caches a child symbol-table group's B-tree and heap in its entry.
          e.cache_type = SymbolCacheType::group;
          e.btree_address = child.btree;
          e.heap_address = child.heap;
        }
        entries.push_back(e);
      }
      sink.write(encode_symbol_table_node(entries, sizes));
    }));
  }

  for (Member& m : st->members) {
    if (m.node) m.placed = place_node(ctx, *m.node);
  }
  placed.btree = st->btree;
  placed.heap = st->heap;
  return placed;
}

struct LinkGroupState {
  std::vector<Member> members;
  std::vector<std::string> names;
  DenseStorage dense;
  bool is_dense = false;
  AttributePlan attrs;
};

std::vector<std::byte> link_body(const Member& member, const FileSizes& sizes) {
  LinkMessage link;
  link.name = member.name;
  bool ascii = true;
  for (char c : member.name) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  link.name_charset = ascii ? CharacterSet::ascii : CharacterSet::utf8;
  if (!member.link) {
    link.hard_address = member.placed.header;
  } else if (member.link->kind == LinkKind::soft) {
    link.link_type = static_cast<std::uint8_t>(LinkType::soft);
    link.soft_target = member.link->target;
  } else {
    link.link_type = static_cast<std::uint8_t>(LinkType::external);
    link.external_file = member.link->file;
    link.external_path = member.link->target;
  }
  return encode_link(link, sizes);
}

PlacedObject place_link_group(Context& ctx, const GroupNode& group) {
  const FileSizes sizes = ctx.sizes;
  auto st = std::make_shared<LinkGroupState>();
  st->members = members_of(group);
  for (const Member& m : st->members) st->names.push_back(m.name);
  st->is_dense = st->names.size() > kMaxCompactLinks;
  st->attrs = plan_attributes(ctx, group);

  PlacedObject placed;
  placed.is_group = true;
  placed.header = place_object_header(ctx, [st, sizes] {
    std::vector<HeaderMessage> msgs;
    LinkInfoMessage info;
    if (st->is_dense) {
      info.fractal_heap = st->dense.heap;
      info.name_btree = st->dense.name_btree;
    }
    msgs.push_back(make_message(HeaderMessageType::link_info, encode_link_info(info, sizes)));
    msgs.push_back(make_message(HeaderMessageType::group_info, encode_group_info({})));
    if (!st->is_dense) {
      for (const Member& m : st->members) {
        msgs.push_back(make_message(HeaderMessageType::link, link_body(m, sizes)));
      }
    }
    return with_attributes(std::move(msgs), st->attrs);
  });

  for (Member& m : st->members) {
    if (m.node) m.placed = place_node(ctx, *m.node);
  }
  if (st->is_dense) {
    // Placed after the children: the heap holds their (now known) addresses.
    std::vector<std::vector<std::byte>> links;
    for (const Member& m : st->members) links.push_back(link_body(m, sizes));
    st->dense = place_dense_links(ctx, std::move(links), st->names);
  }
  return placed;
}

}  // namespace

PlacedObject place_group(Context& ctx, const GroupNode& group) {
  // Symbol tables hold only hard and soft links: like libhdf5, a group with an external link
  // is stored with link messages whatever the format.
  bool external = false;
  for (const auto& [name, link] : group.links())
    external = external || link.kind == LinkKind::external;
  return ctx.latest() || external ? place_link_group(ctx, group) : place_symbol_group(ctx, group);
}

}  // namespace h5mem::detail::hdf5w
