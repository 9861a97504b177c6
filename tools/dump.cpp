// `h5mem dump FILE[/PATH]`: h5dump-like text (or JSON with --json) of groups, datasets and
// attributes with their values. Values are streamed block by block, never held whole.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "dump_values.hpp"
#include "h5mem/h5mem.hpp"
#include "links.hpp"
#include "path_arg.hpp"

namespace h5mem::cli {
namespace {

struct DumpArgs {
  std::string target;
  bool json = false;
  bool header_only = false;
};

// Lays out a stream of formatted elements of `shape` as nested JSON arrays.
class JsonLayout {
 public:
  JsonLayout(Out& out, const Shape& shape) : out_(out), shape_(shape) {
    // strides_[k] = product of shape[k..]: dim k-1 moves on every strides_[k] elements.
    strides_.assign(shape.size() + 1, 1);
    for (std::size_t k = shape.size(); k-- > 0;) strides_[k] = strides_[k + 1] * shape[k];
  }
  void element(std::uint64_t i, const std::string& v) {
    std::string& b = out_.buf();
    const std::size_t r = shape_.size();
    if (i == 0) {
      b.append(r, '[');
    } else {
      std::size_t n = 0;  // dims that end (and restart) at i
      for (std::size_t k = r; k-- > 1 && i % strides_[k] == 0;) ++n;
      b.append(n, ']');
      b += ", ";
      b.append(n, '[');
    }
    b += v;
    out_.maybe_flush();
  }
  // Closes the arrays; writes the whole (nested empty) value if there were no elements.
  void finish(bool any) {
    if (any) {
      out_.buf().append(shape_.size(), ']');
    } else if (!shape_.empty()) {
      append_empty(0);
    }
  }

 private:
  void append_empty(std::size_t dim) {
    std::string& b = out_.buf();
    b += '[';
    if (dim + 1 < shape_.size()) {
      for (std::uint64_t i = 0; i < shape_[dim] && shape_[dim + 1] != 0; ++i) {
        if (i) b += ", ";
        append_empty(dim + 1);
        if (b.size() > (1u << 20)) out_.maybe_flush();
      }
    }
    b += ']';
  }
  Out& out_;
  Shape shape_;
  std::vector<std::uint64_t> strides_;
};

// h5dump-style rows: "(i,j,0): v, v, v," one row of the last dimension per line, wrapped.
class TextLayout {
 public:
  TextLayout(Out& out, const Shape& shape, std::string indent)
      : out_(out), shape_(shape.empty() ? Shape{1} : shape), indent_(std::move(indent)) {}
  void element(std::uint64_t i, const std::string& v) {
    std::string& b = out_.buf();
    const bool row_start = i % shape_.back() == 0;
    if (i != 0) {
      b += ',';
      if (row_start || col_ + v.size() + 2 > 80) {
        b += '\n';
        col_ = 0;
      } else {
        b += ' ';
        col_ += 2;
      }
    }
    if (col_ == 0) {
      std::string prefix = indent_ + "(";
      std::uint64_t rest = i;
      std::vector<std::uint64_t> coord(shape_.size());
      for (std::size_t k = shape_.size(); k-- > 0;) {
        coord[k] = rest % shape_[k];
        rest /= shape_[k];
      }
      for (std::size_t k = 0; k < coord.size(); ++k) {
        if (k) prefix += ',';
        prefix += std::to_string(coord[k]);
      }
      prefix += "): ";
      b += prefix;
      col_ = prefix.size();
    }
    b += v;
    col_ += v.size();
    out_.maybe_flush();
  }
  void finish() {
    if (col_ != 0) out_.buf() += '\n';
  }

 private:
  Out& out_;
  Shape shape_;
  std::string indent_;
  std::size_t col_ = 0;
};

class Dumper {
 public:
  Dumper(const DumpArgs& args, Out& out) : args_(args), out_(out) {}

  int run() {
    PathArg pa = split_path_arg(args_.target);
    File f = open_input(pa.file);
    ObjectKind kind = f.kind_of(pa.object);
    if (args_.json) {
      std::string& b = out_.buf();
      b += "{\"file\": ";
      append_json_string(b, pa.file);
      b += ", \"path\": ";
      append_json_string(b, pa.object);
      b += ", \"objects\": [";
      first_ = true;
      if (kind == ObjectKind::group) {
        json_group(f.group(pa.object), pa.object);
      } else {
        json_dataset(f.dataset(pa.object), pa.object);
      }
      out_ << "\n]}\n";
    } else {
      std::string title = "HDF5 \"";
      title += pa.file;
      out_ << title << "\" {\n";
      if (kind == ObjectKind::group) {
        text_group(f.group(pa.object), pa.object, pa.object, "");
      } else {
        text_dataset(f.dataset(pa.object), pa.object, "");
      }
      out_ << "}\n";
    }
    out_.flush();
    if (out_.failed()) throw Error(ErrorCode::io_error, "writing to standard output failed");
    return errors_ == 0 ? 0 : 1;
  }

