#!/usr/bin/env python3
"""Markdown report of a bench/mover results file (TSV written by run.sh and the scripts it runs).

  report.py RESULTS.tsv > RESULTS.md

Lines of the TSV starting with "# key: value" are facts about the run (box, versions,
images) and are listed first. Then: the targets of the data-mover issue with Ferry's
figures and its ratios to restic and borg-fixed (measured in the same run), every run, and
the box limits.
"""
import csv
import re
import sys

TOOLS = ["ferry", "restic", "borg-buzhash", "borg-fixed"]
FULL_SIZE_MIB = 4096


def load(path):
    meta, rows = [], []
    with open(path, newline="") as f:
        lines = [line for line in f if line.strip()]
    body = []
    for line in lines:
        if line.startswith("# "):
            key, _, value = line[2:].rstrip("\n").partition(": ")
            meta.append((key, value))
        else:
            body.append(line)
    for r in csv.DictReader(body, delimiter="\t", quoting=csv.QUOTE_NONE):
        rows.append(r)
    return meta, rows


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


class Results:
    def __init__(self, rows):
        self.rows = rows

    def row(self, tool, op, image):
        found = [r for r in self.rows if r["tool"] == tool and r["op"] == op and r["image"] == image]
        return found[-1] if found else None

    def value(self, tool, op, image, field):
        r = self.row(tool, op, image)
        if r is None or not r["result"].startswith("ok"):
            return None
        return num(r[field])


def fmt(v, digits=1):
    if v is None:
        return "–"
    if abs(v) >= 100:
        return f"{v:.0f}"
    return f"{v:.{digits}f}"


def ratio(a, b):
    """a / b, or None."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(v):
    return "–" if v is None else f"{v:.2f}×"


def faster(v):
    return "–" if v is None else f"{v:.2f}× faster"


def verdict(checks):
    """checks: list of (value, op, limit); None values make the verdict unknown."""
    if not checks:
        return ""
    if any(v is None for v, _, _ in checks):
        return "?"
    ok = all((v >= lim) if op == ">=" else (v <= lim) for v, op, lim in checks)
    return "met" if ok else "**missed**"


def target_checks(r_restic, restic_min, r_borg, borg_min, seconds, abs_max):
    """The checks of one target row for verdict(): ratios to restic and borg-fixed at least their
    minimum, the time at most abs_max; None leaves a check out."""
    checks = []
    if restic_min is not None:
        checks.append((r_restic, ">=", restic_min))
    if borg_min is not None:
        checks.append((r_borg, ">=", borg_min))
    if abs_max is not None:
        checks.append((seconds, "<=", abs_max))
    return checks


def mover_time(row):
    """' (mover X s)': the time inside DataMover.backup/restore, from the harness's summary."""
    if row is None or not row["result"].startswith("ok"):
        return ""
    j = harness_json(row["detail"]) or {}
    ms = j.get("backup_ms", j.get("restore_ms"))
    return "" if ms is None else f" (mover {ms / 1000:.2f})"


