#!/usr/bin/python3
"""Writes HDF5 fixtures with h5py/libhdf5 (and netCDF4/PyTables when installed) plus
manifest.json describing their expected content, for tests/test_hdf5_reader.cpp.

usage: make_fixtures.py OUTDIR

Expected values are taken from libhdf5 itself: every non-vlen dataset and attribute is read
in its own file datatype (raw bytes, file byte order), and datatype names are derived from
the HDF5 type as h5mem's DType::name() spells them. Byte payloads are stored as hex when
small, else as FNV-1a 64 of the bytes.
"""
import ctypes
import ctypes.util
import json
import os
import shutil
import sys

import h5py
import numpy as np

h5t = h5py.h5t

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
MANIFEST = {"files": [], "skipped_generators": []}


def fnv(b):
    h = 0xcbf29ce484222325
    for x in b:
        h ^= x
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def payload(b):
    b = bytes(b)
    if len(b) <= 4096:
        return {"hex": b.hex(), "size": len(b)}
    return {"fnv": fnv(b), "size": len(b)}


def order_suffix(t):
    return " (big-endian)" if t.get_order() == h5t.ORDER_BE else ""


def tname(t):
    c = t.get_class()
    if c == h5t.INTEGER:
        s = "int" if t.get_sign() == h5t.SGN_2 else "uint"
        return "%s%d%s" % (s, t.get_size() * 8, order_suffix(t))
    if c == h5t.FLOAT:
        return "float%d%s" % (t.get_size() * 8, order_suffix(t))
    if c == h5t.STRING:
        cs = "utf-8" if t.get_cset() == h5t.CSET_UTF8 else "ascii"
        if t.is_variable_str():
            return "string (%s, variable)" % cs
        pad = {h5t.STR_NULLTERM: "null_terminate", h5t.STR_NULLPAD: "null_pad",
               h5t.STR_SPACEPAD: "space_pad"}[t.get_strpad()]
        return "string[%d] (%s, %s)" % (t.get_size(), cs, pad)
    if c == h5t.BITFIELD:
        return "bitfield%d%s" % (t.get_size() * 8, order_suffix(t))
    if c == h5t.OPAQUE:
        return 'opaque[%d] "%s"' % (t.get_size(), t.get_tag().decode())
    if c == h5t.REFERENCE:
        return "object reference"
    if c == h5t.ENUM:
        base = t.get_super()
        vals = [(t.get_member_name(i).decode(), t.get_member_value(i)) for i in range(t.get_nmembers())]
        if tname(base) == "int8" and vals == [("FALSE", 0), ("TRUE", 1)]:
            return "bool"
        return "enum %s {%s}" % (tname(base), ", ".join("%s=%d" % v for v in vals))
    if c == h5t.COMPOUND:
        mem = [(t.get_member_name(i).decode(), t.get_member_offset(i), t.get_member_type(i))
               for i in range(t.get_nmembers())]
        mem.sort(key=lambda m: m[1])
        if (len(mem) == 2 and mem[0][0] == "r" and mem[1][0] == "i" and mem[0][1] == 0 and
                mem[0][2].get_class() == h5t.FLOAT and tname(mem[0][2]) == tname(mem[1][2]) and
                mem[1][1] == mem[0][2].get_size() and t.get_size() == 2 * mem[0][2].get_size()):
            return "complex%d%s" % (t.get_size() * 8, order_suffix(mem[0][2]))
        if has_vlen(t):  # h5mem holds these in memory form: see mem_layout
            size, _, offsets = mem_layout(t)
            mem = sorted((n, offsets[n], mt) for n, _, mt in mem)
            mem.sort(key=lambda m: m[1])
            return "compound {%s} (%d bytes)" % (
                ", ".join("%s: %s @%d" % (n, tname(mt), o) for n, o, mt in mem), size)
        return "compound {%s} (%d bytes)" % (
            ", ".join("%s: %s @%d" % (n, tname(mt), o) for n, o, mt in mem), t.get_size())
    if c == h5t.VLEN:
        return "vlen of " + tname(t.get_super())
    if c == h5t.ARRAY:
        return "array[%s] of %s" % ("x".join(str(d) for d in t.get_array_dims()), tname(t.get_super()))
    raise ValueError("type class %d" % c)


