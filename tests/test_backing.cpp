// Files named by a filesystem path: load, write back on flush/close, FlushPolicy,
// backing_store(false), save_as, to_bytes/open_image, and failures at every write call of a
// flush (the old file and the in-memory data must survive them).
#include <doctest/doctest.h>

#include <h5mem/h5mem.hpp>

#include <sys/stat.h>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/backing_store.hpp"
#include "core/file_image.hpp"
#include "core/open_file.hpp"
#include "storage/fault_env.hpp"
#include "test_util.hpp"

using h5mem::Dataset;
using h5mem::DatasetOptions;
using h5mem::ErrorCode;
using h5mem::File;
using h5mem::FileOptions;
using h5mem::FlushPolicy;
using h5mem::Mode;
using h5mem::SaveOptions;

namespace {

std::vector<char> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool has_hdf5_signature(const std::vector<char>& bytes) {
  static const char sig[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  return bytes.size() >= 8 && std::equal(sig, sig + 8, bytes.begin());
}

ino_t inode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

// The image behind a handle, for injecting a faulty filesystem.
struct FilePeek : File {
  static std::shared_ptr<h5mem::detail::FileImage> image(const File& f) {
    return (f.*(&FilePeek::file_))->acquire();
  }
};

std::vector<double> ramp(std::size_t n, double scale) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = scale * static_cast<double>(i);
  return v;
}

// Writes a small file with a contiguous and a chunked+compressed dataset and attributes.
void fill(File& f, double scale) {
  f.attrs().set("title", std::string("backing test"));
  auto g = f.create_group("grp");
  g.create_dataset<double>("contig", {4, 5}).write(ramp(20, scale));
  g.create_dataset<double>("chunked", {40, 30},
                           DatasetOptions{}.chunks({16, 16}).shuffle().deflate(4))
      .write(ramp(1200, scale));
  g.attrs().set("scale", scale);
}

void check_content(const File& f, double scale) {
  CHECK(f.attrs().read<std::string>("title") == "backing test");
  CHECK(f.dataset("grp/contig").read<double>() == ramp(20, scale));
  CHECK(f.dataset("grp/chunked").read<double>() == ramp(1200, scale));
  CHECK(f.group("grp").attrs().read<double>("scale") == scale);
}

}  // namespace

TEST_CASE("create(path) writes an HDF5 file at once; close writes the data; open reads it") {
  {
    File f = File::create("a.h5");
    CHECK(has_hdf5_signature(slurp("a.h5")));
    fill(f, 1.5);
  }  // the last handle goes: written back (FlushPolicy::on_close)
  CHECK(has_hdf5_signature(slurp("a.h5")));
  File r = File::open("a.h5", Mode::read_only);
  check_content(r, 1.5);
  CHECK_CODE(r.dataset("grp/contig").write(ramp(20, 0)), ErrorCode::invalid_argument);
  r.close();
  // read_write: edits go back on close().
  File w = File::open("a.h5", Mode::read_write);
  w.dataset("grp/contig").write(ramp(20, -1));
  w.close();
  CHECK(File::open("a.h5").dataset("grp/contig").read<double>() == ramp(20, -1));
  std::filesystem::remove("a.h5");
}

TEST_CASE("two opens of one path share the image, as mem:// names do") {
  File a = File::create("shared.h5");
  File b = File::open("./shared.h5", Mode::read_write);
  a.create_group("g");
  CHECK(b.contains("g"));
  CHECK(a.name() == b.name());
  CHECK_CODE(File::create("shared.h5"), ErrorCode::busy);
  CHECK_CODE(File::open("shared.h5", Mode::create_new), ErrorCode::already_exists);
  a.close();
  b.close();
  CHECK(File::open("shared.h5").contains("g"));
  CHECK_CODE(File::open("shared.h5", Mode::create_new), ErrorCode::already_exists);
  std::filesystem::remove("shared.h5");
}

