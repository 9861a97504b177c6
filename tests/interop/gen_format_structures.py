"""Writes HDF5 fixture files with h5py (the oracle) for tests/test_format_structures.cpp.

Usage: /usr/bin/python3 gen_format_structures.py OUTDIR

Creates OUTDIR/*.h5 and OUTDIR/manifest.json. The manifest records what libhdf5 reports
(names, chunk addresses and sizes, strings) and where the structures under test start. Those
start addresses come from a deliberately tiny object-header walker below (v1 and v2 headers,
continuation chunks), because h5py does not expose B-tree or heap addresses; the C++ suite
cross-checks them by decoding the structures and comparing with h5py's own answers.
"""
import json
import os
import struct
import sys

import h5py
import numpy as np

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
UNDEF = 0xFFFFFFFFFFFFFFFF


# --- minimal object header walker (8-byte offsets and lengths, which h5py always uses) ---

def _messages_v1(buf, addr):
    nmesgs = struct.unpack_from("<H", buf, addr + 2)[0]
    size = struct.unpack_from("<I", buf, addr + 8)[0]
    chunks = [(addr + 16, size)]
    out = []
    while chunks and len(out) < nmesgs:
        pos, size = chunks.pop(0)
        end = pos + size
        while pos + 8 <= end and len(out) < nmesgs:
            mtype, msize = struct.unpack_from("<HH", buf, pos)
            data = buf[pos + 8:pos + 8 + msize]
            if mtype == 0x10:
                chunks.append(struct.unpack_from("<QQ", data, 0))
            out.append((mtype, data))
            pos += 8 + msize
    return out


def _messages_v2(buf, addr):
    assert buf[addr:addr + 4] == b"OHDR"
    flags = buf[addr + 5]
    pos = addr + 6
    if flags & 0x20:
        pos += 16
    if flags & 0x10:
        pos += 4
    width = 1 << (flags & 3)
    size = int.from_bytes(buf[pos:pos + width], "little")
    pos += width
    chunks = [(pos, size)]
    out = []
    first = True
    while chunks:
        pos, size = chunks.pop(0)
        if not first:
            assert buf[pos:pos + 4] == b"OCHK"
            pos += 4
            size -= 8  # signature + checksum
        else:
            size -= 0
        first = False
        end = pos + size - (0 if chunks is None else 0)
        while pos + 4 <= end:
            mtype = buf[pos]
            msize = struct.unpack_from("<H", buf, pos + 1)[0]
            mflags = buf[pos + 3]
            hdr = 4 + (2 if flags & 0x04 else 0)
            data = buf[pos + hdr:pos + hdr + msize]
            if mtype == 0x10:
                chunks.append(struct.unpack_from("<QQ", data, 0))
            out.append((mtype, data))
            pos += hdr + msize
            del mflags
    return out


def messages(path, addr):
    with open(path, "rb") as fh:
        buf = fh.read()
    if buf[addr:addr + 4] == b"OHDR":
        return _messages_v2(buf, addr)
    return _messages_v1(buf, addr)


def message(path, addr, mtype):
    for t, d in messages(path, addr):
        if t == mtype:
            return d
    raise KeyError("message %#x not found at %d in %s" % (mtype, addr, path))


def oh_addr(obj):
    return h5py.h5o.get_info(obj.id).addr


def symbol_table(path, obj):
    btree, heap = struct.unpack_from("<QQ", message(path, oh_addr(obj), 0x11), 0)
    return {"btree": btree, "heap": heap}


def link_info(path, obj):
    d = message(path, oh_addr(obj), 0x02)
    flags = d[1]
    pos = 2 + (8 if flags & 1 else 0)
    fheap, name_bt2 = struct.unpack_from("<QQ", d, pos)
    corder_bt2 = struct.unpack_from("<Q", d, pos + 16)[0] if flags & 2 else UNDEF
    return {"fheap": fheap, "name_bt2": name_bt2, "corder_bt2": corder_bt2}


def attribute_info(path, obj):
    d = message(path, oh_addr(obj), 0x15)
    flags = d[1]
    pos = 2 + (2 if flags & 1 else 0)
    fheap, name_bt2 = struct.unpack_from("<QQ", d, pos)
    corder_bt2 = struct.unpack_from("<Q", d, pos + 16)[0] if flags & 2 else UNDEF
    return {"fheap": fheap, "name_bt2": name_bt2, "corder_bt2": corder_bt2}


