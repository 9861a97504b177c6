#!/usr/bin/python3
"""Checks `h5mem ls`, `h5mem dump` and `h5mem copy` against h5py / libhdf5 and hdf5-tools.

usage: check_cli.py H5MEM [FIXTURES_DIR]

Generates HDF5 files with h5py (libver earliest and latest) in a temporary directory, then
for each file:
  (a) `h5mem copy SRC DST` and `h5mem copy --format latest|earliest SRC DSTn`: h5diff must
      report no difference (exit 0), and h5py must read the same objects, types, shapes,
      attributes and values from the copies (covers objects h5diff calls "not comparable");
  (b) `h5mem ls -r --json` lists exactly the objects h5py sees, with their shapes, max
      shapes, chunks and datatypes;
  (c) `h5mem dump --json` gives the values h5py reads (numerically, exact);
  (d) error cases (missing file, missing object, truncated and damaged files) exit non-zero
      (never by a signal) with a message on stderr.
The copy + h5diff check also runs over every .h5 file of FIXTURES_DIR (or, when it is not
given, of a fresh run of make_fixtures.py next to this script), skipping files with filters
h5diff cannot read (LZF) and files h5mem's reader reports as unsupported.

Prints `[interop] checks: N | P passed | F failed`; exits 1 on any failure.
"""
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

H5MEM = os.path.abspath(sys.argv[1])
FIXTURES = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
HERE = os.path.dirname(os.path.abspath(__file__))
TMP = tempfile.mkdtemp(prefix="h5mem-cli-")

COUNTS = {"checks": 0, "passed": 0, "failed": 0}
FAILURES = []
SKIPPED = []


def check(name, ok, detail=""):
    COUNTS["checks"] += 1
    if ok:
        COUNTS["passed"] += 1
    else:
        COUNTS["failed"] += 1
        FAILURES.append(name)
        print("FAIL %s%s" % (name, (": " + detail) if detail else ""), flush=True)
    return ok


