#!/usr/bin/python3
"""Generates the libhdf5/h5py golden values used by tests/test_codec.cpp.

Run with Debian's interpreter, which has h5py (libhdf5 1.10) and numpy:
    /usr/bin/python3 tests/interop/gen_codec_golden.py > /tmp/golden.inc
and paste the output over the lines between "clang-format off" and "clang-format on" in the
GOLDEN block of tests/test_codec.cpp. Files are written to a temporary directory and removed.

Every dataset holds one chunk; its stored bytes come from DatasetID.read_direct_chunk, i.e.
exactly what libhdf5 (or h5py's LZF plugin) wrote to the file. The data patterns are simple
formulas the C++ test recomputes:
  float32 ramp:  value[i] = i * 0.75 - 5           (i = 0..23, little-endian <f4)
  int32 cycle:   value[i] = i % 10                 (i = 0..255, little-endian <i4)
  byte pattern:  byte[i]  = (i * 7 + 3) & 255
  random bytes:  numpy.random.default_rng(2024).bytes(256)  (embedded as hex)
Reruns reproduce every value except the root object header, which holds timestamps (its
checksum is self-consistent either way), and the deflate bytes, which depend on the zlib
release (printed as kGoldenZlibVersion).
"""
import os
import struct
import tempfile
import zlib

import h5py
import numpy as np


def hexs(b):
    return bytes(b).hex()


def cxx_hex(name, b):
    h = hexs(b)
    lines = [h[i:i + 64] for i in range(0, len(h), 64)] or [""]
    body = "\n".join('    "%s"' % ln for ln in lines)
    return "const char* const %s =\n%s;" % (name, body)


def main():
    # libhdf5 and this interpreter load the same system zlib; deflate bytes depend on it.
    out = ['constexpr std::string_view kGoldenZlibVersion = "%s";' % zlib.ZLIB_RUNTIME_VERSION]
    ramp = np.arange(24, dtype="<f4") * np.float32(0.75) - np.float32(5)
    cycle = (np.arange(256) % 10).astype("<i4")
    rand = np.frombuffer(np.random.default_rng(2024).bytes(256), dtype="u1")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "golden.h5")
        with h5py.File(path, "w") as f:
            cases = [
                ("kF32Fletcher", ramp, dict(fletcher32=True)),
                ("kF32ShuffleFletcher", ramp, dict(shuffle=True, fletcher32=True)),
                ("kF32ShuffleDeflateFletcher", ramp,
                 dict(shuffle=True, compression="gzip", compression_opts=4, fletcher32=True)),
                ("kI32Deflate9", cycle, dict(compression="gzip", compression_opts=9)),
                ("kI32Lzf", cycle, dict(compression="lzf")),
                ("kI32ShuffleLzf", cycle, dict(shuffle=True, compression="lzf")),
                ("kRandLzf", rand, dict(compression="lzf")),
            ]
            for name, data, kw in cases:
                ds = f.create_dataset(name, data=data, chunks=data.shape, **kw)
                mask, raw = ds.id.read_direct_chunk((0,))
                plist = ds.id.get_create_plist()
                filters = [plist.get_filter(i) for i in range(plist.get_nfilters())]
                out.append("// %s; h5py's filters (id, flags, client data, name):" % name)
                out.append("//   " + ", ".join("(%d, %d, %s, '%s')" % (i, fl, tuple(cd), nm.decode())
                                              for i, fl, cd, nm in filters))
                out.append("constexpr std::uint32_t %sMask = %d;" % (name, mask))
                out.append(cxx_hex(name, raw))
            # Fletcher-32 trailers of plain byte patterns, including all-0xff data whose
            # sums are multiples of 65535 (where libhdf5's folding differs from a modulus).
            sums = []
            for kind, n in [("pattern", 1), ("pattern", 2), ("pattern", 7), ("pattern", 720),
                            ("pattern", 721), ("pattern", 722), ("pattern", 1001),
                            ("pattern", 4097), ("ones", 1), ("ones", 2), ("ones", 720),
                            ("ones", 722), ("ones", 4097), ("ones", 65536)]:
                if kind == "pattern":
                    data = ((np.arange(n) * 7 + 3) & 255).astype("u1")
                else:
                    data = np.full(n, 255, dtype="u1")
                ds = f.create_dataset("f%s%d" % (kind, n), data=data, chunks=(n,),
                                      fletcher32=True)
                _, raw = ds.id.read_direct_chunk((0,))
                assert raw[:n] == data.tobytes()
                sums.append("    {%s, %d, 0x%08xu}," % ("true" if kind == "ones" else "false", n,
                                                       struct.unpack("<I", raw[n:])[0]))
            out.append("// {all 0xff?, length, libhdf5's stored fletcher32 (little-endian u32)}")
            out.append("constexpr Fletcher32Golden kFletcher32Golden[] = {\n%s\n};"
                       % "\n".join(sums))
        out.append(cxx_hex("kRandomBytes", rand))

        # lookup3: a superblock v3 and the root object header (v2) of a libver='latest' file.
        path = os.path.join(tmp, "latest.h5")
        with h5py.File(path, "w", libver="latest") as f:
            f.create_dataset("x", data=np.arange(4))
        blob = open(path, "rb").read()
        assert blob[:8] == b"\x89HDF\r\n\x1a\n" and blob[8] in (2, 3)
        out.append("// Superblock v%d of a libver='latest' file (last 4 bytes: its checksum)."
                   % blob[8])
        out.append(cxx_hex("kSuperblockV3", blob[:48]))
        root = struct.unpack("<Q", blob[36:44])[0]
        oh = blob[root:]
        assert oh[:4] == b"OHDR"
        flags = oh[5]
        pos = 6 + (16 if flags & 0x20 else 0) + (4 if flags & 0x10 else 0)
        width = 1 << (flags & 3)
        size = int.from_bytes(oh[pos:pos + width], "little")
        end = pos + width + size
        out.append("// Root object header (v2, 'OHDR' through its checksum) of the same file.")
        out.append(cxx_hex("kRootObjectHeader", oh[:end + 4]))
    print("\n".join(out))


if __name__ == "__main__":
    main()