def mem_layout(t):
    """(size, alignment, member offsets) of a type as h5mem holds it in memory: a vlen string
    is a std::string (32 bytes), a vlen sequence a Vlen<T> (24), and a compound with vlen
    members lays them out in file order at their natural alignment, as a C++ struct would."""
    c = t.get_class()
    if c == h5t.STRING and t.is_variable_str():
        return 32, 8, None
    if c == h5t.VLEN:
        return 24, 8, None
    if c == h5t.ARRAY:
        size, align, _ = mem_layout(t.get_super())
        return size * int(np.prod(t.get_array_dims())), align, None
    if c == h5t.COMPOUND:
        mem = sorted((t.get_member_offset(i), t.get_member_name(i).decode(), t.get_member_type(i))
                     for i in range(t.get_nmembers()))
        layouts = [(n, mem_layout(mt)) for _, n, mt in mem]
        align = max(l[1] for _, l in layouts)
        if not has_vlen(t):
            return t.get_size(), align, None
        at, offsets = 0, {}
        for n, (size, a, _) in layouts:
            at = (at + a - 1) // a * a
            offsets[n] = at
            at += size
        return max((at + align - 1) // align * align, 1), align, offsets
    if c in (h5t.STRING, h5t.OPAQUE):
        return t.get_size(), 1, None
    return t.get_size(), min(t.get_size(), 8), None


def has_vlen(t):
    c = t.get_class()
    if c == h5t.VLEN or (c == h5t.STRING and t.is_variable_str()):
        return True
    if c == h5t.COMPOUND:
        return any(has_vlen(t.get_member_type(i)) for i in range(t.get_nmembers()))
    if c == h5t.ARRAY:
        return has_vlen(t.get_super())
    return False


def shape_of(space):
    if space.get_simple_extent_type() == h5py.h5s.NULL:
        return [0], [0]
    dims = list(space.shape)
    maxd = space.get_simple_extent_dims(maxdims=True)
    return dims, [-1 if m == h5py.h5s.UNLIMITED else m for m in maxd]


def vlen_value(values, t):
    """Expected vlen content: strings, or each sequence's raw bytes in the base file type."""
    if t.get_class() == h5t.STRING:
        return {"strings": [v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else v
                            for v in np.asarray(values, dtype=object).ravel()]}
    base = t.get_super()
    npbase = base.dtype
    return {"vlen": [np.asarray(v, dtype=npbase).tobytes().hex()
                     for v in np.asarray(values, dtype=object).ravel()]}


def json_of(t, v):
    """One element h5py read, as plain JSON: compounds as lists in member offset order (h5mem's
    member order), arrays flattened, vlen sequences as lists."""
    c = t.get_class()
    if c == h5t.COMPOUND:
        mem = sorted((t.get_member_offset(i), t.get_member_name(i).decode(), t.get_member_type(i))
                     for i in range(t.get_nmembers()))
        return [json_of(mt, v[n]) for _, n, mt in mem]
    if c in (h5t.ARRAY, h5t.VLEN):
        return [json_of(t.get_super(), x) for x in np.asarray(v).reshape(-1)]
    if c == h5t.STRING:
        return v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else str(v)
    if c == h5t.FLOAT:
        return float(v)
    return int(v)


def nested_value(v, t, n):
    """Expected values of a type with vlen data other than a top-level vlen string: one JSON
    value per element (see json_of)."""
    c = t.get_class()
    if c == h5t.ARRAY:  # h5py makes the array dimensions part of the shape
        items = list(np.asarray(v).reshape((n,) + tuple(t.get_array_dims())))
    elif c == h5t.VLEN and not (isinstance(v, np.ndarray) and v.dtype == object):
        items = [v]  # a scalar attribute: the sequence itself
    elif c == h5t.VLEN:
        items = list(v.reshape(-1))
    else:
        items = list(np.asarray(v).reshape(-1))
    return [json_of(t, x) for x in items]


def describe_dataset(d, nested=None):
    """`nested`: the expected values when h5py cannot read them (see deep_vlen_file)."""
    t = d.id.get_type()
    dims, maxd = shape_of(d.id.get_space())
    e = {"kind": "dataset", "dtype": tname(t), "shape": dims, "maxshape": maxd,
         "chunks": list(d.chunks) if d.chunks else None}
    if nested is not None:
        e["nested"] = nested
    elif d.id.get_space().get_simple_extent_type() == h5py.h5s.NULL or 0 in dims:
        e["data"] = payload(b"")
    elif has_vlen(t) and (t.get_class() in (h5t.COMPOUND, h5t.ARRAY) or
                          (t.get_class() == h5t.VLEN and has_vlen(t.get_super()))):
        e["nested"] = nested_value(d[()], t, int(np.prod(dims)))
    elif has_vlen(t):
        e.update(vlen_value(d[()], t))
    elif t.get_class() == h5t.REFERENCE:
        # h5mem holds references as node ids: compare the objects they name
        e["ref_paths"] = [d.file[r].name if r else "" for r in np.asarray(d[()]).ravel()]
    else:
        buf = np.empty(tuple(dims), dtype="V%d" % t.get_size())
        d.id.read(h5py.h5s.ALL, h5py.h5s.ALL, buf, mtype=t)
        e["data"] = payload(buf.tobytes())
    return e


def describe_file(name, fmt, notes=(), expect_error=None, writable_copy=False, given=None):
    """Walks the file with h5py and records every group/dataset reachable by hard links.
    With writable_copy, h5py reads a copy opened read-write (libhdf5 1.10 cannot read
    unallocated chunks of a partly written dataset with a vlen fill value read-only: "no
    write intent on file"), so the fixture itself stays as written."""
    path = os.path.join(OUT, name)
    if writable_copy and not expect_error:
        copy = path + ".rw"
        shutil.copyfile(path, copy)
        try:
            _describe(path, copy, name, fmt, notes, "r+", given=given)
        finally:
            os.remove(copy)
        return
    _describe(path, path, name, fmt, notes, "r", expect_error, given)


def _describe(path, read_path, name, fmt, notes, mode, expect_error=None, given=None):
    entry = {"file": name, "format": fmt, "objects": {}, "notes": list(notes)}
    if expect_error:
        entry["error"] = expect_error
        MANIFEST["files"].append(entry)
        return
    first_path = {}
    with h5py.File(read_path, mode) as f:
        def visit(g, gpath):
            members = []
            for n in g:
                lk = g.get(n, getlink=True)
                p = gpath.rstrip("/") + "/" + n
                if isinstance(lk, h5py.SoftLink):
                    members.append(n)
                    entry["objects"][p] = {"kind": "soft", "target": lk.path}
                    continue
                if isinstance(lk, h5py.ExternalLink):
                    members.append(n)
                    entry["objects"][p] = {"kind": "external", "file": lk.filename,
                                           "target": lk.path}
                    continue
                if not isinstance(lk, h5py.HardLink):
                    continue
                obj = g[n]
                members.append(n)
                if isinstance(obj, h5py.Datatype):
                    entry["objects"][p] = {"kind": "datatype", "dtype": tname(obj.id),
                                           "attrs": attrs_of(obj)}
                    continue
                addr = h5py.h5o.get_info(obj.id).addr
                if addr in first_path:
                    entry["objects"][p] = {"same_as": first_path[addr]}
                    continue
                first_path[addr] = p
                if isinstance(obj, h5py.Group):
                    visit(obj, p)
                else:
                    de = describe_dataset(obj, (given or {}).get(p))
                    de["attrs"] = attrs_of(obj)
                    entry["objects"][p] = de
            entry["objects"][gpath] = {"kind": "group", "members": sorted(members), "attrs": attrs_of(g)}

        first_path[h5py.h5o.get_info(f.id).addr] = "/"
        visit(f, "/")
    MANIFEST["files"].append(entry)


def attrs_of(obj):
    out = {}
    for an in obj.attrs:
        a = h5py.h5a.open(obj.id, an.encode())
        t = a.get_type()
        e = {"dtype": tname(t), "shape": shape_of(a.get_space())[0]}
        if an in ("DIMENSION_LIST", "REFERENCE_LIST"):
            # dimension scales: h5mem keeps them as attachments, not attributes
            e["skipped"] = True
        elif a.get_space().get_simple_extent_type() == h5py.h5s.NULL:
            e["data"] = payload(b"")
        elif has_vlen(t) and t.get_class() != h5t.STRING:
            e["nested"] = nested_value(obj.attrs[an], t, int(np.prod(a.shape)))
        elif has_vlen(t):
            e.update(vlen_value(obj.attrs[an], t))
        else:
            buf = np.empty(a.shape, dtype="V%d" % t.get_size())
            a.read(buf, mtype=t)
            e["data"] = payload(buf.tobytes())
        out[an] = e
    return out


# ---- fixtures ------------------------------------------------------------------------------

LIBVERS = {"earliest": ("earliest", "latest"), "latest": ("latest", "latest")}


def new_file(name, fmt, **kw):
    return h5py.File(os.path.join(OUT, name), "w", libver=LIBVERS[fmt], **kw)


def low_level_dataset(parent, name, tid, data_bytes, shape):
    space = h5py.h5s.create_simple(shape)
    d = h5py.h5d.create(parent.id, name.encode(), tid, space)
    buf = np.frombuffer(data_bytes, dtype="V%d" % tid.get_size()).reshape(shape)
    d.write(h5py.h5s.ALL, h5py.h5s.ALL, buf, mtype=tid)


def dtypes_file(fmt):
    name = "%s_dtypes.h5" % fmt
    rng = np.random.default_rng(7)
    with new_file(name, fmt) as f:
        for t in ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", ">i4", ">u2",
                  ">f8", ">f4", "c8", "c16", "?", "S10"]:
            data = (rng.random(12) * 100 - 50).astype(t) if t not in ("?", "S10") else None
            if t == "?":
                data = rng.random(12) > 0.5
            if t == "S10":
                data = np.array([b"alpha", b"b", b"", b"0123456789"] * 3, dtype="S10")
            if t in ("c8", "c16"):
                data = (rng.random(12) + 1j * rng.random(12)).astype(t)
            f.create_dataset("t_" + t.replace(">", "be_").replace("?", "bool"), data=data)
        d = f.create_dataset("utf8_fixed", (2,), dtype=h5py.string_dtype("utf-8", 8))
        d[0] = "héllo".encode()
        d[1] = b"x"
        f.create_dataset("vlen_str", data=["", "short", "a longer string with ü", "x" * 300],
                         dtype=h5py.string_dtype())
        f.create_dataset("vlen_ascii", data=[b"one", b"two", b""], dtype=h5py.string_dtype("ascii"))
        f.create_dataset("vlen_str_2d", data=np.array([["a", "bb"], ["ccc", ""]], dtype=object),
                         dtype=h5py.string_dtype())
        vt = h5py.vlen_dtype(np.int32)
        d = f.create_dataset("vlen_i4", (4,), dtype=vt)
        d[0] = [1, 2, 3]
        d[1] = []
        d[2] = list(range(100))
        d[3] = [-7]
        d = f.create_dataset("vlen_f8", (2,), dtype=h5py.vlen_dtype(np.float64))
        d[0] = [1.5, 2.5]
        d[1] = [3.25]
        et = h5py.enum_dtype({"RED": 0, "GREEN": 1, "BLUE": 42}, basetype="u1")
        f.create_dataset("enum_u1", data=np.array([0, 1, 42, 1], dtype="u1"), dtype=et)
        et2 = h5py.enum_dtype({"NEG": -5, "POS": 1000}, basetype=">i2")
        f.create_dataset("enum_be_i2", data=np.array([-5, 1000], dtype=">i2"), dtype=et2)
        ct = np.dtype([("x", "<f8"), ("y", "<i4"), ("tag", "S3"), ("v", "<f4", (3,))])
        c = np.zeros(5, dtype=ct)
        c["x"] = np.arange(5) * 1.5
        c["y"] = -np.arange(5)
        c["tag"] = b"ab"
        c["v"] = np.arange(15).reshape(5, 3)
        f.create_dataset("compound", data=c)
        pt = np.dtype({"names": ["a", "b"], "formats": ["<i2", "<f8"], "offsets": [0, 8], "itemsize": 24})
        p = np.zeros(3, dtype=pt)
        p["a"] = [1, 2, 3]
        p["b"] = [0.5, 1.5, 2.5]
        f.create_dataset("compound_padded", data=p)
        nt = np.dtype([("inner", ct), ("z", "<u8")])
        n = np.zeros(2, dtype=nt)
        n["z"] = [5, 6]
        n["inner"]["x"] = [7, 8]
        f.create_dataset("compound_nested", data=n)
        f.create_dataset("opaque", data=np.array([b"\x01\x02\x03\x04\x05\x06\x07"] * 3, dtype="V7"))
        at = h5t.array_create(h5t.py_create(np.dtype("<i2")), (2, 3))
        low_level_dataset(f, "array_i2", at, np.arange(24, dtype="<i2").tobytes(), (4,))
        bt = h5t.STD_B16LE.copy()
        low_level_dataset(f, "bitfield16", bt, bytes(range(16)), (8,))
        bt = h5t.STD_B8BE.copy()
        low_level_dataset(f, "bitfield8", bt, bytes(range(5)), (5,))
        g = f.create_group("targets")
        tgt = g.create_dataset("t", data=[1, 2])
        f.create_dataset("refs", data=[g.ref, tgt.ref, f.ref], dtype=h5py.ref_dtype)
        f.create_dataset("scalar_f8", data=3.25)
        f.create_dataset("scalar_str", data="scalar string", dtype=h5py.string_dtype())
        f.create_dataset("empty_1d", shape=(0,), dtype="i4")
        f.create_dataset("empty_2d", shape=(3, 0), dtype="f4")
        f.create_dataset("null_space", data=h5py.Empty("f4"))
        f.create_dataset("rank3", data=np.arange(60, dtype="<i8").reshape(3, 4, 5))
        f["named_type"] = np.dtype("<i4")
        f.create_dataset("uses_named", data=np.arange(4, dtype="<i4"), dtype=f["named_type"])
        # attributes of many types
        a = f.attrs
        a["int"] = np.int32(-3)
        a["floats"] = np.array([1.5, 2.5, 3.5])
        a["str"] = "vlen string attr"
        a["strs"] = np.array(["a", "bcd"], dtype=h5py.string_dtype())
        a["bytes"] = np.bytes_(b"fixed")
        a["bool"] = np.bool_(True)
        a["complex"] = np.complex128(1 + 2j)
        a["compound"] = c[:2]
        a["empty"] = h5py.Empty("i4")
        a["matrix"] = np.arange(6, dtype="<u2").reshape(2, 3)
        a["be"] = np.array([1, 2], dtype=">i8")
        a.create("vlen_seq", data=np.array([np.array([1, 2], "i4"), np.array([3], "i4")], dtype=object),
                 dtype=vt)
        f["compound"].attrs["units"] = "m"
        f["compound"].attrs["named"] = np.int32(5)
        g.attrs["group_attr"] = np.float32(0.5)
    describe_file(name, fmt)