def run(args, timeout=300):
    p = subprocess.run([H5MEM] + args, cwd=TMP, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def short(s, n=600):
    s = s.strip()
    return s if len(s) <= n else s[:n] + "..."


# ---------------------------------------------------------------------------------------
# Generated files
# ---------------------------------------------------------------------------------------

def make_attrs(obj):
    a = obj.attrs
    for t in ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", ">i4", ">f8"]:
        a["num_" + t.replace(">", "be_")] = np.array(7, dtype=t)
    a["int64_extremes"] = np.array([np.iinfo("i8").min, np.iinfo("i8").max], dtype="i8")
    a["uint64_max"] = np.array([np.iinfo("u8").max], dtype="u8")
    a["f64_exact"] = np.array([0.1, 1 / 3, 1e-300, 5e-324, 1.7976931348623157e308, -0.0])
    a["f32_exact"] = np.array([0.1, 1 / 3, 3.4028235e38, 1e-45], dtype="f4")
    a["non_finite"] = np.array([np.nan, np.inf, -np.inf, 1.5])
    a["bool"] = np.bool_(True)
    a["bools"] = np.array([True, False, True])
    a["c64"] = np.complex64(1.5 - 2.25j)
    a["c128"] = np.array([1 + 2j, -3.5 + 0j, complex(np.nan, np.inf)])
    a["vstr"] = "héllo wörld ✓"
    a["vstr_list"] = ["a", "", 'q"uote\\back\nline\ttab']
    a.create("vstr_ascii", "plain ascii", dtype=h5py.string_dtype("ascii"))
    a["fstr"] = np.bytes_(b"fixed")
    a["fstr_list"] = np.array([b"ab", b"cde", b""], dtype="S4")
    a["fstr_bytes"] = np.array(b"\x01\x7f\xff", dtype="S3")
    a.create("enum", np.array(2, dtype="i2"),
             dtype=h5py.enum_dtype({"LOW": 0, "MID": 1, "HIGH": 2}, basetype="i2"))
    a["compound"] = np.array((1, 2.5, b"xy"), dtype=[("a", "i4"), ("b", "f8"), ("s", "S2")])
    a["array_member"] = np.array([([1, 2, 3],), ([4, 5, 6],)], dtype=[("v", "i4", (3,))])
    a["ints_1d"] = np.arange(10, dtype="i4")


def make_datasets(f):
    g = f.create_group("data")
    g["contig_2d"] = np.arange(12, dtype="i4").reshape(3, 4)
    g["be_f8"] = np.linspace(-1, 1, 7).astype(">f8")
    g["be_i2"] = np.arange(-3, 4, dtype=">i2")
    g["f2"] = np.array([0.5, -1.25, 65504, np.inf], dtype="f2")
    g["u8_big"] = np.array([0, 2**63, 2**64 - 1], dtype="u8")
    g.create_dataset("chunked", data=np.arange(600, dtype="f4").reshape(20, 30), chunks=(7, 8))
    g.create_dataset("gzip", data=np.sin(np.arange(5000.0)).reshape(50, 100), chunks=(10, 25),
                     compression="gzip", compression_opts=6, shuffle=True)
    g.create_dataset("fletcher", data=np.arange(1000, dtype="i8"), chunks=(100,),
                     fletcher32=True, compression="gzip")
    g.create_dataset("resizable", data=np.arange(10.0), maxshape=(None,), chunks=(4,))
    g.create_dataset("resizable_2d", data=np.ones((3, 5), "i2"), maxshape=(None, 8), chunks=(2, 2))
    g.create_dataset("partial_fill", shape=(10, 10), chunks=(5, 5), dtype="i4", fillvalue=-7)
    g["partial_fill"][0:5, 0:5] = 3
    g["cube"] = np.arange(2 * 3 * 4 * 5, dtype="u2").reshape(2, 3, 4, 5)
    # Larger than one 4 MiB dump block, chunked and compressed.
    g.create_dataset("large", data=np.arange(700000, dtype="f8").reshape(700, 1000) / 7.0,
                     chunks=(64, 250), compression="gzip", compression_opts=1)
    g.create_dataset("nan_inf", data=np.array([np.nan, np.inf, -np.inf, 0.0, -0.0]))
    s = f.create_group("strings")
    s.create_dataset("vlen_utf8", data=["alpha", "βeta", "", "line\nbreak"],
                     dtype=h5py.string_dtype())
    s.create_dataset("vlen_ascii", data=[b"one", b"two"], dtype=h5py.string_dtype("ascii"))
    s.create_dataset("vlen_2d", data=np.array([["a", "bb"], ["ccc", "dddd"]], dtype=object),
                     dtype=h5py.string_dtype())
    s.create_dataset("vlen_chunked", data=["x%d" % i for i in range(50)],
                     dtype=h5py.string_dtype(), chunks=(16,), compression="gzip")
    s["fixed"] = np.array([b"abc", b"de", b""], dtype="S5")
    fu = s.create_dataset("fixed_utf8", shape=(2,), dtype=h5py.string_dtype("utf-8", 4))
    fu.id.write(h5py.h5s.ALL, h5py.h5s.ALL, np.array(["é".encode(), b"z"], dtype="S4"),
                mtype=fu.id.get_type())
    s.create_dataset("scalar_vlen", data="just one", dtype=h5py.string_dtype())
    t = f.create_group("types")
    t["bool"] = np.array([True, False, True, True])
    t["complex64"] = np.array([1 + 1j, -2.5 + 0.5j], dtype="c8")
    t["complex128"] = np.array([[1e-300 + 2j, 3 - 4j]], dtype="c16")
    t.create_dataset("enum", data=np.array([0, 2, 1, 2], dtype="u1"),
                     dtype=h5py.enum_dtype({"RED": 0, "GREEN": 1, "BLUE": 2}, basetype="u1"))
    cdt = np.dtype([("id", "i4"), ("x", "f8"), ("name", "S6"), ("v", "f4", (2,)),
                    ("inner", [("p", "u1"), ("q", "i8")])])
    t["compound"] = np.array([(1, 0.5, b"one", [1, 2], (3, 4)), (2, -1.5, b"two", [5, 6], (7, 8))],
                             dtype=cdt)
    t.create_dataset("compound_chunked", data=np.zeros(40, dtype=[("a", "i2"), ("b", ">f4")]),
                     chunks=(16,), compression="gzip")
    ad = t.create_dataset("array_f8", shape=(4,), dtype=np.dtype(("f8", (3,))))
    ad[...] = np.arange(12.0).reshape(4, 3)
    t.create_dataset("vlen_i4", data=np.array([np.arange(3), np.arange(0), np.arange(5)],
                                              dtype=object), dtype=h5py.vlen_dtype("i4"))
    t.create_dataset("vlen_f8", data=np.array([np.array([0.25]), np.array([1.5, np.nan])],
                                              dtype=object), dtype=h5py.vlen_dtype("f8"))
    e = f.create_group("shapes")
    e["scalar_i"] = np.int64(-42)
    e["scalar_f"] = np.float32(3.25)
    e["scalar_compound"] = np.array((1, 2.0), dtype=[("a", "i4"), ("b", "f8")])
    e.create_dataset("empty_1d", shape=(0,), dtype="f4")
    e.create_dataset("empty_2d", shape=(4, 0), dtype="i4")
    e.create_dataset("empty_chunked", shape=(0, 3), maxshape=(None, 3), dtype="f8", chunks=(4, 3))
    e.create_dataset("never_written", shape=(3, 2), dtype="i4")
    n = f.create_group("nest/a/b/c")
    n.attrs["depth"] = 4
    n["leaf"] = np.arange(3)
    f.create_group("empty_group")


def generate(tmp):
    files = []
    for lv in ("earliest", "latest"):
        p = os.path.join(tmp, "gen_%s.h5" % lv)
        with h5py.File(p, "w", libver=lv) as f:
            make_attrs(f)
            make_datasets(f)
            make_attrs(f["data/contig_2d"])
            make_attrs(f["nest/a"])
            if lv == "earliest":
                # Rows over one dump block: dump streams it split along the second dimension.
                f.create_dataset("wide_rows", data=np.arange(2 * 2 * 300000, dtype="f8").reshape(
                    2, 2, 300000), chunks=(1, 1, 100000), compression="gzip", compression_opts=1)
        files.append(p)
        p = os.path.join(tmp, "gen_%s_many.h5" % lv)  # dense link storage in latest
        with h5py.File(p, "w", libver=lv) as f:
            for i in range(40):
                f["d%03d" % i] = np.full((2,), i, dtype="i2")
                f["d%03d" % i].attrs["i"] = i
            g = f.create_group("many_attrs")
            for i in range(30):
                g.attrs["a%02d" % i] = np.arange(i + 1)
        files.append(p)
    p = os.path.join(tmp, "gen_empty_file.h5")
    with h5py.File(p, "w"):
        pass
    files.append(p)
    return files


# ---------------------------------------------------------------------------------------
# Comparisons
# ---------------------------------------------------------------------------------------

def h5_objects(f):
    out = {}

    def visit(name, obj):
        out["/" + name] = obj
    f.visititems(visit)
    return out


def flatten(j, depth):
    if depth == 0:
        return [j]
    if not isinstance(j, list):
        raise ValueError("expected a list, got %r" % (j,))
    out = []
    for x in j:
        out.extend(flatten(x, depth - 1))
    return out


def as_float(j):
    if isinstance(j, str):
        return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}[j]
    if isinstance(j, bool) or not isinstance(j, (int, float)):
        raise ValueError("not a number: %r" % (j,))
    return float(j)


