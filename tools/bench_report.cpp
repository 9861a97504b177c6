// Formatting of `h5mem bench` results: text tables, JSON, progress bar.
#include "bench_report.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace h5mem::cli::bench {
namespace {

// Fixed-width cell: pads (or leaves) `s` to `w` display columns. Counts UTF-8 code points,
// so "µs" is two columns wide, not three.
std::string pad(const std::string& s, std::size_t w, bool right = false) {
  std::size_t cols = 0;
  for (unsigned char c : s) cols += (c & 0xC0) != 0x80;
  if (cols >= w) return s;
  std::string fill(w - cols, ' ');
  return right ? fill + s : s + fill;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// Number with about four significant digits, so small and large values both read well.
std::string num(double v) {
  if (!std::isfinite(v)) return "-";
  double a = std::fabs(v);  // thresholds leave room for rounding up (99.995 -> "100.0")
  if (a >= 999.5) return fmt("%.0f", v);
  if (a >= 99.95) return fmt("%.1f", v);
  if (a >= 9.995) return fmt("%.2f", v);
  return fmt("%.3f", v);
}

double ratio(const RunInfo& info, const ConfigResult& r) {
  return r.storage_bytes
             ? static_cast<double>(info.logical_bytes) / static_cast<double>(r.storage_bytes)
             : 0.0;
}

std::string shape_list(const Shape& s, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) out += sep;
    out += std::to_string(s[i]);
  }
  return out;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string json_number(double v) {
  return std::isfinite(v) ? fmt("%.6g", v) : "null";
}

std::string json_shape(const Shape& s) {
  std::string out = "[";  // built by appending: GCC 12 -Wrestrict misfires on "[" + string&&
  out += shape_list(s, ", ");
  out += ']';
  return out;
}

std::string json_timing(const Timing& t) {
  return "{\"name\": " + json_string(t.name) + ", \"ops\": " + std::to_string(t.ops) +
         ", \"bytes_per_op\": " + std::to_string(t.bytes_per_op) +
         ", \"median_us\": " + json_number(t.median_us) +
         ", \"mean_us\": " + json_number(t.mean_us) + ", \"min_us\": " + json_number(t.min_us) +
         ", \"mb_per_s\": " + json_number(t.mb_per_s()) + "}";
}

}  // namespace

std::string chunks_label(const Shape& chunks) {
  return chunks.empty() ? "contiguous" : shape_list(chunks, "x");
}

std::string human_bytes(std::uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? std::to_string(n) + " B" : fmt("%.2f", v) + " " + units[u];
}

void print_header(std::FILE* out, const RunInfo& info) {
  std::fprintf(out, "h5mem %s bench: shape %s %s (%s), pattern %s\n", info.version.c_str(),
               shape_list(info.shape, "x").c_str(), info.dtype.c_str(),
               human_bytes(info.logical_bytes).c_str(), info.pattern.c_str());
  std::fprintf(
      out, "threads %s (hardware %u), cache %s, min time %.2f s per operation\n",
      info.threads ? std::to_string(*info.threads).c_str() : "default", info.hardware_threads,
      info.cache_bytes ? human_bytes(*info.cache_bytes).c_str() : "default", info.min_time_s);
  std::fprintf(out,
               "µs/op and MB/s (10^6 B/s of decoded data) are at the median op, mean µs over all "
               "ops; ratio = logical bytes / storage_bytes()\n");
}

void print_config(std::FILE* out, const RunInfo& info, const ConfigResult& r) {
  std::fprintf(out, "\nchunks %s, codec %s\n", chunks_label(r.chunks).c_str(), r.codec.c_str());
  std::fprintf(out, "  stored %s, ratio %.2f; held %s after write, %s after reads\n",
               human_bytes(r.storage_bytes).c_str(), ratio(info, r),
               human_bytes(r.held_after_write).c_str(), human_bytes(r.held_after_reads).c_str());
  std::size_t w = 10;
  for (const auto& t : r.reads) w = std::max(w, t.name.size() + 2);
  std::fprintf(out, "  %s%s%s%s%s%s\n", pad("operation", w).c_str(), pad("ops", 7, true).c_str(),
               pad("bytes/op", 12, true).c_str(), pad("µs/op", 12, true).c_str(),
               pad("mean µs", 12, true).c_str(), pad("MB/s", 10, true).c_str());
  auto row = [&](const Timing& t) {
    std::fprintf(out, "  %s%s%s%s%s%s\n", pad(t.name, w).c_str(),
                 pad(std::to_string(t.ops), 7, true).c_str(),
                 pad(human_bytes(t.bytes_per_op), 12, true).c_str(),
                 pad(num(t.median_us), 12, true).c_str(), pad(num(t.mean_us), 12, true).c_str(),
                 pad(num(t.mb_per_s()), 10, true).c_str());
  };
  row(r.first_write);
  row(r.rewrite);
  for (const auto& t : r.reads) row(t);
  std::fflush(out);
}