def nested_vlen_file(fmt):
    """Vlen strings and sequences nested in compounds and arrays, in datasets and attributes."""
    name = "%s_nested_vlen.h5" % fmt
    with new_file(name, fmt) as f:
        et = np.dtype([("id", "<i4"), ("name", h5py.string_dtype()),
                       ("samples", h5py.vlen_dtype(np.float32))])
        e = np.empty(5, dtype=et)
        for i in range(5):
            e[i] = (i * 7 - 3, "" if i == 2 else "n\u00e9v-%d" % i,
                    np.arange(i % 3, dtype=np.float32) * 0.5 + i)
        f.create_dataset("events", data=e)
        f.create_dataset("events_chunked", data=e, chunks=(2,), compression="gzip", maxshape=(None,))
        f.create_dataset("events_unwritten", shape=(3,), dtype=et)
        at = np.dtype((h5py.string_dtype(), (3,)))
        d = f.create_dataset("tags", shape=(2,), dtype=at, chunks=(1,), compression="gzip")
        d[0] = ["a", "", "ccc"]
        d[1] = ["\u00fc", "x" * 300, ""]
        rt = np.dtype([("x", "<f8"), ("labels", h5py.string_dtype(), (2,)),
                       ("v", h5py.vlen_dtype(np.int16))])
        r = np.empty(2, dtype=rt)
        r[0] = (1.5, ["l0", ""], np.array([], dtype=np.int16))
        r[1] = (-2.0, ["l1", "second"], np.array([-7, 8, 9], dtype=np.int16))
        f.create_dataset("records", data=r)
        f.attrs.create("rows", data=[np.array([1, 2, 3], "i4"), np.array([], "i4"),
                                     np.array([-4], "i4")], dtype=h5py.vlen_dtype(np.int32))
        one = np.empty((), dtype=object)
        one[()] = np.array([0.5, -1.0])
        f.attrs.create("one_row", data=one, dtype=h5py.vlen_dtype(np.float64))
        # h5py 3.7 corrupts memory writing attributes of compounds with vlen sequences from
        # numpy's packed layout; with room for a 16-byte vlen slot per field it does not.
        roomy = np.dtype({"names": ["id", "name", "samples"], "formats": [et[0], et[1], et[2]],
                          "offsets": [0, 4, 20], "itemsize": 36})
        f.attrs["event"] = e.astype(roomy)[1]
        f.attrs["events"] = e.astype(roomy)
        f["events"].attrs["names"] = e[["id", "name"]]
        # numpy's view of some fields keeps their offsets: libhdf5 stores them unpacked.
        f.create_dataset("names", data=e[["id", "samples"]])
        f.create_dataset("names_chunked", data=e[["id", "name"]], chunks=(2,), compression="gzip",
                         shuffle=True)
    describe_file(name, fmt)