def summary(res, full_size):
    """The issue's targets (and the perf note's proposed ones) against this run."""
    v = res.value
    out = []
    out.append("| metric | ferry | restic | borg-buzhash | borg-fixed | ferry vs restic | ferry vs borg-fixed "
               "| target | verdict |")
    out.append("|---|---|---|---|---|---|---|---|---|")

    def time_metric(label, op, image, target, restic_min=None, borg_min=None, abs_max=None,
                    ferry_op=None, ferry_image=None, ferry_tool="ferry"):
        ft = v(ferry_tool, ferry_op or op, ferry_image or image, "wall_s")
        if ft is None and ferry_tool != "ferry":
            return
        cells = [fmt(ft, 2) + (mover_time(res.row(ferry_tool, ferry_op or op, ferry_image or image))
                               if ferry_tool == "ferry" else "")]
        for t in TOOLS[1:]:
            cells.append(fmt(v(t, op, image, "wall_s"), 2))
        r_restic = ratio(v("restic", op, image, "wall_s"), ft)
        r_borg = ratio(v("borg-fixed", op, image, "wall_s"), ft)
        checks = target_checks(r_restic, restic_min, r_borg, borg_min, ft, abs_max if full_size else None)
        out.append(f"| {label} | " + " | ".join(cells) + f" | {faster(r_restic)} | "
                   f"{faster(r_borg)} | {target} | {verdict(checks)} |")

    time_metric("full os.raw, wall s", "full", "os.raw",
                "≥ 4× restic, ≥ 2× borg-fixed; ≤ 8 s", 4, 2, 8)
    time_metric("incremental os-day2.raw (re-read, dedupe), wall s", "incr", "os-day2.raw",
                "≥ 5× restic, ≥ 1.4× borg-fixed; ≤ 3 s (proposed)", 5, 1.4, 3)
    time_metric("incremental with dirty bitmap (ferry) vs peers' incremental, wall s", "incr", "os-day2.raw",
                "≥ 15× restic; ≤ 1 s (proposed)", 15, None, 1, ferry_op="incr-bitmap", ferry_image="os-day2.qcow2")
    # the product path: JVM and repository open and warmed (ferry-warm rows of ferry.sh)
    time_metric("product path (JVM + repository open): bitmap incremental vs peers' incremental, s",
                "incr", "os-day2.raw", "≥ 5× borg-fixed, ≥ 15× restic; < 0.6 s", 15, 5, 0.6,
                ferry_op="incr-bitmap", ferry_image="os-day2.qcow2", ferry_tool="ferry-warm")
    time_metric("product path (JVM + repository open): re-read incremental, s",
                "incr", "os-day2.raw", "≥ 1.5× borg-fixed", None, 1.5, None, ferry_tool="ferry-warm")
    time_metric("restore os-day2 + sync, wall s", "restore+sync", "os-day2.raw",
                "≥ 1.75× restic, ≥ 2.5× borg-fixed (issue 14); ≤ 6.5 s (proposed)", 1.75, 2.5, 6.5)
    time_metric("full random.raw, wall s", "full", "random.raw",
                "≥ 6× restic (proposed), ≥ 1.5× borg-fixed (issue 14); ≤ 3 s (proposed)", 6, 1.5, 3)
    time_metric("full zero.raw, wall s", "full", "zero.raw", "≥ 1× borg-fixed; ≤ 1 s (proposed)", None, 1, 1)
    time_metric("restore zero.raw + sync, wall s", "restore+sync", "zero.raw",
                "≥ 5× borg-fixed; ≤ 1 s (proposed)", None, 5, 1)

    # throughput and CPU of the full
    cells = [fmt(v(t, "full", "os.raw", "mb_s"), 0) for t in TOOLS]
    out.append("| full os.raw, MB/s (logical) | " + " | ".join(cells) + f" | "
               f"{fmt_ratio(ratio(v('ferry', 'full', 'os.raw', 'mb_s'), v('restic', 'full', 'os.raw', 'mb_s')))} | "
               f"{fmt_ratio(ratio(v('ferry', 'full', 'os.raw', 'mb_s'), v('borg-fixed', 'full', 'os.raw', 'mb_s')))} | | |")
    cells = [fmt(v(t, "full", "os.raw", "cpu_s"), 1) for t in TOOLS]
    out.append("| full os.raw, CPU user+sys s | " + " | ".join(cells) + f" | "
               f"{fmt_ratio(ratio(v('ferry', 'full', 'os.raw', 'cpu_s'), v('restic', 'full', 'os.raw', 'cpu_s')))} | "
               f"{fmt_ratio(ratio(v('ferry', 'full', 'os.raw', 'cpu_s'), v('borg-fixed', 'full', 'os.raw', 'cpu_s')))} | | |")

    # memory: the highest peak of any Ferry run (default heap) against the peers' highest
    def peak(tool):
        vals = [num(r["rss_mib"]) for r in res.rows if r["tool"] == tool and r["suite"] != "limits"
                and num(r["rss_mib"]) is not None]
        return max(vals) if vals else None
    fpeak = peak("ferry")
    cells = [fmt(peak(t), 0) for t in TOOLS]
    checks = [(fpeak, "<=", 256)]
    out.append("| peak RSS over all runs, MiB | " + " | ".join(cells) + f" | "
               f"{fmt_ratio(ratio(fpeak, peak('restic')))} | {fmt_ratio(ratio(fpeak, peak('borg-fixed')))} | "
               f"≤ 256 MiB (stretch ≤ 160) | {verdict(checks)} |")
    xpeak = peak("ferry-xmx256m")
    if xpeak is not None:
        out.append(f"| peak RSS with -Xmx256m, MiB | {fmt(xpeak, 0)} | | | | | | ≤ 256 MiB | "
                   f"{verdict([(xpeak, '<=', 256)])} |")

    # Ferry's fixed cost per run: JVM start-up, opening the repository (key derivation,
    # cipher warm-up), everything outside the mover's backup() / restore() call
    over, opens = [], []
    for r in res.rows:
        if not r["tool"].startswith("ferry") or not r["result"].startswith("ok"):
            continue
        j = harness_json(r["detail"])
        work = j.get("backup_ms", j.get("restore_ms")) if j else None
        if work is not None and num(r["wall_s"]) is not None:
            over.append(num(r["wall_s"]) - work / 1000)
            opens.append(j.get("open_ms", 0) / 1000)
    if over:
        out.append(f"| ferry fixed cost per run (wall − mover time), s: median {fmt(median(over), 2)}, of which "
                   f"opening the repository {fmt(median(opens), 2)} | | | | | | | (included in every Ferry wall time) | |")

    # repository size
    def repo(tool, op, image):
        return v(tool, op, image, "repo_mib")
    full_repo = {t: repo(t, "full", "os.raw") for t in TOOLS}
    incr_repo = {t: repo(t, "incr", "os-day2.raw") for t in TOOLS}
    r = ratio(full_repo["ferry"], full_repo["borg-fixed"])
    out.append("| repository after full os.raw, MiB | " + " | ".join(fmt(full_repo[t], 0) for t in TOOLS) +
               f" | {fmt_ratio(ratio(full_repo['ferry'], full_repo['restic']))} | {fmt_ratio(r)} | "
               f"≤ 1.02× borg-fixed | {verdict([(r, '<=', 1.02)])} |")
    growth = {t: (incr_repo[t] - full_repo[t]) if incr_repo[t] is not None and full_repo[t] is not None else None
              for t in TOOLS}
    out.append("| repository growth by the incremental, MiB | " + " | ".join(fmt(growth[t], 0) for t in TOOLS) +
               f" | {fmt_ratio(ratio(growth['ferry'], growth['restic']))} | "
               f"{fmt_ratio(ratio(growth['ferry'], growth['borg-fixed']))} | ≤ 105 MiB (proposed) | "
               f"{verdict([(growth['ferry'], '<=', 105)]) if full_size else ''} |")

    # restored allocation (sparse)
    def alloc(tool, image):
        r = res.row(tool, "restore+sync", image)
        if r is None:
            return None
        m = re.search(r"restored alloc (\d+) MiB \(source (\d+) MiB\)", r["detail"])
        return (float(m.group(1)), float(m.group(2))) if m else None
    a = {t: alloc(t, "os-day2.raw") for t in TOOLS}
    src = next((x[1] for x in a.values() if x), None)
    out.append("| restored os-day2 allocation, MiB | " + " | ".join(fmt(x[0], 0) if x else "–" for x in a.values()) +
               f" | | | ≤ source allocation ({fmt(src, 0)} MiB) | "
               f"{verdict([(a['ferry'][0] if a['ferry'] else None, '<=', src or 0)])} |")
    return "\n".join(out)