def same_float(j, v, ftype):
    x = ftype(as_float(j))  # the JSON value at the element's precision
    v = ftype(v)
    if math.isnan(v):
        return bool(math.isnan(x))
    return x == v and math.copysign(1, x) == math.copysign(1, v)


def same_string(j, v):
    if not isinstance(j, str):
        return False
    if isinstance(v, bytes):
        try:
            return j == v.decode("utf-8")
        except UnicodeDecodeError:
            return j == v.decode("latin-1")
    return j == v


def same_value(j, v, dt):
    """True if JSON value j equals the element v of numpy dtype dt."""
    if dt.names:
        if not isinstance(j, dict) or list(j) != list(dt.names):
            return False
        return all(same_value(j[n], v[n], dt.fields[n][0]) for n in dt.names)
    if dt.subdtype:
        base, shape = dt.subdtype
        arr = np.asarray(v).reshape(shape)
        flat = flatten(j, len(shape))
        return len(flat) == arr.size and all(same_value(a, b, base)
                                             for a, b in zip(flat, arr.reshape(-1)))
    enum = h5py.check_enum_dtype(dt)
    if enum is not None:
        if isinstance(j, str):
            return j in enum and enum[j] == int(v)
        return isinstance(j, int) and j == int(v)
    vl = h5py.check_vlen_dtype(dt)
    if vl is not None:
        if vl in (str, bytes):
            return same_string(j, v)
        vals = np.asarray(v)
        return isinstance(j, list) and len(j) == len(vals) and all(
            same_value(a, b, np.dtype(vl)) for a, b in zip(j, vals))
    if h5py.check_string_dtype(dt) is not None or dt.kind in "SO":
        return same_string(j, v)
    if dt.kind == "b":
        return isinstance(j, bool) and j == bool(v)
    if dt.kind in "iu":
        return isinstance(j, int) and not isinstance(j, bool) and j == int(v)
    if dt.kind == "f":
        return same_float(j, v, dt.type)
    if dt.kind == "c":
        ft = np.dtype("f%d" % (dt.itemsize // 2)).type
        return (isinstance(j, dict) and same_float(j.get("real"), v.real, ft) and
                same_float(j.get("imag"), v.imag, ft))
    raise ValueError("unhandled dtype %s" % dt)


def read_dataset(ds):
    """The values (None for a null dataspace). A dataset of an array type reads with the
    array dimensions appended, so its values compare as elements of the base type."""
    if ds.shape is None:
        return None
    if ds.dtype.subdtype:
        return ds[()]
    arr = np.empty(ds.shape, dtype=ds.dtype)
    if ds.size:
        ds.read_direct(arr)
    return arr


def read_attr(obj, name):
    aid = obj.attrs.get_id(name)
    if aid.shape is None:
        return None, aid.dtype
    arr = np.empty(aid.shape, dtype=aid.dtype)
    aid.read(arr)
    return arr, aid.dtype


def same_array(j, arr, dt):
    """JSON nested lists j against numpy array arr (any rank) of dtype dt."""
    try:
        flat = flatten(j, arr.ndim)
    except ValueError as e:
        return False, str(e)
    if len(flat) != arr.size:
        return False, "%d values, expected %d" % (len(flat), arr.size)
    for i, (a, b) in enumerate(zip(flat, arr.reshape(-1))):
        try:
            ok = same_value(a, b, dt)
        except (ValueError, TypeError, KeyError) as e:
            ok, why = False, str(e)
        else:
            why = ""
        if not ok:
            return False, "element %d: got %s, expected %r %s" % (i, short(json.dumps(a), 200), b, why)
    return True, ""


def same_values_h5py(pa, pb):
    """h5py reads the same objects, types, shapes, attributes and values from pa and pb."""
    with h5py.File(pa, "r") as fa, h5py.File(pb, "r") as fb:
        oa, ob = h5_objects(fa), h5_objects(fb)
        if set(oa) != set(ob):
            return False, "objects differ: only in the source %s, only in the copy %s" % (
                sorted(set(oa) - set(ob)), sorted(set(ob) - set(oa)))
        for path in ["/"] + sorted(oa):
            a, b = (fa, fb) if path == "/" else (oa[path], ob[path])
            if type(a) is not type(b):
                return False, "%s: kind differs" % path
            if sorted(a.attrs) != sorted(b.attrs):
                return False, "%s: attribute names differ" % path
            for n in a.attrs:
                va, ta = read_attr(a, n)
                vb, tb = read_attr(b, n)
                if ta != tb or not same_arrays(va, vb):
                    return False, "%s attribute %s differs" % (path, n)
            if isinstance(a, h5py.Dataset):
                if a.dtype != b.dtype or a.shape != b.shape or a.maxshape != b.maxshape:
                    return False, "%s: dtype/shape/maxshape differ" % path
                if a.chunks != b.chunks or a.compression != b.compression or \
                        a.shuffle != b.shuffle or a.fletcher32 != b.fletcher32:
                    return False, "%s: storage differs" % path
                if a.dtype.kind in "iufb" and not same_arrays(np.asarray(a.fillvalue),
                                                              np.asarray(b.fillvalue)):
                    return False, "%s: fill value differs" % path
                try:
                    va = read_dataset(a)
                except OSError as e:
                    # libhdf5 converts some stored types to no numpy type (e.g. bitfields,
                    # which h5py maps to uint8): then the copy must fail alike.
                    try:
                        read_dataset(b)
                    except OSError:
                        continue
                    return False, "%s: the copy reads, the source does not (%s)" % (path, e)
                if not same_arrays(va, read_dataset(b)):
                    return False, "%s: values differ" % path
    return True, ""


def same_arrays(x, y):
    if x is None or y is None:
        return x is None and y is None
    if x.shape != y.shape:
        return False
    if x.dtype.kind == "O" or x.dtype.names or x.dtype.subdtype:
        return repr(x.tolist()) == repr(y.tolist())
    if x.dtype.kind in "fc":
        return bool(np.array_equal(x, y, equal_nan=True))
    return bool(np.array_equal(x, y))


# ---------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------

def h5diff(a, b):
    p = subprocess.run(["h5diff", a, b], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def committed_type_groups(path):
    """Datasets whose type is committed (named or anonymous), grouped by the type object."""
    groups = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                t = obj.id.get_type()
                if t.committed():
                    groups.setdefault(h5py.h5o.get_info(t).addr, []).append(name)
        f.visititems(visit)
    return sorted(sorted(v) for v in groups.values())


def check_copy(src, tag, verify_h5py=True):
    base = os.path.basename(src)
    for fmt in (None, "latest", "earliest"):
        dst = os.path.join(TMP, "copy_%s_%s" % (fmt or "default", base))
        args = ["copy", src, dst] if fmt is None else ["copy", "--format", fmt, src, dst]
        rc, out, err = run(args)
        name = "%s copy%s %s" % (tag, "" if fmt is None else " --format " + fmt, base)
        if rc != 0 and fmt == "earliest" and "(unsupported)" in err:
            # A format limit, not a bug: e.g. attributes over 64 KiB need dense storage.
            SKIPPED.append((name, short(err, 300)))
            continue
        if not check(name + " exit 0", rc == 0, "rc=%d %s" % (rc, short(err))):
            continue
        drc, dout = h5diff(src, dst)
        check(name + " h5diff", drc == 0, "h5diff rc=%d %s" % (drc, short(dout)))
        if verify_h5py:
            try:
                ok, why = same_values_h5py(src, dst)
            except Exception as e:  # h5py cannot read the copy
                ok, why = False, "%s: %s" % (type(e).__name__, e)
            check(name + " h5py reads the same", ok, why)
            # Datasets sharing a committed type (H5Tcommit_anon ones included) still do.
            want, got = committed_type_groups(src), committed_type_groups(dst)
            check(name + " committed types kept", want == got, "%s != %s" % (got, want))
        os.remove(dst)


def check_progress(src):
    """`copy --progress` reports growing byte counts ending at the copy's size."""
    dst = os.path.join(TMP, "progress_copy.h5")
    rc, out, err = run(["copy", "--progress", src, dst])
    if not check("copy --progress exit 0", rc == 0, "rc=%d %s" % (rc, short(err))):
        return
    counts = [tuple(float(x) for x in m) for m in
              re.findall(r"(\d+)%\s+([\d.]+)/([\d.]+) MiB", err)]
    size = os.path.getsize(dst) / 1048576.0
    ok = (len(counts) >= 1 and counts[-1][0] == 100 and
          all(a[1] <= b[1] for a, b in zip(counts, counts[1:])) and
          abs(counts[-1][1] - size) < 0.06 and abs(counts[-1][2] - size) < 0.06)
    check("copy --progress reports up to the file's size", ok, "%s (size %.2f MiB)" %
          (counts[-3:], size))
    os.remove(dst)


def check_ls(src):
    base = os.path.basename(src)
    rc, out, err = run(["ls", "-r", "--json", src])
    if not check("ls -r --json %s exit 0" % base, rc == 0, "rc=%d %s" % (rc, short(err))):
        return
    try:
        doc = json.loads(out)
    except ValueError as e:
        check("ls -r --json %s valid JSON" % base, False, str(e))
        return
    listed = {o["path"]: o for o in doc["objects"]}
    with h5py.File(src, "r") as f:
        objs = h5_objects(f)
        check("ls -r --json %s objects" % base, set(listed) == set(objs),
              "differ: %s" % sorted(set(listed) ^ set(objs)))
        for path, obj in sorted(objs.items()):
            o = listed.get(path)
            if o is None:
                continue
            if isinstance(obj, h5py.Group):
                check("ls %s:%s kind" % (base, path), o["kind"] == "group", o["kind"])
                continue
            want = {
                "kind": "dataset",
                "shape": list(obj.shape) if obj.shape is not None else None,
                "max_shape": list(obj.maxshape) if obj.maxshape is not None else None,
                "chunks": list(obj.chunks) if obj.chunks else None,
                "dtype": type_name(obj.id.get_type()),
                "filters": filter_names(obj),
            }
            got = {k: o.get(k) for k in want}
            got["dtype"] = sorted_enums(got["dtype"] or "")
            want["dtype"] = sorted_enums(want["dtype"])
            got["filters"] = [x["name"] for x in o.get("filters", [])]
            check("ls %s:%s" % (base, path), got == want, "got %s, want %s" % (got, want))
    # Plain listing of the root: one line per child, in name order.
    rc, out, err = run(["ls", src])
    with h5py.File(src, "r") as f:
        names = sorted(f.keys(), key=lambda s: s.encode())
    got = [line.split()[0] for line in out.splitlines() if line.strip()]
    check("ls %s lines" % base, rc == 0 and got == names, "rc=%d %s" % (rc, short(out)))


def filter_names(ds):
    plist = ds.id.get_create_plist()
    names = {1: "deflate", 2: "shuffle", 3: "fletcher32", 32000: "lzf"}
    return [names.get(plist.get_filter(i)[0], "?") for i in range(plist.get_nfilters())]


def sorted_enums(name):
    """Type name with the members of every enum in name order (files may store any order)."""
    def fix(m):
        return m.group(1) + "{" + ", ".join(sorted(m.group(2).split(", "))) + "}"
    return re.sub(r"(enum \S+ ){([^{}]*)}", fix, name)


def type_name(t):
    h5t = h5py.h5t
    c = t.get_class()
    order = " (big-endian)" if c in (h5t.INTEGER, h5t.FLOAT) and t.get_order() == h5t.ORDER_BE \
        else ""
    if c == h5t.INTEGER:
        return "%s%d%s" % ("int" if t.get_sign() == h5t.SGN_2 else "uint", t.get_size() * 8, order)
    if c == h5t.FLOAT:
        return "float%d%s" % (t.get_size() * 8, order)
    if c == h5t.STRING:
        cs = "utf-8" if t.get_cset() == h5t.CSET_UTF8 else "ascii"
        if t.is_variable_str():
            return "string (%s, variable)" % cs
        pad = {h5t.STR_NULLTERM: "null_terminate", h5t.STR_NULLPAD: "null_pad",
               h5t.STR_SPACEPAD: "space_pad"}[t.get_strpad()]
        return "string[%d] (%s, %s)" % (t.get_size(), cs, pad)
    if c == h5t.ENUM:
        base = t.get_super()
        vals = sorted([(t.get_member_name(i).decode(), t.get_member_value(i))
                       for i in range(t.get_nmembers())])
        if type_name(base) == "int8" and vals == [("FALSE", 0), ("TRUE", 1)]:
            return "bool"
        return "enum %s {%s}" % (type_name(base), ", ".join("%s=%d" % v for v in vals))
    if c == h5t.COMPOUND:
        mem = sorted([(t.get_member_offset(i), t.get_member_name(i).decode(),
                       t.get_member_type(i)) for i in range(t.get_nmembers())])
        if len(mem) == 2 and [m[1] for m in mem] == ["r", "i"] and \
                mem[0][2].get_class() == h5t.FLOAT:
            o = " (big-endian)" if mem[0][2].get_order() == h5t.ORDER_BE else ""
            return "complex%d%s" % (t.get_size() * 8, o)
        return "compound {%s} (%d bytes)" % (
            ", ".join("%s: %s @%d" % (n, type_name(mt), o) for o, n, mt in mem), t.get_size())
    if c == h5t.ARRAY:
        return "array[%s] of %s" % ("x".join(str(d) for d in t.get_array_dims()),
                                    type_name(t.get_super()))
    if c == h5t.VLEN:
        return "vlen of %s" % type_name(t.get_super())
    return "?"


def check_dump(src):
    base = os.path.basename(src)
    rc, out, err = run(["dump", "--json", src])
    if not check("dump --json %s exit 0" % base, rc == 0, "rc=%d %s" % (rc, short(err))):
        return
    try:
        doc = json.loads(out)
    except ValueError as e:
        check("dump --json %s valid JSON" % base, False, str(e))
        return
    dumped = {o["path"]: o for o in doc["objects"]}
    with h5py.File(src, "r") as f:
        objs = h5_objects(f)
        objs["/"] = f
        check("dump %s objects" % base, set(dumped) == set(objs),
              "differ: %s" % sorted(set(dumped) ^ set(objs)))
        for path, obj in sorted(objs.items()):
            o = dumped.get(path)
            if o is None:
                continue
            attrs = {a["name"]: a for a in o.get("attributes", [])}
            check("dump %s:%s attribute names" % (base, path), set(attrs) == set(obj.attrs),
                  "differ: %s" % sorted(set(attrs) ^ set(obj.attrs)))
            for n in obj.attrs:
                if n not in attrs:
                    continue
                arr, dt = read_attr(obj, n)
                ok, why = same_array(attrs[n].get("data"), arr, dt)
                check("dump %s:%s attribute %s" % (base, path, n), ok, why)
            if isinstance(obj, h5py.Dataset):
                arr = read_dataset(obj)
                dt = obj.dtype.subdtype[0] if obj.dtype.subdtype else obj.dtype
                ok, why = same_array(o.get("data"), arr, dt)
                check("dump %s:%s data" % (base, path), ok, why)
    # Text dump and header-only dump of the same file succeed; an object path works.
    rc, out, err = run(["dump", src])
    check("dump %s (text)" % base, rc == 0 and out.startswith("HDF5 \""), short(err))
    rc, out, err = run(["dump", "-H", src])
    check("dump -H %s" % base, rc == 0 and "DATA {" not in out, short(err))
    rc, out, err = run(["dump", "-H", "--json", src])
    check("dump -H --json %s" % base, rc == 0 and '"data"' not in out and bool(json.loads(out)),
          short(err))


def check_path_args(src):
    base = os.path.basename(src)
    rc, out, err = run(["ls", "--json", src + "/data"])
    ok = rc == 0 and {o["path"] for o in json.loads(out)["objects"]} >= {"/data/gzip"}
    check("ls %s/data" % base, ok, short(err + out))
    rc, out, err = run(["ls", src + "/data/resizable"])
    check("ls %s/data/resizable shows {10/Inf}" % base, rc == 0 and "{10/Inf}" in out,
          short(out + err))
    rc, out, err = run(["dump", "--json", src + "/data/contig_2d"])
    ok = rc == 0 and json.loads(out)["objects"][0]["data"] == [[0, 1, 2, 3], [4, 5, 6, 7],
                                                               [8, 9, 10, 11]]
    check("dump %s/data/contig_2d" % base, ok, short(err + out))


def expect_error(name, args, must_not_exist=None):
    try:
        rc, out, err = run(args, timeout=120)
    except subprocess.TimeoutExpired:
        check(name, False, "hung (timeout)")
        return
    ok = rc > 0 and err.strip() != ""
    detail = "rc=%d (%s) stderr=%s" % (rc, "signal %d" % -rc if rc < 0 else "exit", short(err, 300))
    if must_not_exist and os.path.exists(must_not_exist):
        ok, detail = False, detail + "; %s was created" % must_not_exist
    check(name, ok, detail)


def check_errors(src):
    missing = os.path.join(TMP, "no_such_file.h5")
    dst = os.path.join(TMP, "err_dst.h5")
    for cmd in (["ls"], ["ls", "-r", "--json"], ["dump"], ["dump", "--json"]):
        expect_error("%s missing file" % " ".join(cmd), cmd + [missing])
        expect_error("%s missing object" % " ".join(cmd), cmd + [src + "/no/such/object"])
    expect_error("copy missing file", ["copy", missing, dst], must_not_exist=dst)
    expect_error("copy into a missing directory", ["copy", src, os.path.join(TMP, "nodir", "x.h5")])
    expect_error("copy bad --format", ["copy", "--format", "newest", src, dst], must_not_exist=dst)
    data = open(src, "rb").read()
    for frac in (0.0, 0.01, 0.1, 0.5, 0.9, 0.999):
        n = int(len(data) * frac)
        if frac > 0 and n == 0:
            continue
        bad = os.path.join(TMP, "truncated_%d.h5" % n)
        with open(bad, "wb") as fp:
            fp.write(data[:n])
        for cmd in (["ls", "-r"], ["dump", "--json"], ["copy", bad, dst]):
            args = cmd if cmd[0] == "copy" else cmd + [bad]
            expect_error("%s truncated to %d of %d bytes" % (cmd[0], n, len(data)), args,
                         must_not_exist=dst)
        os.remove(bad)
    # Damaged bytes: the CLI may succeed (a byte of data) but must never die by a signal.
    rng = np.random.default_rng(7)
    for k in range(12):
        b = bytearray(data)
        for pos in rng.integers(0, min(len(b), 4096), size=4):
            b[pos] ^= 0xFF
        bad = os.path.join(TMP, "damaged_%d.h5" % k)
        with open(bad, "wb") as fp:
            fp.write(bytes(b))
        for cmd in (["ls", "-r", bad], ["dump", "--json", bad], ["copy", bad, dst]):
            try:
                rc, out, err = run(cmd, timeout=120)
                ok = rc >= 0 and (rc == 0 or err.strip() != "")
                detail = "rc=%d %s" % (rc, short(err, 300))
            except subprocess.TimeoutExpired:
                ok, detail = False, "hung (timeout)"
            check("%s damaged file #%d: no crash" % (cmd[0], k), ok, detail)
            if os.path.exists(dst):
                os.remove(dst)
        os.remove(bad)


def unsupported_reason(path):
    """Why a fixture is skipped for the copy check, or None."""
    try:
        with h5py.File(path, "r") as f:
            lzf, unknown, vfill = [], [], []

            def visit(name, obj):
                if isinstance(obj, h5py.Dataset) and obj.compression == "lzf":
                    lzf.append(name)
                if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "O" and \
                        obj.id.get_create_plist().fill_value_defined() == h5py.h5d.FILL_VALUE_USER_DEFINED:
                    vfill.append(name)
                if isinstance(obj, h5py.Dataset):
                    other = set(obj._filters) - {"gzip", "shuffle", "fletcher32", "lzf"}
                    if other:
                        unknown.append("%s (%s)" % (name, ", ".join(sorted(other))))
            f.visititems(visit)
            if lzf:
                return "LZF (h5diff cannot read it): %s" % ", ".join(lzf[:3])
            if vfill:
                # h5py reads them only with write intent; h5diff crashes on them. h5mem reads
                # them (test_hdf5_reader) and writes them (check_writer.py).
                return ("libhdf5 1.10 reads unallocated chunks with a vlen fill value only with "
                        "write intent: %s" % ", ".join(vfill[:3]))
            if unknown:
                # h5mem opens the file but cannot decode (so cannot copy) these datasets.
                return "filters h5mem does not implement: %s" % ", ".join(unknown[:3])
    except Exception as e:  # not readable by libhdf5 either
        return "h5py cannot read it: %s" % e
    rc, out, err = run(["ls", "-r", path])
    if rc != 0 and "(unsupported)" in err:
        return short(err, 200)
    p = subprocess.run(["h5diff", path, path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        return "h5diff cannot compare the file with itself: " + short(p.stdout.decode(), 200)
    return None


def h5py_crashes_on(path):
    """Why h5py must not read the values of `path` (it would crash the checker), or None:
    h5py 3.7 crashes reading vlen sequences of compounds holding vlen data (h5diff still
    compares the copy)."""
    found = []

    def bad(t):
        if t.get_class() != h5py.h5t.VLEN:
            return False
        s = t.get_super()
        return s.get_class() == h5py.h5t.COMPOUND and any(
            s.get_member_type(k).get_class() in (h5py.h5t.VLEN, h5py.h5t.STRING) and
            (s.get_member_type(k).get_class() == h5py.h5t.VLEN or
             s.get_member_type(k).is_variable_str()) for k in range(s.get_nmembers()))

    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and bad(obj.id.get_type()):
                found.append(name)
        f.visititems(visit)
    if found:
        return "h5py crashes reading vlen sequences of compounds with vlen members: %s" % \
            ", ".join(found[:3])
    return None


def check_fixtures():
    fdir = FIXTURES
    if fdir is None:
        gen = os.path.join(HERE, "make_fixtures.py")
        if not os.path.exists(gen):
            return
        fdir = os.path.join(TMP, "fixtures")
        p = subprocess.run([sys.executable, gen, fdir], cwd=TMP, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        if not check("make_fixtures.py", p.returncode == 0, short(p.stdout.decode(), 1000)):
            return
    skipped = []
    for name in sorted(os.listdir(fdir)):
        if not name.endswith(".h5"):
            continue
        path = os.path.join(fdir, name)
        why = unsupported_reason(path)
        if why:
            skipped.append((name, why))
            continue
        crash = h5py_crashes_on(path)
        if crash:
            SKIPPED.append(("h5py value check of %s" % name, crash))
        check_copy(path, "fixture", verify_h5py=not crash)
    for name, why in skipped:
        print("[interop] skipped fixture %s: %s" % (name, why))
    for name, why in SKIPPED:
        print("[interop] skipped %s: %s" % (name, why))
    print("[interop] fixtures: %d files skipped, %d copies skipped" % (len(skipped), len(SKIPPED)))


def main():
    try:
        files = generate(TMP)
        for src in files:
            check_copy(src, "generated")
            check_ls(src)
            check_dump(src)
        check_progress(files[0])
        check_path_args(files[0])
        check_path_args(files[2])
        check_errors(files[0])
        check_errors(files[2])
        check_fixtures()
        leftovers = [n for n in os.listdir(TMP) if ".tmp-" in n]
        check("no temporary files left behind", not leftovers, str(leftovers))
    except Exception as e:  # report, do not hide
        import traceback
        traceback.print_exc()
        check("script ran to the end", False, "%s: %s" % (type(e).__name__, e))
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print("[interop] checks: %d | %d passed | %d failed" % (
        COUNTS["checks"], COUNTS["passed"], COUNTS["failed"]))
    return 1 if COUNTS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