def vlen_fill_dataset(parent, name, fill, shape, chunks=None, maxshape=None):
    """A vlen string dataset with a fill value (h5py's fillvalue=b"..."), through the low-level
    API: libhdf5 keeps the fill as a global heap object that the fill value message refers to."""
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_fill_value(np.array(fill.encode(), dtype=h5py.string_dtype()))
    if chunks:
        dcpl.set_chunk(chunks)
    tid = h5t.C_S1.copy()
    tid.set_size(h5t.VARIABLE)
    tid.set_cset(h5t.CSET_UTF8)
    maxshape = tuple(h5py.h5s.UNLIMITED if m is None else m for m in (maxshape or shape))
    space = h5py.h5s.create_simple(shape, maxshape)
    return h5py.Dataset(h5py.h5d.create(parent.id, name.encode(), tid, space, dcpl=dcpl))


def vlen_fill_file(fmt):
    """Vlen string fill values: unwritten contiguous and chunked datasets, partly written ones
    and a resized one (the new elements read as the fill)."""
    name = "%s_vlen_fill.h5" % fmt
    with new_file(name, fmt) as f:
        vlen_fill_dataset(f, "unwritten", "abc", (4,))
        vlen_fill_dataset(f, "unwritten_chunked", "fill \u00e9", (5,), chunks=(2,))
        d = vlen_fill_dataset(f, "partial", "-", (6,), chunks=(4,), maxshape=(None,))
        d[1] = "one"
        d.resize((10,))
        d = vlen_fill_dataset(f, "written", "zz", (3,))
        d[0] = "x"
        d = vlen_fill_dataset(f, "empty_fill", "", (2,), chunks=(1,))
        d[1] = "y"
    describe_file(name, fmt, writable_copy=True)


