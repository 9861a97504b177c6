#!/usr/bin/python3
"""Writes the HDF5 fixtures of tests/test_format_objects.cpp into the directory argv[1].

Run by meson at build time with Debian's interpreter (h5py 3.7 on libhdf5 1.10):
    /usr/bin/python3 tests/interop/gen_format_objects.py OUTDIR

Every file is written with h5py in both the earliest format (superblock 0, v1 object headers,
symbol-table groups) and the latest one (superblock 3, v2 object headers, link messages, v4
layouts with the new chunk indexes). OUTDIR/manifest.json then records, for each file, the
superblock facts and, for each object, its object header address and what libhdf5 itself says
about it (datatype, dataspace, layout, filters, fill value, attributes, links). Those facts come
from libhdf5's own API, or from h5debug (libhdf5's dump tool) where h5py exposes nothing or
something wrong: B-tree K values, object header and layout versions, chunk index types, stored
filter parameters. Never from parsing the bytes, so the C++ decoder is checked against the
library rather than against itself.
"""
import json
import os
import subprocess
import sys

import h5py
import numpy as np
from h5py import h5d, h5l, h5o, h5p, h5s, h5t

LIBVERS = ("earliest", "latest")


# ---- facts libhdf5 reports -------------------------------------------------------------

def describe_type(tid):
    """The datatype as libhdf5 sees it, with the file's class numbers."""
    cls = tid.get_class()
    d = {"class": int(cls), "size": int(tid.get_size())}
    if cls == h5t.INTEGER:
        lo, hi = tid.get_pad()
        d.update(order=int(tid.get_order()), precision=int(tid.get_precision()),
                 offset=int(tid.get_offset()), lo_pad=int(lo), hi_pad=int(hi),
                 signed=int(tid.get_sign()))
    elif cls == h5t.BITFIELD:  # h5py exposes only the byte order of bitfields
        d["order"] = int(tid.get_order())
    elif cls == h5t.FLOAT:
        lo, hi = tid.get_pad()
        spos, epos, esize, mpos, msize = tid.get_fields()
        d.update(order=int(tid.get_order()), precision=int(tid.get_precision()),
                 offset=int(tid.get_offset()), lo_pad=int(lo), hi_pad=int(hi),
                 inpad=int(tid.get_inpad()), norm=int(tid.get_norm()), sign_location=spos,
                 exponent_location=epos, exponent_size=esize, mantissa_location=mpos,
                 mantissa_size=msize, exponent_bias=int(tid.get_ebias()))
    elif cls == h5t.STRING:
        d.update(cset=int(tid.get_cset()), strpad=int(tid.get_strpad()))
        if tid.is_variable_str():
            # libhdf5 reports the string class and the size of a char*; the file stores a
            # variable-length string of 16 bytes (length, global heap address and index).
            d.update({"class": int(h5t.VLEN), "vlen_kind": 1, "size": 16})
            d["base"] = {"class": 0, "size": 1, "order": 0, "precision": 8, "offset": 0,
                         "lo_pad": 0, "hi_pad": 0, "signed": 0}
    elif cls == h5t.OPAQUE:
        d["tag"] = tid.get_tag().decode()
    elif cls == h5t.COMPOUND:
        d["members"] = [{"name": tid.get_member_name(i).decode(),
                         "offset": int(tid.get_member_offset(i)),
                         "type": describe_type(tid.get_member_type(i))}
                        for i in range(tid.get_nmembers())]
    elif cls == h5t.REFERENCE:
        d["ref"] = 0 if tid == h5t.STD_REF_OBJ else 1
    elif cls == h5t.ENUM:
        base = tid.get_super()
        order = "big" if base.get_order() == h5t.ORDER_BE else "little"
        signed = base.get_sign() == h5t.SGN_2
        d["base"] = describe_type(base)
        d["members"] = [{"name": tid.get_member_name(i).decode(),
                         "value": int(tid.get_member_value(i)).to_bytes(
                             base.get_size(), order, signed=signed).hex()}
                        for i in range(tid.get_nmembers())]
    elif cls == h5t.VLEN:
        d.update(vlen_kind=0, base=describe_type(tid.get_super()))
    elif cls == h5t.ARRAY:
        d.update(dims=list(tid.get_array_dims()), base=describe_type(tid.get_super()))
    return d


