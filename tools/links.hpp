// Soft and external links in `h5mem ls` and `h5mem dump`: shown as stored, not followed (as
// h5ls does, and h5dump for soft links), so a dangling link or a missing file is listed
// rather than reported as an error.
#pragma once

#include <optional>
#include <string>

#include "h5mem/h5mem.hpp"

namespace h5mem::cli {

// The link `name` of `g` when it is soft or external; nullopt when it names an object.
std::optional<LinkInfo> symbolic_link(const Group& g, const std::string& name);
// h5ls's description: "Soft Link {TARGET}" or "External Link {FILE//PATH}".
std::string ls_link_text(const LinkInfo& link);
// h5dump's block, every line prefixed by `ind`: SOFTLINK "NAME" { LINKTARGET "T" } or
// EXTERNAL_LINK "NAME" { TARGETFILE "F" TARGETPATH "P" }.
std::string dump_link_text(const LinkInfo& link, const std::string& name, const std::string& ind);
// The JSON "kind" of a link object: "soft_link" or "external_link".
const char* json_link_kind(const LinkInfo& link);
// The JSON fields of a link object after its path and kind: "target" and, for external
// links, "file".
void append_json_link(std::string& out, const LinkInfo& link);

}  // namespace h5mem::cli
