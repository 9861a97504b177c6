// format/hdf5/messages/modification_time.cpp -- modification time messages, old and new.
#include "format/hdf5/messages/modification_time.hpp"

#include <cstdio>
#include <string>

#include "core/fail.hpp"
#include "format/hdf5/byte_io.hpp"

namespace h5mem::detail {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// The inverse of days_from_civil.
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

}  // namespace

ModificationTimeMessage decode_modification_time(std::span<const std::byte> body,
                                                 std::uint64_t offset) {
  ByteReader r(body, offset, "modification time message");
  ModificationTimeMessage m;
  m.version = r.u8();
  if (m.version != 1) {
    fail(ErrorCode::unsupported, "modification time message at byte " + std::to_string(offset) +
                                     ": version " + std::to_string(m.version));
  }
  r.skip(3);
  m.seconds = r.u32();
  return m;
}

std::vector<std::byte> encode_modification_time(const ModificationTimeMessage& m) {
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.u8(1);
  w.zeros(3);
  w.u32(m.seconds);
  return out;
}

ModificationTimeMessage decode_old_modification_time(std::span<const std::byte> body,
                                                     std::uint64_t offset) {
  ByteReader r(body, offset, "old modification time message");
  const std::string digits(reinterpret_cast<const char*>(r.bytes(14).data()), 14);
  r.skip(2);
  for (char c : digits) {
    if (c < '0' || c > '9') fail_corrupt("old modification time message", offset, "not digits");
  }
  auto field = [&](std::size_t at, std::size_t n) { return std::stoul(digits.substr(at, n)); };
  const std::int64_t year = static_cast<std::int64_t>(field(0, 4));
  const unsigned month = static_cast<unsigned>(field(4, 2));
  const unsigned day = static_cast<unsigned>(field(6, 2));
  const unsigned long hour = field(8, 2), minute = field(10, 2), second = field(12, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    fail_corrupt("old modification time message", offset, "date or time out of range");
  }
  const std::int64_t t = days_from_civil(year, month, day) * 86400 +
                         static_cast<std::int64_t>(hour * 3600 + minute * 60 + second);
  if (t < 0 || t > 0xFFFFFFFFll) {
    fail_corrupt("old modification time message", offset, "time outside 32-bit epoch seconds");
  }
  return ModificationTimeMessage{0, static_cast<std::uint32_t>(t)};
}

std::vector<std::byte> encode_old_modification_time(std::uint32_t seconds) {
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(seconds / 86400, y, m, d);
  const std::uint32_t s = seconds % 86400;
  char text[64];  // roomy: the compiler cannot see that every field is 2-4 digits
  std::snprintf(text, sizeof text, "%04d%02u%02u%02u%02u%02u", static_cast<int>(y), m, d, s / 3600,
                (s / 60) % 60, s % 60);
  std::vector<std::byte> out;
  ByteWriter w(out);
  w.text(std::string_view(text, 14));
  w.zeros(2);
  return out;
}

}  // namespace h5mem::detail
