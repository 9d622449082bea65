#!/usr/bin/env python3
"""Helpers for bench/mover/make-images.sh (stdlib only; random data from `openssl enc`).

  imagetool.py stage --out DIR --scale S --seed N
      Builds the OS-like tree that mke2fs -d turns into os.raw: host directories present on
      any Debian box, copied up to fixed byte budgets (sorted order), the local Maven
      repository's release jars as one tar, seeded syslog-like text, base64 of seeded random,
      seeded random. A source smaller than its budget is topped up with seeded filler of
      mixed compressibility, so the image is about the same size on every box.
  imagetool.py fix-times IMAGE
      Sets atime and ctime of every inode to the fixed time: mke2fs -d copies them from the
      staging files, where ctime is when they were written (cannot be set) and atime when
      they were read.
  imagetool.py day2 --image os-day2.raw --scale S --seed N --work DIR
      The day-2 changes, made without mounting: a new file written with debugfs plus 12
      seeded overwrites at unaligned offsets inside existing files (written through the
      files' block maps, so the file system stays consistent).
  imagetool.py copy SRC DST
      Copies an image keeping its allocation exactly (holes stay holes, allocated zeros stay
      allocated; cp --sparse=auto would drop the latter).
  imagetool.py diff-runs A B [--granularity 65536]
      Prints "offset length" of the ranges whose content differs (holes read as zeros).
  imagetool.py apply-runs --base A --new B --qcow2 Q --work DIR
      Writes exactly the differing granules of B (vs A) into Q with qemu-io (write -s), so
      an enabled dirty bitmap in Q records only them.
  imagetool.py chunkstat IMAGE [--base IMAGE] [--chunk 4194304]
      One JSON line: chunks total / zero (hole or all zeros) / non-zero, changed vs base.

Sizes scale with --scale (1.0 = the 4 GiB os.raw of the benchmark).
"""
import argparse
import hashlib
import json
import os
import random
import re
import stat
import subprocess
import sys
import tarfile
import tempfile

MIB = 1 << 20
CHUNK = 4 * MIB
# 2026-01-01T00:00:00Z: every file time in the images (with E2FSPROGS_FAKE_TIME for the fs).
FIXED_TIME = 1767225600

# Budgets in MiB at scale 1.0. Host parts total 1497 MiB, jars 450, seeded 321.
HOST_SOURCES = [
    ("/usr/bin", "usr/bin", 340),
    ("/usr/lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", 1000),
    ("/usr/share/doc", "usr/share/doc", 130),
    ("/var/lib/dpkg", "var/lib/dpkg", 27),
]
JARS_MIB = 450
SYSLOG_MIB = 192
BASE64_MIB = 65
RANDOM_MIB = 64
DAY2_NEW_MIB = 32
DAY2_OVERWRITES = 12
DAY2_OVERWRITE_MIB = 4
# Files in os.raw that day 2 overwrites (all made here, so the same on every box).
DAY2_TARGETS = ["/var/log/syslog.1", "/srv/data/blob.b64", "/srv/data/random.bin",
                "/var/cache/maven/repository.tar"]


def log(msg):
    print("imagetool: " + msg, file=sys.stderr, flush=True)


# --- seeded data ---------------------------------------------------------------------------

def keystream(name, seed):
    """An endless reader of AES-256-CTR keystream keyed by (name, seed)."""
    key = hashlib.sha256(f"ferry-bench:{name}:{seed}".encode()).hexdigest()
    iv = hashlib.sha256(f"iv:{name}:{seed}".encode()).hexdigest()[:32]
    return subprocess.Popen(["openssl", "enc", "-aes-256-ctr", "-nosalt", "-K", key, "-iv", iv,
                             "-in", "/dev/zero"], stdout=subprocess.PIPE, bufsize=0)


def random_bytes(name, seed, n):
    proc = keystream(name, seed)
    try:
        out = bytearray()
        while len(out) < n:
            piece = proc.stdout.read(min(n - len(out), 4 * MIB))
            if not piece:
                raise RuntimeError("openssl enc stopped early")
            out += piece
        return bytes(out)
    finally:
        proc.kill()
        proc.wait()


