// format/hdf5/writer_internal.hpp -- internal: what the writer_*.cpp files share.
//
// The writer works in two phases. Planning walks the tree once and allocates every structure
// its final address in file order (sizes never depend on addresses, see index_common.hpp),
// recording for each a Block whose `emit` produces exactly its bytes. Emission then runs the
// blocks in address order; metadata is encoded only then, from plans whose addresses are all
// known by that time, and raw data is written straight from the layouts' buffers.
//
// Deliberately free of layout.hpp/btree_v2.hpp/extensible_array.hpp: those headers declare
// structs of the same names (ExtensibleArrayParams, BTreeV2Params), so each writer file
// includes only the ones it needs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/node.hpp"
#include "core/vlen_elements.hpp"
#include "format/hdf5/byte_io.hpp"
#include "format/hdf5/messages/attribute.hpp"
#include "format/hdf5/object_header.hpp"
#include "format/hdf5/writer.hpp"

namespace h5mem::detail::hdf5w {

struct Block {
  std::uint64_t address = 0;
  std::uint64_t size = 0;
  std::function<void(ByteSink&)> emit;  // writes exactly `size` bytes
};

struct PlacedObjectRef {
  std::uint64_t header = 0, btree = 0, heap = 0;
  bool is_group = false;
};

struct Context {
  Format format = Format::earliest;
  FileSizes sizes;
  std::uint64_t next = 0;  // first free address
  std::vector<Block> blocks;
  // Data locks of every dataset, held from planning to the end of emission so the spans the
  // blocks refer to stay valid.
  std::vector<std::shared_lock<RwMutex>> data_locks;

  // Object references (writer_references.cpp). Object header address of every node placed
  // so far, by node id; the ids of every node in the tree (known before planning starts);
  // the REFERENCE_LIST entries (dataset id, dimension) of each scale, by scale id.
  std::unordered_map<std::uint64_t, std::uint64_t> object_headers;
  std::unordered_set<std::uint64_t> in_file;
  std::unordered_map<std::uint64_t, std::vector<std::pair<std::uint64_t, std::uint32_t>>>
      reference_lists;
  // Run in order once every object header is placed and before emission: they turn node ids
  // into addresses in buffers whose sizes were fixed while planning, and may allocate more
  // blocks (re-encoded chunks of reference datasets).
  std::vector<std::function<void()>> after_placement;
  // The header address of node `id`; 0 (a null reference) for ids not in the file.
  std::uint64_t reference_address(std::uint64_t id) const {
    auto it = object_headers.find(id);
    return it == object_headers.end() ? 0 : it->second;
  }

  // Hard links: how many links reach each node (from files read, one node can sit under
  // several names) and what was placed for it, so it is written once and linked to from
  // every parent, with the right reference count in its header.
  std::unordered_map<std::uint64_t, std::uint32_t> link_counts;
  std::unordered_map<std::uint64_t, PlacedObjectRef> placed;
  std::uint32_t pending_refcount = 0;  // for the next object header placed (place_node)

  bool latest() const noexcept { return format == Format::latest; }
  // Reserves `size` bytes at the end of the file, to be produced by `emit`.
  std::uint64_t alloc(std::uint64_t size, std::function<void(ByteSink&)> emit) {
    const std::uint64_t a = next;
    next += size;
    if (size) blocks.push_back(Block{a, size, std::move(emit)});
    return a;
  }
  // A block whose bytes are known now.
  std::uint64_t alloc_bytes(std::vector<std::byte> bytes);
};

// Builds an object header's messages; called once while planning (addresses may still be
// placeholders) and again at emission, when every address is final.
using MessageBuilder = std::function<std::vector<HeaderMessage>()>;

// Allocates an object header for the messages `build` returns, in the context's format
// (version 1 or 2). Returns its address.
std::uint64_t place_object_header(Context& ctx, MessageBuilder build, std::uint32_t refcount = 1);

HeaderMessage make_message(HeaderMessageType type, std::vector<std::byte> body,
                           std::uint8_t flags = 0);

// Path of a node for error messages.
std::string where(const Node& node);

// ---- global heap (writer_vlen.cpp) ----

// Collects variable-length objects into global heap collections.
class GlobalHeapWriter {
 public:
  struct Slot {
    std::uint32_t collection = 0;
    std::uint32_t index = 0;  // 1-based object index in the collection
  };
  // Registers `data` (which must stay valid until emission). Returns where it will live.
  Slot add(std::span<const std::byte> data);
  // Registers bytes the heap keeps alive until emission; they may still change until then
  // (references to other objects, known once the heap is placed).
  Slot add_owned(std::shared_ptr<const std::vector<std::byte>> data);
  // Allocates every collection registered so far; afterwards address() is valid.
  void place(Context& ctx);
  std::uint64_t address(std::uint32_t collection) const { return collections_[collection].address; }
  // Encodes the 16-byte on-disk reference {length, collection address, index} at `out`.
  void write_reference(std::byte* out, std::uint64_t length, const Slot& slot,
                       const FileSizes& sizes) const;