 private:
  void report(const std::string& where, const Error& e) {
    ++errors_;
    out_.flush();
    std::fprintf(stderr, "h5mem: error (%s): %s: %s\n", std::string(to_string(e.code())).c_str(),
                 where.c_str(), e.what());
  }

  // ---- text ----
  static std::string dataspace(const Shape& shape, const Shape& max) {
    if (shape.empty()) return "SCALAR";
    std::string s = "SIMPLE { ( ";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    s += " ) / ( ";
    for (std::size_t i = 0; i < max.size(); ++i) {
      s += i ? ", " : "";
      s += max[i] == unlimited ? std::string("H5S_UNLIMITED") : std::to_string(max[i]);
    }
    return s + " ) }";
  }

  template <class Obj>
  void text_data(const Obj& obj, const Shape& shape, const std::string& ind,
                 const std::string& where) {
    out_ << ind << "DATA {\n";
    TextLayout lay(out_, shape, ind);
    try {
      for_each_element(obj, Style::text,
                       [&](std::uint64_t i, const std::string& v) { lay.element(i, v); });
      lay.finish();
    } catch (const Error& e) {
      lay.finish();
      report(where, e);
      out_ << ind << "(error: " << e.what() << ")\n";
    }
    out_ << ind << "}\n";
  }

  void text_attrs(const Object& obj, const std::string& path, const std::string& ind) {
    auto attrs = obj.attrs();
    for (const auto& name : attrs.list()) {
      Attribute a = attrs.get(name);
      Shape shape = a.shape();
      out_ << ind << "ATTRIBUTE \"" << name << "\" {\n";
      const std::string in2 = ind + "   ";
      out_ << in2 << "DATATYPE  " << a.dtype().name() << "\n";
      out_ << in2 << "DATASPACE  " << (a.is_null() ? "NULL" : dataspace(shape, shape)) << "\n";
      if (!args_.header_only) text_data(a, shape, in2, path + " attribute " + name);
      out_ << ind << "}\n";
    }
  }

  void text_dataset(const Dataset& ds, const std::string& label, const std::string& ind) {
    out_ << ind << "DATASET \"" << label << "\" {\n";
    const std::string in2 = ind + "   ";
    const std::string path = ds.path();
    Shape shape = ds.shape();
    out_ << in2 << "DATATYPE  " << ds.dtype().name() << "\n";
    out_ << in2 << "DATASPACE  " << (ds.is_null() ? "NULL" : dataspace(shape, ds.max_shape()))
         << "\n";
    Shape chunks = ds.chunks();
    if (!chunks.empty()) {
      std::string layout = "STORAGE_LAYOUT  CHUNKED " + brace_list(chunks);
      std::string filters = describe_filters(dataset_filters(ds));
      if (!filters.empty()) layout += " FILTERS " + filters;
      out_ << in2 << layout << "\n";
    }
    text_attrs(ds, path, in2);
    if (!args_.header_only) text_data(ds, shape, in2, path);
    out_ << ind << "}\n";
  }

  void text_group(const Group& g, const std::string& path, const std::string& label,
                  const std::string& ind) {
    out_ << ind << "GROUP \"" << label << "\" {\n";
    const std::string in2 = ind + "   ";
    text_attrs(g, path, in2);
    for (const auto& name : g.list()) {
      std::string child = join_path(path, name);
      try {
        if (auto link = symbolic_link(g, name)) {
          out_ << dump_link_text(*link, name, in2);
        } else if (g.kind_of(name) == ObjectKind::group) {
          text_group(g.group(name), child, name, in2);
        } else if (g.kind_of(name) == ObjectKind::datatype) {
          NamedType t = g.named_type(name);
          out_ << in2 << "DATATYPE \"" << name << "\" {\n";
          out_ << in2 << "   TYPE  " << t.dtype().name() << "\n";
          text_attrs(t, child, in2 + "   ");
          out_ << in2 << "}\n";
        } else {
          text_dataset(g.dataset(name), name, in2);
        }
      } catch (const Error& e) {
        report(child, e);
        out_ << in2 << "(error: " << e.what() << ")\n";
      }
    }
    out_ << ind << "}\n";
  }

