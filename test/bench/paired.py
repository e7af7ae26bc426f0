#!/usr/bin/python3
# paired.py N LABEL_A LABEL_B -- CMD_A... --- CMD_B...
# Runs A and B alternately N times each (after 3 warm-ups), so machine noise hits both alike,
# and prints the median wall and CPU ms of each and the ratios of the medians.
import os, statistics, sys, time
n, la, lb = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rest = sys.argv[sys.argv.index('--') + 1:]
sep = rest.index('---'); a, b = rest[:sep], rest[sep + 1:]
null = os.open(os.devnull, os.O_RDWR)
def once(cmd):
    t0 = time.monotonic()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, null, k) for k in (0, 1, 2)])
    _, status, ru = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed: {' '.join(cmd)}")
    return (time.monotonic() - t0) * 1000, (ru.ru_utime + ru.ru_stime) * 1000
wa, wb, ca, cb = [], [], [], []
for i in range(n + 3):
    x, y = once(a), once(b)
    if i >= 3:
        wa.append(x[0]); ca.append(x[1]); wb.append(y[0]); cb.append(y[1])
ma, mb = statistics.median(wa), statistics.median(wb)
mca, mcb = statistics.median(ca), statistics.median(cb)
print(f"| {la} | {ma:.1f} | {mca:.1f} |")
print(f"| {lb} | {mb:.1f} | {mcb:.1f} |")
print(f"| ratio {la} / {lb} (medians) | {ma / mb:.2f} | {mca / mcb:.2f} |")
