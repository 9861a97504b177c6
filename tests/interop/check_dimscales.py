#!/usr/bin/python3
"""Interop check of h5mem's object references and dimension scales.

usage: check_dimscales.py WRITE_DIMSCALES

WRITE_DIMSCALES (tests/interop/write_dimscales.cpp) writes dims_{earliest,latest}.h5 and
refs_{earliest,latest}.h5 into a temporary directory. This script checks them with h5py
(ds.dims scales and labels, object references), `ncdump -h` (dimension names and variable
shapes) and netCDF4.Dataset; then it writes files with h5py's dims.create_scale /
attach_scale and object references, and checks what h5mem reads (WRITE_DIMSCALES read).
Prints one summary line `[interop] checks: N | P passed | F failed`; exits 1 on failure.
"""
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

from interop_checks import attempt, check, summary


def check_dims_h5py(path):
    tag = os.path.basename(path)
    with h5py.File(path, "r") as f:
        for s in ("x", "y", "time"):
            check(f"{tag} h5py is_scale {s}", h5py.h5ds.is_scale(f[s].id))
            check(f"{tag} CLASS {s}", f[s].attrs["CLASS"] == b"DIMENSION_SCALE")
            check(f"{tag} NAME {s}", f[s].attrs["NAME"] == s.encode())
        t = f["temp"]
        check(f"{tag} temp dims[0]", [s.name for s in t.dims[0].values()] == ["/x"])
        check(f"{tag} temp dims[1]", [s.name for s in t.dims[1].values()] == ["/y"])
        check(f"{tag} temp labels", [d.label for d in t.dims] == ["lat", "lon"])
        p = f["grp/p"]
        check(f"{tag} grp/p dims", [[s.name for s in d.values()] for d in p.dims] == [["/x"], ["/y"]])
        s = f["series"]
        check(f"{tag} series dims", [[x.name for x in d.values()] for d in s.dims] == [["/time"], ["/x"]])
        check(f"{tag} series labels", [d.label for d in s.dims] == ["", "x"])
        check(f"{tag} time data", list(f["time"][...]) == [0, 6, 12, 18, 24])
        # REFERENCE_LIST on the scale, exactly as H5DS writes it.
        rl = f["x"].attrs["REFERENCE_LIST"]
        check(f"{tag} REFERENCE_LIST fields", rl.dtype.names == ("dataset", "dimension"))
        check(f"{tag} REFERENCE_LIST itemsize", rl.dtype.itemsize == 16)
        got = sorted((f[r["dataset"]].name, int(r["dimension"])) for r in rl)
        check(f"{tag} REFERENCE_LIST x", got == [("/grp/p", 0), ("/series", 1), ("/temp", 0)], got)
        dl = t.attrs["DIMENSION_LIST"]
        check(f"{tag} DIMENSION_LIST", [f[r[0]].name for r in dl] == ["/x", "/y"])


def check_ncdump(path):
    tag = os.path.basename(path)
    r = subprocess.run(["ncdump", "-h", path], capture_output=True, text=True)
    check(f"{tag} ncdump -h exit", r.returncode == 0, r.stderr)
    out = r.stdout
    for dim in ("x = 3", "y = 4"):
        check(f"{tag} ncdump dim {dim}", re.search(r"\b" + re.escape(dim) + r"\s*;", out), out)
    check(f"{tag} ncdump dim time", re.search(r"\btime = (UNLIMITED ; // \(5 currently\)|5 ;)", out), out)
    check(f"{tag} ncdump temp(x, y)", "float temp(x, y) ;" in out, out)
    check(f"{tag} ncdump series(time, x)", "float series(time, x) ;" in out, out)
    check(f"{tag} ncdump grp p(x, y)", re.search(r"group: grp \{.*double p\(x, y\) ;", out, re.S), out)
    check(f"{tag} ncdump no phony dims", "phony_dim" not in out, out)


def check_netcdf4(path):
    import netCDF4

    tag = os.path.basename(path)
    with netCDF4.Dataset(path) as nc:
        dims = {k: len(v) for k, v in nc.dimensions.items()}
        check(f"{tag} netCDF4 dimensions", dims == {"x": 3, "y": 4, "time": 5}, dims)
        check(f"{tag} netCDF4 temp", nc["temp"].dimensions == ("x", "y") and nc["temp"].shape == (3, 4))
        check(f"{tag} netCDF4 series", nc["series"].dimensions == ("time", "x"))
        check(f"{tag} netCDF4 grp/p", nc["grp"]["p"].dimensions == ("x", "y"))
        check(f"{tag} netCDF4 x values", list(nc["x"][:]) == [10, 20, 30])


