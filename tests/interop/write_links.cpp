// Interop helper for check_links.py.
//   write_links write DIR   writes DIR/objects_{earliest,latest}.h5 with soft links (absolute,
//                           relative, dangling, enough for dense storage), external links,
//                           committed datatypes (with attributes, used by datasets) and null
//                           dataspaces, and DIR/target.h5 (what the external links name)
//   write_links read FILE   prints what h5mem sees in FILE, one fact per line:
//                           "soft PATH TARGET", "external PATH FILE TARGET",
//                           "type PATH DTYPE", "uses PATH TYPEPATH", "null PATH",
//                           "nullattr PATH NAME"
#include <h5mem/h5mem.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

using namespace h5mem;

namespace {

void write_objects(const std::string& path, Format format) {
  File f = File::create("mem://objects", {}, FileOptions{}.format(format));
  Dataset d = f.create_dataset<std::int32_t>("g/d", Shape{3});
  d.write(std::vector<std::int32_t>{1, 2, 3});
  f.create_soft_link("soft", "/g/d");
  f.group("g").create_soft_link("rel", "d");
  f.create_soft_link("dangling", "/nowhere");
  f.create_external_link("ext", "target.h5", "/x");
  f.group("g").create_external_link("ext_missing", "missing.h5", "/y");
  Group many = f.create_group("many");
  for (int i = 0; i < 10; ++i) many.create_soft_link("s" + std::to_string(i), "/g/d");

  NamedType t = f.commit_datatype("t", dtype_of<std::int32_t>());
  t.attrs().set("units", std::string("K"));
  Dataset dn = f.create_dataset("d_named", t, Shape{4});
  dn.write(std::vector<std::int32_t>{5, 6, 7, 8});
  NamedType pt = f.commit_datatype(
      "g/point",
      CompoundBuilder().add("x", dtype_of<double>()).add("n", dtype_of<std::int16_t>()).build());
  f.create_dataset("g/points", pt, Shape{2}, DatasetOptions{}.chunks({1}));

  f.create_null_dataset("e", dtype_of<double>());
  f.attrs().set_null("ea", dtype_of<float>());
  d.attrs().set_null("da", DType::vlen_string());
  f.save_as(path, SaveOptions{}.format(format));
}

void print_group(const Group& g, const std::string& path) {
  const auto& prefix = path == "/" ? std::string("/") : path + "/";
  for (const std::string& a : g.attrs().list()) {
    if (g.attrs().get(a).is_null()) std::cout << "nullattr " << path << " " << a << "\n";
  }
  for (const std::string& name : g.list()) {
    const std::string p = prefix + name;
    LinkInfo l = g.link_info(name);
    if (l.kind == LinkKind::soft) {
      std::cout << "soft " << p << " " << l.target << "\n";
      continue;
    }
    if (l.kind == LinkKind::external) {
      std::cout << "external " << p << " " << l.file << " " << l.target << "\n";
      continue;
    }
    switch (g.kind_of(name)) {
      case ObjectKind::group:
        print_group(g.group(name), p);
        break;
      case ObjectKind::datatype:
        std::cout << "type " << p << " " << g.named_type(name).dtype().name() << "\n";
        break;
      case ObjectKind::dataset: {
        Dataset ds = g.dataset(name);
        if (ds.is_null()) std::cout << "null " << p << "\n";
        if (auto t = ds.named_type()) std::cout << "uses " << p << " " << t->path() << "\n";
        for (const std::string& a : ds.attrs().list()) {
          if (ds.attrs().get(a).is_null()) std::cout << "nullattr " << p << " " << a << "\n";
        }
        break;
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: write_links write DIR | read FILE\n");
    return 2;
  }
  const std::string cmd = argv[1], arg = argv[2];
  try {
    if (cmd == "write") {
      File t = File::create("mem://target");
      t.create_dataset<double>("x", Shape{2}).write(std::vector<double>{0.5, 1.5});
      t.save_as(arg + "/target.h5");
      write_objects(arg + "/objects_earliest.h5", Format::earliest);
      write_objects(arg + "/objects_latest.h5", Format::latest);
      return 0;
    }
    if (cmd == "read") {
      File f = File::open(arg, Mode::read_only);
      print_group(f, "/");
      return 0;
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "write_links: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "write_links: unknown command %s\n", cmd.c_str());
  return 2;
}