TEST_CASE("FlushPolicy::manual writes only on flush(); unchanged files are not rewritten") {
  {
    File f = File::create("m.h5");
    fill(f, 2.0);
  }
  const std::vector<char> before = slurp("m.h5");
  const ino_t ino = inode_of("m.h5");
  {
    File f = File::open("m.h5", Mode::read_write, FileOptions{}.flush_policy(FlushPolicy::manual));
    f.dataset("grp/contig").write(ramp(20, 7));
  }
  CHECK(slurp("m.h5") == before);
  CHECK(inode_of("m.h5") == ino);
  {
    File f = File::open("m.h5", Mode::read_write, FileOptions{}.flush_policy(FlushPolicy::manual));
    f.dataset("grp/contig").write(ramp(20, 7));
    f.flush();
    CHECK(slurp("m.h5") != before);
  }
  CHECK(File::open("m.h5").dataset("grp/contig").read<double>() == ramp(20, 7));
  // Opening read/write and closing without a change leaves the very same file.
  const ino_t ino2 = inode_of("m.h5");
  const std::vector<char> now = slurp("m.h5");
  { File f = File::open("m.h5", Mode::read_write); }
  CHECK(inode_of("m.h5") == ino2);
  CHECK(slurp("m.h5") == now);
  std::filesystem::remove("m.h5");
}

TEST_CASE("backing_store(false): the file is loaded and never written (h5py backing_store=False)") {
  {
    File f = File::create("scratch.h5");
    fill(f, 3.0);
  }
  const std::vector<char> before = slurp("scratch.h5");
  {
    File f = File::open("scratch.h5", Mode::read_write, FileOptions{}.backing_store(false));
    check_content(f, 3.0);
    f.dataset("grp/contig").write(ramp(20, 9));
    f.create_group("new");
    f.flush();
    CHECK(f.dataset("grp/contig").read<double>() == ramp(20, 9));
  }
  CHECK(slurp("scratch.h5") == before);
  // A create with no backing store writes nothing at all.
  {
    File f = File::create("never.h5", {}, FileOptions{}.backing_store(false));
    fill(f, 1);
  }
  CHECK_FALSE(std::filesystem::exists("never.h5"));
  std::filesystem::remove("scratch.h5");
}

TEST_CASE("save_as and to_bytes write any file; open_image reads an image from memory") {
  const std::string name = h5t::mem_name("bk-save");
  File f = File::create(name);
  fill(f, 4.0);
  f.save_as("copy.h5");
  CHECK(f.name() == name);
  check_content(File::open("copy.h5"), 4.0);
  for (auto fmt : {h5mem::Format::earliest, h5mem::Format::latest}) {
    CAPTURE(static_cast<int>(fmt));
    std::vector<std::byte> bytes = f.to_bytes(SaveOptions{}.format(fmt));
    REQUIRE(bytes.size() > 8);
    const std::string img_name = h5t::mem_name("bk-image");
    File g = File::open_image(img_name, bytes);
    check_content(g, 4.0);
    CHECK(g.mode() == Mode::read_only);
    CHECK_CODE(File::open_image(img_name, bytes), ErrorCode::already_exists);
  }
  std::filesystem::remove("copy.h5");
}

TEST_CASE("open_image and open reject what is not HDF5, naming the file; nothing is registered") {
  std::vector<std::byte> junk(4096, std::byte{0x5a});
  const std::string name = h5t::mem_name("bk-junk");
  CHECK_CODE_MSG(File::open_image(name, junk), ErrorCode::corruption, name);
  CHECK_FALSE(h5mem::Registry::exists(name));
  { std::ofstream("junk.h5", std::ios::binary).write("not an hdf5 file at all", 23); }
  CHECK_CODE_MSG(File::open("junk.h5"), ErrorCode::corruption, "junk.h5");
  CHECK_CODE(File::open("junk.h5", Mode::open_or_create), ErrorCode::corruption);
  CHECK(slurp("junk.h5").size() == 23u);
  std::filesystem::remove("junk.h5");
}

