#!/usr/bin/python3
# proc_sample.py WINDOW_S EVERY_S NAME=PID... — what each process costs over a window, from /proc:
# CPU seconds of the process and its descendants (utime+stime, plus cutime+cstime for children
# already reaped) between the window's start and end, and of the process alone (its own utime+
# stime: the rest went to programs it ran), its resident memory sampled every EVERY_S seconds
# (VmRSS of the tree, median and max) and its own peak (VmHWM) at the end. Prints a TSV line per
# NAME: name, cpu_s, self_cpu_s, rss_median_kib, rss_max_kib, hwm_kib. A process gone before the
# end makes it exit 1 naming it.
import os, statistics, sys, time

TICK = os.sysconf('SC_CLK_TCK')


def table():
    out = {}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            s = open(f'/proc/{d}/stat').read()
        except OSError:
            continue
        f = s[s.rindex(')') + 2:].split()
        out[int(d)] = (int(f[1]), sum(int(x) for x in f[11:15]), int(f[11]) + int(f[12]))
    return out


def tree(root, t):
    todo, seen = [root], []
    while todo:
        p = todo.pop()
        if p in seen or p not in t:
            continue
        seen.append(p)
        todo += [c for c, (pp, _, _) in t.items() if pp == p]
    return seen


def status_kib(pid, key):
    try:
        for line in open(f'/proc/{pid}/status'):
            if line.startswith(key + ':'):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    window, every = float(sys.argv[1]), float(sys.argv[2])
    procs = [(a.split('=', 1)[0], int(a.split('=', 1)[1])) for a in sys.argv[3:]]
    t = table()
    start = {n: sum(t[p][1] for p in tree(pid, t)) for n, pid in procs}
    start_self = {n: t[pid][2] for n, pid in procs}
    rss = {n: [] for n, _ in procs}
    end_at = time.monotonic() + window
    while True:
        t = table()
        for n, pid in procs:
            if pid not in t:
                sys.exit(f'{n} (pid {pid}) exited during the window')
            rss[n].append(sum(status_kib(p, 'VmRSS') for p in tree(pid, t)))
        left = end_at - time.monotonic()
        if left <= 0:
            break
        time.sleep(min(every, left))
    t = table()
    for n, pid in procs:
        cpu = (sum(t[p][1] for p in tree(pid, t)) - start[n]) / TICK
        own = (t[pid][2] - start_self[n]) / TICK
        print(f'{n}\t{cpu:.2f}\t{own:.2f}\t{statistics.median(rss[n])}\t{max(rss[n])}\t{status_kib(pid, "VmHWM")}')


main()