def check_refs_h5py(path):
    tag = os.path.basename(path)
    with h5py.File(path, "r") as f:
        refs = f["refs"][...]
        check(f"{tag} refs dtype", h5py.check_dtype(ref=f["refs"].dtype) is h5py.Reference)
        names = [f[r].name if r else None for r in refs]
        check(f"{tag} refs targets", names == ["/x", "/temp", "/grp", None, "/"], names)
        cr = f["grp/chunked_refs"]
        check(f"{tag} chunked refs filtered", cr.compression == "gzip")
        names = [f[r].name if r else None for r in cr[...]]
        check(f"{tag} chunked refs targets", names == ["/grp", "/x", None, "/temp"], names)
        check(f"{tag} ref attr", f[f.attrs["ref_attr"]].name == "/temp")
        rl = f["grp"].attrs["ref_list"]
        names = [f[r].name if r else None for r in rl]
        check(f"{tag} ref list attr", names == ["/x", None, "/grp"], names)
    r = subprocess.run(["h5dump", "-H", path], capture_output=True, text=True)
    check(f"{tag} h5dump -H", r.returncode == 0, r.stderr)


def h5py_files(tmp):
    """Files written by h5py (libhdf5) with dimension scales and references."""
    out = []
    for libver in ("earliest", "latest"):
        path = os.path.join(tmp, f"h5py_{libver}.h5")
        with h5py.File(path, "w", libver=libver) as f:
            x = f.create_dataset("x", data=np.arange(3.0))
            y = f.create_dataset("g/y", data=np.arange(4.0))
            t = f.create_dataset("time", data=np.arange(5), chunks=(2,), maxshape=(None,))
            x.make_scale("x")
            y.make_scale("")
            d = f.create_dataset("data", data=np.zeros((3, 4)))
            d.dims[0].attach_scale(x)
            d.dims[1].attach_scale(y)
            d.dims[0].label = "lat"
            s = f.create_dataset("g/series", data=np.zeros((5, 3)))
            s.dims.create_scale(t, "time")  # h5py's older spelling of make_scale
            s.dims[0].attach_scale(t)
            s.dims[1].attach_scale(x)
            r = f.create_dataset("refs", shape=(3,), dtype=h5py.ref_dtype)
            r[0] = y.ref
            r[2] = f["g"].ref
            cr = f.create_dataset("g/crefs", shape=(4,), dtype=h5py.ref_dtype, chunks=(2,),
                                  compression="gzip")
            cr[1] = d.ref
            cr[3] = f.ref
            f.attrs["ref_attr"] = d.ref
        out.append(path)
    return out


def write_twins(tmp, libver):
    """h5py's twins of write_dimscales' dims_* and refs_* files: same objects, data, types,
    chunking and filters, scales attached in the same order."""
    dims = os.path.join(tmp, f"twin_dims_{libver}.h5")
    with h5py.File(dims, "w", libver=libver) as f:
        x = f.create_dataset("x", data=np.array([10, 20, 30], dtype="f8"))
        y = f.create_dataset("y", data=np.array([1, 2, 3, 4], dtype="f8"))
        t = f.create_dataset("time", data=np.array([0, 6, 12, 18, 24], dtype="i4"), chunks=(2,),
                             maxshape=(None,), compression="gzip", compression_opts=4)
        x.make_scale("x")
        y.make_scale("y")
        t.make_scale("time")
        temp = f.create_dataset("temp", data=np.full((3, 4), 1.5, dtype="f4"))
        temp.dims[0].attach_scale(x)
        temp.dims[1].attach_scale(y)
        temp.dims[0].label = "lat"
        temp.dims[1].label = "lon"
        p = f.create_dataset("grp/p", shape=(3, 4), dtype="f8")
        p.dims[0].attach_scale(x)
        p.dims[1].attach_scale(y)
        s = f.create_dataset("series", shape=(5, 3), dtype="f4", chunks=(2, 3), maxshape=(None, 3),
                             compression="gzip", compression_opts=1)
        s.dims[0].attach_scale(t)
        s.dims[1].attach_scale(x)
        s.dims[1].label = "x"
    refs = os.path.join(tmp, f"twin_refs_{libver}.h5")
    with h5py.File(refs, "w", libver=libver) as f:
        x = f.create_dataset("x", shape=(3,), dtype="f8")
        temp = f.create_dataset("temp", shape=(3, 4), dtype="f4")
        grp = f.create_group("grp")
        gone = f.create_dataset("gone", shape=(1,), dtype="i4")
        rgone = gone.ref
        r = f.create_dataset("refs", shape=(5,), dtype=h5py.ref_dtype)
        r[...] = [x.ref, temp.ref, grp.ref, h5py.Reference(), f.ref]
        c = f.create_dataset("grp/chunked_refs", shape=(4,), dtype=h5py.ref_dtype, chunks=(3,),
                             compression="gzip", compression_opts=6)
        c[...] = [grp.ref, x.ref, rgone, temp.ref]
        f.attrs["ref_attr"] = temp.ref
        grp.attrs["ref_list"] = np.array([x.ref, h5py.Reference(), grp.ref], dtype=h5py.ref_dtype)
        del f["gone"]
    return dims, refs