def write_random(path, name, seed, n):
    proc = keystream(name, seed)
    try:
        with open(path, "wb") as f:
            left = n
            while left:
                piece = proc.stdout.read(min(left, 4 * MIB))
                if not piece:
                    raise RuntimeError("openssl enc stopped early")
                f.write(piece)
                left -= len(piece)
    finally:
        proc.kill()
        proc.wait()


HOSTS = ["web-01", "web-02", "db-01", "cache-01", "proxy-01", "build-07", "mail-01", "ns-02"]
PROCS = [("sshd", 0.12), ("systemd", 0.1), ("kernel", 0.1), ("CRON", 0.06), ("nginx", 0.14),
         ("postgres", 0.1), ("dockerd", 0.06), ("kubelet", 0.08), ("postfix/smtpd", 0.05),
         ("sudo", 0.03), ("rsyslogd", 0.02), ("named", 0.06), ("java", 0.08)]
USERS = ["root", "alice", "bob", "deploy", "backup", "postgres", "www-data", "nagios", "jenkins"]
PATHS = ["/", "/api/v1/items", "/api/v1/orders", "/login", "/static/app.js", "/static/site.css",
         "/healthz", "/metrics", "/api/v2/search", "/favicon.ico", "/admin", "/wp-login.php"]
UNITS = ["apt-daily.service", "logrotate.service", "ssh.service", "nginx.service",
         "postgresql@15-main.service", "docker.service", "session-4.scope", "user@1000.service"]


