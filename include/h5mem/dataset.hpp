// h5mem/dataset.hpp -- typed n-d arrays and selections of them.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <memory>
#include <span>
#include <vector>

#include "h5mem/compound.hpp"
#include "h5mem/dtype.hpp"
#include "h5mem/named_type.hpp"
#include "h5mem/object.hpp"
#include "h5mem/selection_spec.hpp"
#include "h5mem/shape.hpp"

namespace h5mem {

class Dataset;

// One variable-length element handed to Selection::write_vlen_raw: `count` elements of the
// base type (characters for strings) at `data`.
struct VlenView {
  const void* data;
  std::size_t count;
};

namespace detail {
template <class T>
struct IsVector : std::false_type {};
template <class U>
struct IsVector<std::vector<U>> : std::true_type {
  using value_type = U;
};
struct SelectionPlan;
}

// A resolved selection of a dataset: the dataset handle plus a plan of which elements are
// selected, in row-major selection order. Its shape drops the dimensions indexed by an
// integer. Reads and writes move exactly size() elements; a buffer of any other length
// is rejected with type_mismatch (never truncated). A selection made before the dataset
// changed shape is re-checked against the new extent when used.
class Selection {
 public:
  // Shape of the selected data (the result of read()).
  const Shape& shape() const noexcept;
  // Number of selected elements.
  std::uint64_t size() const noexcept;

  // Reads the selected elements as T, converting from the dataset's type as libhdf5 does
  // (see Dataset). Throws type_mismatch if the types do not convert.
  template <Storable T>
  std::vector<T> read() const {
    std::vector<T> out(static_cast<std::size_t>(size()));
    read_raw(detail::checked_dtype<T>(), out.data(), out.size());
    return out;
  }
  // Reads into `out` without allocating the output; out.size() must equal size().
  template <Storable T>
  void read_into(std::span<T> out) const {
    read_raw(detail::checked_dtype<T>(), out.data(), out.size());
  }
  // Writes `data` (size() elements, selection order) into the selected elements.
  template <Storable T>
  void write(std::span<const T> data) const {
    write_raw(detail::checked_dtype<T>(), data.data(), data.size());
  }
  template <Storable T>
  void write(const std::vector<T>& data) const {
    write(std::span<const T>(data));
  }

  // Variable-length strings: reads every selected element as a std::string (vlen or
  // fixed-length string datasets; fixed ones lose their padding).
  template <class T>
    requires std::same_as<T, std::string>
  std::vector<std::string> read() const {
    std::vector<std::string> out(static_cast<std::size_t>(size()));
    read_strings(out);
    return out;
  }
  // Jagged arrays: reads a vlen-sequence dataset as one std::vector<U> per element.
  template <class T>
  requires(detail::IsVector<T>::value&& SequenceItem<typename detail::IsVector<T>::value_type>)
      std::vector<T> read()
  const {
    using U = typename detail::IsVector<T>::value_type;
    std::vector<T> out(static_cast<std::size_t>(size()));
    read_vlen_raw(detail::checked_dtype<U>(), [&](std::uint64_t i, const void* data, std::size_t count) {
      const U* p = static_cast<const U*>(data);
      out[i].assign(p, p + count);
    });
    return out;
  }
  // Writes strings to a vlen or fixed-length string dataset (fixed ones truncate or pad as
  // their padding type says).
  void write(std::span<const std::string> data) const { write_strings(data); }
  void write(const std::vector<std::string>& data) const { write_strings(data); }
  // Writes jagged arrays to a vlen-sequence dataset; rows may be empty.
  template <SequenceItem U>
  void write(const std::vector<std::vector<U>>& rows) const {
    std::vector<VlenView> views;
    views.reserve(rows.size());
    for (const auto& r : rows) views.push_back(VlenView{r.data(), r.size()});
    write_vlen_raw(detail::checked_dtype<U>(), views);
  }

  // Untyped vlen forms. `mem_base` is the buffer's base type (any type converting to the
  // dataset's base; for strings pass DType::vlen_string()). read_vlen_raw calls `sink` once
  // per selected element, in selection order, with data valid during the call.
  using VlenSink = std::function<void(std::uint64_t index, const void* data, std::size_t count)>;
  void write_vlen_raw(const DType& mem_base, std::span<const VlenView> elements) const;
  void read_vlen_raw(const DType& mem_base, const VlenSink& sink) const;
  void read_strings(std::span<std::string> out) const;
  void write_strings(std::span<const std::string> data) const;

  // Untyped forms: `buffer` holds `n` elements of `mem_type` (memory form for types with
  // variable-length data, see Dataset).
  void read_raw(const DType& mem_type, void* buffer, std::uint64_t n) const;
  void write_raw(const DType& mem_type, const void* buffer, std::uint64_t n) const;

 private:
  friend class Dataset;
  Selection(const Dataset& ds, std::shared_ptr<const detail::SelectionPlan> plan);