class HvlT(ctypes.Structure):
    """libhdf5's hvl_t: one vlen sequence in memory."""
    _fields_ = [("len", ctypes.c_size_t), ("p", ctypes.c_void_p)]


class NamedC(ctypes.Structure):
    _fields_ = [("id", ctypes.c_int32), ("name", ctypes.c_char_p)]


def libhdf5():
    return ctypes.CDLL(ctypes.util.find_library("hdf5_serial") or "libhdf5_serial.so")


def deep_vlen_file(fmt):
    """Vlen sequences of vlen data: of vlen int32, of vlen strings and of compounds with a
    string, in datasets (contiguous and chunked + gzip) and an attribute. h5py reads them but
    cannot write them (no conversion path from numpy objects), so the data goes through
    libhdf5's H5Dwrite/H5Awrite with hvl_t buffers built with ctypes."""
    name = "%s_deep_vlen.h5" % fmt
    lib = libhdf5()
    keep = []

    def carr(ctype, vals):
        a = (ctype * max(len(vals), 1))(*vals)
        keep.append(a)
        return a

    def hv(ctype, vals):
        return HvlT(len(vals), ctypes.cast(carr(ctype, vals), ctypes.c_void_p) if vals else None)

    def write(obj_id, mtype, buf, attr=False):
        h = ctypes.c_int64
        if attr:
            rc = lib.H5Awrite(h(obj_id.id), h(mtype.id), buf)
        else:
            rc = lib.H5Dwrite(h(obj_id.id), h(mtype.id), h(0), h(0), h(0), buf)
        if rc < 0:
            raise RuntimeError("H5Dwrite/H5Awrite failed")

    vstr = h5t.C_S1.copy()
    vstr.set_size(h5t.VARIABLE)
    vstr.set_cset(h5t.CSET_UTF8)
    ints = [[[1, 2], []], [], [[7], [-3, 4, 5]]]
    words = [["ab", "c"], [], ["", "h\u00e9llo", "z" * 300]]
    named = [[(1, "one"), (2, "")], [(3, "three")], []]
    with new_file(name, fmt) as f:
        vvi_m = h5t.vlen_create(h5t.vlen_create(h5t.NATIVE_INT32))
        vvi_buf = carr(HvlT, [HvlT(len(r), ctypes.cast(carr(HvlT, [hv(ctypes.c_int32, x) for x in r]),
                                                       ctypes.c_void_p) if r else None)
                              for r in ints])
        vvs_buf = carr(HvlT, [hv(ctypes.c_char_p, [w.encode() for w in r]) for r in words])
        named_m = h5t.create(h5t.COMPOUND, ctypes.sizeof(NamedC))
        named_m.insert(b"id", NamedC.id.offset, h5t.NATIVE_INT32)
        named_m.insert(b"name", NamedC.name.offset, vstr)
        named_buf = carr(HvlT, [hv(NamedC, [NamedC(i, n.encode()) for i, n in r]) for r in named])
        for suffix, dcpl in (("", None), ("_chunked", h5py.h5p.create(h5py.h5p.DATASET_CREATE))):
            if dcpl is not None:
                dcpl.set_chunk((2,))
                dcpl.set_deflate(4)
            space = h5py.h5s.create_simple((3,))
            d = h5py.h5d.create(f.id, ("vvi" + suffix).encode(),
                                h5t.vlen_create(h5t.vlen_create(h5t.STD_I32LE)), space, dcpl=dcpl)
            write(d, vvi_m, vvi_buf)
            d = h5py.h5d.create(f.id, ("vvs" + suffix).encode(), h5t.vlen_create(vstr), space,
                                dcpl=dcpl)
            write(d, h5t.vlen_create(vstr), vvs_buf)
            d = h5py.h5d.create(f.id, ("named" + suffix).encode(), h5t.vlen_create(named_m), space,
                                dcpl=dcpl)
            write(d, h5t.vlen_create(named_m), named_buf)
        a = h5py.h5a.create(f.id, b"words", h5t.vlen_create(vstr), h5py.h5s.create_simple((3,)))
        write(a, h5t.vlen_create(vstr), vvs_buf, attr=True)
    # h5py 3.7 crashes reading vlen sequences of compounds with vlen strings: as written.
    want = [[[i, n] for i, n in r] for r in named]
    describe_file(name, fmt, given={"/named": want, "/named_chunked": want})


