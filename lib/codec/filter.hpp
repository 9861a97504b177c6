// codec/filter.hpp -- the HDF5 filter pipeline applied to each stored chunk.
//
// A pipeline is the ordered list of filters from a dataset's filter pipeline message. Encoding
// applies them first to last; decoding applies them last to first, skipping every filter whose
// bit is set in the chunk's filter mask. Byte formats match what libhdf5 1.10 and h5py's LZF
// plugin write (checked against files they produced; see tests/interop/gen_codec_golden.py).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace h5mem::detail {

// Filter identifiers h5mem implements (values from the HDF5 format spec and the HDF Group's
// registry of third-party filters).
enum class FilterId : std::uint16_t {
  deflate = 1,     // zlib stream (RFC 1950), client data {level}
  shuffle = 2,     // byte transposition, client data {element size}
  fletcher32 = 3,  // 4-byte checksum appended to the chunk, no client data
  lzf = 32000,     // h5py's LZF plugin, client data {4, 0x0105, chunk bytes}
};

// Bit 0 of a filter's flags in the pipeline message: the filter may be skipped on write.
inline constexpr std::uint16_t kFilterOptional = 0x0001;

// Most filters one pipeline can hold: the chunk filter mask has one bit per filter.
inline constexpr std::size_t kMaxFilters = 32;

// One entry of a filter pipeline message, as stored in the file.
struct FilterSpec {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;  // bit 0 = optional (kFilterOptional); other bits reserved
  std::vector<std::uint32_t> client_data;
  std::string name;  // informational; pipeline message v1 stores it, v2 omits it for ids < 256

  bool optional() const noexcept { return (flags & kFilterOptional) != 0; }
  friend bool operator==(const FilterSpec&, const FilterSpec&) = default;
};

// Specs equal to what libhdf5 1.10 / h5py 3.7 store for the same request.
// REQUIRES level <= 9, else throws Error(invalid_argument). Returns {1, optional, {level}}.
FilterSpec deflate_spec(unsigned level);
// Returns {2, optional, {element_size}}; element_size 0 means "filled in by the pipeline".
FilterSpec shuffle_spec(std::uint32_t element_size = 0);
// Returns {3, mandatory, {}}: libhdf5 never skips a checksum.
FilterSpec fletcher32_spec();
// Returns {32000, optional, {4, 0x0105, chunk_bytes}} (filter revision 4, liblzf 1.5, and the
// decoded chunk size h5py uses as its first output-buffer guess); 0 = filled in by the pipeline.
FilterSpec lzf_spec(std::uint32_t chunk_bytes = 0);

// Returns the conventional name of a registered filter id ("deflate", "szip", "blosc", ...),
// or "" if the id is not one h5mem knows of.
std::string_view filter_name(std::uint16_t id) noexcept;

// Which library compresses for the deflate filter. Every choice writes standard zlib streams
// that any reader (libhdf5, zlib, libdeflate) decodes; decoding always uses libdeflate if built.
enum class DeflateEncoder : std::uint8_t {
  // zlib for levels 2-9, libdeflate (when built) for levels 0-1. Measured on 1 MiB shuffled
  // numeric chunks: libdeflate 1.14 compresses 1.5-2x faster than zlib, but at levels 2-9 its
  // streams inflate 1.5-4x slower than zlib's streams of about the same size (it emits many
  // more short matches); at level 1 they do not. Chunks are usually read more than written.
  balanced,
  // Always zlib: byte-identical to libhdf5's output when both use the same zlib version.
  zlib,
  // Always libdeflate when built (fastest writes), else zlib.
  libdeflate,
};

// Choices that change how chunks are encoded but never what a reader sees.
// Default libdeflate: on the bench_chunked workload (512x512x256 smooth float32, shuffle +
// deflate 4) it compresses at 104-114 MB/s per core against zlib's 57-60, and its streams
// inflate as fast as zlib's there; the slower inflate noted under `balanced` was seen on
// other data sets, so datasets read far more often than written may prefer `balanced`.
struct PipelineOptions {
  DeflateEncoder deflate_encoder = DeflateEncoder::libdeflate;
};

// One filter's transform. Implementations are immutable after construction and their const
// methods are safe to call concurrently (per-thread state lives in thread_local storage).
class Filter {
 public:
  virtual ~Filter() = default;

  // Returns an upper bound on encode()'s output size for any n-byte input, and on the size of
  // any valid encoded form of n bytes; decode uses it to size intermediate buffers.
  virtual std::size_t max_encoded_size(std::size_t n) const noexcept = 0;

  // Returns the encoded size of an n-byte input if it depends on n alone (shuffle: n,
  // fletcher32: n + 4), nullopt for compressors.
  virtual std::optional<std::size_t> exact_encoded_size(std::size_t n) const noexcept = 0;

