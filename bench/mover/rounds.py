#!/usr/bin/env python3
"""Medians over several rounds of bench/mover/run.sh (one results TSV per round).

  rounds.py RESULTS1.tsv RESULTS2.tsv ... > rounds.md

For every Ferry row (tools ferry, ferry-karaf, ferry-warm, ferry-xmx256m): the median wall and
CPU seconds over the rounds, and the median of the per-round ratios peer wall / Ferry wall
against borg-fixed and restic, each taken against the peer's run of the SAME round (the box
drifts between rounds; same-round ratios cancel most of it). Rows of a tool that ran more than
once in a round (karaf.sh's two fulls) count with the median of that round.
"""
import statistics
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from report import load, num  # noqa: E402  (same directory)

PEERS = ["borg-fixed", "restic"]
# the peer row a Ferry row is compared with, when it is not the same (op, image)
PEER_OF = {("incr-bitmap", "os-day2.qcow2"): ("incr", "os-day2.raw"),
           ("restore+sync", "os-day2.qcow2"): ("restore+sync", "os-day2.raw")}


def per_round(rows, tool, op, image, field):
    vals = [num(r[field]) for r in rows if r["tool"] == tool and r["op"] == op and r["image"] == image
            and r["result"].startswith("ok") and num(r[field]) is not None]
    return statistics.median(vals) if vals else None


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    rounds = []
    for path in sys.argv[1:]:
        meta, rows = load(path)
        rounds.append((path, dict(meta), rows))
    keys = []
    for _, _, rows in rounds:
        for r in rows:
            k = (r["tool"], r["op"], r["image"])
            if r["tool"].startswith("ferry") and r["suite"] != "limits" and k not in keys and r["image"] != "-":
                keys.append(k)
    print(f"Rounds: {len(rounds)}")
    for path, meta, _ in rounds:
        print(f"- {path}: {meta.get('date', '?')}, load at start {meta.get('load average at start', '?')},"
              f" tree {meta.get('ferry tree', '?')}")
    print()
    print("| tool | op | image | n | wall s median (min-max) | CPU s median | borg-fixed ÷ ferry wall, "
          "same round: median (min-max) | restic ÷ ferry wall: median | ferry ÷ borg-fixed CPU: median |")
    print("|---|---|---|---|---|---|---|---|---|")

    def span(vals, digits=2):
        if not vals:
            return "–"
        return f"{statistics.median(vals):.{digits}f} ({min(vals):.{digits}f}-{max(vals):.{digits}f})"

    def med(vals, suffix=""):
        return f"{statistics.median(vals):.2f}{suffix}" if vals else "–"

    for tool, op, image in keys:
        walls, cpus, r_borg, r_restic, c_borg = [], [], [], [], []
        peer_op, peer_image = PEER_OF.get((op, image), (op, image))
        for _, _, rows in rounds:
            w = per_round(rows, tool, op, image, "wall_s")
            c = per_round(rows, tool, op, image, "cpu_s")
            if w is None:
                continue
            walls.append(w)
            if c is not None:
                cpus.append(c)
            bw = per_round(rows, "borg-fixed", peer_op, peer_image, "wall_s")
            rw = per_round(rows, "restic", peer_op, peer_image, "wall_s")
            bc = per_round(rows, "borg-fixed", peer_op, peer_image, "cpu_s")
            if bw:
                r_borg.append(bw / w)
            if rw:
                r_restic.append(rw / w)
            if bc and c is not None:
                c_borg.append(c / bc)
        ratio_b = "–" if not r_borg else f"{statistics.median(r_borg):.2f}× ({min(r_borg):.2f}-{max(r_borg):.2f})"
        print(f"| {tool} | {op} | {image} | {len(walls)} | {span(walls)} | {med(cpus)} | {ratio_b} "
              f"| {med(r_restic, '×')} | {med(c_borg)} |")
    print()
    print("| peer | op | image | n | wall s median (min-max) | CPU s median |")
    print("|---|---|---|---|---|---|")
    for peer in PEERS:
        for op, image in [("full", "os.raw"), ("incr", "os-day2.raw"), ("restore+sync", "os-day2.raw"),
                          ("full", "random.raw"), ("full", "zero.raw"), ("restore+sync", "zero.raw")]:
            walls = [w for w in (per_round(rows, peer, op, image, "wall_s") for _, _, rows in rounds) if w]
            cpus = [c for c in (per_round(rows, peer, op, image, "cpu_s") for _, _, rows in rounds) if c]
            if walls:
                print(f"| {peer} | {op} | {image} | {len(walls)} | {span(walls)} | {med(cpus)} |")


if __name__ == "__main__":
    main()