def has_vlen_or_ref(tid):
    cls = tid.get_class()
    if cls in (h5t.VLEN, h5t.REFERENCE) or (cls == h5t.STRING and tid.is_variable_str()):
        return True
    if cls == h5t.COMPOUND:
        return any(has_vlen_or_ref(tid.get_member_type(i)) for i in range(tid.get_nmembers()))
    if cls in (h5t.ARRAY, h5t.ENUM):
        return has_vlen_or_ref(tid.get_super())
    return False


def describe_space(sid):
    kind = sid.get_simple_extent_type()
    d = {"type": {h5s.SCALAR: 0, h5s.SIMPLE: 1, h5s.NULL: 2}[kind]}
    if kind == h5s.SIMPLE:
        d["dims"] = list(sid.get_simple_extent_dims())
        d["max_dims"] = [-1 if m == h5s.UNLIMITED else int(m)
                         for m in sid.get_simple_extent_dims(maxdims=True)]
    return d


def raw_bytes(obj_id, tid, sid):
    """The stored bytes of a dataset or attribute of fixed-size type, read in the file type."""
    if has_vlen_or_ref(tid) or sid.get_simple_extent_type() == h5s.NULL:
        return None
    shape = tuple(sid.get_simple_extent_dims()) if sid.get_simple_extent_type() == h5s.SIMPLE else ()
    buf = np.zeros(shape, dtype=np.dtype(("V", tid.get_size())))
    if isinstance(obj_id, h5py.h5a.AttrID):
        obj_id.read(buf, mtype=tid)
    else:
        obj_id.read(h5s.ALL, h5s.ALL, buf, mtype=tid)
    return buf.tobytes().hex()


def addr(obj):
    return int(h5o.get_info(obj.id).addr)


def refcount(obj):
    return int(h5o.get_info(obj.id).rc)


class H5Debug:
    """What h5debug (libhdf5's own dump) prints about one object header."""

    def __init__(self, path, address):
        out = subprocess.run(["h5debug", path, str(address)], capture_output=True,
                             text=True).stdout
        self.lines = [line.strip() for line in out.splitlines()]

    def value(self, key, default=None):
        for line in self.lines:
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].strip()
        return default

    def header_version(self):
        return int(self.value("Version"))

    def message_types(self):
        return [int(line.split(":", 1)[1].split()[0], 16) for line in self.lines
                if line.startswith("Message ID (sequence number):")]

    def layout_version(self):
        """Version of the layout message (the first "Version:" after its message ID)."""
        at = next(i for i, line in enumerate(self.lines) if line.endswith("`layout' (0)"))
        return int(next(line for line in self.lines[at:] if line.startswith("Version:"))
                   .split(":", 1)[1])

    def index_type(self):
        """Chunk index type name ("v1 B-tree" when h5debug prints none, as for layout v3)."""
        return self.value("Index Type", "v1 B-tree")

    def filters(self):
        """The filter pipeline as stored. h5py's get_filter returns garbage past the 16th
        client data value (scaleoffset stores 20), so the stored values come from here."""
        filters, current = [], None
        for line in self.lines:
            key, _, value = line.partition(":")
            if key == "Filter identification":
                current = {"id": int(value.strip(), 16), "client_data": []}
                filters.append(current)
            elif current is not None and key == "Filter name":
                current["name"] = value.strip().strip('"')
            elif current is not None and key == "Flags":
                current["flags"] = int(value.strip(), 16)
            elif current is not None and key.startswith("CD value"):
                current["client_data"].append(int(line.split()[-1]))
        return filters


def h5debug_superblock(path):
    """Superblock fields h5py does not expose, as h5debug prints them."""
    out = subprocess.run(["h5debug", path], capture_output=True, text=True).stdout
    fields = {}
    for line in out.splitlines():
        key, _, value = line.partition(":")
        if value.strip():
            fields[key.strip()] = value.split()[0]
    return fields