def layouts_file(fmt):
    name = "%s_layouts.h5" % fmt
    data2 = np.arange(100 * 60, dtype="<f4").reshape(100, 60)
    with new_file(name, fmt) as f:
        f.create_dataset("contiguous", data=data2)
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        sp = h5py.h5s.create_simple((10,))
        d = h5py.h5d.create(f.id, b"compact", h5t.STD_I32LE, sp, dcpl=dcpl)
        d.write(h5py.h5s.ALL, h5py.h5s.ALL, np.arange(10, dtype="<i4"))
        f.create_dataset("chunked", data=data2, chunks=(16, 16))
        d = f.create_dataset("chunked_partial", shape=(50, 50), chunks=(10, 10), dtype="<i4", fillvalue=-1)
        d[0:10, 0:10] = 7
        d[45:50, 45:50] = 9
        f.create_dataset("never_written", shape=(20,), dtype="<f8", fillvalue=2.5)
        f.create_dataset("chunk_never_written", shape=(20,), chunks=(5,), dtype="<i2", fillvalue=3)
        for fname, kw in [("gzip", dict(compression="gzip")), ("gzip9", dict(compression="gzip", compression_opts=9)),
                          ("shuffle_gzip", dict(compression="gzip", shuffle=True)),
                          ("fletcher", dict(fletcher32=True)), ("lzf", dict(compression="lzf")),
                          ("shuffle_lzf_fletcher", dict(compression="lzf", shuffle=True, fletcher32=True)),
                          ("all_gzip", dict(compression="gzip", shuffle=True, fletcher32=True))]:
            f.create_dataset("f_" + fname, data=data2, chunks=(20, 30), **kw)
        # incompressible chunks: deflate stores them anyway; lzf skips itself (mask bit)
        noise = np.random.default_rng(3).integers(0, 255, size=4000, dtype="u1")
        f.create_dataset("lzf_noise", data=noise, chunks=(1000,), compression="lzf")
        # chunk indexes (layout v4 in latest): extensible array, v2 B-tree, fixed array (paged),
        # single chunk, implicit
        d = f.create_dataset("ea", data=np.arange(1000, dtype="<i4"), chunks=(64,), maxshape=(None,))
        d.resize((1100,))
        d[1000:] = 5
        f.create_dataset("ea_gzip", data=np.arange(3000, dtype="<i8").reshape(1000, 3), chunks=(10, 3),
                         maxshape=(None, 3), compression="gzip")
        f.create_dataset("ea_2d_mid", data=np.arange(40 * 30, dtype="<i2").reshape(40, 30), chunks=(7, 4),
                         maxshape=(40, None))
        f.create_dataset("bt2", data=np.arange(40 * 50, dtype="<u4").reshape(40, 50), chunks=(7, 9),
                         maxshape=(None, None))
        f.create_dataset("bt2_gzip", data=np.arange(40 * 50, dtype="<u4").reshape(40, 50), chunks=(7, 9),
                         maxshape=(None, None), compression="gzip", shuffle=True)
        f.create_dataset("fa_paged", data=np.arange(1500 * 4, dtype="<u2").reshape(1500, 4), chunks=(1, 4))
        d = f.create_dataset("fa_paged_sparse", shape=(3000,), chunks=(1,), dtype="<i4", fillvalue=-9)
        d[5] = 1
        d[2500] = 2
        f.create_dataset("fa_gzip", data=np.arange(6000, dtype="<f8"), chunks=(5,), compression="gzip")
        f.create_dataset("single", data=np.arange(30, dtype="<i4").reshape(5, 6), chunks=(5, 6))
        f.create_dataset("single_gzip", data=np.arange(30, dtype="<i4").reshape(5, 6), chunks=(5, 6),
                         compression="gzip")
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_chunk((4, 4))
        dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
        sp = h5py.h5s.create_simple((10, 10))
        d = h5py.h5d.create(f.id, b"implicit", h5t.STD_I16LE, sp, dcpl=dcpl)
        d.write(h5py.h5s.ALL, h5py.h5s.ALL, np.arange(100, dtype="<i2").reshape(10, 10))
        f.create_dataset("vlen_chunked", data=["x" * i for i in range(50)], chunks=(8,),
                         dtype=h5py.string_dtype(), compression="gzip")
        d = f.create_dataset("vlen_seq_chunked", (10,), dtype=h5py.vlen_dtype("<i2"), chunks=(3,),
                             maxshape=(None,))
        for i in range(10):
            d[i] = np.arange(i, dtype="<i2")
        f.create_dataset("compound_chunked", data=np.zeros(100, dtype=[("a", "<i4"), ("b", "<f8")]),
                         chunks=(10,), compression="gzip")
        d = f.create_dataset("shrunk", data=np.arange(100, dtype="<i4"), chunks=(10,), maxshape=(None,))
        d.resize((35,))
    describe_file(name, fmt)


def groups_file(fmt):
    name = "%s_groups.h5" % fmt
    with new_file(name, fmt) as f:
        g = f.create_group("a/b/c")
        g.create_dataset("deep", data=[1, 2, 3])
        big = f.create_group("big")
        for i in range(1200):
            big.create_group("g%04d" % i) if i % 100 == 0 else big.create_dataset("d%04d" % i, data=np.int16(i))
        to = f.create_group("ordered", track_order=True)
        for n in ["zeta", "alpha", "mid"]:
            to.create_dataset(n, data=[ord(n[0])])
        for i in range(20):
            to.attrs["at%02d" % i] = i
        f["hard_again"] = g["deep"]
        f["a/group_again"] = f["a/b"]
        f["soft"] = h5py.SoftLink("/a/b/c/deep")
        f["dangling"] = h5py.SoftLink("/nowhere")
        f["external"] = h5py.ExternalLink("other.h5", "/x")
        dense = f.create_dataset("dense_attrs", data=[0])
        for i in range(30):
            dense.attrs["attr_%02d" % i] = np.arange(i + 1, dtype="<i4")
        if fmt == "latest":  # > 64 KiB needs dense storage, which v1 headers lack
            dense.attrs["huge"] = np.arange(20000, dtype="<f8")
        f.attrs["s" * 200] = "long attribute name"
    describe_file(name, fmt)


