// Elements holding variable-length data anywhere in their type (vlen strings and sequences,
// at the top level or nested in compound and array members) in their stored form.
//
// Stored form -- what a dataset's layout, an attribute's payload and an HDF5 file hold: each
// vlen value is one 16-byte slot (a VlenHandle in memory, a length + global heap ID in a
// file, the same size), compound members are packed in offset order (h5py writes such
// compounds packed too), arrays hold their stored elements back to back, and a part without
// vlen data keeps its memory bytes. Memory form -- what callers' buffers hold: the DType's
// own layout with a std::string per vlen string and a Vlen<T> (detail::VlenBytes) per vlen
// sequence.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/vlen_heap.hpp"
#include "h5mem/dtype.hpp"

namespace h5mem::detail {

// Bytes of one element of `t` in stored form (t.size() for a type without vlen data).
std::size_t stored_size(const DType& t);
// Stored offsets of the members of compound `t`, in members() order.
std::vector<std::size_t> stored_offsets(const DType& t);

// One vlen value's slot in a stored element.
struct VlenSlot {
  std::size_t offset;     // of the 16-byte slot in the stored element
  std::size_t base_size;  // stored bytes per item (1 for strings)
  // The item type when items hold vlen data themselves (their stored form then holds
  // handles too), else null. Points into the type vlen_slots() was given.
  const DType* base;
};
// Every vlen slot of one stored element of `t`, in increasing offset order.
std::vector<VlenSlot> vlen_slots(const DType& t);

// The bytes of a stored value (called only for count > 0).
using VlenGet = std::function<std::span<const std::byte>(const VlenHandle&)>;
// Stores `bytes` holding `count` items; returns the handle that names them (count > 0).
using VlenAdd = std::function<VlenHandle(std::span<const std::byte> bytes, std::uint64_t count)>;

// Stored elements of `src` -> memory elements of `dst`, whose vlen objects must already be
// constructed (they are assigned). Requires conversion_problem(src, dst) to be empty.
// Throws Error(corruption) for a value whose size disagrees with its count.
void load_elements(const DType& src, const std::byte* stored, const DType& dst, std::byte* mem,
                   std::uint64_t n, const VlenGet& get);
// Memory elements of `src` -> stored elements of `dst`, adding each non-empty vlen value
// through `add`. Requires conversion_problem(src, dst) to be empty. With `validate_utf8`,
// a UTF-8 vlen string that is not valid UTF-8 raises invalid_argument (naming the element).
void store_elements(const DType& src, const std::byte* mem, const DType& dst, std::byte* stored,
                    std::uint64_t n, const VlenAdd& add, bool validate_utf8);

// Calls fn for every non-empty handle in `n` stored elements of `t` and, depth first, in the
// values they name whose items hold vlen data (read through `get`).
void for_each_handle_deep(const DType& t, const std::byte* stored, std::uint64_t n,
                          const VlenGet& get, const std::function<void(const VlenHandle&)>& fn);

// Calls fn for every non-empty handle in `n` stored elements (slots from vlen_slots()).
void for_each_handle(std::span<const VlenSlot> slots, std::size_t element_size,
                     const std::byte* stored, std::uint64_t n,
                     const std::function<void(const VlenHandle&)>& fn);

}  // namespace h5mem::detail