def describe_attributes(obj):
    attrs = []
    for name in obj.attrs:
        aid = obj.attrs.get_id(name)
        tid, sid = aid.get_type(), aid.get_space()
        info = h5py.h5a.get_info(obj.id, name=name.encode())
        attrs.append({"name": name, "cset": int(info.cset),
                      "dtype": describe_type(tid), "space": describe_space(sid),
                      "data": raw_bytes(aid, tid, sid),
                      "committed_type": bool(tid.committed())})
    return attrs


def describe_dataset(path, dset):
    did = dset.id
    tid, sid, dcpl = did.get_type(), did.get_space(), did.get_create_plist()
    layout = dcpl.get_layout()
    dbg = H5Debug(path, addr(dset))
    d = {"path": dset.name, "kind": "dataset", "addr": addr(dset),
         "header_version": dbg.header_version(), "layout_version": dbg.layout_version(),
         "refcount": refcount(dset),
         "dtype": describe_type(tid), "committed_type": bool(tid.committed()),
         "space": describe_space(sid), "layout": int(layout),
         "alloc_time": int(dcpl.get_alloc_time()), "fill_time": int(dcpl.get_fill_time()),
         "fill_status": int(dcpl.fill_value_defined()), "attributes": describe_attributes(dset)}
    if d["fill_status"] == h5d.FILL_VALUE_USER_DEFINED and not has_vlen_or_ref(tid):
        buf = np.zeros((1,), dtype=dset.dtype)  # same bytes as the file type (order included)
        try:
            dcpl.get_fill_value(buf)
            d["fill_value"] = buf.tobytes().hex()
        except RuntimeError:  # no conversion path (e.g. opaque): the test skips the bytes
            pass
    if layout == h5d.CONTIGUOUS:
        off = did.get_offset()
        d["data_address"] = -1 if off is None else int(off)
        d["storage_size"] = int(did.get_storage_size())
        d["data"] = raw_bytes(did, tid, sid) if off is not None else None
    elif layout == h5d.COMPACT:
        d["data"] = raw_bytes(did, tid, sid)
    elif layout == h5d.CHUNKED:
        d["chunks"] = list(dcpl.get_chunk())
        d["index_type"] = dbg.index_type()
    d["filters"] = dbg.filters()
    assert [f["id"] for f in d["filters"]] == [dcpl.get_filter(i)[0]
                                               for i in range(dcpl.get_nfilters())]
    return d


def describe_group(path, group):
    dbg = H5Debug(path, addr(group))
    g = {"path": group.name, "kind": "group", "addr": addr(group),
         "header_version": dbg.header_version(), "refcount": refcount(group),
         "attributes": describe_attributes(group),
         "links": []}
    gcpl = group.id.get_create_plist()
    g["track_order"] = bool(gcpl.get_link_creation_order() & h5p.CRT_ORDER_TRACKED)
    for name in group:
        info = group.id.links.get_info(name.encode())
        link = {"name": name, "type": int(info.type), "cset": int(info.cset)}
        if info.corder_valid:
            link["corder"] = int(info.corder)
        if info.type == h5l.TYPE_HARD:
            link["target"] = int(info.u)
        elif info.type == h5l.TYPE_SOFT:
            link["soft"] = group.get(name, getlink=True).path
        elif info.type == h5l.TYPE_EXTERNAL:
            ext = group.get(name, getlink=True)
            link["file"], link["path"] = ext.filename, ext.path
        g["links"].append(link)
    # Old-style groups hold a symbol table message; new-style ones go dense past 8 links.
    g["storage"] = "symbol_table" if 0x11 in dbg.message_types() else (
        "dense" if len(g["links"]) > 8 else "compact")
    return g


