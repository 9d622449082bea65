#!/usr/bin/env python3
"""CPU seconds per thread (grouped by name, numbers stripped) of each JVM during each run of
bench/agents/run.sh with FERRY_BENCH_THREADS=1:  bench/agents/threads.py WORKDIR [RUN...]"""
import collections, glob, os, re, sys

hz = os.sysconf('SC_CLK_TCK')
work = sys.argv[1]
runs = sys.argv[2:] or sorted({os.path.basename(f)[8:-2] for f in glob.glob(work + '/threads-*.0')})


def read(f):
    d = {}
    for line in open(f):
        pid, tid, comm, ticks = line.split()
        d[(pid, tid)] = (comm, int(ticks))
    return d


for run in runs:
    a, b = read('%s/threads-%s.0' % (work, run)), read('%s/threads-%s.1' % (work, run))
    per = collections.defaultdict(collections.Counter)
    for key, (comm, ticks) in b.items():
        used = ticks - a.get(key, (comm, 0))[1]
        if used > 0:
            per[key[0]][re.sub(r'[0-9]+', '#', comm)] += used / hz
    print('==', run)
    for pid, groups in per.items():
        print('  pid %s: %.2f s' % (pid, sum(groups.values())))
        for name, sec in groups.most_common(12):
            print('    %6.2f %s' % (sec, name))