  // ---- JSON ----
  void json_object_start(const std::string& path, const char* kind) {
    std::string& b = out_.buf();
    b += first_ ? "\n  {\"path\": " : ",\n  {\"path\": ";
    first_ = false;
    append_json_string(b, path);
    b += ", \"kind\": \"";
    b += kind;
    b += '"';
  }

  // A null dataspace has no shape: "shape" (and a dataset's "max_shape") are null.
  void json_type(const DType& t, const Shape& shape, bool null) {
    std::string& b = out_.buf();
    b += ", \"dtype\": ";
    append_json_string(b, t.name());
    b += ", \"type_class\": \"";
    b += type_class_name(t);
    b += "\", \"shape\": ";
    if (null) {
      b += "null";
    } else {
      append_json_dims(b, shape);
    }
  }

  template <class Obj>
  void json_data(const Obj& obj, const Shape& shape, const std::string& where) {
    out_ << ", \"data\": ";
    JsonLayout lay(out_, shape);
    bool any = false;
    try {
      for_each_element(obj, Style::json, [&](std::uint64_t i, const std::string& v) {
        any = true;
        lay.element(i, v);
      });
    } catch (const Error& e) {
      if (any) throw;  // the JSON is already half written: give up
      report(where, e);
      std::string& b = out_.buf();
      b += "null, \"error\": ";
      append_json_string(b, e.what());
      return;
    }
    lay.finish(any);
  }

  void json_attrs(const Object& obj, const std::string& path) {
    auto attrs = obj.attrs();
    out_ << ", \"attributes\": [";
    bool first = true;
    for (const auto& name : attrs.list()) {
      Attribute a = attrs.get(name);
      std::string& b = out_.buf();
      b += first ? "{\"name\": " : ", {\"name\": ";
      first = false;
      append_json_string(b, name);
      Shape shape = a.shape();
      json_type(a.dtype(), shape, a.is_null());
      if (!args_.header_only) json_data(a, shape, path + " attribute " + name);
      out_ << "}";
    }
    out_ << "]";
  }

  void json_dataset(const Dataset& ds, const std::string& path) {
    json_object_start(path, "dataset");
    Shape shape = ds.shape();
    const bool null = ds.is_null();
    json_type(ds.dtype(), shape, null);
    std::string& b = out_.buf();
    b += ", \"max_shape\": ";
    if (null) {
      b += "null";
    } else {
      append_json_dims(b, ds.max_shape());
    }
    Shape chunks = ds.chunks();
    b += ", \"chunks\": ";
    if (chunks.empty()) {
      b += "null";
    } else {
      append_json_dims(b, chunks);
    }
    b += ", \"filters\": [";
    bool first = true;
    for (const auto& f : dataset_filters(ds)) {
      b += first ? "" : ", ";
      first = false;
      append_json_string(b, f.name);
    }
    b += ']';
    json_attrs(ds, path);
    if (!args_.header_only) json_data(ds, shape, path);
    out_ << "}";
  }

  void json_group(const Group& g, const std::string& path) {
    json_object_start(path, "group");
    json_attrs(g, path);
    out_ << "}";
    for (const auto& name : g.list()) {
      std::string child = join_path(path, name);
      if (auto link = symbolic_link(g, name)) {
        json_object_start(child, json_link_kind(*link));
        append_json_link(out_.buf(), *link);
        out_ << "}";
      } else if (g.kind_of(name) == ObjectKind::group) {
        json_group(g.group(name), child);
      } else if (g.kind_of(name) == ObjectKind::datatype) {
        NamedType t = g.named_type(name);
        json_object_start(child, "datatype");
        std::string& b = out_.buf();
        b += ", \"dtype\": ";
        append_json_string(b, t.dtype().name());
        json_attrs(t, child);
        out_ << "}";
      } else {
        json_dataset(g.dataset(name), child);
      }
    }
  }

  const DumpArgs& args_;
  Out& out_;
  bool first_ = true;
  int errors_ = 0;
};

}  // namespace

void add_dump(CLI::App& app) {
  auto a = std::make_shared<DumpArgs>();
  auto* cmd =
      app.add_subcommand("dump", "Print groups, datasets and attributes with values (h5dump-like)");
  cmd->add_option("target", a->target, "FILE[/PATH]: an HDF5 file, optionally an object in it")
      ->required();
  cmd->add_flag("--json", a->json, "Print one JSON document instead of text");
  cmd->add_flag("-H,--header", a->header_only, "Header only: no data values");
  cmd->callback([a] {
    Out out(stdout);
    int rc = Dumper(*a, out).run();
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace h5mem::cli