def product_path(res, full_size):
    """Issue 14's targets for the product path: ferry-karaf rows (karaf.sh: a running Ferry, JVM
    warm, job repository open, commands over SSH), next to the harness's whole commands and the peers."""
    karaf = [r for r in res.rows if r["tool"] == "ferry-karaf"]
    if not karaf:
        return None

    def kvals(op, image, field):
        return [num(r[field]) for r in karaf if r["op"] == op and r["image"] == image
                and r["result"].startswith("ok") and num(r[field]) is not None]

    def kmed(op, image, field="wall_s"):
        return median(kvals(op, image, field))

    def service(op, image):
        vals = []
        for r in karaf:
            m = re.search(r"service (\d+\.\d+) s", r["detail"])
            if r["op"] == op and r["image"] == image and m:
                vals.append(float(m.group(1)))
        return median(vals)

    v = res.value
    out = ["| operation | ferry-karaf wall s (service s) | ferry harness wall s | restic | borg-fixed "
           "| ferry-karaf vs restic | ferry-karaf vs borg-fixed | target (issue 14) | verdict |",
           "|---|---|---|---|---|---|---|---|---|"]

    def line(label, op, image, target, peer_op=None, peer_image=None, restic_min=None, borg_min=None,
             abs_max=None):
        kt = kmed(op, image)
        if kt is None:
            return
        po, pi = peer_op or op, peer_image or image
        rt, bt = v("restic", po, pi, "wall_s"), v("borg-fixed", po, pi, "wall_s")
        r_restic, r_borg = ratio(rt, kt), ratio(bt, kt)
        checks = target_checks(r_restic, restic_min, r_borg, borg_min, kt, abs_max if full_size else None)
        n = len(kvals(op, image, "wall_s"))
        out.append(f"| {label} | {fmt(kt, 2)} ({fmt(service(op, image), 2)}){' median of ' + str(n) if n > 1 else ''}"
                   f" | {fmt(v('ferry', op, image, 'wall_s'), 2)} | {fmt(rt, 2)} | {fmt(bt, 2)} | {faster(r_restic)}"
                   f" | {faster(r_borg)} | {target} | {verdict(checks)} |")

    line("full os.raw", "full", "os.raw", "≥ 4× restic, ≥ 2× borg-fixed", restic_min=4, borg_min=2)
    line("incremental with the dirty bitmap (vs peers' incremental)", "incr-bitmap", "os-day2.qcow2",
         "< 0.6 s, ≥ 15× restic, ≥ 5× borg-fixed", "incr", "os-day2.raw", 15, 5, 0.6)
    line("incremental os-day2.raw (re-read, dedupe)", "incr", "os-day2.raw", "≥ 1.5× borg-fixed", borg_min=1.5)
    line("restore os-day2 + sync", "restore+sync", "os-day2.raw", "≥ 2.5× borg-fixed", borg_min=2.5)
    line("restore of the bitmap backup + sync (vs peers' restore)", "restore+sync", "os-day2.qcow2", "",
         "restore+sync", "os-day2.raw")
    line("full random.raw (incompressible)", "full", "random.raw", "≥ 1.5× borg-fixed", borg_min=1.5)
    line("full zero.raw (sparse)", "full", "zero.raw", "≥ 1× borg-fixed", borg_min=1)
    line("restore zero.raw + sync", "restore+sync", "zero.raw", "≥ 1× borg-fixed", borg_min=1)
    kc, bc = kmed("full", "os.raw", "cpu_s"), v("borg-fixed", "full", "os.raw", "cpu_s")
    out.append(f"| full os.raw, CPU user+sys s (Karaf JVM) | {fmt(kc, 2)} | {fmt(v('ferry', 'full', 'os.raw', 'cpu_s'), 2)}"
               f" | {fmt(v('restic', 'full', 'os.raw', 'cpu_s'), 2)} | {fmt(bc, 2)} | | ferry-karaf ÷ borg-fixed "
               f"{fmt_ratio(ratio(kc, bc))} | ≤ borg-fixed's | {verdict([(ratio(kc, bc), '<=', 1)])} |")
    noop = kmed("ssh-noop", "-")
    if noop is not None:
        out.append(f"| fixed cost of a ferry-karaf row (SSH exec of a no-op, cold) | {fmt(noop, 2)} | | | | | | "
                   "(in every ferry-karaf wall time) | |")
    return "\n".join(out)