def layout(path, dset):
    """Returns the layout message fields the chunk-index decoders need."""
    d = message(path, oh_addr(dset), 0x08)
    version = d[0]
    if version == 3:
        cls = d[1]
        if cls == 1:
            addr, size = struct.unpack_from("<QQ", d, 2)
            return {"version": 3, "class": 1, "address": addr, "size": size}
        assert cls == 2
        ndims = d[2]
        addr = struct.unpack_from("<Q", d, 3)[0]
        dims = list(struct.unpack_from("<%dI" % ndims, d, 11))
        return {"version": 3, "class": 2, "address": addr, "dims": dims, "index_type": 0}
    assert version == 4 and d[1] == 2, (version, d[1])
    flags, ndims, enc = d[2], d[3], d[4]
    pos = 5
    dims = []
    for _ in range(ndims):
        dims.append(int.from_bytes(d[pos:pos + enc], "little"))
        pos += enc
    itype = d[pos]
    pos += 1
    info = {}
    if itype == 1 and flags & 2:
        info["filtered_size"], info["filter_mask"] = struct.unpack_from("<QI", d, pos)
        pos += 12
    elif itype == 3:
        info["page_bits"] = d[pos]
        pos += 1
    elif itype == 4:
        info.update(max_bits=d[pos], index_elements=d[pos + 1], min_pointers=d[pos + 2],
                    min_elements=d[pos + 3], page_bits=d[pos + 4])
        pos += 5
    elif itype == 5:
        info["node_size"], info["split"], info["merge"] = struct.unpack_from("<IBB", d, pos)
        pos += 6
    addr = struct.unpack_from("<Q", d, pos)[0]
    return {"version": 4, "class": 2, "flags": flags, "dims": dims, "index_type": itype,
            "info": info, "address": addr}


