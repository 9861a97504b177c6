#include "h5mem/dtype.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "core/dtype_detail.hpp"
#include "core/fail.hpp"
#include "core/vlen_elements.hpp"

namespace h5mem {

using detail::TypeDetail;

namespace {

const std::vector<Member> kNoMembers;
const std::vector<EnumValue> kNoValues;
const std::vector<std::uint64_t> kNoDims;
const std::string kNoTag;

void check_int_size(std::size_t size, const char* what) {
  if (size != 1 && size != 2 && size != 4 && size != 8) {
    detail::fail(ErrorCode::invalid_argument, std::string(what) +
                                                  " size must be 1, 2, 4 or 8 bytes, not " +
                                                  std::to_string(size));
  }
}

// Largest value an integer type holds, as the enum range check needs.
bool fits(const DType& base, std::int64_t v) {
  const std::size_t bits = base.size() * 8;
  if (bits == 64) return true;
  if (base.is_signed()) {
    std::int64_t lo = -(std::int64_t{1} << (bits - 1)), hi = (std::int64_t{1} << (bits - 1)) - 1;
    return v >= lo && v <= hi;
  }
  return v >= 0 && static_cast<std::uint64_t>(v) < (std::uint64_t{1} << bits);
}

}  // namespace

DType DType::signed_integer(std::size_t size, ByteOrder order) {
  check_int_size(size, "integer datatype");
  DType t(TypeClass::integer, size);
  t.signed_ = true;
  t.order_ = order;
  return t;
}

DType DType::unsigned_integer(std::size_t size, ByteOrder order) {
  check_int_size(size, "integer datatype");
  DType t(TypeClass::integer, size);
  t.order_ = order;
  return t;
}

DType DType::floating(std::size_t size, ByteOrder order) {
  if (size != 2 && size != 4 && size != 8) {
    detail::fail(ErrorCode::invalid_argument,
                 "floating-point datatype size must be 2, 4 or 8 bytes, not " + std::to_string(size));
  }
  DType t(TypeClass::floating, size);
  t.signed_ = true;
  t.order_ = order;
  return t;
}

DType DType::vlen_string(CharSet charset) {
  DType t(TypeClass::string, sizeof(std::string));
  t.variable_ = true;
  t.has_vlen_ = true;
  t.charset_ = charset;
  return t;
}

DType DType::fixed_string(std::size_t size, StringPad pad, CharSet charset) {
  if (size == 0) detail::fail(ErrorCode::invalid_argument, "fixed-length strings need size >= 1");
  DType t(TypeClass::string, size);
  t.pad_ = pad;
  t.charset_ = charset;
  return t;
}

DType DType::boolean() {
  static const DType b = enumeration(signed_integer(1), {{"FALSE", 0}, {"TRUE", 1}});
  return b;
}

DType DType::complex(std::size_t component_size, ByteOrder order) {
  if (component_size != 4 && component_size != 8) {
    detail::fail(ErrorCode::invalid_argument,
                 "complex components must be 4 or 8 bytes, not " + std::to_string(component_size));
  }
  if (order == native_order) {
    static const DType c8 = CompoundBuilder().add("r", floating(4)).add("i", floating(4)).build();
    static const DType c16 = CompoundBuilder().add("r", floating(8)).add("i", floating(8)).build();
    return component_size == 4 ? c8 : c16;
  }
  DType f = floating(component_size, order);
  return CompoundBuilder().add("r", f).add("i", f).build();
}

DType DType::bitfield(std::size_t size, ByteOrder order) {
  check_int_size(size, "bitfield datatype");
  DType t(TypeClass::bitfield, size);
  t.order_ = order;
  return t;
}

DType DType::opaque(std::size_t size, std::string tag) {
  if (size == 0) detail::fail(ErrorCode::invalid_argument, "opaque types need size >= 1");
  if (tag.size() >= 256) detail::fail(ErrorCode::invalid_argument, "opaque tags must be shorter than 256 bytes");
  DType t(TypeClass::opaque, size);
  auto d = std::make_shared<TypeDetail>();
  d->tag = std::move(tag);
  t.detail_ = std::move(d);
  return t;
}

DType DType::array(const DType& base, std::vector<std::uint64_t> dims) {
  if (dims.empty() || dims.size() > 32) {
    detail::fail(ErrorCode::invalid_argument, "array types need 1 to 32 dimensions");
  }
  std::uint64_t n = 1;
  for (auto d : dims) {
    if (d == 0 || __builtin_mul_overflow(n, d, &n)) {
      detail::fail(ErrorCode::invalid_argument, "array dimensions must be >= 1 and not overflow");
    }
  }
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(n, base.size(), &bytes) || bytes > 0xffffffffull) {
    detail::fail(ErrorCode::invalid_argument, "array type of 4 GiB or more");
  }
  DType t(TypeClass::array, static_cast<std::size_t>(bytes));
  t.has_vlen_ = base.has_vlen();
  auto d = std::make_shared<TypeDetail>();
  d->base = std::make_shared<const DType>(base);
  d->dims = std::move(dims);
  t.detail_ = std::move(d);
  return t;
}

