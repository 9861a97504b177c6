// codec/pipeline.cpp -- filter registry, spec builders and the chunk encode/decode pipeline.
#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "codec/deflate.hpp"
#include "codec/filter.hpp"
#include "codec/fletcher32.hpp"
#include "codec/lzf.hpp"
#include "codec/shuffle.hpp"
#include "h5mem/error.hpp"

namespace h5mem::detail {
namespace {

// h5py's LZF plugin: filter revision 4 built on liblzf 1.5 (0x0105).
constexpr std::uint32_t kLzfFilterRevision = 4;
constexpr std::uint32_t kLzfLibraryVersion = 0x0105;

struct KnownFilter {
  std::uint16_t id;
  std::string_view name;
  // Null for filters h5mem recognises by name only.
  std::unique_ptr<const Filter> (*make)(const FilterSpec&, std::size_t element_size,
                                        const PipelineOptions&);
};

std::unique_ptr<const Filter> make_deflate(const FilterSpec& s, std::size_t,
                                           const PipelineOptions& o) {
  return make_deflate_filter(s, o.deflate_encoder);
}
std::unique_ptr<const Filter> make_shuffle(const FilterSpec& s, std::size_t element_size,
                                           const PipelineOptions&) {
  return make_shuffle_filter(s, element_size);
}
std::unique_ptr<const Filter> make_fletcher32(const FilterSpec& s, std::size_t,
                                              const PipelineOptions&) {
  return make_fletcher32_filter(s);
}
std::unique_ptr<const Filter> make_lzf(const FilterSpec& s, std::size_t, const PipelineOptions&) {
  return make_lzf_filter(s);
}

// Ids from the format spec and the HDF Group's registered-filter list; the unimplemented
// ones are here so "unsupported" errors can say what the data needs.
constexpr std::array<KnownFilter, 15> kKnownFilters{{
    {1, "deflate", make_deflate},
    {2, "shuffle", make_shuffle},
    {3, "fletcher32", make_fletcher32},
    {4, "szip", nullptr},
    {5, "nbit", nullptr},
    {6, "scaleoffset", nullptr},
    {305, "lzo", nullptr},
    {307, "bzip2", nullptr},
    {32000, "lzf", make_lzf},
    {32001, "blosc", nullptr},
    {32004, "lz4", nullptr},
    {32008, "bitshuffle", nullptr},
    {32013, "zfp", nullptr},
    {32015, "zstd", nullptr},
    {32026, "blosc2", nullptr},
}};

const KnownFilter* find_known(std::uint16_t id) {
  for (const KnownFilter& k : kKnownFilters)
    if (k.id == id) return &k;
  return nullptr;
}

// Per-thread scratch for intermediate pipeline stages. Grows to the largest chunk seen and is
// never zero-filled; released after use when it grew beyond kKeepBytes so one huge chunk does
// not pin memory in every pool thread.
class Scratch {
 public:
  static constexpr std::size_t kKeepBytes = std::size_t{64} << 20;

  std::span<std::byte> get(std::size_t n) {
    if (n > capacity_) {
      data_.reset();
      data_ = std::make_unique_for_overwrite<std::byte[]>(n);
      capacity_ = n;
    }
    return {data_.get(), n};
  }
  void trim() {
    if (capacity_ > kKeepBytes) {
      data_.reset();
      capacity_ = 0;
    }
  }