def chunk_records(dset, stride=1):
    """Every allocated chunk (or every `stride`-th chunk of the grid), asked by coordinate:
    get_chunk_info(i) walks the index from the start each time, which is quadratic."""
    out = []
    if dset.id.get_num_chunks() <= 64:
        for i in range(dset.id.get_num_chunks()):
            s = dset.id.get_chunk_info(i)
            out.append({"offset": list(s.chunk_offset), "mask": s.filter_mask,
                        "addr": s.byte_offset, "size": s.size})
        return out
    grid = [(s + c - 1) // c for s, c in zip(dset.shape, dset.chunks)]
    for lin in range(0, int(np.prod(grid)), stride):
        coord, rest = [], lin
        for g in reversed(grid):
            coord.append(rest % g)
            rest //= g
        offset = tuple(c * k for c, k in zip(reversed(coord), dset.chunks))
        s = dset.id.get_chunk_info_by_coord(offset)
        if s.byte_offset is None or s.size == 0:
            continue
        out.append({"offset": list(s.chunk_offset), "mask": s.filter_mask,
                    "addr": s.byte_offset, "size": s.size})
    return out


def dataset_entry(path, dset, stride=1, **extra):
    e = {"path": dset.name, "shape": list(dset.shape),
         "maxshape": [(-1 if m is None else m) for m in dset.maxshape],
         "chunks": list(dset.chunks) if dset.chunks else [],
         "itemsize": dset.dtype.itemsize, "filtered": bool(dset.compression or dset.shuffle
                                                           or dset.fletcher32),
         "layout": layout(path, dset), "records": chunk_records(dset, stride),
         "stride": stride}
    e.update(extra)
    return e


manifest = {"files": {}}


# --- earliest format: symbol-table groups, v1 B-tree chunk indexes, global heap ---

def gen_groups_v0():
    path = os.path.join(OUT, "groups_v0.h5")
    out = []
    with h5py.File(path, "w", libver="earliest") as f:
        for n in (0, 1, 10, 200, 2000):
            g = f.create_group("g%d" % n)
            members = {}
            # Insertion order is scrambled so B-tree splits are not all at the right edge.
            order = [(i * 7919) % max(n, 1) for i in range(n)] if n else []
            for i in order:
                name = "m%05d" % i
                if n == 10 and i == 3:
                    g["link_%d" % i] = h5py.SoftLink("/g0/target")
                    members["link_%d" % i] = {"kind": "soft", "value": "/g0/target"}
                    continue
                if n == 10 and i == 4:
                    sub = g.create_group(name)
                    members[name] = {"kind": "group", "addr": oh_addr(sub)}
                    continue
                ds = g.create_dataset(name, data=np.arange(3, dtype="i2"))
                members[name] = {"kind": "dataset", "addr": oh_addr(ds)}
            out.append({"path": g.name, "addr": oh_addr(g), "members": members})
        f.flush()
        for e in out:
            e.update(symbol_table(path, f[e["path"]]))
        manifest["files"]["groups_v0.h5"] = {"groups": out, "root_addr": oh_addr(f)}


def gen_chunks_v0():
    path = os.path.join(OUT, "chunks_v0.h5")
    with h5py.File(path, "w", libver="earliest") as f:
        f.create_dataset("c1", data=np.arange(10, dtype="i4"), chunks=(10,))
        f.create_dataset("c10", data=np.arange(50, dtype="f8").reshape(5, 10), chunks=(1, 5))
        f.create_dataset("c1500", data=np.arange(60000, dtype="i2").reshape(300, 200),
                         chunks=(4, 5))
        f.create_dataset("gzip", data=np.arange(40000, dtype="i4").reshape(200, 200),
                         chunks=(20, 10), compression="gzip", shuffle=True, fletcher32=True)
        sparse = f.create_dataset("sparse", shape=(1000,), chunks=(10,), dtype="u1")
        for i in range(0, 1000, 70):
            sparse[i] = 7
        f.flush()
        entries = [dataset_entry(path, f[n]) for n in ("c1", "c10", "c1500", "gzip", "sparse")]
    manifest["files"]["chunks_v0.h5"] = {"datasets": entries}


def gen_vlen():
    path = os.path.join(OUT, "vlen.h5")
    strings = ["s%d-" % i + "x" * ((i * 37) % 90) for i in range(300)]
    with h5py.File(path, "w", libver="earliest") as f:
        dt = h5py.string_dtype("utf-8")
        d = f.create_dataset("strings", data=np.array(strings, dtype=object), dtype=dt)
        small = f.create_dataset("small", data=np.array(["a", "bc", "def"], dtype=object),
                                 dtype=dt)
        f.flush()
        entries = [
            {"path": "/strings", "layout": layout(path, d), "strings": strings},
            {"path": "/small", "layout": layout(path, small), "strings": ["a", "bc", "def"]},
        ]
    manifest["files"]["vlen.h5"] = {"datasets": entries}


# --- latest format: dense links and attributes, fixed/extensible array and v2 B-tree indexes ---

def gen_dense():
    path = os.path.join(OUT, "dense.h5")
    groups, attrs = [], []
    with h5py.File(path, "w", libver="latest") as f:
        for n, track in ((20, False), (100, True), (2000, True)):
            g = f.create_group("d%d" % n, track_order=track)
            names = []
            for i in range(n):
                name = "link%05d" % ((i * 7919) % n)
                g.create_group(name) if i % 50 == 0 else g.create_dataset(name, data=i)
                names.append(name)
            groups.append({"path": g.name, "names": names, "track_order": track})
        a = f.create_group("many_attrs", track_order=True)
        anames = []
        for i in range(40):
            a.attrs["attr%03d" % i] = np.arange(i + 1, dtype="i4")
            anames.append("attr%03d" % i)
        big = f.create_group("big_attr")
        big.attrs["huge"] = np.arange(30000, dtype="f8")  # 240 KB: a "huge" heap object
        big.attrs["small"] = np.int32(5)
        f.flush()
        for e in groups:
            e.update(link_info(path, f[e["path"]]))
        attrs.append({"path": "/many_attrs", "names": anames, **attribute_info(path, a)})
        attrs.append({"path": "/big_attr", "names": ["huge", "small"],
                      "huge_size": 240000, **attribute_info(path, big)})
    manifest["files"]["dense.h5"] = {"groups": groups, "attributes": attrs}


def gen_chunks_latest():
    path = os.path.join(OUT, "chunks_latest.h5")
    names = []
    with h5py.File(path, "w", libver="latest") as f:
        f.create_dataset("fa_small", data=np.arange(1000, dtype="i4").reshape(20, 50),
                         chunks=(2, 5))
        paged = f.create_dataset("fa_paged", shape=(3000,), chunks=(1,), dtype="i2")
        paged[0:1000] = 1  # page 0 initialised
        paged[2900:3000] = 2  # last page; page 1 stays uninitialised
        f.create_dataset("fa_gzip", data=np.arange(60000, dtype="i4").reshape(300, 200),
                         chunks=(6, 6), compression="gzip")
        ea = f.create_dataset("ea", shape=(1000,), maxshape=(None,), chunks=(1,), dtype="i8")
        ea[...] = np.arange(1000)
        ea2 = f.create_dataset("ea_swizzled", shape=(6, 300), maxshape=(6, None),
                               chunks=(3, 2), dtype="u2")
        ea2[...] = np.arange(1800, dtype="u2").reshape(6, 300)  # every chunk's bytes unique
        f.create_dataset("ea_gzip", data=np.arange(4000, dtype="i4"), maxshape=(None,),
                         chunks=(10,), compression="gzip", shuffle=True)
        eap = f.create_dataset("ea_paged", shape=(140000,), maxshape=(None,), chunks=(1,),
                               dtype="u1")
        # Only the chunks written get blocks: a few in the index block and a few in super
        # block 13, whose 2048-element data blocks are paged (1024 elements a page).
        eap[0:3] = 1
        eap[131070:131075] = 1
        eap[139000] = 1
        bt = f.create_dataset("bt2", shape=(40, 40), maxshape=(None, None), chunks=(2, 2),
                              dtype="i4")
        bt[...] = 1
        btd = f.create_dataset("bt2_deep", shape=(10, 20, 20), maxshape=(None, None, None),
                               chunks=(1, 1, 1), dtype="u1")
        btd[...] = 1
        f.create_dataset("bt2_gzip", data=np.arange(10000, dtype="i4").reshape(100, 100),
                         maxshape=(None, None), chunks=(10, 10), compression="gzip")
        f.create_dataset("single", data=np.arange(100, dtype="i4").reshape(10, 10),
                         chunks=(10, 10))
        f.create_dataset("single_gzip", data=np.arange(100, dtype="i4").reshape(10, 10),
                         chunks=(10, 10), compression="gzip")
        # Implicit index: early allocation, no filters, fixed maximum dimensions.
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_chunk((4, 4))
        dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
        space = h5py.h5s.create_simple((10, 12), (10, 12))
        h5py.h5d.create(f.id, b"implicit", h5py.h5t.NATIVE_INT32, space, dcpl=dcpl)
        f["implicit"][...] = np.arange(120, dtype="i4").reshape(10, 12)
        names = ["fa_small", "fa_paged", "fa_gzip", "ea", "ea_swizzled", "ea_gzip", "ea_paged",
                 "bt2", "bt2_deep", "bt2_gzip", "single", "single_gzip", "implicit"]
        f.flush()
        entries = [dataset_entry(path, f[n]) for n in names]
    # libhdf5 1.10.8 misreports chunks of an extensible array whose unlimited dimension is not
    # the first (get_chunk_info* apply its "swizzled" index without un-swizzling), so for that
    # dataset the oracle is where each chunk's unique bytes actually are in the file.
    with open(path, "rb") as fh:
        raw = fh.read()
    data = np.arange(1800, dtype="u2").reshape(6, 300)
    recs = []
    for r in range(2):
        for c in range(150):
            block = data[r * 3:r * 3 + 3, c * 2:c * 2 + 2].tobytes()
            assert raw.count(block) == 1
            recs.append({"offset": [r * 3, c * 2], "mask": 0, "addr": raw.find(block), "size": 12})
    for e in entries:
        if e["path"] == "/ea_swizzled":
            e["records"] = recs
    manifest["files"]["chunks_latest.h5"] = {"datasets": entries}


gen_groups_v0()
gen_chunks_v0()
gen_vlen()
gen_dense()
gen_chunks_latest()
with open(os.path.join(OUT, "manifest.json"), "w") as fh:
    json.dump(manifest, fh, indent=1)