 private:
  struct Collection {
    std::vector<std::span<const std::byte>> objects;
    std::vector<std::shared_ptr<const std::vector<std::byte>>> owned;
    std::uint64_t payload = 0;
    std::uint64_t address = kUndefinedAddress;
  };
  std::vector<Collection> collections_;
};

// Turns stored elements holding VlenHandles (core/vlen_elements.hpp: at the top level or
// nested in compound and array members) into on-disk elements holding vlen references:
// registers every non-empty value's bytes in `heap`; once the heap is placed, write()
// produces the translated elements.
class VlenTranslator {
 public:
  // The bytes of the stored value with id `id`.
  using Get = std::function<std::span<const std::byte>(std::uint64_t id)>;
  // Elements of dataset `ds` (values in its VlenHeap).
  VlenTranslator(const DatasetNode& ds, GlobalHeapWriter& heap);
  // Elements of `type` whose values `get` returns; `what` names them in errors.
  VlenTranslator(const DType& type, Get get, std::string what, GlobalHeapWriter& heap);
  // Registers the values of `stored` (whole elements); returns a ticket for write().
  std::size_t collect(std::span<const std::byte> stored);
  // Writes into `out` the elements `stored` (as given to collect() for ticket `t`) with
  // every handle replaced by its reference.
  void write(std::size_t t, std::span<const std::byte> stored, std::span<std::byte> out,
             const FileSizes& sizes) const;

 private:
  Get get_;
  std::string what_;
  GlobalHeapWriter& heap_;
  std::vector<VlenSlot> slots_;
  std::size_t element_size_;
  // A value whose items hold vlen data is registered as a translated copy; the references
  // to the items' own values are written into it once the heap is placed (by write()).
  struct Patch {
    std::shared_ptr<std::vector<std::byte>> value;
    std::size_t at;
    std::uint64_t length;
    GlobalHeapWriter::Slot slot;
  };
  // Registers the value `h` names (items of `base` when they hold vlen data, else null).
  GlobalHeapWriter::Slot add_value(const DType* base, const VlenHandle& h, std::uint64_t element);

