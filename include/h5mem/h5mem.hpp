// h5mem/h5mem.hpp -- umbrella header: include this to use h5mem.
#pragma once

#include "h5mem/attribute.hpp"
#include "h5mem/dataset.hpp"
#include "h5mem/dtype.hpp"
#include "h5mem/error.hpp"
#include "h5mem/file.hpp"
#include "h5mem/group.hpp"
#include "h5mem/link.hpp"
#include "h5mem/named_type.hpp"
#include "h5mem/object.hpp"
#include "h5mem/options.hpp"
#include "h5mem/reference.hpp"
#include "h5mem/registry.hpp"
#include "h5mem/selection_spec.hpp"
#include "h5mem/shape.hpp"
#include "h5mem/version.hpp"
