// format/hdf5/reader_internal.hpp -- state and helpers shared by the reader_*.cpp files.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/file_image.hpp"
#include "core/vlen_elements.hpp"
#include "format/hdf5/global_heap.hpp"
#include "format/hdf5/index_common.hpp"
#include "format/hdf5/messages/datatype.hpp"
#include "format/hdf5/messages/shared_message.hpp"
#include "format/hdf5/object_header.hpp"
#include "format/hdf5/reader.hpp"
#include "format/hdf5/shared_message_table.hpp"
#include "format/hdf5/superblock.hpp"

namespace h5mem::detail {

// Everything one read_hdf5 call carries from object to object.
struct ReaderContext {
  ReaderContext(std::span<const std::byte> file_bytes, FileImage& img, ReadResult& res)
      : bytes(file_bytes), image(img), result(res) {}

  std::span<const std::byte> bytes;  // the whole file, user block included
  std::span<const std::byte> rel;    // from the superblock on: object headers' address space
  FileView view;
  Superblock sb;
  FileImage& image;
  ReadResult& result;
  // Keeps `bytes` alive and unchanged (ReadSettings::owner): when set, chunks and contiguous
  // data become views of `bytes` instead of copies.
  std::shared_ptr<const void> owner;

  // The shared object header message indexes (files created with shared messages on).
  std::vector<SharedMessageIndex> shared_indexes;

  // Reads the members of the groups built (their members are deferred to it).
  std::weak_ptr<MemberSource> loader;
  // Objects already built, by object header address, so that an object reachable through
  // several hard links becomes one shared node. Weak: a node removed from the tree and
  // released is not linked again.
  std::unordered_map<std::uint64_t, std::weak_ptr<Node>> objects;
  // Ids promised to objects not built yet (a reference to them was read first): the node
  // gets its id when it is built. Addresses found to hold no object header resolve to 0.
  std::unordered_map<std::uint64_t, std::uint64_t> assigned_ids;
  std::unordered_set<std::uint64_t> not_objects;
  // The node id an object reference to `address` holds (0 for no object).
  std::uint64_t id_for(std::uint64_t address);

  // The batch being read (one group's members, or the root): the nodes built, by header
  // address, and what is resolved once they all are. Discarded as a whole if the batch
  // fails, so that a group is read completely or not at all.
  std::vector<std::pair<std::uint64_t, std::shared_ptr<Node>>> fresh;

  // Decoded global heap collections, by address (vlen data refers to them many times).
  std::unordered_map<std::uint64_t, GlobalHeapCollection> global_heaps;

  // DIMENSION_LIST attributes read: the dataset and, per dimension, the scales' header
  // addresses (made attachments by resolve_references).
  std::vector<std::pair<DatasetNode*, std::vector<std::vector<std::uint64_t>>>> dim_lists;
  // REFERENCE_LIST attributes read: the scale and its (dataset address, dimension) entries
  // (their order becomes DatasetNode::scale_users in resolve_references).
  std::vector<std::pair<DatasetNode*, std::vector<std::pair<std::uint64_t, std::uint32_t>>>>
      reference_lists;

  // Datasets whose datatype message refers to a committed type, with the type's header
  // address (made DatasetNode::named_type once the tree is built, see read_hdf5).
  std::vector<std::pair<std::shared_ptr<DatasetNode>, std::uint64_t>> named_type_uses;