def describe_file(path, fmt, objects):
    with h5py.File(path, "r") as f:
        fcpl = f.id.get_create_plist()
        sb_version = fcpl.get_version()[0]
        dbg = h5debug_superblock(path)
        entry = {"file": os.path.basename(path), "format": fmt, "superblock": {
            "version": int(sb_version), "sizeof_addr": int(fcpl.get_sizes()[0]),
            "sizeof_size": int(fcpl.get_sizes()[1]), "userblock": int(fcpl.get_userblock()),
            "group_leaf_k": int(dbg["Symbol table leaf node 1/2 rank"]),
            "group_internal_k": int(dbg["Symbol table internal node 1/2 rank"]),
            "istore_k": int(dbg["Indexed storage internal node 1/2 rank"]),
            "root_addr": addr(f), "file_size": os.path.getsize(path)}, "objects": []}
        if sb_version < 2:
            entry["superblock"]["root_btree"] = int(dbg["B-tree address"])
            entry["superblock"]["root_heap"] = int(dbg["Heap address"])
        for name in objects:
            obj = f[name]
            if isinstance(obj, h5py.Dataset):
                entry["objects"].append(describe_dataset(path, obj))
            elif isinstance(obj, h5py.Group):
                entry["objects"].append(describe_group(path, obj))
            else:  # committed datatype
                entry["objects"].append({"path": obj.name, "kind": "datatype", "addr": addr(obj),
                                         "header_version": H5Debug(path, addr(obj)).header_version(),
                                         "refcount": refcount(obj),
                                         "dtype": describe_type(obj.id),
                                         "attributes": describe_attributes(obj)})
        return entry


# ---- the fixtures ----------------------------------------------------------------------

def low_level_dataset(parent, name, tid, shape, data=None, dcpl=None):
    space = h5s.create(h5s.SCALAR) if shape is None else h5s.create_simple(shape)
    did = h5d.create(parent.id, name.encode(), tid, space, dcpl=dcpl)
    if data is not None:
        did.write(h5s.ALL, h5s.ALL, data, mtype=tid)
    return did


def fixed_string(size, pad, cset=h5t.CSET_ASCII):
    tid = h5t.C_S1.copy()
    tid.set_size(size)
    tid.set_strpad(pad)
    tid.set_cset(cset)
    return tid


def write_types(path, fmt):
    names = []
    with h5py.File(path, "w", libver=fmt) as f:
        for code in ("i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8"):
            for order in "<>":
                name = "num_%s_%s" % (code, "le" if order == "<" else "be")
                f.create_dataset(name, data=(np.arange(6) * 3 - 2).astype(order + code))
                names.append(name)
        f.create_dataset("bool", data=np.array([True, False, True]))
        f.create_dataset("complex", data=np.array([1 + 2j, -3.5j], dtype="<c8"))
        nested = np.dtype([("a", "<i4"), ("b", [("x", "<f8"), ("y", "u1")]), ("c", "<i2", (3,))])
        f.create_dataset("compound", data=np.zeros(4, dtype=nested))
        f.create_dataset("enum", data=np.array([0, 1, 42], dtype="i2"),
                         dtype=h5py.enum_dtype({"RED": 0, "GREEN": 1, "BLUE": 42}, basetype="i2"))
        atid = h5t.array_create(h5t.IEEE_F32BE, (2, 3))
        low_level_dataset(f, "array", atid, (2,), np.arange(12, dtype=">f4").reshape(2, 2, 3))
        vl = f.create_dataset("vlen_seq", shape=(3,), dtype=h5py.vlen_dtype(np.int32))
        vl[0], vl[1], vl[2] = [1, 2], [3], [4, 5, 6]
        f.create_dataset("vlen_utf8", data=["héllo", "wörld"], dtype=h5py.string_dtype("utf-8"))
        f.create_dataset("vlen_ascii", data=[b"ab", b"cde"], dtype=h5py.string_dtype("ascii"))
        f.create_dataset("fixed_nullpad", data=np.array([b"abc", b"de"], dtype="S5"))
        low_level_dataset(f, "fixed_utf8", fixed_string(6, h5t.STR_NULLPAD, h5t.CSET_UTF8), (2,),
                          np.array(["ü".encode(), b"ab"], dtype="S6"))
        low_level_dataset(f, "fixed_nullterm", fixed_string(6, h5t.STR_NULLTERM), (2,),
                          np.array([b"hi", b"there"], dtype="S6"))
        low_level_dataset(f, "fixed_spacepad", fixed_string(4, h5t.STR_SPACEPAD), (2,),
                          np.array([b"ab  ", b"xyz "], dtype="S4"))
        f.create_dataset("opaque_numpy", data=np.zeros(2, dtype="V7"))
        otid = h5t.create(h5t.OPAQUE, 4)
        otid.set_tag(b"my opaque tag")
        low_level_dataset(f, "opaque_tagged", otid, (3,), np.zeros(3, dtype="V4"))
        low_level_dataset(f, "bitfield", h5t.STD_B16BE.copy(), (2,), np.zeros(2, dtype="V2"))
        refs = f.create_dataset("objref", shape=(2,), dtype=h5py.ref_dtype)
        refs[0], refs[1] = f.ref, f["bool"].ref
        rr = f.create_dataset("regionref", shape=(1,), dtype=h5py.regionref_dtype)
        rr[0] = f["enum"].regionref[0:2]
        f.create_dataset("scalar", data=np.float64(1.5))
        f.create_dataset("null", data=h5py.Empty("<f4"))
        f["ctype"] = np.dtype([("p", "<u2"), ("q", "<f4")])
        ds = f.create_dataset("uses_ctype", shape=(2,), dtype=f["ctype"])
        ds.attrs.create("committed_attr", data=np.zeros(1, dtype=f["ctype"].dtype),
                        dtype=f["ctype"])
        f.create_dataset("timed", data=np.arange(3, dtype="<i4"), track_times=True)
        names += ["bool", "complex", "compound", "enum", "array", "vlen_seq", "vlen_utf8",
                  "vlen_ascii", "fixed_nullpad", "fixed_utf8", "fixed_nullterm", "fixed_spacepad",
                  "opaque_numpy", "opaque_tagged", "bitfield", "objref", "regionref", "scalar",
                  "null", "ctype", "uses_ctype", "timed", "/"]
    return names