def misc_files():
    # user block before the superblock
    name = "userblock.h5"
    with h5py.File(os.path.join(OUT, name), "w", userblock_size=1024) as f:
        f.create_dataset("x", data=np.arange(10, dtype="<i4"))
        f.create_dataset("s", data=["u", "b"], dtype=h5py.string_dtype())
    describe_file(name, "earliest")
    # 4-byte addresses and lengths
    name = "sizes4.h5"
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    fcpl.set_sizes(4, 4)
    fid = h5py.h5f.create(os.path.join(OUT, name).encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl)
    with h5py.File(fid) as f:
        f.create_dataset("c", data=np.arange(500, dtype="<i4"), chunks=(7,), compression="gzip")
        f.create_dataset("x", data=np.arange(6, dtype="<f8").reshape(2, 3))
        f.create_group("g").attrs["x"] = 1
        f.attrs["s"] = np.bytes_(b"text")
        # Vlen data: 12-byte references (4 + 4-byte address + 4) and global heap collections
        # with 4-byte lengths (header padded to 16 bytes, 12-byte object headers).
        f.create_dataset("vs", data=["", "a", "h\u00e9llo", "z" * 3000], dtype=h5py.string_dtype())
        f.create_dataset("vs_chunked", data=["r%d" % i for i in range(30)],
                         dtype=h5py.string_dtype(), chunks=(4,), compression="gzip", shuffle=True)
        rows = np.empty(3, dtype=object)
        rows[:] = [np.array([1, 2, 3], "<i4"), np.array([], "<i4"), np.array([-4], "<i4")]
        f.create_dataset("vi", data=rows, dtype=h5py.vlen_dtype(np.int32))
        et = np.dtype([("id", "<i4"), ("name", h5py.string_dtype()),
                       ("samples", h5py.vlen_dtype(np.float32))])
        e = np.empty(4, dtype=et)
        for i in range(4):
            e[i] = (i, "n%d" % i, np.arange(i, dtype=np.float32))
        f.create_dataset("events", data=e, chunks=(3,))
        f.attrs["vstrs"] = np.array(["x", "", "yz"], dtype=h5py.string_dtype())
        f.attrs.create("rows", data=rows, dtype=h5py.vlen_dtype(np.int32))
    describe_file(name, "earliest")
    # superblock version 1: libhdf5 writes it when the chunk B-tree K is not the default;
    # h5py has no binding for H5Pset_istore_k, so it is called through ctypes.
    name = "superblock_v1.h5"
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    libhdf5 = ctypes.CDLL(ctypes.util.find_library("hdf5_serial") or "libhdf5_serial.so")
    if libhdf5.H5Pset_istore_k(ctypes.c_int64(fcpl.id), ctypes.c_uint(64)) < 0:
        raise RuntimeError("H5Pset_istore_k failed")
    fid = h5py.h5f.create(os.path.join(OUT, name).encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl)
    with h5py.File(fid) as f:
        f.create_dataset("c", data=np.arange(500, dtype="<i4"), chunks=(7,), compression="gzip")
        f.create_dataset("s", data=["a", "bc"], dtype=h5py.string_dtype())
        f.create_group("g").attrs["x"] = 1
    describe_file(name, "earliest")
    # superblock version 2 (libver v108)
    name = "superblock_v2.h5"
    with h5py.File(os.path.join(OUT, name), "w", libver=("v108", "v108")) as f:
        f.create_dataset("c", data=np.arange(500, dtype="<i4"), chunks=(7,), maxshape=(None,))
        f.create_group("g").attrs["x"] = 1
    describe_file(name, "latest")
    # a filter h5mem does not implement
    name = "unsupported_filter.h5"
    with h5py.File(os.path.join(OUT, name), "w") as f:
        f.create_dataset("so", data=np.arange(100, dtype="<i4"), chunks=(10,), scaleoffset=0)
        f.create_dataset("ok", data=np.arange(5, dtype="<i4"))
    # The file opens; only reading (or saving) /so raises unsupported naming the filter.
    describe_file(name, "earliest",
                  expect_error={"code": "unsupported", "contains": "filter 6", "path": "/so",
                                "readable": "/ok"})
    # truncation / bit-flip subject: small but varied
    for fmt in ("earliest", "latest"):
        name = "%s_small.h5" % fmt
        with new_file(name, fmt) as f:
            f.create_dataset("c", data=np.arange(40, dtype="<i4"), chunks=(8,), compression="gzip",
                             maxshape=(None,))
            f.create_dataset("s", data=["p", "qq"], dtype=h5py.string_dtype())
            f.create_group("g").attrs["a"] = np.arange(3)
            f.attrs["t"] = "x"
        describe_file(name, fmt)


def netcdf_files():
    try:
        import netCDF4
    except ImportError:
        print("make_fixtures: python3-netcdf4 is not installed; netCDF4 fixtures skipped")
        MANIFEST["skipped_generators"].append("netcdf4")
        return
    name = "netcdf4.nc"
    with netCDF4.Dataset(os.path.join(OUT, name), "w", format="NETCDF4") as nc:
        nc.createDimension("time", None)
        nc.createDimension("x", 8)
        v = nc.createVariable("temp", "f4", ("time", "x"), zlib=True)
        v[0:3, :] = np.arange(24, dtype="f4").reshape(3, 8)
        v.units = "K"
        s = nc.createVariable("names", str, ("x",))
        for i in range(8):
            s[i] = "n%d" % i
        g = nc.createGroup("sub")
        g.createVariable("y", "i4", ("x",))[:] = np.arange(8)
        nc.title = "fixture"
    describe_file(name, "latest")


