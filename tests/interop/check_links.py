#!/usr/bin/python3
"""Interop check of h5mem's soft/external links, committed datatypes and null dataspaces.

usage: check_links.py WRITE_LINKS [H5MEM_CLI]

WRITE_LINKS (tests/interop/write_links.cpp) writes objects_{earliest,latest}.h5 and target.h5
into a temporary directory. This script checks them with h5py (SoftLink/ExternalLink through
getlink=True, links followed, h5py.Datatype objects and datasets whose type is committed,
null shapes and h5py.Empty attributes), h5dump -H, and h5diff against a twin written by h5py
(both libver); then it checks what h5mem reads from the h5py twins (WRITE_LINKS read) and,
given the CLI, what `h5mem ls -r --json` and `h5mem dump -H` show and that `h5mem copy` of
the twins is identical for h5diff.
Prints one summary line `[interop] checks: N | P passed | F failed`; exits 1 on failure.
"""
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

from interop_checks import attempt, check, summary


POINT = np.dtype([("x", "<f8"), ("n", "<i2")])


def check_h5py(path):
    tag = os.path.basename(path)
    with h5py.File(path, "r") as f:
        soft = f.get("soft", getlink=True)
        check(f"{tag} soft is SoftLink", isinstance(soft, h5py.SoftLink), repr(soft))
        check(f"{tag} soft target", getattr(soft, "path", None) == "/g/d")
        check(f"{tag} soft followed", list(f["soft"][()]) == [1, 2, 3])
        rel = f["g"].get("rel", getlink=True)
        check(f"{tag} rel target", isinstance(rel, h5py.SoftLink) and rel.path == "d")
        check(f"{tag} rel followed", list(f["g/rel"][()]) == [1, 2, 3])
        dang = f.get("dangling", getlink=True)
        check(f"{tag} dangling", isinstance(dang, h5py.SoftLink) and dang.path == "/nowhere")
        check(f"{tag} dangling in file, resolves to nothing", "dangling" in f and
              f.get("dangling") is None)
        ext = f.get("ext", getlink=True)
        check(f"{tag} ext is ExternalLink", isinstance(ext, h5py.ExternalLink), repr(ext))
        check(f"{tag} ext target", (ext.filename, ext.path) == ("target.h5", "/x"))
        miss = f["g"].get("ext_missing", getlink=True)
        check(f"{tag} ext_missing", isinstance(miss, h5py.ExternalLink) and
              (miss.filename, miss.path) == ("missing.h5", "/y"))
        check(f"{tag} many links", sorted(f["many"]) == ["s%d" % i for i in range(10)])
        check(f"{tag} many soft", all(isinstance(f["many"].get(n, getlink=True), h5py.SoftLink)
                                      for n in f["many"]))
        check(f"{tag} root members", sorted(f) == ["d_named", "dangling", "e", "ext", "g", "many",
                                                  "soft", "t"], sorted(f))

        t = f["t"]
        check(f"{tag} t is Datatype", isinstance(t, h5py.Datatype), repr(t))
        check(f"{tag} t dtype", t.dtype == np.dtype("<i4"))
        check(f"{tag} t attrs", t.attrs["units"] in ("K", b"K"))
        dn = f["d_named"]
        check(f"{tag} d_named dtype", dn.dtype == t.dtype)
        check(f"{tag} d_named committed", dn.id.get_type().committed())
        check(f"{tag} d_named data", list(dn[()]) == [5, 6, 7, 8])
        check(f"{tag} point", isinstance(f["g/point"], h5py.Datatype) and f["g/point"].dtype == POINT)
        check(f"{tag} points committed", f["g/points"].id.get_type().committed() and
              f["g/points"].dtype == POINT and f["g/points"].chunks == (1,))
        check(f"{tag} t refcount", h5py.h5o.get_info(t.id).rc == 2, h5py.h5o.get_info(t.id).rc)

        check(f"{tag} e shape None", f["e"].shape is None)
        check(f"{tag} e dtype", f["e"].dtype == np.dtype("<f8"))
        check(f"{tag} e value Empty", isinstance(f["e"][()], h5py.Empty))
        check(f"{tag} ea Empty", isinstance(f.attrs["ea"], h5py.Empty) and
              f.attrs["ea"].dtype == np.dtype("<f4"))
        check(f"{tag} da Empty", isinstance(f["g/d"].attrs["da"], h5py.Empty))
    # The external link resolves next to the file, as libhdf5 looks for it.
    cwd = os.getcwd()
    os.chdir("/")
    try:
        with h5py.File(path, "r") as f:
            check(f"{tag} ext followed", list(f["ext"][()]) == [0.5, 1.5])
    finally:
        os.chdir(cwd)