 private:
  std::unique_ptr<std::byte[]> data_;
  std::size_t capacity_ = 0;
};

thread_local std::array<Scratch, 2> t_scratch;

struct TrimScratch {
  ~TrimScratch() {
    for (Scratch& s : t_scratch) s.trim();
  }
};

bool skipped(std::uint32_t mask, std::size_t i) {
  return ((mask >> i) & 1u) != 0;
}

[[noreturn]] void throw_corrupt(const std::string& what) {
  throw Error(ErrorCode::corruption, "filter pipeline: " + what);
}

}  // namespace

FilterSpec deflate_spec(unsigned level) {
  if (level > 9)
    throw Error(ErrorCode::invalid_argument,
                "deflate level " + std::to_string(level) + " is out of range 0..9");
  return {1, kFilterOptional, {level}, "deflate"};
}

FilterSpec shuffle_spec(std::uint32_t element_size) {
  return {2, kFilterOptional, {element_size}, "shuffle"};
}

FilterSpec fletcher32_spec() {
  return {3, 0, {}, "fletcher32"};
}

FilterSpec lzf_spec(std::uint32_t chunk_bytes) {
  return {32000, kFilterOptional, {kLzfFilterRevision, kLzfLibraryVersion, chunk_bytes}, "lzf"};
}

std::string_view filter_name(std::uint16_t id) noexcept {
  const KnownFilter* k = find_known(id);
  return k ? k->name : std::string_view{};
}

std::unique_ptr<const Filter> make_filter(const FilterSpec& spec, std::size_t element_size,
                                          const PipelineOptions& options) {
  const KnownFilter* k = find_known(spec.id);
  if (k == nullptr || k->make == nullptr) {
    std::string what = "filter " + std::to_string(spec.id);
    if (k != nullptr)
      what += " (" + std::string(k->name) + ")";
    else if (!spec.name.empty())
      what += " (\"" + spec.name + "\")";
    throw Error(ErrorCode::unsupported, what + " is not supported by h5mem");
  }
  return k->make(spec, element_size, options);
}

FilterPipeline::FilterPipeline(std::vector<FilterSpec> specs, std::size_t element_size,
                               std::size_t chunk_bytes, const PipelineOptions& options)
    : specs_(std::move(specs)), chunk_bytes_(chunk_bytes) {
  if (specs_.size() > kMaxFilters)
    throw Error(ErrorCode::invalid_argument, "filter pipeline has " +
                                                 std::to_string(specs_.size()) +
                                                 " filters; at most 32 are allowed");
  filters_.reserve(specs_.size());
  for (FilterSpec& spec : specs_) {
    // Complete client data as libhdf5's set_local callbacks would before storing it.
    if (spec.id == static_cast<std::uint16_t>(FilterId::shuffle)) {
      if (spec.client_data.empty()) spec.client_data.push_back(0);
      if (spec.client_data[0] == 0) spec.client_data[0] = static_cast<std::uint32_t>(element_size);
    } else if (spec.id == static_cast<std::uint16_t>(FilterId::lzf)) {
      if (spec.client_data.size() < 3) spec.client_data.resize(3, 0);
      if (spec.client_data[0] == 0) spec.client_data[0] = kLzfFilterRevision;
      if (spec.client_data[1] == 0) spec.client_data[1] = kLzfLibraryVersion;
      if (chunk_bytes != 0) spec.client_data[2] = static_cast<std::uint32_t>(chunk_bytes);
    }
    if (spec.name.empty()) spec.name = std::string(filter_name(spec.id));
    filters_.push_back(make_filter(spec, element_size, options));
  }
}

FilterPipeline::FilterPipeline(FilterPipeline&&) noexcept = default;
FilterPipeline& FilterPipeline::operator=(FilterPipeline&&) noexcept = default;
FilterPipeline::~FilterPipeline() = default;

Encoded FilterPipeline::encode(std::span<const std::byte> chunk) const {
  Encoded result;
  result.filter_mask = encode(chunk, result.bytes);
  return result;
}

std::uint32_t FilterPipeline::encode(std::span<const std::byte> chunk,
                                     std::vector<std::byte>& out) const {
  TrimScratch trim;
  std::uint32_t mask = 0;
  std::span<const std::byte> cur = chunk;
  int cur_scratch = -1;  // which scratch buffer `cur` lives in, -1 = the caller's chunk
  const std::size_t n = filters_.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Filter& f = *filters_[i];
    const std::size_t cap = f.max_encoded_size(cur.size());
    const bool last = i + 1 == n;
    // The last stage writes straight into `out`; earlier ones alternate scratch buffers.
    const int target_scratch = cur_scratch == 0 ? 1 : 0;
    std::span<std::byte> target;
    if (last) {
      out.resize(cap);
      target = out;
    } else {
      target = t_scratch[static_cast<std::size_t>(target_scratch)].get(cap);
    }
    const std::optional<std::size_t> written = f.encode(cur, target, specs_[i].optional());
    if (!written) {
      mask |= std::uint32_t{1} << i;
      continue;
    }
    cur = target.first(*written);
    if (last) {
      out.resize(*written);
      return mask;
    }
    cur_scratch = target_scratch;
  }
  // No filters, or the last one was skipped: `cur` holds the result.
  out.assign(cur.begin(), cur.end());
  return mask;
}

void FilterPipeline::decode(std::span<const std::byte> encoded, std::uint32_t filter_mask,
                            std::span<std::byte> out) const {
  TrimScratch trim;
  const std::size_t n = filters_.size();
  // Forward pass over sizes: the size entering stage i is known exactly while only
  // size-determined filters precede it, and is bounded above by max_encoded_size otherwise.
  // These bounds cap every buffer, so corrupt data cannot make decode allocate more.
  std::array<std::size_t, kMaxFilters + 1> bound{};
  std::array<std::optional<std::size_t>, kMaxFilters + 1> exact{};
  bound[0] = out.size();
  exact[0] = out.size();
  std::size_t first_applied = n;
  for (std::size_t i = 0; i < n; ++i) {
    if (skipped(filter_mask, i)) {
      bound[i + 1] = bound[i];
      exact[i + 1] = exact[i];
      continue;
    }
    if (first_applied == n) first_applied = i;
    bound[i + 1] = filters_[i]->max_encoded_size(bound[i]);
    exact[i + 1] = exact[i] ? filters_[i]->exact_encoded_size(*exact[i]) : std::nullopt;
  }
  if (exact[n] ? encoded.size() != *exact[n] : encoded.size() > bound[n])
    throw_corrupt("stored chunk is " + std::to_string(encoded.size()) + " bytes, expected " +
                  (exact[n] ? "" : "at most ") + std::to_string(exact[n].value_or(bound[n])) +
                  " for a " + std::to_string(out.size()) + "-byte chunk");
  if (first_applied == n) {
    if (!encoded.empty()) std::memcpy(out.data(), encoded.data(), encoded.size());
    return;
  }

  std::span<const std::byte> cur = encoded;
  int cur_scratch = -1;
  for (std::size_t i = n; i-- > first_applied;) {
    if (skipped(filter_mask, i)) continue;
    const Filter& f = *filters_[i];
    if (i != first_applied) {
      // A filter that only strips a trailer (fletcher32) needs no buffer of its own.
      if (std::optional<std::span<const std::byte>> view = f.decode_view(cur)) {
        cur = *view;
        if (exact[i] ? cur.size() != *exact[i] : cur.size() > bound[i])
          throw_corrupt("filter " + std::to_string(specs_[i].id) + " decoded to " +
                        std::to_string(cur.size()) + " bytes, expected " +
                        std::to_string(exact[i].value_or(bound[i])));
        continue;
      }
    }
    std::span<std::byte> target;
    if (i == first_applied) {
      target = out;
    } else {
      const int target_scratch = cur_scratch == 0 ? 1 : 0;
      target = t_scratch[static_cast<std::size_t>(target_scratch)].get(exact[i].value_or(bound[i]));
      cur_scratch = target_scratch;
    }
    const std::size_t produced = f.decode(cur, target, exact[i].has_value());
    cur = target.first(produced);
  }
}

}  // namespace h5mem::detail
