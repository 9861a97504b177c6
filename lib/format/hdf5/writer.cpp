// The HDF5 writer's driver: locks, address planning and emission in address order.
#include "format/hdf5/writer.hpp"

#include <shared_mutex>
#include <stdexcept>

#include "core/fail.hpp"
#include "core/file_image.hpp"
#include "format/hdf5/messages/reference_count.hpp"
#include "format/hdf5/superblock.hpp"
#include "format/hdf5/writer_internal.hpp"

namespace h5mem::detail {

namespace hdf5w {

std::uint64_t Context::alloc_bytes(std::vector<std::byte> bytes) {
  const std::uint64_t size = bytes.size();
  auto shared = std::make_shared<std::vector<std::byte>>(std::move(bytes));
  return alloc(size, [shared](ByteSink& sink) { sink.write(*shared); });
}

HeaderMessage make_message(HeaderMessageType type, std::vector<std::byte> body,
                           std::uint8_t flags) {
  HeaderMessage m;
  m.type = static_cast<std::uint16_t>(type);
  m.flags = flags;
  m.body = std::move(body);
  return m;
}

std::string where(const Node& node) {
  return path_of(node);
}

namespace {

ObjectHeader header_prefix(const Context& ctx, std::uint32_t refcount) {
  ObjectHeader prefix;
  prefix.version = ctx.latest() ? 2 : 1;
  prefix.reference_count = refcount;
  return prefix;
}

// Headers are written with exactly the room their messages need: libhdf5 reserves slack
// (NIL messages) for objects it may extend in place later, which no reader needs, and one
// chunk keeps emission a single block (message bodies are capped at 64 KiB anyway).
ObjectHeaderPlan header_plan(const Context&) {
  return ObjectHeaderPlan{};
}

}  // namespace

std::uint64_t place_object_header(Context& ctx, MessageBuilder build, std::uint32_t refcount) {
  if (ctx.pending_refcount > 1) refcount = ctx.pending_refcount;
  ctx.pending_refcount = 0;
  if (refcount > 1 && ctx.latest()) {
    // Version 2 headers carry the count in a message (version 1 has a prefix field).
    build = [inner = std::move(build), refcount] {
      std::vector<HeaderMessage> m = inner();
      m.push_back(make_message(HeaderMessageType::reference_count,
                               encode_reference_count(ReferenceCountMessage{0, refcount})));
      return m;
    };
  }
  const ObjectHeader prefix = header_prefix(ctx, refcount);
  const ObjectHeaderPlan plan = header_plan(ctx);
  ObjectHeader planned = plan_object_header(prefix, build(), plan, ctx.sizes);
  if (planned.chunks.size() != 1) {
    throw std::logic_error("object header planned with continuation chunks");
  }
  const std::uint64_t size = planned.chunks[0].size;
  const FileSizes sizes = ctx.sizes;
  std::uint64_t address = ctx.next;
  ctx.alloc(size, [prefix, plan, build = std::move(build), sizes, size, address](ByteSink& sink) {
    ObjectHeader h = plan_object_header(prefix, build(), plan, sizes);
    const std::uint64_t addrs[1] = {address};
    assign_chunk_addresses(h, addrs, sizes);
    auto chunks = encode_object_header(h, sizes);
    if (chunks.size() != 1 || chunks[0].size() != size) {
      throw std::logic_error("object header size changed between planning and emission");
    }
    sink.write(chunks[0]);
  });
  return address;
}

PlacedObject place_node(Context& ctx, const Node& node) {
  if (auto it = ctx.placed.find(node.id); it != ctx.placed.end()) {
    PlacedObject again;  // a second hard link: point at the object already placed
    again.header = it->second.header;
    again.btree = it->second.btree;
    again.heap = it->second.heap;
    again.is_group = it->second.is_group;
    return again;
  }
  if (node.kind == ObjectKind::dataset) {
    // An anonymous committed type has no link to place it: it goes before its first user.
    const auto& ds = static_cast<const DatasetNode&>(node);
    if (ds.named_type && ds.named_type->unlinked.load(std::memory_order_acquire) &&
        ctx.in_file.count(ds.named_type->id) && !ctx.placed.count(ds.named_type->id)) {
      place_node(ctx, *ds.named_type);
    }
  }
  auto lc = ctx.link_counts.find(node.id);
  ctx.pending_refcount = lc == ctx.link_counts.end() ? 1 : lc->second;
  const PlacedObject placed = node.kind == ObjectKind::group
                                  ? place_group(ctx, static_cast<const GroupNode&>(node))
                              : node.kind == ObjectKind::datatype
                                  ? place_named_type(ctx, static_cast<const DatatypeNode&>(node))
                                  : place_dataset(ctx, static_cast<const DatasetNode&>(node));
  ctx.object_headers[node.id] = placed.header;
  ctx.placed[node.id] = PlacedObjectRef{placed.header, placed.btree, placed.heap, placed.is_group};
  return placed;
}

namespace {

// Counts bytes so that a block that emits a wrong amount is caught before the file is
// silently misaligned, and reports progress.
class CountingSink final : public ByteSink {
 public:
  CountingSink(ByteSink& inner, const SaveOptions::Progress& progress, std::uint64_t total)
      : inner_(inner), progress_(progress), total_(total) {}
  void write(std::span<const std::byte> data) override {
    if (!progress_) {
      inner_.write(data);
      count += data.size();
      return;
    }
    // Large blocks (a contiguous dataset) go in steps, so that progress moves within them.
    while (!data.empty()) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(
          data.size(), kProgressStep - (count - reported_) % kProgressStep));
      inner_.write(data.first(n));
      count += n;
      data = data.subspan(n);
      if (count - reported_ >= kProgressStep) {
        reported_ = count;
        progress_(count, total_);
      }
    }
  }
  void finish() {
    if (progress_) progress_(count, total_);
  }
  std::uint64_t count = 0;