TEST_CASE("a failure at any write call of a flush keeps the old file and the data; retry works") {
  {
    File f = File::create("fault.h5");
    fill(f, 5.0);
  }
  const std::vector<char> old = slurp("fault.h5");
  h5mem::detail::FaultInjectionEnv fenv(h5mem::detail::Env::posix());
  File f =
      File::open("fault.h5", Mode::read_write, FileOptions{}.flush_policy(FlushPolicy::manual));
  auto img = FilePeek::image(f);
  img->backing->env = &fenv;
  f.dataset("grp/chunked").write(ramp(1200, 6.0));
  // Learn how many write calls a flush makes, on a scratch copy.
  fenv.reset_calls();
  h5mem::detail::save_image(*img, std::filesystem::absolute("probe.h5").string(),
                            h5mem::Format::earliest, fenv);
  const std::uint64_t calls = fenv.calls();
  std::filesystem::remove("probe.h5");
  REQUIRE(calls >= 4u);  // create, append, sync, close, rename, sync_dir
  for (int err : {ENOSPC, EIO, EACCES}) {
    for (std::uint64_t i = 1; i <= calls; ++i) {
      CAPTURE(i);
      CAPTURE(err);
      fenv.reset_calls();
      fenv.arm(i, err);
      bool threw = false;
      try {
        f.flush();
      } catch (const h5mem::Error& e) {
        threw = true;
        CHECK(e.code() == ErrorCode::io_error);
        CHECK(std::string(e.what()).find("fault.h5") != std::string::npos);
      }
      fenv.disarm();
      CHECK(threw);
      const bool last = i == calls;  // the directory sync after the rename
      if (!last) CHECK(slurp("fault.h5") == old);
      CHECK(f.dataset("grp/chunked").read<double>() == ramp(1200, 6.0));
      // No temporary files are left behind.
      for (auto& e : std::filesystem::directory_iterator(".")) {
        CHECK(e.path().filename().string().rfind(".fault.h5.tmp", 0) == std::string::npos);
      }
      if (last) {  // the new file is in place (durability unknown): put the old one back
        std::filesystem::remove("fault.h5");
        std::ofstream("fault.h5", std::ios::binary)
            .write(old.data(), static_cast<std::streamsize>(old.size()));
      }
    }
  }
  f.flush();
  f.close();
  File r = File::open("fault.h5");
  CHECK(r.dataset("grp/chunked").read<double>() == ramp(1200, 6.0));
  r.close();
  std::filesystem::remove("fault.h5");
}

TEST_CASE("close() reports a failed write-back and keeps the file open; data is not lost") {
  std::filesystem::create_directory("dir");
  File f = File::create("dir/x.h5");
  fill(f, 8.0);
  h5mem::detail::FaultInjectionEnv fenv(h5mem::detail::Env::posix());
  FilePeek::image(f)->backing->env = &fenv;
  fenv.arm(1, ENOSPC, h5mem::detail::FaultMode::persistent);
  CHECK_CODE_MSG(f.close(), ErrorCode::io_error, "x.h5");
  CHECK(f.is_open());
  check_content(f, 8.0);
  f.save_as("rescued.h5");
  check_content(File::open("rescued.h5"), 8.0);
  fenv.disarm();
  f.close();
  CHECK_FALSE(f.is_open());
  check_content(File::open("dir/x.h5"), 8.0);
  std::filesystem::remove_all("dir");
  std::filesystem::remove("rescued.h5");
}

TEST_CASE("a flush into a directory that is gone is io_error naming the path; data survives") {
  std::filesystem::create_directory("gone");
  File f = File::create("gone/x.h5", {}, FileOptions{}.flush_policy(FlushPolicy::manual));
  fill(f, 9.0);
  std::filesystem::remove_all("gone");
  CHECK_CODE_MSG(f.flush(), ErrorCode::io_error, "gone/x.h5");
  check_content(f, 9.0);
  f.save_as("saved.h5");
  check_content(File::open("saved.h5"), 9.0);
  CHECK_FALSE(std::filesystem::exists("gone"));
  f.close();  // manual policy: nothing is written at close
  CHECK_FALSE(std::filesystem::exists("gone"));
  std::filesystem::remove("saved.h5");
}

TEST_CASE("opened files keep chunks and contiguous data in the mapping until written") {
  {
    File f = File::create("mapped.h5");
    fill(f, 2.0);
    f.create_dataset<double>("raw", {64, 64}, DatasetOptions{}.chunks({16, 16}))
        .write(ramp(4096, 3.0));
  }
  const std::vector<char> before = slurp("mapped.h5");
  {
    File w = File::open("mapped.h5", Mode::read_write);
    // Only attribute payloads are held: 32 KiB of raw chunks, compressed chunks and the
    // contiguous elements are views of the file. (Groups are read on first use: read them
    // all before counting.)
    check_content(w, 2.0);
    const std::uint64_t held = w.bytes_held();
    CHECK(held < 1024);
    CHECK(w.dataset("raw").read<double>() == ramp(4096, 3.0));
    CHECK(w.bytes_held() == held);  // reading copies nothing (the cache is not counted)
    // A write copies just what it touches: one raw chunk, then the contiguous elements.
    w.dataset("raw")
        .select({h5mem::Slice(0, 1), h5mem::Slice(0, 1)})
        .write(std::vector<double>{-1});
    CHECK(w.bytes_held() == held + 16 * 16 * 8);
    w.dataset("grp/contig").write(ramp(20, -2.0));
    CHECK(w.bytes_held() == held + 16 * 16 * 8 + 20 * 8);
    std::vector<double> want = ramp(4096, 3.0);
    want[0] = -1;
    CHECK(w.dataset("raw").read<double>() == want);
    CHECK(slurp("mapped.h5") == before);  // the file is never written through the mapping
    w.flush();                            // writes a new file from the old mapping plus the edits
    CHECK(slurp("mapped.h5") != before);
    w.dataset("raw")
        .select({h5mem::Slice(63, 64), h5mem::Slice(63, 64)})
        .write(std::vector<double>{-3});
    w.flush();  // the chunks still borrowed point into the first file's (unlinked) inode
    want[4095] = -3;
    CHECK(w.dataset("raw").read<double>() == want);
  }
  File r = File::open("mapped.h5");
  CHECK(r.dataset("grp/contig").read<double>() == ramp(20, -2.0));
  CHECK(r.dataset("grp/chunked").read<double>() == ramp(1200, 2.0));
  std::vector<double> want = ramp(4096, 3.0);
  want[0] = -1;
  want[4095] = -3;
  CHECK(r.dataset("raw").read<double>() == want);
  r.close();
  std::filesystem::remove("mapped.h5");
}