def tables_files():
    try:
        import tables
    except ImportError:
        print("make_fixtures: python3-tables is not installed; PyTables fixtures skipped")
        MANIFEST["skipped_generators"].append("tables")
        return
    name = "pytables.h5"
    with tables.open_file(os.path.join(OUT, name), "w") as t:
        class Row(tables.IsDescription):
            a = tables.Int32Col()
            b = tables.Float64Col()
            c = tables.StringCol(4)
        tab = t.create_table("/", "table", Row)
        r = tab.row
        for i in range(100):
            r["a"], r["b"], r["c"] = i, i / 2, b"r%d" % i
            r.append()
        tab.flush()
        ea = t.create_earray("/", "earray", tables.Float32Atom(), (0, 4))
        ea.append(np.arange(40, dtype="f4").reshape(10, 4))
        t.create_carray("/", "carray", obj=np.arange(1000, dtype="i8"),
                        filters=tables.Filters(complevel=5, complib="zlib"))
    describe_file(name, "earliest")


def shared_messages_files():
    """Messages shared through the shared object header message table and heap (SOHM).

    h5py has no binding for H5Pset_shared_mesg_*, so they are called through ctypes. The
    flags are libhdf5's (1 << message type): dataspace 1, datatype 3, fill value 5, filter
    pipeline 11, attribute 12. A minimum size of 0 shares every message of those types."""
    libhdf5 = ctypes.CDLL(ctypes.util.find_library("hdf5_serial") or "libhdf5_serial.so")
    indexes = [(1 << 1) | (1 << 3) | (1 << 5) | (1 << 11), 1 << 12]
    for fmt in ("earliest", "latest"):
        name = "%s_shared_messages.h5" % fmt
        fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
        plist = ctypes.c_int64(fcpl.id)
        if libhdf5.H5Pset_shared_mesg_nindexes(plist, ctypes.c_uint(len(indexes))) < 0:
            raise RuntimeError("H5Pset_shared_mesg_nindexes failed")
        for i, flags in enumerate(indexes):
            if libhdf5.H5Pset_shared_mesg_index(plist, ctypes.c_uint(i), ctypes.c_uint(flags),
                                                ctypes.c_uint(0)) < 0:
                raise RuntimeError("H5Pset_shared_mesg_index failed")
        fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
        fapl.set_libver_bounds(*[getattr(h5py.h5f, "LIBVER_" + v.upper()) for v in LIBVERS[fmt]])
        fid = h5py.h5f.create(os.path.join(OUT, name).encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl,
                              fapl=fapl)
        with h5py.File(fid) as f:
            t = np.dtype([("x", "<f8"), ("id", "<i4")])
            for i in range(4):
                d = f.create_dataset("d%d" % i, shape=(50,), dtype=t, chunks=(10,),
                                     compression="gzip", shuffle=True,
                                     fillvalue=np.array((1.5, 7), dtype=t))
                d[:20] = np.array([(k * 0.5, k + i) for k in range(20)], dtype=t)
                d.attrs["units"] = "m"
                d.attrs["scale"] = np.arange(3.0)
            g = f.create_group("g")
            g.attrs["units"] = "m"
            f.create_dataset("g/s", data=np.arange(50, dtype="<i4"))
            f.create_dataset("g/t", data=np.arange(50, dtype="<i4"))
            # Enough attributes for dense storage (latest format): their records point
            # into the shared message heap.
            many = f.create_group("many")
            for k in range(12):
                many.attrs["a%02d" % k] = np.arange(4, dtype="<i2") + k
                f["g/s"].attrs["b%02d" % k] = np.float32(k)
        # Shared messages need superblock version 2, whatever the object header versions.
        describe_file(name, "latest")


def anonymous_type_file():
    """Datasets sharing a type committed without a name (H5Tcommit_anon, no h5py binding)."""
    libhdf5 = ctypes.CDLL(ctypes.util.find_library("hdf5_serial") or "libhdf5_serial.so")
    name = "anonymous_type.h5"
    with new_file(name, "earliest") as f:
        t = np.dtype([("a", "<i4"), ("b", "<f4")])
        tid = h5py.h5t.py_create(t).copy()
        if libhdf5.H5Tcommit_anon(ctypes.c_int64(f.id.id), ctypes.c_int64(tid.id),
                                  ctypes.c_int64(0), ctypes.c_int64(0)) < 0:
            raise RuntimeError("H5Tcommit_anon failed")
        for k in range(2):
            space = h5py.h5s.create_simple((6,))
            d = h5py.h5d.create(f.id, ("d%d" % k).encode(), tid, space)
            d.write(h5py.h5s.ALL, h5py.h5s.ALL,
                    np.array([(i + k, i / 2) for i in range(6)], dtype=t))
        f.create_dataset("plain", data=np.arange(3, dtype="<i2"))
    describe_file(name, "earliest")


for fmt in ("earliest", "latest"):
    dtypes_file(fmt)
    nested_vlen_file(fmt)
    vlen_fill_file(fmt)
    deep_vlen_file(fmt)
    layouts_file(fmt)
    groups_file(fmt)
misc_files()
shared_messages_files()
anonymous_type_file()
netcdf_files()
tables_files()

with open(os.path.join(OUT, "manifest.json"), "w") as fp:
    json.dump(MANIFEST, fp, indent=1)
print("make_fixtures: wrote %d fixtures to %s" % (len(MANIFEST["files"]), OUT))