  // REQUIRES: out.size() >= max_encoded_size(in.size()); in and out do not overlap.
  // Encodes `in` into the front of `out` and returns the number of bytes written. If
  // `may_decline` (the filter is optional) a compressor returns nullopt instead when its output
  // would not be smaller than its input, so the chunk is stored with this filter skipped.
  // Throws Error if the filter fails and may not decline.
  virtual std::optional<std::size_t> encode(std::span<const std::byte> in, std::span<std::byte> out,
                                            bool may_decline) const = 0;

  // Decodes `in` into the front of `out` and returns the number of bytes produced. If `exact`,
  // the decoded size must be exactly out.size(); otherwise out.size() is only the capacity.
  // Never writes outside `out` and never allocates more than `out` for data; throws
  // Error(corruption) naming the failure on malformed input or a size mismatch.
  virtual std::size_t decode(std::span<const std::byte> in, std::span<std::byte> out,
                             bool exact) const = 0;

  // For filters whose decoded form is a prefix of the encoded one (fletcher32): verifies `in`
  // and returns that prefix, saving a copy; throws Error(corruption) if verification fails.
  // Returns nullopt for all other filters.
  virtual std::optional<std::span<const std::byte>> decode_view(
      std::span<const std::byte> /*in*/) const {
    return std::nullopt;
  }
};

// Result of encoding one chunk: what to store and the mask to store with it.
struct Encoded {
  std::vector<std::byte> bytes;
  std::uint32_t filter_mask = 0;  // bit i set = filter i was skipped
};

// An ordered list of filters bound to one dataset's element and chunk size. Cheap to share:
// all methods are const and thread-safe, so one instance can serve a whole thread pool.
class FilterPipeline {
 public:
  // An empty pipeline: encode/decode are copies.
  FilterPipeline() = default;

  // Builds the filters for `specs`, completing client data the way libhdf5's set_local
  // callbacks do (shuffle element size, lzf chunk size) from `element_size` and `chunk_bytes`
  // (the decoded size of a full chunk; 0 keeps whatever the specs hold). Throws Error(unsupported)
  // naming the id for a filter h5mem does not implement, Error(invalid_argument) for bad client
  // data, a zero element size for shuffle, or more than kMaxFilters filters.
  FilterPipeline(std::vector<FilterSpec> specs, std::size_t element_size, std::size_t chunk_bytes,
                 const PipelineOptions& options = {});

  FilterPipeline(FilterPipeline&&) noexcept;
  FilterPipeline& operator=(FilterPipeline&&) noexcept;
  ~FilterPipeline();

  // The completed specs, in pipeline order: what a writer stores in the pipeline message.
  const std::vector<FilterSpec>& specs() const noexcept { return specs_; }
  bool empty() const noexcept { return specs_.empty(); }
  std::size_t chunk_bytes() const noexcept { return chunk_bytes_; }

  // Returns the encoded bytes of `chunk` and the filter mask to store with them. An optional
  // filter that declines is skipped and its mask bit set; a mandatory one that fails throws.
  // Optional compressors (deflate, lzf) decline when they would not shrink the chunk. h5py's
  // lzf does the same; libhdf5's deflate instead stores the expanded stream with its bit clear.
  // Both forms are valid HDF5 and every reader handles them.
  Encoded encode(std::span<const std::byte> chunk) const;

  // Same, but writes into `out` (resized to the encoded size, reusing its capacity) and returns
  // the filter mask. REQUIRES: `chunk` does not point into `out`.
  std::uint32_t encode(std::span<const std::byte> chunk, std::vector<std::byte>& out) const;

  // Decodes one stored chunk straight into `out`, whose size must be the exact decoded chunk
  // size. Filters whose mask bit is set are skipped; mask bits beyond the pipeline length are
  // ignored, as libhdf5 does. Throws Error(corruption) on a size mismatch, undecodable stream or
  // checksum failure; `out` is unspecified after a throw. Allocates nothing beyond per-thread
  // scratch bounded by the chunk size.
  void decode(std::span<const std::byte> encoded, std::uint32_t filter_mask,
              std::span<std::byte> out) const;

 private:
  std::vector<FilterSpec> specs_;
  std::vector<std::unique_ptr<const Filter>> filters_;
  std::size_t chunk_bytes_ = 0;
};

// Builds a single filter. Throws as the FilterPipeline constructor does; `element_size` stands
// in for a missing shuffle element size.
std::unique_ptr<const Filter> make_filter(const FilterSpec& spec, std::size_t element_size,
                                          const PipelineOptions& options = {});

}  // namespace h5mem::detail