  void note(const std::string& path, const std::string& what) {
    result.notes.push_back(path + ": " + what);
  }
  ObjectHeader header(std::uint64_t address) const;
};

// The body of `m`, following a shared-message reference to the committed object header or
// the shared message heap that holds the real message.
std::vector<std::byte> message_body(const ReaderContext& ctx, const HeaderMessage& m);
// The body of the message of `type` that `ref` (found at absolute byte `offset`) points to.
// Throws corruption if it is not there, unsupported for a location h5mem cannot read.
std::vector<std::byte> shared_body(const ReaderContext& ctx, std::uint16_t type,
                                   const SharedMessage& ref, std::uint64_t offset);
// The body of the message of `type` stored in the shared message heap under `heap_id`.
std::vector<std::byte> shared_heap_body(const ReaderContext& ctx, std::uint16_t type,
                                        const std::array<std::byte, 8>& heap_id,
                                        std::uint64_t offset);
// The first message of `type` in `h`, or null.
const HeaderMessage* find_message(const ObjectHeader& h, HeaderMessageType type);

// A group's members as read, before they are published in the group.
struct GroupMembers {
  ChildMap children;
  LinkMap links;
};
// Builds the members (links) of `group`, whose header is `h`, into `out` (the objects are
// built with `group` as their parent; groups among them get their own members deferred).
void read_group_members(ReaderContext& ctx, const ObjectHeader& h, GroupNode& group,
                        const std::string& path, GroupMembers& out);
// Builds the object at `address` linked as `name` under `parent`; null if skipped.
std::shared_ptr<Node> build_object(ReaderContext& ctx, std::uint64_t address, GroupNode& parent,
                                   const std::string& name, const std::string& path);
// Reads every attribute of the object whose header is `h` into node.attrs.
void read_attributes(ReaderContext& ctx, const ObjectHeader& h, Node& node,
                     const std::string& path);
// Builds the dataset whose header is `h`.
std::shared_ptr<DatasetNode> build_dataset(ReaderContext& ctx, const ObjectHeader& h,
                                           const std::string& path);

// What list_chunks needs of a chunked layout message. (layout.hpp cannot be included next
// to btree_v2.hpp or extensible_array.hpp: both define parameter structs of the same names.)
enum class ChunkIndexKind : std::uint8_t {
  btree_v1 = 0,
  single_chunk = 1,
  implicit = 2,
  fixed_array = 3,
  extensible_array = 4,
  btree_v2 = 5,
};
struct ChunkIndexInfo {
  ChunkIndexKind kind = ChunkIndexKind::btree_v1;
  std::uint64_t address = kUndefinedAddress;
  std::vector<std::uint64_t> chunk_dims;
  bool single_filtered = false;  // single chunk: size and mask below are stored
  std::uint64_t single_size = 0;
  std::uint32_t single_mask = 0;
};

// One stored chunk: grid coordinates and where its bytes are.
struct ChunkLocation {
  std::vector<std::uint64_t> coord;
  ChunkEntry entry;
};
// Lists the allocated chunks of a chunked layout (any index type) whose coordinates lie in
// the grid of `shape`.
std::vector<ChunkLocation> list_chunks(const ReaderContext& ctx, const ChunkIndexInfo& layout,
                                       const Shape& shape, const Shape& max_shape, bool filtered,
                                       std::uint64_t chunk_bytes);

// Size of one stored vlen reference (length + global heap ID).
std::size_t vlen_ref_size(const ReaderContext& ctx);
// Converts `n` stored vlen references of base size `base_size` (1 for strings) into
// 16-byte VlenHandles written to `out`, adding the element bytes to `heap`.
void refs_to_handles(ReaderContext& ctx, std::span<const std::byte> refs, std::uint64_t n,
                     std::size_t base_size, VlenHeap& heap, std::byte* out);
// Converts `n` file elements of `m` (decoded as `t`, holding vlen data) into stored elements
// (core/vlen_elements.hpp) written to `out`: compound members packed (the file may leave
// gaps, as libhdf5 writing C structs does), each vlen reference (12 or 16 bytes, by the file's
// address size) replaced by a handle that `add` returns for its value -- values whose items
// hold vlen data are converted the same way first. Throws corruption for members past the
// element, a size that disagrees with the type, or a dangling reference.
void file_to_stored(ReaderContext& ctx, const DatatypeMessage& m, const DType& t,
                    std::span<const std::byte> file, std::uint64_t n, const VlenAdd& add,
                    std::byte* out);
// Adds values to `heap`, charging the image's budget (for file_to_stored).
VlenAdd heap_adder(ReaderContext& ctx, VlenHeap& heap);
// Loads one stored chunk of a dataset with vlen data (file type `ftype`): it is decoded, its
// elements turned into the stored form (file_to_stored), and encoded again with the
// dataset's pipeline.
void load_vlen_chunk(ReaderContext& ctx, DatasetNode& ds, const DatatypeMessage& ftype,
                     const ChunkLocation& c, std::span<const std::byte> stored);
// The filter ids of a layout's pipeline, in order (empty for none).
std::vector<std::uint16_t> pipeline_filter_ids(const Layout& layout);
// The conventional name of a filter id, or "" if h5mem does not know it.
std::string known_filter_name(std::uint16_t id);

// Object references and dimension scales (reader_references.cpp). read_scale_attribute
// takes DIMENSION_LIST (into ctx.dim_lists) and REFERENCE_LIST (ctx.reference_lists); true if it
// consumed `m`. resolve_references runs once the tree is built: stored addresses become node ids.
struct AttributeMessage;
bool read_scale_attribute(ReaderContext& ctx, const AttributeMessage& m, const DType& dt,
                          Node& node);
void resolve_references(ReaderContext& ctx);
// Sets the committed types of the datasets of the batch (ctx.named_type_uses), building a
// type not linked yet (or anonymous) on its own.
void resolve_named_types(ReaderContext& ctx);

// Converts `n` stored vlen string references into strings.
std::vector<std::string> refs_to_strings(ReaderContext& ctx, std::span<const std::byte> refs,
                                         std::uint64_t n);

}  // namespace h5mem::detail