def syslog_lines(rng):
    """Endless syslog-like lines (bytes), deterministic for a given rng."""
    t = 1767225600
    months = ["Jan", "Feb", "Mar"]
    names = [p for p, _ in PROCS]
    weights = [w for _, w in PROCS]
    while True:
        t += rng.randint(0, 3)
        day = (t - 1767225600) // 86400
        stamp = "%s %2d %02d:%02d:%02d" % (months[(day // 31) % 3], day % 31 + 1, t // 3600 % 24,
                                           t // 60 % 60, t % 60)
        proc = rng.choices(names, weights)[0]
        host = HOSTS[rng.randrange(len(HOSTS))]
        pid = rng.randrange(300, 65000)
        ip = "%d.%d.%d.%d" % (rng.choice((10, 172, 192, 203)), rng.randrange(256), rng.randrange(256),
                              rng.randrange(1, 255))
        user = USERS[rng.randrange(len(USERS))]
        r = rng.random()
        if proc == "sshd":
            msg = (f"Accepted publickey for {user} from {ip} port {rng.randrange(1024, 65535)} ssh2: "
                   f"ED25519 SHA256:{rng.getrandbits(160):040x}" if r < 0.5 else
                   f"Disconnected from user {user} {ip} port {rng.randrange(1024, 65535)}")
        elif proc == "nginx":
            msg = (f'{ip} - - "GET {PATHS[rng.randrange(len(PATHS))]}?id={rng.randrange(10**6)} HTTP/1.1" '
                   f'{rng.choice((200, 200, 200, 304, 404, 500))} {rng.randrange(100, 90000)} "-" '
                   f'"Mozilla/5.0 (X11; Linux x86_64) Firefox/{rng.randrange(100, 130)}.0"')
        elif proc == "kernel":
            msg = (f"[{(t - 1767225600) + rng.random():12.6f}] EXT4-fs (vda{rng.randrange(1, 4)}): "
                   f"mounted filesystem {rng.getrandbits(128):032x} r/w with ordered data mode"
                   if r < 0.3 else
                   f"[{(t - 1767225600) + rng.random():12.6f}] IPv4: martian source {ip} from "
                   f"{ip} on dev eth{rng.randrange(2)}")
        elif proc == "postgres":
            msg = (f"[{pid}] {user}@app LOG:  duration: {rng.random() * 900:.3f} ms  statement: SELECT * "
                   f"FROM orders WHERE customer_id = {rng.randrange(10**7)} ORDER BY created_at DESC LIMIT 50")
        elif proc == "systemd":
            unit = UNITS[rng.randrange(len(UNITS))]
            msg = (f"Started {unit} - {unit.split('.')[0].replace('-', ' ')}." if r < 0.5 else
                   f"{unit}: Deactivated successfully. Consumed {rng.random() * 9:.3f}s CPU time.")
        elif proc == "CRON":
            msg = f"({user}) CMD (/usr/local/bin/job-{rng.randrange(40)} --quiet > /dev/null 2>&1)"
        else:
            msg = (f"level=info ts={t} caller=main.go:{rng.randrange(30, 900)} component={proc} "
                   f"msg=\"request done\" trace={rng.getrandbits(64):016x} took={rng.randrange(1, 5000)}ms "
                   f"user={user} remote={ip}")
        yield f"{stamp} {host} {proc}[{pid}]: {msg}\n".encode()


def text_bytes(seed, n):
    rng = random.Random(seed)
    out = bytearray()
    lines = syslog_lines(rng)
    while len(out) < n:
        out += next(lines)
    return bytes(out[:n])


def write_text(path, seed, n):
    rng = random.Random(seed)
    lines = syslog_lines(rng)
    with open(path, "wb") as f:
        written = 0
        buf = bytearray()
        while written < n:
            while len(buf) < MIB:
                buf += next(lines)
            piece = bytes(buf[:min(len(buf), n - written)])
            f.write(piece)
            written += len(piece)
            del buf[:len(piece)]


def write_base64(path, name, seed, n):
    """About n bytes of base64 text (76-character lines) of seeded random data."""
    import base64
    raw = n * 3 // 4 * 76 // 77
    data = random_bytes(name, seed, raw)
    with open(path, "wb") as f:
        f.write(base64.encodebytes(data))


def mixed_bytes(name, seed, n):
    """Half random, half text, in 64 KiB pieces: a binary-ish file of middling compressibility."""
    piece = 64 << 10
    half = (n // (2 * piece) + 1) * piece
    rnd = random_bytes(name, seed, half)
    txt = text_bytes(seed + 1, half)
    out = bytearray()
    for i, off in enumerate(range(0, n, piece)):
        src = rnd if i % 2 == 0 else txt
        at = (i // 2) * piece
        out += src[at:at + min(piece, n - off)]
    return bytes(out)


# --- stage ---------------------------------------------------------------------------------

def copy_budgeted(src, dst, budget):
    """Copies regular files and symlinks of src (sorted walk) into dst while they fit the budget."""
    used = 0
    skipped = 0
    for root, dirs, files in os.walk(src, followlinks=False):
        dirs.sort()
        files.sort()
        rel = os.path.relpath(root, src)
        out = os.path.join(dst, rel) if rel != "." else dst
        os.makedirs(out, mode=0o755, exist_ok=True)
        for name in list(dirs):
            p = os.path.join(root, name)
            if os.path.islink(p):
                os.symlink(os.readlink(p), os.path.join(out, name))
                dirs.remove(name)
        for name in files:
            p = os.path.join(root, name)
            try:
                st = os.lstat(p)
                if stat.S_ISLNK(st.st_mode):
                    os.symlink(os.readlink(p), os.path.join(out, name))
                    continue
                if not stat.S_ISREG(st.st_mode):
                    continue
                if used + st.st_size > budget:
                    skipped += 1
                    continue
                with open(p, "rb") as fin, open(os.path.join(out, name), "wb") as fout:
                    while True:
                        piece = fin.read(4 * MIB)
                        if not piece:
                            break
                        fout.write(piece)
                # No set-uid/set-gid bits: the staging tree sits in a temp dir of a shared box.
                os.chmod(os.path.join(out, name), st.st_mode & 0o755)
                used += st.st_size
            except OSError as e:
                log(f"skipping {p}: {e.strerror}")
    return used, skipped


def maven_repo():
    env = os.environ.get("FERRY_BENCH_M2")
    if env:
        return env
    return os.path.join(os.path.expanduser("~"), ".m2", "repository")


def tar_jars(path, budget):
    """Release jars of the local Maven repository (no SNAPSHOTs, no Ferry's own) as one tar."""
    repo = maven_repo()
    jars = []
    for root, dirs, files in os.walk(repo):
        dirs.sort()
        rel = os.path.relpath(root, repo)
        if rel.startswith("io/ferry") or "SNAPSHOT" in rel:
            dirs[:] = []
            continue
        jars += [os.path.join(rel, f) for f in sorted(files) if f.endswith(".jar") and "SNAPSHOT" not in f]
    jars.sort()
    used = 0
    with tarfile.open(path, "w", format=tarfile.GNU_FORMAT) as tar:
        for rel in jars:
            p = os.path.join(repo, rel)
            size = os.path.getsize(p)
            cost = size + 1024
            if used + cost > budget:
                continue
            info = tarfile.TarInfo(rel)
            info.size = size
            info.mtime = FIXED_TIME
            info.mode = 0o644
            with open(p, "rb") as f:
                tar.addfile(info, f)
            used += cost
    return used, len(jars)


def write_filler(out_dir, name, seed, n):
    os.makedirs(out_dir, exist_ok=True)
    part = 16 * MIB
    i = 0
    while n > 0:
        size = min(part, n)
        with open(os.path.join(out_dir, f"{name}-{i:03d}.bin"), "wb") as f:
            f.write(mixed_bytes(f"filler-{name}-{i}", seed, size))
        n -= size
        i += 1


def normalize_times(top):
    for root, dirs, files in os.walk(top, topdown=False):
        for name in files + dirs:
            os.utime(os.path.join(root, name), (FIXED_TIME, FIXED_TIME), follow_symlinks=False)
    os.utime(top, (FIXED_TIME, FIXED_TIME))


def cmd_stage(a):
    out = a.out
    if os.path.exists(out) and os.listdir(out):
        sys.exit(f"imagetool: {out} is not empty; remove it first")
    os.makedirs(out, mode=0o755, exist_ok=True)
    summary = {"scale": a.scale, "seed": a.seed, "parts": {}}
    shortfall = 0
    for src, rel, mib in HOST_SOURCES:
        budget = int(mib * MIB * a.scale)
        used, skipped = copy_budgeted(src, os.path.join(out, rel), budget) if os.path.isdir(src) else (0, 0)
        summary["parts"][rel] = used
        shortfall += budget - used
        log(f"{src}: {used / MIB:.1f} of {budget / MIB:.1f} MiB ({skipped} files over budget)")
    tar_path = os.path.join(out, "var/cache/maven/repository.tar")
    os.makedirs(os.path.dirname(tar_path), exist_ok=True)
    budget = int(JARS_MIB * MIB * a.scale)
    used, count = tar_jars(tar_path, budget)
    summary["parts"]["var/cache/maven/repository.tar"] = used
    shortfall += budget - used
    log(f"{maven_repo()}: {count} release jars, {used / MIB:.1f} of {budget / MIB:.1f} MiB tarred")
    if shortfall > MIB:
        log(f"this box has {shortfall / MIB:.0f} MiB less of the host files than the budget: adding"
            " seeded filler (half random, half text) instead")
        write_filler(os.path.join(out, "srv/filler"), "filler", a.seed, shortfall)
        summary["parts"]["srv/filler"] = shortfall
    os.makedirs(os.path.join(out, "var/log"), exist_ok=True)
    os.makedirs(os.path.join(out, "srv/data"), exist_ok=True)
    n = int(SYSLOG_MIB * MIB * a.scale)
    write_text(os.path.join(out, "var/log/syslog.1"), a.seed, n)
    summary["parts"]["var/log/syslog.1"] = n
    n = int(BASE64_MIB * MIB * a.scale)
    write_base64(os.path.join(out, "srv/data/blob.b64"), "base64", a.seed, n)
    summary["parts"]["srv/data/blob.b64"] = os.path.getsize(os.path.join(out, "srv/data/blob.b64"))
    n = int(RANDOM_MIB * MIB * a.scale)
    write_random(os.path.join(out, "srv/data/random.bin"), "random-file", a.seed, n)
    summary["parts"]["srv/data/random.bin"] = n
    normalize_times(out)
    summary["total_bytes"] = sum(summary["parts"].values())
    summary["python"] = sys.version.split()[0]
    print(json.dumps(summary))


# --- day 2 ---------------------------------------------------------------------------------

def debugfs(image, *requests, write=False):
    env = dict(os.environ, DEBUGFS_PAGER="__none__", E2FSPROGS_FAKE_TIME=str(FIXED_TIME + 86400))
    cmd = ["debugfs"] + (["-w"] if write else [])
    with tempfile.NamedTemporaryFile("w", suffix=".debugfs") as f:
        f.write("\n".join(requests) + "\n")
        f.flush()
        res = subprocess.run(cmd + ["-f", f.name, image], env=env, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"imagetool: debugfs failed on {image}: {res.stderr.strip()}")
    # with -f, debugfs echoes each request as "debugfs: REQUEST"
    out = "".join(line for line in res.stdout.splitlines(keepends=True) if not line.startswith("debugfs:"))
    return out, res.stderr


def block_size(image):
    out, _ = debugfs(image, "stats -h")
    m = re.search(r"Block size:\s+(\d+)", out)
    if not m:
        sys.exit(f"imagetool: no block size in debugfs stats of {image}")
    return int(m.group(1))


def file_map(image, path):
    """(size, [physical block of each logical block]) of a file, from debugfs."""
    out, _ = debugfs(image, f"stat {path}")
    m = re.search(r"Size:\s+(\d+)", out)
    if not m:
        sys.exit(f"imagetool: {path} not found in {image}")
    size = int(m.group(1))
    out, _ = debugfs(image, f"blocks {path}")
    blocks = [int(b) for b in out.split()]
    return size, blocks


def cmd_fix_times(a):
    out, _ = debugfs(a.image, "stats -h", "ffi")
    count = int(re.search(r"Inode count:\s+(\d+)", out).group(1))
    free = int(re.search(r"Free inodes:\s+(\d+)", out).group(1))
    m = re.search(r"Free inode found: (\d+)", out)
    used = count - free
    # mke2fs -d numbers inodes 1..used without gaps (reserved 1-10, lost+found 11, then the tree)
    if not m or int(m.group(1)) != used + 1:
        sys.exit(f"imagetool: inodes of {a.image} are not contiguous (used {used}, first free"
                 f" {m.group(1) if m else '?'}); cannot fix their times")
    requests = []
    for ino in [2] + list(range(11, used + 1)):
        requests += [f"set_inode_field <{ino}> atime @{FIXED_TIME}",
                     f"set_inode_field <{ino}> ctime @{FIXED_TIME}"]
    debugfs(a.image, *requests, write=True)
    print(json.dumps({"inodes": used - 10}))


def set_times(path):
    t = FIXED_TIME + 86400
    return [f"set_inode_field {path} {field} @{t}" for field in ("atime", "mtime", "ctime", "crtime")]


def cmd_day2(a):
    rng = random.Random(a.seed + 2)
    changes = []
    # 1. a new file, written by debugfs (allocation, bitmaps, inode and directory blocks change).
    os.makedirs(a.work, exist_ok=True)
    new_size = max(MIB, int(DAY2_NEW_MIB * MIB * a.scale))
    new_file = os.path.join(a.work, "day2-new.bin")
    with open(new_file, "wb") as f:
        f.write(mixed_bytes("day2-new", a.seed, new_size))
    os.utime(new_file, (FIXED_TIME + 86400, FIXED_TIME + 86400))
    debugfs(a.image, "mkdir /srv/day2", f"write {new_file} /srv/day2/new.bin",
            *set_times("/srv/day2/new.bin"), *set_times("/srv/day2"), *set_times("/srv"), write=True)
    os.remove(new_file)
    changes.append({"new": "/srv/day2/new.bin", "bytes": new_size})
    # 2. overwrites inside existing files at unaligned offsets, through their block maps.
    bs = block_size(a.image)
    length = max(64 << 10, int(DAY2_OVERWRITE_MIB * MIB * a.scale))
    maps = {p: file_map(a.image, p) for p in DAY2_TARGETS}
    fd = os.open(a.image, os.O_RDWR)
    try:
        for i in range(DAY2_OVERWRITES):
            path = DAY2_TARGETS[i % len(DAY2_TARGETS)]
            size, blocks = maps[path]
            if size <= length + bs:
                sys.exit(f"imagetool: {path} ({size} bytes) is too small for a {length}-byte overwrite")
            off = rng.randrange(0, size - length)
            if off % 512 == 0:
                off += 7
            if path.endswith((".1", ".b64")):
                data = text_bytes(a.seed + 100 + i, length)
            else:
                data = random_bytes(f"day2-overwrite-{i}", a.seed, length)
            pos = 0
            while pos < length:
                logical = off + pos
                blk, within = divmod(logical, bs)
                n = min(bs - within, length - pos)
                os.pwrite(fd, data[pos:pos + n], blocks[blk] * bs + within)
                pos += n
            changes.append({"overwrite": path, "offset": off, "bytes": length})
        os.fsync(fd)
    finally:
        os.close(fd)
    print(json.dumps({"changes": changes}))


# --- comparisons ---------------------------------------------------------------------------

def next_data(fd, off, size):
    try:
        return os.lseek(fd, off, os.SEEK_DATA)
    except OSError:
        return size


def diff_runs(a_path, b_path, gran):
    """Yields (offset, length) of merged ranges where the two images differ, at gran granularity."""
    fa = os.open(a_path, os.O_RDONLY)
    fb = os.open(b_path, os.O_RDONLY)
    try:
        size = max(os.fstat(fa).st_size, os.fstat(fb).st_size)
        start = None
        end = None
        step = max(CHUNK, gran)
        off = 0
        while off < size:
            n = min(step, size - off)
            if next_data(fa, off, size) >= off + n and next_data(fb, off, size) >= off + n:
                off += n
                continue
            da = os.pread(fa, n, off).ljust(n, b"\0")
            db = os.pread(fb, n, off).ljust(n, b"\0")
            if da != db:
                for g in range(0, n, gran):
                    if da[g:g + gran] != db[g:g + gran]:
                        if end == off + g:
                            end = off + min(g + gran, n)
                        else:
                            if start is not None:
                                yield start, end - start
                            start, end = off + g, off + min(g + gran, n)
            off += n
        if start is not None:
            yield start, end - start
    finally:
        os.close(fa)
        os.close(fb)


def cmd_copy(a):
    fin = os.open(a.src, os.O_RDONLY)
    fout = os.open(a.dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        size = os.fstat(fin).st_size
        os.ftruncate(fout, size)
        off = next_data(fin, 0, size)
        while off < size:
            end = os.lseek(fin, off, os.SEEK_HOLE)
            while off < end:
                n = os.copy_file_range(fin, fout, min(end - off, 64 * MIB), off, off)
                if n <= 0:
                    sys.exit(f"imagetool: copy_file_range stopped at {off} copying {a.src}")
                off += n
            off = next_data(fin, end, size)
        os.fsync(fout)
    finally:
        os.close(fin)
        os.close(fout)


def cmd_diff_runs(a):
    total = 0
    for off, length in diff_runs(a.a, a.b, a.granularity):
        print(off, length)
        total += length
    log(f"{total} bytes differ ({total / MIB:.1f} MiB) at {a.granularity}-byte granularity")


def cmd_apply_runs(a):
    """Writes the differing granules of --new into --qcow2 with qemu-io, in batches."""
    runs = []
    for off, length in diff_runs(a.base, a.new, a.granularity):
        while length > 0:  # qemu-io buffers each write whole: keep them at most 16 MiB
            n = min(length, 16 * MIB)
            runs.append((off, n))
            off += n
            length -= n
    os.makedirs(a.work, exist_ok=True)
    fd = os.open(a.new, os.O_RDONLY)
    total = 0
    try:
        for first in range(0, len(runs), 200):
            batch = runs[first:first + 200]
            args = ["qemu-io", "-f", "qcow2", a.qcow2]
            files = []
            for i, (off, n) in enumerate(batch):
                p = os.path.join(a.work, f"run-{first + i:05d}.bin")
                with open(p, "wb") as f:
                    f.write(os.pread(fd, n, off))
                files.append(p)
                args += ["-c", f"write -q -s {p} {off} {n}"]
                total += n
            res = subprocess.run(args, capture_output=True, text=True)
            for p in files:
                os.remove(p)
            if res.returncode != 0 or res.stdout.strip() or res.stderr.strip():
                sys.exit(f"imagetool: qemu-io failed on {a.qcow2}: {(res.stdout + res.stderr).strip()}")
    finally:
        os.close(fd)
    print(json.dumps({"runs": len(runs), "bytes": total}))


def cmd_chunkstat(a):
    fd = os.open(a.image, os.O_RDONLY)
    fb = os.open(a.base, os.O_RDONLY) if a.base else None
    try:
        size = os.fstat(fd).st_size
        zero = bytes(a.chunk)
        total = zeros = changed = 0
        nonzero_bytes = 0
        for off in range(0, size, a.chunk):
            n = min(a.chunk, size - off)
            total += 1
            hole = next_data(fd, off, size) >= off + n
            data = zero[:n] if hole else os.pread(fd, n, off)
            is_zero = hole or data == zero[:n]
            zeros += is_zero
            nonzero_bytes += 0 if is_zero else n
            if fb is not None:
                bsize = os.fstat(fb).st_size
                if off >= bsize:
                    changed += not is_zero
                else:
                    bhole = next_data(fb, off, bsize) >= off + n
                    other = zero[:n] if bhole else os.pread(fb, n, off).ljust(n, b"\0")
                    changed += data != other
        out = {"image": os.path.basename(a.image), "size": size, "chunk": a.chunk, "chunks": total,
               "zero_chunks": zeros, "nonzero_chunks": total - zeros, "nonzero_bytes": nonzero_bytes}
        if fb is not None:
            out["base"] = os.path.basename(a.base)
            out["changed_chunks"] = changed
        print(json.dumps(out))
    finally:
        os.close(fd)
        if fb is not None:
            os.close(fb)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("stage")
    s.add_argument("--out", required=True)
    s.add_argument("--scale", type=float, default=1.0)
    s.add_argument("--seed", type=int, default=20261123)
    s.set_defaults(fn=cmd_stage)
    s = sub.add_parser("fix-times")
    s.add_argument("image")
    s.set_defaults(fn=cmd_fix_times)
    s = sub.add_parser("day2")
    s.add_argument("--image", required=True)
    s.add_argument("--scale", type=float, default=1.0)
    s.add_argument("--seed", type=int, default=20261123)
    s.add_argument("--work", required=True)
    s.set_defaults(fn=cmd_day2)
    s = sub.add_parser("copy")
    s.add_argument("src")
    s.add_argument("dst")
    s.set_defaults(fn=cmd_copy)
    s = sub.add_parser("diff-runs")
    s.add_argument("a")
    s.add_argument("b")
    s.add_argument("--granularity", type=int, default=64 << 10)
    s.set_defaults(fn=cmd_diff_runs)
    s = sub.add_parser("apply-runs")
    s.add_argument("--base", required=True)
    s.add_argument("--new", required=True)
    s.add_argument("--qcow2", required=True)
    s.add_argument("--work", required=True)
    s.add_argument("--granularity", type=int, default=64 << 10)
    s.set_defaults(fn=cmd_apply_runs)
    s = sub.add_parser("chunkstat")
    s.add_argument("image")
    s.add_argument("--base")
    s.add_argument("--chunk", type=int, default=CHUNK)
    s.set_defaults(fn=cmd_chunkstat)
    a = p.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
