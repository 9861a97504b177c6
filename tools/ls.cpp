// `h5mem ls [-r] FILE[/PATH]`: one line per object, like h5ls (or JSON with --json).
#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "dump_values.hpp"
#include "h5mem/h5mem.hpp"
#include "links.hpp"
#include "path_arg.hpp"

namespace h5mem::cli {
namespace {

struct LsArgs {
  std::string target;
  bool recursive = false;
  bool json = false;
};

class Lister {
 public:
  Lister(const LsArgs& args, Out& out) : args_(args), out_(out) {}

  void run() {
    PathArg pa = split_path_arg(args_.target);
    File f = open_input(pa.file);
    ObjectKind kind = f.kind_of(pa.object);
    if (args_.json) {
      std::string& b = out_.buf();
      b += "{\"file\": ";
      append_json_string(b, pa.file);
      b += ", \"path\": ";
      append_json_string(b, pa.object);
      b += ", \"recursive\": ";
      b += args_.recursive ? "true" : "false";
      b += ", \"objects\": [";
    }
    if (kind != ObjectKind::group) {
      // h5ls FILE/DATASET describes the dataset (or committed datatype) itself.
      std::string name = pa.object.substr(pa.object.rfind('/') + 1);
      entry(f, pa.object, name);
    } else {
      list_group(f.group(pa.object), pa.object);
    }
    if (args_.json) out_ << "\n]}\n";
    out_.flush();
    if (out_.failed()) throw Error(ErrorCode::io_error, "writing to standard output failed");
  }

 private:
  void list_group(const Group& g, const std::string& path) {
    for (const auto& name : g.list()) {
      std::string child = join_path(path, name);
      if (auto link = symbolic_link(g, name)) {
        link_entry(child, args_.recursive ? child : name, *link);
        continue;
      }
      entry(g, child, args_.recursive ? child : name);
      if (args_.recursive && g.kind_of(name) == ObjectKind::group) list_group(g.group(name), child);
    }
  }

  // One line (or JSON object) for a committed datatype (h5ls: "Type").
  void type_entry(const NamedType& t, const std::string& path, const std::string& label) {
    if (args_.json) {
      std::string& b = out_.buf();
      b += first_ ? "\n  {\"path\": " : ",\n  {\"path\": ";
      first_ = false;
      append_json_string(b, path);
      b += ", \"name\": ";
      append_json_string(b, path.substr(path.rfind('/') + 1));
      b += ", \"kind\": \"datatype\", \"dtype\": ";
      append_json_string(b, t.dtype().name());
      out_ << "}";
      return;
    }
    std::string line = label;
    if (line.size() < 24) line.resize(24, ' ');
    out_ << line << " Type  " << t.dtype().name() << "\n";
  }

  // One line (or JSON object) for a soft or external link, which is not followed.
  void link_entry(const std::string& path, const std::string& label, const LinkInfo& link) {
    if (args_.json) {
      std::string& b = out_.buf();
      b += first_ ? "\n  {\"path\": " : ",\n  {\"path\": ";
      first_ = false;
      append_json_string(b, path);
      b += ", \"name\": ";
      append_json_string(b, path.substr(path.rfind('/') + 1));
      b += ", \"kind\": \"";
      b += json_link_kind(link);
      b += '"';
      append_json_link(b, link);
      out_ << "}";
      return;
    }
    std::string line = label;
    if (line.size() < 24) line.resize(24, ' ');
    out_ << line << " " << ls_link_text(link) << "\n";
  }

  // One line (or JSON object) for the object at absolute `path`, shown as `label`.
  void entry(const Group& parent, const std::string& path, const std::string& label) {
    const std::string rel = path.substr(path.rfind('/') + 1);
    const ObjectKind kind = parent.kind_of(path);
    if (kind == ObjectKind::datatype) {
      type_entry(parent.named_type(path), path, label);
      return;
    }
    const bool is_group = kind == ObjectKind::group;
    if (args_.json) {
      std::string& b = out_.buf();
      b += first_ ? "\n  {\"path\": " : ",\n  {\"path\": ";
      first_ = false;
      append_json_string(b, path);
      b += ", \"name\": ";
      append_json_string(b, rel);
      b += is_group ? ", \"kind\": \"group\"" : ", \"kind\": \"dataset\"";
      if (is_group) {
        Group g = parent.group(path);
        b += ", \"attributes\": " + std::to_string(g.attrs().list().size());
      } else {
        json_dataset(parent.dataset(path));
      }
      out_ << "}";
      return;
    }
    std::string line = label;
    if (line.size() < 24) line.resize(24, ' ');
    line += ' ';
    if (is_group) {
      line += "Group";
    } else {
      Dataset ds = parent.dataset(path);
      line += "Dataset " +
              (ds.is_null() ? std::string("{NULL}") : h5ls_extent(ds.shape(), ds.max_shape()));
      line += "  " + ds.dtype().name();
      Shape chunks = ds.chunks();
      if (!chunks.empty()) line += "  chunks=" + brace_list(chunks);
      std::string filters = describe_filters(dataset_filters(ds));
      if (!filters.empty()) line += "  filters=" + filters;
    }
    out_ << line << "\n";
  }

  void json_dataset(const Dataset& ds) {
    std::string& b = out_.buf();
    DType t = ds.dtype();
    b += ", \"dtype\": ";
    append_json_string(b, t.name());
    b += ", \"type_class\": \"";
    b += type_class_name(t);
    b += "\", \"element_size\": " + std::to_string(t.size());
    b += ", \"shape\": ";
    const bool null = ds.is_null();  // no shape at all, as h5py's None
    if (null) {
      b += "null";
    } else {
      append_json_dims(b, ds.shape());
    }
    b += ", \"max_shape\": ";
    if (null) {
      b += "null";
    } else {
      append_json_dims(b, ds.max_shape());
    }
    b += ", \"chunks\": ";
    Shape chunks = ds.chunks();
    if (chunks.empty()) {
      b += "null";
    } else {
      append_json_dims(b, chunks);
    }
    b += ", \"filters\": [";
    bool first = true;
    for (const auto& f : dataset_filters(ds)) {
      b += first ? "{\"id\": " : ", {\"id\": ";
      first = false;
      b += std::to_string(f.id) + ", \"name\": ";
      append_json_string(b, f.name);
      b += ", \"client_data\": [";
      for (std::size_t i = 0; i < f.client_data.size(); ++i) {
        b += (i ? ", " : "") + std::to_string(f.client_data[i]);
      }
      b += "]}";
    }
    b += "], \"attributes\": " + std::to_string(ds.attrs().list().size());
  }

  const LsArgs& args_;
  Out& out_;
  bool first_ = true;
};

}  // namespace

void add_ls(CLI::App& app) {
  auto a = std::make_shared<LsArgs>();
  auto* cmd = app.add_subcommand("ls", "List the objects of an HDF5 file (h5ls-like)");
  cmd->add_option("target", a->target,
                  "FILE[/PATH]: an HDF5 file, optionally a group or dataset in it")
      ->required();
  cmd->add_flag("-r,--recursive", a->recursive, "List every object below the group");
  cmd->add_flag("--json", a->json, "Print one JSON document instead of lines");
  cmd->callback([a] {
    Out out(stdout);
    Lister(*a, out).run();
  });
}

}  // namespace h5mem::cli