def check_h5diff(ours, twin, *extra):
    r = subprocess.run(["h5diff", *extra, ours, twin], capture_output=True, text=True)
    check(f"h5diff {os.path.basename(ours)} vs h5py twin", r.returncode == 0,
          r.stdout[-1500:] + r.stderr[-500:])


def check_h5mem_reads(tool, path):
    tag = os.path.basename(path)
    r = subprocess.run([tool, "read", path], capture_output=True, text=True)
    check(f"{tag} h5mem read exit", r.returncode == 0, r.stderr)
    facts = set(r.stdout.splitlines())
    want = {
        "scale /x", "scale /g/y", "scale /time",
        "attach /data 0 /x", "attach /data 1 /g/y", "label /data 0 lat",
        "attach /g/series 0 /time", "attach /g/series 1 /x",
        "ref /refs 0 /g/y", "ref /refs 1 null", "ref /refs 2 /g",
        "ref /g/crefs 0 null", "ref /g/crefs 1 /data", "ref /g/crefs 3 /",
        "attrref / ref_attr /data",
    }
    for w in sorted(want):
        check(f"{tag} h5mem sees '{w}'", w in facts, "\n" + r.stdout)
    # Nothing attached beyond what h5py attached.
    attaches = {l for l in facts if l.startswith("attach ")}
    check(f"{tag} h5mem attachments exact", attaches == {w for w in want if w.startswith("attach ")},
          attaches)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    tool = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([tool, "write", tmp], capture_output=True, text=True, cwd=tmp)
        check("write_dimscales write", r.returncode == 0, r.stderr)
        for fmt in ("earliest", "latest"):
            dims = os.path.join(tmp, f"dims_{fmt}.h5")
            refs = os.path.join(tmp, f"refs_{fmt}.h5")
            attempt(f"dims_{fmt} h5py", lambda: check_dims_h5py(dims))
            attempt(f"dims_{fmt} ncdump", lambda: check_ncdump(dims))
            attempt(f"dims_{fmt} netCDF4", lambda: check_netcdf4(dims))
            attempt(f"refs_{fmt} h5py", lambda: check_refs_h5py(refs))
            twin_dims, twin_refs = write_twins(tmp, fmt)
            check_h5diff(dims, twin_dims)
            # h5diff cannot compare dangling references, even between two files h5py wrote
            # (exit 2): grp/chunked_refs holds one, its values are checked with h5py above.
            check_h5diff(refs, twin_refs, "--exclude-path", "/grp/chunked_refs")
            # A copy of h5py's file keeps every attachment and REFERENCE_LIST's order.
            copy = os.path.join(tmp, f"copy_dims_{fmt}.h5")
            r = subprocess.run([tool, "copy", twin_dims, copy], capture_output=True, text=True)
            check(f"copy twin_dims_{fmt}", r.returncode == 0, r.stderr)
            check_h5diff(copy, twin_dims)
            # h5mem reads its own files back the same way.
            r = subprocess.run([tool, "read", dims], capture_output=True, text=True)
            check(f"dims_{fmt} h5mem reread", "attach /series 0 /time" in r.stdout.splitlines(),
                  r.stdout + r.stderr)
        for path in h5py_files(tmp):
            attempt(f"{os.path.basename(path)} h5mem", lambda: check_h5mem_reads(tool, path))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