DType DType::enumeration(const DType& base, std::vector<EnumValue> values) {
  if (base.type_class() != TypeClass::integer) {
    detail::fail(ErrorCode::invalid_argument, "enum base type must be an integer, not " + base.name());
  }
  std::set<std::string> names;
  std::set<std::int64_t> vals;
  for (const auto& v : values) {
    if (v.name.empty() || !names.insert(v.name).second) {
      detail::fail(ErrorCode::invalid_argument, "enum names must be unique and non-empty: \"" + v.name + "\"");
    }
    if (!vals.insert(v.value).second || !fits(base, v.value)) {
      detail::fail(ErrorCode::invalid_argument, "enum value " + std::to_string(v.value) + " of " + v.name +
                                                    " is a duplicate or does not fit " + base.name());
    }
  }
  DType t(TypeClass::enumeration, base.size());
  t.order_ = base.byte_order();
  t.signed_ = base.is_signed();
  auto d = std::make_shared<TypeDetail>();
  d->base = std::make_shared<const DType>(base);
  d->enum_values = std::move(values);
  t.detail_ = std::move(d);
  return t;
}

DType DType::vlen(const DType& base) {
  DType t(TypeClass::vlen, sizeof(detail::VlenBytes));
  t.has_vlen_ = true;
  auto d = std::make_shared<TypeDetail>();
  d->base = std::make_shared<const DType>(base);
  t.detail_ = std::move(d);
  return t;
}

DType DType::object_reference() { return DType(TypeClass::reference, 8); }

bool DType::is_boolean() const { return *this == boolean(); }

bool DType::is_complex() const {
  if (class_ != TypeClass::compound || detail_->members.size() != 2) return false;
  const auto& m = detail_->members;
  return m[0].name == "r" && m[1].name == "i" && m[0].offset == 0 &&
         m[0].type->type_class() == TypeClass::floating && *m[0].type == *m[1].type &&
         m[1].offset == m[0].type->size() && size_ == 2 * m[0].type->size();
}

const std::vector<Member>& DType::members() const { return detail_ ? detail_->members : kNoMembers; }

const Member& DType::member(std::string_view name) const {
  for (const auto& m : members()) {
    if (m.name == name) return m;
  }
  detail::fail(ErrorCode::not_found, "type " + this->name() + " has no member \"" + std::string(name) + "\"");
}

const std::vector<EnumValue>& DType::enum_values() const {
  return detail_ ? detail_->enum_values : kNoValues;
}

const DType& DType::base() const {
  if (!detail_ || !detail_->base) {
    detail::fail(ErrorCode::invalid_argument, name() + " has no base type");
  }
  return *detail_->base;
}

const std::vector<std::uint64_t>& DType::array_dims() const { return detail_ ? detail_->dims : kNoDims; }

const std::string& DType::tag() const { return detail_ ? detail_->tag : kNoTag; }

bool operator==(const DType& a, const DType& b) noexcept {
  if (a.class_ != b.class_ || a.size_ != b.size_ || a.variable_ != b.variable_) return false;
  switch (a.class_) {
    case TypeClass::integer:
    case TypeClass::bitfield:
      return a.signed_ == b.signed_ && a.order_ == b.order_;
    case TypeClass::floating:
      return a.order_ == b.order_;
    case TypeClass::string:
      return a.charset_ == b.charset_ && (a.variable_ || a.pad_ == b.pad_);
    case TypeClass::reference:
      return true;
    default:
      break;
  }
  if (a.detail_ == b.detail_) return true;
  if (!a.detail_ || !b.detail_) return false;
  const TypeDetail &x = *a.detail_, &y = *b.detail_;
  if ((x.base == nullptr) != (y.base == nullptr) || (x.base && !(*x.base == *y.base))) return false;
  if (x.dims != y.dims || x.tag != y.tag || x.members.size() != y.members.size()) return false;
  if (x.enum_values.size() != y.enum_values.size()) return false;
  for (std::size_t i = 0; i < x.enum_values.size(); ++i) {
    if (x.enum_values[i].name != y.enum_values[i].name || x.enum_values[i].value != y.enum_values[i].value) return false;
  }
  for (std::size_t i = 0; i < x.members.size(); ++i) {
    const Member &m = x.members[i], &n = y.members[i];
    if (m.name != n.name || m.offset != n.offset || !(*m.type == *n.type)) return false;
  }
  return true;
}

