#include "links.hpp"

#include "path_arg.hpp"

namespace h5mem::cli {

std::optional<LinkInfo> symbolic_link(const Group& g, const std::string& name) {
  LinkInfo l = g.link_info(name);
  if (l.kind == LinkKind::hard) return std::nullopt;
  return l;
}

std::string ls_link_text(const LinkInfo& link) {
  if (link.kind == LinkKind::soft) return "Soft Link {" + link.target + "}";
  return "External Link {" + link.file + "/" + link.target + "}";
}

std::string dump_link_text(const LinkInfo& link, const std::string& name, const std::string& ind) {
  const std::string in2 = ind + "   ";
  if (link.kind == LinkKind::soft) {
    return ind + "SOFTLINK \"" + name + "\" {\n" + in2 + "LINKTARGET \"" + link.target + "\"\n" +
           ind + "}\n";
  }
  return ind + "EXTERNAL_LINK \"" + name + "\" {\n" + in2 + "TARGETFILE \"" + link.file + "\"\n" +
         in2 + "TARGETPATH \"" + link.target + "\"\n" + ind + "}\n";
}

const char* json_link_kind(const LinkInfo& link) {
  return link.kind == LinkKind::soft ? "soft_link" : "external_link";
}

void append_json_link(std::string& out, const LinkInfo& link) {
  out += ", \"target\": ";
  append_json_string(out, link.target);
  if (link.kind == LinkKind::external) {
    out += ", \"file\": ";
    append_json_string(out, link.file);
  }
}

}  // namespace h5mem::cli
