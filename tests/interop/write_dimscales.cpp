// Interop helper for check_dimscales.py.
//   write_dimscales write DIR   writes DIR/dims_{earliest,latest}.h5 (dimension scales only,
//                               for ncdump and netCDF4) and DIR/refs_{earliest,latest}.h5
//                               (object references in datasets and attributes)
//   write_dimscales read FILE   prints what h5mem sees in FILE, one fact per line:
//                               "scale PATH", "attach PATH DIM SCALEPATH",
//                               "label PATH DIM LABEL", "ref PATH INDEX TARGET|null",
//                               "attrref PATH NAME TARGET|null"
//   write_dimscales copy SRC DST    opens SRC and saves it as DST (format latest)
#include <h5mem/h5mem.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using namespace h5mem;

namespace {

void write_dims(const std::string& path, Format format) {
  File f = File::create("mem://dims", {}, FileOptions{}.format(format));
  Dataset x = f.create_dataset<double>("x", Shape{3});
  x.write(std::vector<double>{10, 20, 30});
  Dataset y = f.create_dataset<double>("y", Shape{4});
  y.write(std::vector<double>{1, 2, 3, 4});
  Dataset time = f.create_dataset<std::int32_t>(
      "time", Shape{5}, DatasetOptions{}.chunks({2}).max_shape({unlimited}).deflate(4));
  time.write(std::vector<std::int32_t>{0, 6, 12, 18, 24});
  x.make_scale("x");
  y.make_scale("y");
  time.make_scale("time");

  Dataset temp = f.create_dataset<float>("temp", Shape{3, 4});
  temp.write(std::vector<float>(12, 1.5f));
  temp.attach_scale(0, x);
  temp.attach_scale(1, y);
  temp.set_dim_label(0, "lat");
  temp.set_dim_label(1, "lon");
  Dataset p = f.create_dataset<double>("grp/p", Shape{3, 4});
  p.attach_scale(0, x);
  p.attach_scale(1, y);
  Dataset series = f.create_dataset<float>(
      "series", Shape{5, 3}, DatasetOptions{}.chunks({2, 3}).max_shape({unlimited, 3}).deflate(1));
  series.attach_scale(0, time);
  series.attach_scale(1, x);
  series.set_dim_label(1, "x");
  f.save_as(path, SaveOptions{}.format(format));
}

void write_refs(const std::string& path, Format format) {
  File f = File::create("mem://refs", {}, FileOptions{}.format(format));
  Dataset x = f.create_dataset<double>("x", Shape{3});
  Dataset temp = f.create_dataset<float>("temp", Shape{3, 4});
  Group grp = f.create_group("grp");
  Dataset gone = f.create_dataset<int>("gone", Shape{1});
  ObjectRef rgone = gone.ref();
  Dataset refs = f.create_dataset<ObjectRef>("refs", Shape{5});
  refs.write(std::vector<ObjectRef>{x.ref(), temp.ref(), grp.ref(), ObjectRef{}, f.ref()});
  Dataset chunked = f.create_dataset<ObjectRef>("grp/chunked_refs", Shape{4},
                                                DatasetOptions{}.chunks({3}).deflate(6));
  chunked.write(std::vector<ObjectRef>{grp.ref(), x.ref(), rgone, temp.ref()});
  f.attrs().set("ref_attr", temp.ref());
  grp.attrs().set("ref_list", std::vector<ObjectRef>{x.ref(), ObjectRef{}, grp.ref()});
  f.remove("gone");
  f.save_as(path, SaveOptions{}.format(format));
}

std::string target(const File& f, ObjectRef r) {
  if (!r) return "null";
  try {
    return f.deref(r).path();
  } catch (const Error& e) {
    return std::string("error:") + e.what();
  }
}

void dump_attr_refs(const File& f, const Object& o, const std::string& path) {
  for (const std::string& a : o.attrs().list()) {
    Attribute at = o.attrs().get(a);
    if (!(at.dtype() == DType::object_reference())) continue;
    for (ObjectRef r : at.read<std::vector<ObjectRef>>()) {
      std::cout << "attrref " << path << " " << a << " " << target(f, r) << "\n";
    }
  }
}

void dump(const File& f, const Group& g) {
  for (const std::string& name : g.list()) {
    const std::string path = g.path() == "/" ? "/" + name : g.path() + "/" + name;
    if (g.kind_of(name) == ObjectKind::group) {
      Group sub = g.group(name);
      dump_attr_refs(f, sub, path);
      dump(f, sub);
      continue;
    }
    Dataset d = g.dataset(name);
    dump_attr_refs(f, d, path);
    if (d.is_scale()) std::cout << "scale " << path << "\n";
    if (d.dtype() == DType::object_reference()) {
      auto v = d.read<ObjectRef>();
      for (std::size_t i = 0; i < v.size(); ++i) {
        std::cout << "ref " << path << " " << i << " " << target(f, v[i]) << "\n";
      }
    }
    for (unsigned dim = 0; dim < d.rank(); ++dim) {
      for (const Dataset& s : d.scales(dim)) {
        std::cout << "attach " << path << " " << dim << " " << s.path() << "\n";
      }
      const std::string label = d.dim_label(dim);
      if (!label.empty()) std::cout << "label " << path << " " << dim << " " << label << "\n";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && !(argc == 4 && std::string(argv[1]) == "copy")) {
    std::cerr << "usage: write_dimscales write DIR | read FILE | copy SRC DST\n";
    return 2;
  }
  const std::string mode = argv[1], arg = argv[2];
  try {
    if (mode == "copy") {
      File::open(arg, Mode::read_only).save_as(argv[3], SaveOptions{}.format(Format::latest));
      return 0;
    }
    if (mode == "write") {
      write_dims(arg + "/dims_earliest.h5", Format::earliest);
      write_dims(arg + "/dims_latest.h5", Format::latest);
      write_refs(arg + "/refs_earliest.h5", Format::earliest);
      write_refs(arg + "/refs_latest.h5", Format::latest);
      return 0;
    }
    if (mode == "read") {
      File f = File::open(arg, Mode::read_only);
      dump_attr_refs(f, f, "/");
      dump(f, f);
      return 0;
    }
  } catch (const Error& e) {
    std::cerr << "write_dimscales: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "unknown mode " << mode << "\n";
  return 2;
}