CompoundBuilder& CompoundBuilder::add(std::string name, const DType& type) {
  return add(std::move(name), next_, type);
}

CompoundBuilder& CompoundBuilder::add(std::string name, std::size_t offset, const DType& type) {
  members_.push_back(Member{std::move(name), offset, std::make_shared<const DType>(type)});
  next_ = std::max(next_, offset + type.size());
  return *this;
}

CompoundBuilder& CompoundBuilder::size(std::size_t bytes) {
  size_ = bytes;
  return *this;
}

namespace detail {

const TypeDetail* type_detail(const DType& t) noexcept {
  return t.detail_.get();
}

DType with_stored_layout(const DType& compound, std::vector<std::size_t> offsets,
                         std::size_t size) {
  const auto& ms = compound.members();
  if (compound.type_class() != TypeClass::compound || offsets.size() != ms.size()) {
    fail(ErrorCode::invalid_argument, "a stored layout needs one offset per compound member");
  }
  // Members in offset order (as `members` keeps them) must not overlap or overrun.
  std::size_t end = 0;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    const std::size_t n = stored_size(*ms[i].type);
    if (offsets[i] < end || offsets[i] + n > size) {
      fail(ErrorCode::invalid_argument, "stored member \"" + ms[i].name + "\" at " +
                                            std::to_string(offsets[i]) + " overlaps or ends past " +
                                            std::to_string(size) + " bytes");
    }
    end = offsets[i] + n;
  }
  auto d = std::make_shared<TypeDetail>(*compound.detail_);
  d->stored_offsets = std::move(offsets);
  d->stored_size = size;
  DType t = compound;
  t.detail_ = std::move(d);
  return t;
}

}  // namespace detail

DType CompoundBuilder::build() const {
  if (members_.empty()) detail::fail(ErrorCode::invalid_argument, "a compound type needs at least one member");
  std::size_t size = size_ ? size_ : next_;
  auto members = members_;
  std::stable_sort(members.begin(), members.end(), [](const Member& a, const Member& b) { return a.offset < b.offset; });
  std::set<std::string> names;
  bool vlen = false;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const Member& m = members[i];
    if (m.name.empty() || !names.insert(m.name).second) {
      detail::fail(ErrorCode::invalid_argument, "compound member names must be unique and non-empty: \"" + m.name + "\"");
    }
    if (m.offset + m.type->size() > size) {
      detail::fail(ErrorCode::invalid_argument, "compound member \"" + m.name + "\" ends past the type's size " +
                                                    std::to_string(size));
    }
    if (i > 0 && members[i - 1].offset + members[i - 1].type->size() > m.offset) {
      detail::fail(ErrorCode::invalid_argument, "compound members \"" + members[i - 1].name + "\" and \"" +
                                                    m.name + "\" overlap");
    }
    vlen |= m.type->has_vlen();
  }
  DType t(TypeClass::compound, size);
  t.has_vlen_ = vlen;
  auto d = std::make_shared<TypeDetail>();
  d->members = std::move(members);
  t.detail_ = std::move(d);
  return t;
}

namespace detail {
void size_mismatch(const DType& t, std::size_t size) {
  fail(ErrorCode::type_mismatch, "the type mapping describes " + t.name() + " of " + std::to_string(t.size()) +
                                     " bytes for a C++ type of " + std::to_string(size) + " bytes");
}
void not_trivially_copyable(const DType& t) {
  fail(ErrorCode::type_mismatch, "the type mapping describes " + t.name() +
                                     ", which has no variable-length member, for a C++ type that "
                                     "is not trivially copyable");
}
}  // namespace detail

}  // namespace h5mem