  std::shared_ptr<detail::OpenFile> file_;
  std::shared_ptr<detail::Node> node_;
  std::shared_ptr<const detail::SelectionPlan> plan_;
};

// A dataset handle: an n-d array (rank 0..32) of one datatype.
//
// Reads and writes convert between the buffer's type and the dataset's: numbers of any
// width, signedness and byte order (saturating out-of-range values; NaN to integer gives 0),
// enums by name, compounds member by member by name (a buffer type naming a subset of the
// members reads just those), arrays element-wise, fixed-length strings with re-padding.
// Other pairs (string <-> number, missing members) raise type_mismatch naming both types.
//
// Variable-length data may sit anywhere in the type: at the top level (read and written
// as std::string / std::vector<U> elements, see Selection), or inside compound and array
// members, e.g. a compound {id: int32, name: vlen string, samples: vlen of float32}. Buffers
// of such types hold memory-form elements: a std::string per vlen string and a Vlen<U> per
// vlen sequence at the member's offset, so a struct mapped with compound_of (see
// compound.hpp) reads and writes directly; a struct naming a subset of the members (even
// only a vlen one) reads just those. Reads assign those objects (they must be constructed);
// writes copy the values in, and the values they overwrite are freed. Elements never written
// read as zeros and empty values unless a fill value is given (DatasetOptions::fill_value
// with a std::string, a std::vector or a memory-form element); its values are held once and
// counted toward bytes_held. A vlen sequence may hold vlen data (ds.read<std::vector<
// std::string>>() for a sequence of strings, Vlen<std::string> fields).
class Dataset : public Object {
 public:
  // An empty handle; every use throws Error(closed) until assigned.
  Dataset() = default;

  DType dtype() const;
  Shape shape() const;
  std::size_t rank() const;
  // Number of elements.
  std::uint64_t size() const;

  // Selects part of the dataset: one SliceArg per dimension (fewer are padded with `all`).
  // Throws out_of_range for indices or slices beyond the extent, invalid_argument for a
  // step < 1, more arguments than dimensions, or a Hyperslab with stride < block.
  Selection select(std::initializer_list<SliceArg> args) const;
  Selection select(std::span<const SliceArg> args) const;
  // Selects individual elements. Throws out_of_range for a coordinate outside the extent,
  // invalid_argument for points whose rank differs from the dataset's.
  Selection select(const Points& points) const;

  // True for a dataset with a null dataspace (h5py's Empty, Group::create_null_dataset):
  // it has no elements and no extent. Such a dataset reports shape() and max_shape() {0}
  // (so code sizing buffers from them reads nothing), reads as no elements (read<T>()
  // returns an empty vector), cannot be resized, and is written back as a null dataspace;
  // is_null() is what tells it from a real {0} extent.
  bool is_null() const;
  // The committed datatype this dataset was created with (or read with from a file), if it
  // still exists; nullopt for a dataset with a plain datatype.
  std::optional<NamedType> named_type() const;
  // Largest extent each dimension may grow to (`unlimited` entries for unbounded).
  Shape max_shape() const;
  // Chunk shape; empty for contiguous datasets.
  Shape chunks() const;
  // Changes the extent within max_shape (chunked datasets only). Growing exposes fill
  // values; shrinking discards the elements outside the new extent (they read as the fill
  // value if the dataset grows again). Throws invalid_argument for a rank change or a
  // contiguous dataset, out_of_range beyond max_shape. Atomic: on failure nothing changes.
  void resize(const Shape& new_shape) const;
  // Bytes of element storage held: encoded chunk bytes (or the contiguous buffer).
  std::uint64_t storage_bytes() const;
  // Gives this dataset its own decoded-chunk cache of `n` bytes (0 disables caching for it),
  // dropping what it had cached.
  void set_cache_bytes(std::uint64_t n) const;

  // ---- Dimension scales (HDF5's H5DS convention, as h5py's ds.dims; read by netCDF-4 and
  // xarray as named dimensions). Attachments are kept by object, so they follow moves; a
  // removed scale drops out of scales(). In files they are the DIMENSION_LIST attribute of
  // the dataset and REFERENCE_LIST of the scale, exactly as libhdf5's H5DS API writes them;
  // these two are managed here and do not appear in attrs() (h5py lists them). CLASS, NAME
  // and DIMENSION_LABELS are ordinary attributes, as in h5py.

  // Makes this dataset a dimension scale: CLASS = "DIMENSION_SCALE" and NAME = `name`
  // (fixed-length, null-terminated strings, as H5DSset_scale writes). Throws
  // invalid_argument if a scale is attached to this dataset.
  void make_scale(std::string_view name = "") const;
  // True if CLASS is "DIMENSION_SCALE".
  bool is_scale() const;
  // Attaches `scale` (a dimension scale of the same file, not this dataset) to dimension
  // `dim`; attaching it again does nothing. Throws out_of_range for dim >= rank,
  // invalid_argument for a scale that is not one (make_scale), this dataset, a dataset of
  // another file, or when this dataset is itself a scale.
  void attach_scale(unsigned dim, const Dataset& scale) const;
  // Detaches `scale` from `dim`. Throws not_found if it is not attached there.
  void detach_scale(unsigned dim, const Dataset& scale) const;
  // The scales attached to `dim`, in attach order.
  std::vector<Dataset> scales(unsigned dim) const;
  // Label of dimension `dim` (the DIMENSION_LABELS attribute: one vlen string per
  // dimension); "" when unset.
  void set_dim_label(unsigned dim, std::string_view label) const;
  std::string dim_label(unsigned dim) const;

  // Whole-dataset forms of Selection's reads and writes.
  template <Storable T>
  std::vector<T> read() const {
    return select({}).read<T>();
  }
  template <Storable T>
  void read_into(std::span<T> out) const {
    select({}).read_into(out);
  }
  template <Storable T>
  void write(std::span<const T> data) const {
    select({}).write(data);
  }
  template <Storable T>
  void write(const std::vector<T>& data) const {
    select({}).write(std::span<const T>(data));
  }
  template <class T>
    requires(std::same_as<T, std::string> || detail::IsVector<T>::value)
  std::vector<T> read() const {
    return select({}).template read<T>();
  }
  void write(const std::vector<std::string>& data) const { select({}).write(data); }
  template <SequenceItem U>
  void write(const std::vector<std::vector<U>>& rows) const {
    select({}).write(rows);
  }

 protected:
  using Object::Object;
  friend class Group;
  friend class Object;
  friend class Selection;
};

}  // namespace h5mem