void print_summary(std::FILE* out, const RunInfo& info, const std::vector<ConfigResult>& rs) {
  if (rs.empty()) return;
  std::size_t wc = 12, wk = 8;
  for (const auto& r : rs) {
    wc = std::max(wc, chunks_label(r.chunks).size() + 2);
    wk = std::max(wk, r.codec.size() + 2);
  }
  // Boxes are small: their cost reads best as µs per read; everything else as MB/s.
  auto is_box = [](const Timing& t) { return t.name.rfind("box", 0) == 0; };
  std::vector<std::size_t> widths;
  for (const auto& t : rs.front().reads)
    widths.push_back(std::max<std::size_t>(t.name.size() + 2, 10));
  std::fprintf(
      out, "\nsummary (MB/s; box reads in µs per read; write = first write, held = after reads)\n");
  std::string h1 = pad("chunks", wc) + pad("codec", wk) + pad("ratio", 7, true) +
                   pad("held", 12, true) + pad("write", 9, true) + pad("rewrite", 9, true);
  for (std::size_t i = 0; i < widths.size(); ++i) {
    h1 += pad(rs.front().reads[i].name + (is_box(rs.front().reads[i]) ? " µs" : ""),
              widths[i] + (is_box(rs.front().reads[i]) ? 3 : 0), true);
  }
  std::fprintf(out, "%s\n", h1.c_str());
  for (const auto& r : rs) {
    std::string line =
        pad(chunks_label(r.chunks), wc) + pad(r.codec, wk) +
        pad(fmt("%.2f", ratio(info, r)), 7, true) + pad(human_bytes(r.held_after_reads), 12, true) +
        pad(num(r.first_write.mb_per_s()), 9, true) + pad(num(r.rewrite.mb_per_s()), 9, true);
    for (std::size_t i = 0; i < widths.size() && i < r.reads.size(); ++i) {
      const Timing& t = r.reads[i];
      line +=
          pad(num(is_box(t) ? t.median_us : t.mb_per_s()), widths[i] + (is_box(t) ? 3 : 0), true);
    }
    std::fprintf(out, "%s\n", line.c_str());
  }
  std::fflush(out);
}

void print_json(std::FILE* out, const RunInfo& info, const std::vector<ConfigResult>& rs) {
  std::string s = "{\n";
  s += "  \"tool\": \"h5mem bench\",\n  \"version\": " + json_string(info.version) + ",\n";
  s += "  \"shape\": " + json_shape(info.shape) + ",\n";
  s += "  \"dtype\": " + json_string(info.dtype) + ",\n";
  s += "  \"pattern\": " + json_string(info.pattern) + ",\n";
  s += "  \"logical_bytes\": " + std::to_string(info.logical_bytes) + ",\n";
  s += "  \"threads\": " + (info.threads ? std::to_string(*info.threads) : "null") + ",\n";
  s += "  \"cache_bytes\": " + (info.cache_bytes ? std::to_string(*info.cache_bytes) : "null") +
       ",\n";
  s += "  \"hardware_threads\": " + std::to_string(info.hardware_threads) + ",\n";
  s += "  \"min_time_s\": " + json_number(info.min_time_s) + ",\n";
  s += "  \"box\": " + json_shape(info.box) + ",\n";
  s += "  \"box_reads\": " + std::to_string(info.box_reads) + ",\n";
  s += "  \"stride\": " + std::to_string(info.stride) + ",\n";
  s += "  \"seed\": " + std::to_string(info.seed) + ",\n";
  s += "  \"configs\": [";
  for (std::size_t i = 0; i < rs.size(); ++i) {
    const ConfigResult& r = rs[i];
    s += i ? ",\n    {" : "\n    {";
    s += "\"chunks\": " + (r.chunks.empty() ? std::string("null") : json_shape(r.chunks));
    s += ", \"codec\": " + json_string(r.codec);
    s += ",\n     \"storage_bytes\": " + std::to_string(r.storage_bytes);
    s += ", \"compression_ratio\": " + json_number(ratio(info, r));
    s += ", \"bytes_held_after_write\": " + std::to_string(r.held_after_write);
    s += ", \"bytes_held_after_reads\": " + std::to_string(r.held_after_reads);
    s += ", \"verified\": true";
    s += ",\n     \"first_write\": " + json_timing(r.first_write);
    s += ",\n     \"rewrite\": " + json_timing(r.rewrite);
    s += ",\n     \"reads\": [";
    for (std::size_t j = 0; j < r.reads.size(); ++j) {
      s += (j ? ",\n       " : "\n       ") + json_timing(r.reads[j]);
    }
    s += "]}";
  }
  s += "\n  ]\n}\n";
  std::fputs(s.c_str(), out);
  std::fflush(out);
}

void Progress::start(const std::string& label) {
  if (!enabled_) return;
  constexpr std::uint64_t kWidth = 30;
  const std::uint64_t filled = total_ ? std::min(kWidth, done_ * kWidth / total_) : 0;
  std::string bar(filled, '#');
  bar += std::string(kWidth - filled, '.');
  std::string text = label.size() > 60 ? label.substr(0, 57) + "..." : label;
  std::fprintf(stderr, "\r\033[K[%s] %llu/%llu %s", bar.c_str(),
               static_cast<unsigned long long>(done_ + 1), static_cast<unsigned long long>(total_),
               text.c_str());
  std::fflush(stderr);
  shown_ = true;
}

void Progress::clear() {
  if (!enabled_ || !shown_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace h5mem::cli::bench