TEST_CASE("open_image: Ownership::borrow keeps views of the caller's bytes, copy does not") {
  const std::string src = h5t::mem_name("bk-own-src");
  File f = File::create(src);
  fill(f, 5.0);
  f.create_dataset<double>("raw", {64, 64}, DatasetOptions{}.chunks({16, 16}))
      .write(ramp(4096, 1.0));
  std::vector<std::byte> bytes = f.to_bytes();
  const std::vector<std::byte> pristine = bytes;

  File c = File::open_image(h5t::mem_name("bk-own-copy"), bytes, Mode::read_write);
  const std::uint64_t copied = c.bytes_held();
  CHECK(copied > 4096 * 8);
  std::fill(bytes.begin(), bytes.end(), std::byte{0});  // copy mode: the caller may reuse them
  check_content(c, 5.0);
  CHECK(c.dataset("raw").read<double>() == ramp(4096, 1.0));

  bytes = pristine;
  File b = File::open_image(h5t::mem_name("bk-own-borrow"), bytes, Mode::read_write,
                            h5mem::ImageOptions{}.ownership(h5mem::Ownership::borrow));
  CHECK(b.bytes_held() + 4096 * 8 < copied);
  check_content(b, 5.0);
  CHECK(b.dataset("raw").read<double>() == ramp(4096, 1.0));
  b.dataset("raw").write(ramp(4096, -1.0));
  b.dataset("grp/contig").write(ramp(20, -1.0));
  CHECK(b.dataset("raw").read<double>() == ramp(4096, -1.0));
  CHECK((bytes == pristine));  // writes never go through to the lent bytes
}

TEST_CASE("save_as and to_bytes report progress up to the file's size") {
  File f = File::create(h5t::mem_name("bk-progress"));
  // About 12 MiB of incompressible-ish doubles: several 4 MiB steps.
  f.create_dataset<double>("big", {1536, 1024}).write(ramp(1536 * 1024, 0.5));
  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  auto record = [&calls](std::uint64_t written, std::uint64_t total) {
    calls.emplace_back(written, total);
  };
  f.save_as("progress.h5", SaveOptions{}.progress(record));
  const std::uint64_t size = std::filesystem::file_size("progress.h5");
  REQUIRE(calls.size() >= 3);
  CHECK(calls.back() == std::make_pair(size, size));
  for (std::size_t i = 1; i < calls.size(); ++i) {
    CHECK(calls[i - 1].first <= calls[i].first);
    CHECK(calls[i].second == size);
  }
  calls.clear();
  const std::vector<std::byte> bytes = f.to_bytes(SaveOptions{}.progress(record));
  REQUIRE_FALSE(calls.empty());
  CHECK(calls.back() == std::make_pair<std::uint64_t, std::uint64_t>(bytes.size(), bytes.size()));
  // A callback that throws aborts the save and leaves the destination as it was.
  const std::vector<char> before = slurp("progress.h5");
  auto stop = [](std::uint64_t written, std::uint64_t) {
    if (written > (4u << 20)) throw std::runtime_error("cancelled");
  };
  CHECK_THROWS_AS(f.save_as("progress.h5", SaveOptions{}.progress(stop)), std::runtime_error);
  CHECK(slurp("progress.h5") == before);
  std::filesystem::remove("progress.h5");
}