def write_twin(path, libver):
    with h5py.File(path, "w", libver=libver) as f:
        f["g/d"] = np.array([1, 2, 3], dtype="<i4")
        f["soft"] = h5py.SoftLink("/g/d")
        f["g/rel"] = h5py.SoftLink("d")
        f["dangling"] = h5py.SoftLink("/nowhere")
        f["ext"] = h5py.ExternalLink("target.h5", "/x")
        f["g/ext_missing"] = h5py.ExternalLink("missing.h5", "/y")
        m = f.create_group("many")
        for i in range(10):
            m["s%d" % i] = h5py.SoftLink("/g/d")
        f["t"] = np.dtype("<i4")
        f["t"].attrs["units"] = "K"
        f.create_dataset("d_named", data=np.array([5, 6, 7, 8], dtype="<i4"), dtype=f["t"])
        f["g/point"] = POINT
        f.create_dataset("g/points", shape=(2,), dtype=f["g/point"], chunks=(1,))
        f.create_dataset("e", data=h5py.Empty("<f8"))
        f.attrs["ea"] = h5py.Empty("<f4")
        f["g/d"].attrs["da"] = h5py.Empty(h5py.string_dtype())


EXPECTED = {
    "soft /soft /g/d", "soft /g/rel d", "soft /dangling /nowhere",
    "external /ext target.h5 /x", "external /g/ext_missing missing.h5 /y",
    "type /t int32", "uses /d_named /t", "uses /g/points /g/point", "null /e",
    "nullattr / ea", "nullattr /g/d da",
} | {"soft /many/s%d /g/d" % i for i in range(10)}


def h5mem_facts(tool, path):
    p = subprocess.run([tool, "read", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    if p.returncode != 0:
        raise RuntimeError(p.stderr.decode())
    return {ln for ln in p.stdout.decode().splitlines() if not ln.startswith("type /g/point")}


def check_cli(cli, path, tmp):
    tag = os.path.basename(path)
    p = subprocess.run([cli, "ls", "-r", "--json", path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    kinds = {}
    if check(f"ls {tag}", p.returncode == 0, p.stderr.decode()):
        kinds = {o["path"]: (o["kind"], o.get("target"), o.get("file"))
                 for o in json.loads(p.stdout)["objects"]}
    check(f"ls {tag} soft", kinds.get("/soft") == ("soft_link", "/g/d", None), kinds.get("/soft"))
    check(f"ls {tag} external", kinds.get("/ext") == ("external_link", "/x", "target.h5"))
    check(f"ls {tag} datatype", kinds.get("/t", ("",))[0] == "datatype")
    p = subprocess.run([cli, "dump", "-H", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    out = p.stdout.decode()
    check(f"dump -H {tag}", p.returncode == 0 and 'SOFTLINK "dangling"' in out and
          'EXTERNAL_LINK "ext_missing"' in out and 'DATATYPE "t"' in out and
          "DATASPACE  NULL" in out, p.stderr.decode() + out[-1500:])
    for fmt in ("earliest", "latest"):
        dst = os.path.join(tmp, "copy_%s_%s" % (fmt, tag))
        p = subprocess.run([cli, "copy", "-q", "--format", fmt, path, dst],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        if check(f"copy --format {fmt} {tag}", p.returncode == 0, p.stderr.decode()):
            d = subprocess.run(["h5diff", path, dst], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            check(f"copy --format {fmt} {tag} h5diff", d.returncode == 0,
                  d.stdout.decode()[-1500:])


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__)
        return 2
    tool = sys.argv[1]
    cli = sys.argv[2] if len(sys.argv) == 3 else None
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.run([tool, "write", tmp], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        check("write_links write", p.returncode == 0, p.stdout.decode())
        for fmt in ("earliest", "latest"):
            path = os.path.join(tmp, "objects_%s.h5" % fmt)
            attempt(f"h5py {fmt}", lambda: check_h5py(path))
            d = subprocess.run(["h5dump", "-H", path], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            out = d.stdout.decode()
            check(f"h5dump -H {fmt}", d.returncode == 0 and "SOFTLINK \"soft\"" in out and
                  "EXTERNAL_LINK \"ext\"" in out and "DATATYPE  \"/t\"" in out and
                  "DATASPACE  NULL" in out, out[-2000:])
            twin = os.path.join(tmp, "twin_%s.h5" % fmt)
            write_twin(twin, fmt)
            d = subprocess.run(["h5diff", path, twin], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            check(f"h5diff h5mem vs h5py {fmt}", d.returncode == 0, d.stdout.decode()[-2000:])
            try:
                got = h5mem_facts(tool, twin)
                check(f"h5mem reads h5py twin {fmt}", got == EXPECTED,
                      "missing %s, extra %s" % (sorted(EXPECTED - got), sorted(got - EXPECTED)))
                got = h5mem_facts(tool, path)
                check(f"h5mem reads its own {fmt}", got == EXPECTED,
                      "missing %s, extra %s" % (sorted(EXPECTED - got), sorted(got - EXPECTED)))
            except Exception as e:  # noqa: BLE001
                check(f"h5mem reads {fmt}", False, str(e))
            if cli:
                attempt(f"cli {fmt}", lambda: check_cli(cli, twin, tmp))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
