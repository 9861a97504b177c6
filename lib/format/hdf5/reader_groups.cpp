// Group members: old-style symbol tables (v1 B-tree + local heap), compact link messages,
// and dense links (fractal heap indexed by a v2 B-tree of name hashes).
#include "core/fail.hpp"
#include "format/hdf5/btree_v2.hpp"
#include "format/hdf5/fractal_heap.hpp"
#include "format/hdf5/index_symbol_table.hpp"
#include "format/hdf5/messages/link.hpp"
#include "format/hdf5/messages/link_info.hpp"
#include "format/hdf5/messages/symbol_table_message.hpp"
#include "format/hdf5/reader_internal.hpp"

namespace h5mem::detail {
namespace {

struct Link {
  std::string name;
  LinkType type = LinkType::hard;
  std::uint64_t address = kUndefinedAddress;
  std::string target;    // soft and external links
  std::string file;      // external links
  std::string describe;  // for notes on links that are not kept
};

Link from_message(const LinkMessage& m) {
  Link l{m.name, m.type(), m.hard_address, {}, {}, {}};
  if (m.type() == LinkType::soft) {
    l.target = m.soft_target;
  } else if (m.type() == LinkType::external) {
    l.target = m.external_path;
    l.file = m.external_file;
  } else if (m.type() != LinkType::hard) {
    l.describe = "user-defined link of type " + std::to_string(m.link_type) + " skipped";
  }
  return l;
}

std::vector<Link> symbol_table_links(const ReaderContext& ctx, const HeaderMessage& msg) {
  SymbolTableMessage st = decode_symbol_table_message(message_body(ctx, msg),
                                                      ctx.view.absolute(msg.address), ctx.sb.sizes);
  SymbolTableParams params;
  params.leaf_k = ctx.sb.group_leaf_k;
  params.internal_k = ctx.sb.group_internal_k;
  std::vector<Link> out;
  for (SymbolTableLink& s :
       read_symbol_table(ctx.view, st.btree_address, st.heap_address, params)) {
    Link l{std::move(s.name), LinkType::hard, s.entry.object_address, {}, {}, {}};
    if (s.entry.cache_type == SymbolCacheType::soft_link) {
      l.type = LinkType::soft;
      l.target = std::move(s.soft_value);
    }
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<Link> dense_links(const ReaderContext& ctx, const LinkInfoMessage& info) {
  FractalHeap heap(ctx.view, info.fractal_heap);
  BTreeV2Header bt = decode_btree_v2_header(ctx.view, info.name_btree);
  if (bt.type != BTreeV2Type::link_name || bt.record_size != kLinkNameRecordSize) {
    fail_corrupt("link name index", ctx.view.absolute(info.name_btree),
                 "not a link name B-tree (type " + std::to_string(static_cast<int>(bt.type)) + ")");
  }
  std::vector<Link> out;
  walk_btree_v2(ctx.view, bt, [&](std::span<const std::byte> raw) {
    LinkNameRecord rec = decode_link_name_record(raw);
    std::vector<std::byte> body = heap.read(rec.heap_id);
    out.push_back(
        from_message(decode_link(body, ctx.view.absolute(info.fractal_heap), ctx.sb.sizes)));
  });
  return out;
}

}  // namespace

void read_group_members(ReaderContext& ctx, const ObjectHeader& h, GroupNode& group,
                        const std::string& path, GroupMembers& out) {
  std::vector<Link> links;
  if (const HeaderMessage* st = find_message(h, HeaderMessageType::symbol_table)) {
    links = symbol_table_links(ctx, *st);
  } else {
    for (const HeaderMessage& m : h.messages) {
      if (m.kind() == HeaderMessageType::link) {
        links.push_back(from_message(
            decode_link(message_body(ctx, m), ctx.view.absolute(m.address), ctx.sb.sizes)));
      }
    }
    if (const HeaderMessage* li = find_message(h, HeaderMessageType::link_info)) {
      LinkInfoMessage info =
          decode_link_info(message_body(ctx, *li), ctx.view.absolute(li->address), ctx.sb.sizes);
      if (info.fractal_heap != kUndefinedAddress) {
        std::vector<Link> dense = dense_links(ctx, info);
        links.insert(links.end(), std::make_move_iterator(dense.begin()),
                     std::make_move_iterator(dense.end()));
      }
    }
  }
  for (const Link& l : links) {
    const std::string child_path = path + "/" + l.name;
    if (l.name.empty() || l.name.find('/') != std::string::npos || l.name == "." ||
        l.name == "..") {
      fail(ErrorCode::corruption, child_path + ": invalid link name");
    }
    if (out.children.count(l.name) || out.links.count(l.name))
      fail(ErrorCode::corruption, child_path + ": duplicate link name");
    if (l.type == LinkType::soft || l.type == LinkType::external) {
      if (l.target.empty() || (l.type == LinkType::external && l.file.empty())) {
        fail(ErrorCode::corruption, child_path + ": link with an empty target");
      }
      out.links.emplace(l.name,
                        LinkEntry{l.type == LinkType::soft ? LinkKind::soft : LinkKind::external,
                                  l.target, l.file});
      continue;
    }
    if (l.type != LinkType::hard) {
      ctx.note(child_path, l.describe);
      continue;
    }
    std::shared_ptr<Node> node = build_object(ctx, l.address, group, l.name, child_path);
    if (node) out.children.emplace(l.name, std::move(node));
  }
}

}  // namespace h5mem::detail