def write_layouts(path, fmt):
    with h5py.File(path, "w", libver=fmt) as f:
        dcpl = h5p.create(h5p.DATASET_CREATE)
        dcpl.set_layout(h5d.COMPACT)
        low_level_dataset(f, "compact", h5t.STD_I16LE, (5,), np.arange(5, dtype="<i2"), dcpl)
        f.create_dataset("contiguous", data=np.arange(20, dtype="<f8").reshape(4, 5))
        f.create_dataset("unallocated", shape=(7,), dtype="<i4")
        f.create_dataset("deflate_shuffle_f32", data=np.arange(400, dtype="<f4").reshape(20, 20),
                         chunks=(5, 10), compression="gzip", compression_opts=6, shuffle=True,
                         fletcher32=True)
        f.create_dataset("lzf", data=np.arange(100, dtype="<i8"), chunks=(10,), compression="lzf")
        f.create_dataset("scaleoffset", data=np.arange(50, dtype="<i4"), chunks=(25,),
                         scaleoffset=0)
        f.create_dataset("unlimited_1d", data=np.arange(30, dtype="<i4"), maxshape=(None,),
                         chunks=(8,), fillvalue=-7)
        f.create_dataset("unlimited_2d", data=np.ones((6, 6), dtype="<u2"), maxshape=(None, None),
                         chunks=(4, 4))
        f.create_dataset("unlimited_one_of_two", shape=(3, 4), maxshape=(None, 4), chunks=(2, 4),
                         dtype="<f4", fillvalue=3.0)
        f.create_dataset("fixed_array", data=np.ones((12, 12), dtype="<i2"), chunks=(4, 4))
        f.create_dataset("single_chunk", data=np.ones((6, 6), dtype="<i4"), chunks=(6, 6))
        f.create_dataset("single_chunk_filtered", data=np.ones((6, 6), dtype="<i4"),
                         chunks=(6, 6), compression="gzip")
        dcpl = h5p.create(h5p.DATASET_CREATE)
        dcpl.set_chunk((5, 5))
        dcpl.set_alloc_time(h5d.ALLOC_TIME_EARLY)
        low_level_dataset(f, "implicit", h5t.STD_I32LE, (10, 10), dcpl=dcpl)
        dcpl = h5p.create(h5p.DATASET_CREATE)
        dcpl.set_fill_time(h5d.FILL_TIME_NEVER)
        dcpl.set_alloc_time(h5d.ALLOC_TIME_EARLY)
        dcpl.set_fill_value(np.array([2.5], dtype=">f8"))
        low_level_dataset(f, "fill_never_early", h5t.IEEE_F64BE, (4,), dcpl=dcpl)
        dcpl = h5p.create(h5p.DATASET_CREATE)
        dcpl.set_fill_value(np.array([b"\x01\x02\x03"], dtype="V3").view("V3"))
        low_level_dataset(f, "fill_opaque", h5t.create(h5t.OPAQUE, 3), (2,), dcpl=dcpl)
        f.create_dataset("maxdims_fixed", shape=(2, 3), maxshape=(5, 3), dtype="u1", chunks=(1, 3))
    return ["compact", "contiguous", "unallocated", "deflate_shuffle_f32", "lzf", "scaleoffset",
            "unlimited_1d", "unlimited_2d", "unlimited_one_of_two", "fixed_array", "single_chunk",
            "single_chunk_filtered", "implicit", "fill_never_early", "fill_opaque",
            "maxdims_fixed"]