def harness_json(detail):
    """The harness's JSON summary inside a detail cell, or None."""
    import json
    start = detail.find("{")
    if start < 0:
        return None
    try:
        return json.loads(detail[start:])
    except ValueError:
        return None


def median(values):
    v = sorted(values)
    n = len(v)
    return (v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2) if v else None


def all_runs(rows):
    out = ["| suite | tool | run | image | cache | wall s | MB/s | CPU s | peak RSS MiB | repo MiB | result | detail |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["suite"] == "limits":
            continue
        detail = r["detail"].replace("|", "\\|")
        if len(detail) > 400:
            detail = detail[:400] + "…"
        out.append(f"| {r['suite']} | {r['tool']} | {r['op']} | {r['image']} | {r['cache']} | {r['wall_s']} | "
                   f"{r['mb_s']} | {r['cpu_s']} | {r['rss_mib']} | {r['repo_mib']} | {r['result']} | {detail} |")
    return "\n".join(out)


def limits(rows):
    out = ["| what | data | cache | MB/s | wall s | CPU s | result | how |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["suite"] != "limits":
            continue
        out.append(f"| {r['tool']} {r['op']} | {r['image']} | {r['cache']} | {r['mb_s']} | {r['wall_s']} | "
                   f"{r['cpu_s']} | {r['result']} | {r['detail'].replace('|', '/')} |")
    return "\n".join(out)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    meta, rows = load(sys.argv[1])
    facts = dict(meta)
    size = num(facts.get("image size MiB"))
    full_size = size == FULL_SIZE_MIB
    res = Results(rows)
    print("# Data mover benchmark: Ferry vs restic and borg")
    print()
    for key, value in meta:
        print(f"- {key}: {value}")
    print()
    if not full_size:
        print(f"**Images are {fmt(size, 0)} MiB, not {FULL_SIZE_MIB} MiB: absolute-time targets are not judged;"
              " ratios are only indicative.**")
        print()
    failed = [r for r in rows if not r["result"].startswith("ok")]
    if failed:
        print(f"**{len(failed)} run(s) failed or did not check out:** " +
              "; ".join(f"{r['tool']} {r['op']} {r['image']}: {r['result']}" for r in failed))
        print()
    print("## Targets (issue 5; rows marked 'proposed' are from the perf-anchors note)")
    print()
    print("Ratios for times are peer time / Ferry time (higher is better for Ferry); for sizes and"
          " memory, Ferry / peer (lower is better). Peers run in the same invocation on the same images."
          " Times are whole commands (process start to exit, restores + sync), as for the peers; for Ferry"
          " the time spent inside DataMover.backup / restore is given in brackets (the rest is JVM start-up"
          " and opening the repository: key derivation).")
    print()
    print(summary(res, full_size))
    print()
    product = product_path(res, full_size)
    if product:
        print("## The product path: a running Ferry (issue 14)")
        print()
        print("ferry-karaf rows (karaf.sh): `ferry:backup-disk` / `ferry:restore-disk --job-repo` sent over SSH to a"
              " running Ferry whose JVM is warm and whose job repositories are open; page cache dropped before"
              " each. Wall = the SSH command from the outside (restores + sync); service = the time the command's"
              " JSON answer reports. The harness column is the same operation as a whole JVM command (ferry.sh).")
        print()
        print(product)
        print()
    print("## All runs")
    print()
    print("MB/s = logical image size (10^6 bytes) / wall time. Wall time includes start-up (JVM, Python),"
          " opening the repository (key derivation) and, for restores, `sync`. cold = page cache dropped"
          " before the run. Ferry's detail is the harness's JSON summary; borg's 'This archive:' figures are"
          " original / compressed / deduplicated size.")
    print()
    print(all_runs(rows))
    print()
    print("## Box limits")
    print()
    print(limits(rows))


if __name__ == "__main__":
    main()
