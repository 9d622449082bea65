#!/usr/bin/env python3
"""The warm-up image of the Karaf benchmarks (bench/mover/karaf.sh, bench/agents/run.sh).

  make-warm-image.py SOURCE DEST

DEST: 512 MiB of SOURCE (os.raw) from 1 GiB on, with the first 16 bytes of every 4 MiB block
random, so that backing it up exercises the same paths (LZ4, sparse runs) without sharing a
chunk with the measured images. Written to DEST.tmp, then renamed.
"""
import os
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, "rb") as i, open(dst + ".tmp", "wb") as o:
        i.seek(1 << 30)
        for _ in range(128):
            block = bytearray(i.read(4 << 20))
            block[0:16] = os.urandom(16)
            o.write(block)
    os.rename(dst + ".tmp", dst)


if __name__ == "__main__":
    main()