  std::vector<std::vector<std::pair<std::uint64_t, GlobalHeapWriter::Slot>>> tickets_;
  mutable std::vector<Patch> patches_;
};

// ---- attributes (writer_attributes.cpp) ----

// The attribute messages of `node`, planned: vlen strings are placed in global heap
// collections allocated now. In the latest format, attributes that do not fit compact storage
// go dense (fractal heap + v2 B-tree, allocated now); then `dense_info` is set.
struct AttributePlan {
  std::vector<HeaderMessage> messages;    // compact attribute messages (with final bodies)
  std::vector<HeaderMessage> dense_info;  // attribute info message when dense
  // Bodies holding object references, filled in after placement: (index in messages, body).
  std::vector<std::pair<std::size_t, std::shared_ptr<const std::vector<std::byte>>>> late;
  // dense_info then messages, with the late bodies in place (call at emission).
  std::vector<HeaderMessage> all() const;
};
AttributePlan plan_attributes(Context& ctx, const Node& node);

// ---- object references and dimension scales (writer_references.cpp) ----

// True if `t` holds object references (also inside compounds and arrays).
bool has_reference(const DType& t);
// Replaces the node ids of every reference in `elements` (whole elements of `t`) by their
// object header addresses (little-endian, 0 for objects not in the file).
void translate_references(const Context& ctx, const DType& t, std::span<std::byte> elements);
// Fills ctx.in_file and ctx.reference_lists from the tree under `root`.
void collect_references(Context& ctx, const GroupNode& root);

// ---- objects (writer_groups.cpp, writer_datasets.cpp) ----

struct PlacedObject {
  std::uint64_t header = kUndefinedAddress;
  // Symbol-table groups: their B-tree and local heap (cached in the parent's entry).
  std::uint64_t btree = kUndefinedAddress;
  std::uint64_t heap = kUndefinedAddress;
  bool is_group = false;
};

PlacedObject place_group(Context& ctx, const GroupNode& group);
PlacedObject place_dataset(Context& ctx, const DatasetNode& ds);
PlacedObject place_named_type(Context& ctx, const DatatypeNode& type);  // writer_named_types.cpp
PlacedObject place_node(Context& ctx, const Node& node);

// ---- latest-format structures that need btree_v2.hpp (writer_dense.cpp) ----

// Dense link storage of a group: a fractal heap of link messages and a v2 B-tree (type 5) of
// their name hashes. `links` are encoded link message bodies, `names` their names.
struct DenseStorage {
  std::uint64_t heap = kUndefinedAddress;
  std::uint64_t name_btree = kUndefinedAddress;
};
DenseStorage place_dense_links(Context& ctx, std::vector<std::vector<std::byte>> links,
                               const std::vector<std::string>& names);
// Dense attribute storage: encoded attribute message bodies and names (v2 B-tree type 8).
// The bodies may still change (same sizes) until emission.
DenseStorage place_dense_attributes(Context& ctx,
                                    std::shared_ptr<std::vector<std::vector<std::byte>>> attrs,
                                    const std::vector<std::string>& names);

// ---- latest-format chunk indexes (writer_chunk_index.cpp) ----

enum class IndexKind { single_chunk, fixed_array, extensible_array, btree_v2 };

struct ChunkIndexInput {
  IndexKind kind = IndexKind::fixed_array;
  std::vector<std::uint64_t> shape, max_shape, chunk;  // dataset dims
  std::uint32_t element_size = 0;
  bool filtered = false;
  std::uint64_t chunk_bytes = 0;  // unfiltered chunk size
  // Stored chunks in increasing linear order of the current grid.
  struct Chunk {
    std::vector<std::uint64_t> scaled;
    std::uint64_t address = kUndefinedAddress;
    std::uint64_t size = 0;
    std::uint32_t filter_mask = 0;
  };
  std::vector<Chunk> chunks;
};
// Allocates the index (fixed array, extensible array or v2 B-tree) for chunks whose addresses
// will be filled into `*input` before emission. Returns the index address.
std::uint64_t place_chunk_index(Context& ctx, std::shared_ptr<ChunkIndexInput> input);

}  // namespace h5mem::detail::hdf5w

// ---- the layouts' filter pipelines (writer_filters.cpp; codec/filter.hpp clashes with
// messages/filter_pipeline.hpp, so only that file sees it) ----

namespace h5mem::detail::hdf5w {

struct FilterInfo {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  std::string name;
  std::vector<std::uint32_t> client_data;
};
// The layout's filters in pipeline order (empty when unfiltered or unchunked).
std::vector<FilterInfo> layout_filters(const Layout& layout);
// Decodes one stored chunk into `out` (the full chunk's byte size).
void decode_stored_chunk(const Layout& layout, std::span<const std::byte> encoded,
                         std::uint32_t filter_mask, std::span<std::byte> out);
// Encodes a full chunk with the layout's pipeline into `out`; returns the filter mask.
std::uint32_t encode_stored_chunk(const Layout& layout, std::span<const std::byte> chunk,
                                  std::vector<std::byte>& out);

}  // namespace h5mem::detail::hdf5w