 private:
  static constexpr std::uint64_t kProgressStep = 4u << 20;
  ByteSink& inner_;
  const SaveOptions::Progress& progress_;
  const std::uint64_t total_;
  std::uint64_t reported_ = 0;
};

void write_zeros(ByteSink& sink, std::uint64_t n) {
  static const std::byte zeros[4096] = {};
  while (n) {
    const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(n, sizeof zeros));
    sink.write({zeros, k});
    n -= k;
  }
}

}  // namespace

}  // namespace hdf5w

std::uint64_t write_hdf5(FileImage& image, const WriteSettings& settings, ByteSink& sink) {
  using namespace hdf5w;
  std::shared_lock tree_lock(image.tree_mutex);
  Context ctx;
  ctx.format = settings.format;

  Superblock sb;
  sb.version = ctx.latest() ? 3 : 0;
  sb.sizes = ctx.sizes;
  const std::uint64_t sb_size = superblock_size(sb.version, sb.sizes);
  ctx.next = sb_size;

  collect_references(ctx, *image.root);
  const PlacedObject root = place_group(ctx, *image.root);
  ctx.object_headers[image.root->id] = root.header;
  for (std::size_t i = 0; i < ctx.after_placement.size(); ++i) ctx.after_placement[i]();
  sb.eof_address = ctx.next;
  sb.root_object_header = root.header;
  if (!ctx.latest()) {
    sb.root_entry.object_header = root.header;
    // A root with an external link is a link-message group: nothing to cache.
    sb.root_entry.cache_type = root.btree == kUndefinedAddress ? 0 : 1;
    sb.root_entry.btree_address = root.btree;
    sb.root_entry.heap_address = root.heap;
  }
  const std::vector<std::byte> sb_bytes = encode_superblock(sb);
  if (sb_bytes.size() != sb_size) throw std::logic_error("superblock size mismatch");

  CountingSink out(sink, settings.progress, ctx.next);
  out.write(sb_bytes);
  for (const Block& b : ctx.blocks) {
    if (b.address < out.count) throw std::logic_error("overlapping blocks in the HDF5 writer");
    write_zeros(out, b.address - out.count);
    const std::uint64_t before = out.count;
    b.emit(out);
    if (out.count - before != b.size) {
      throw std::logic_error("a block at address " + std::to_string(b.address) + " wrote " +
                             std::to_string(out.count - before) + " bytes instead of " +
                             std::to_string(b.size));
    }
  }
  write_zeros(out, ctx.next - out.count);
  out.finish();
  return out.count;
}

}  // namespace h5mem::detail