def write_attributes(path, fmt):
    with h5py.File(path, "w", libver=fmt) as f:
        f.attrs["root_int"] = np.int32(7)
        g = f.create_group("g")
        g.attrs["f64"] = np.float64(2.25)
        g.attrs["i16_vec"] = np.arange(5, dtype=">i2")
        g.attrs["fixed_str"] = np.bytes_("fixed")
        g.attrs["vlen_str"] = "variable"
        g.attrs.create("utf8_name_é", data=np.uint8(3))
        g.attrs["compound"] = np.zeros(2, dtype=[("a", "<i4"), ("b", "<f4")])
        g.attrs["empty"] = h5py.Empty("<i8")
        g.attrs["matrix"] = np.arange(6, dtype="<f4").reshape(2, 3)
        d = f.create_dataset("d", data=np.arange(3))
        d.attrs["units"] = np.bytes_("m/s")
        d.attrs["bool"] = np.bool_(True)
        many = f.create_group("many")
        for i in range(20):
            many.attrs["a%02d" % i] = np.int64(i)
        big = f.create_group("big")
        for i in range(6):
            big.attrs["blob%d" % i] = np.arange(200, dtype="<i4") + i
        ordered = f.create_group("ordered", track_order=True)
        for name in ("z", "y", "x"):
            ordered.attrs[name] = np.int8(1)
    return ["/", "g", "d", "many", "big", "ordered"]


def write_groups(path, fmt):
    with h5py.File(path, "w", libver=fmt) as f:
        f.create_dataset("target", data=np.arange(4))
        c = f.create_group("compact")
        c["hard"] = f["target"]
        c["soft"] = h5py.SoftLink("/target")
        c["external"] = h5py.ExternalLink("other.h5", "/some/path")
        c.create_group("sub")
        c["ünïcode"] = h5py.SoftLink("/nowhere")
        o = f.create_group("ordered", track_order=True)
        for name in ("c", "b", "a"):
            o.create_group(name)
        dense = f.create_group("dense")
        for i in range(40):
            dense.create_group("member%02d" % i)
        f.create_group("empty")
    return ["/", "target", "compact", "compact/sub", "ordered", "dense", "empty"]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    manifest = []
    writers = {"types": write_types, "layouts": write_layouts, "attributes": write_attributes,
               "groups": write_groups}
    for stem, writer in writers.items():
        for fmt in LIBVERS:
            path = os.path.join(out, "%s_%s.h5" % (stem, fmt))
            manifest.append(describe_file(path, fmt, writer(path, fmt)))
    # Superblock variants: a user block before the superblock, and version 2 (libver v108).
    path = os.path.join(out, "userblock.h5")
    with h5py.File(path, "w", libver="earliest", userblock_size=1024) as f:
        f.create_dataset("x", data=np.arange(3, dtype="<i4"))
    manifest.append(describe_file(path, "earliest", ["/", "x"]))
    path = os.path.join(out, "superblock_v2.h5")
    with h5py.File(path, "w", libver=("v108", "v108")) as f:
        f.create_dataset("x", data=np.arange(3, dtype="<i4"))
    manifest.append(describe_file(path, "latest", ["/", "x"]))
    with open(os.path.join(out, "manifest.json"), "w") as m:
        json.dump(manifest, m, indent=1, ensure_ascii=True)


if __name__ == "__main__":
    main()
