#!/usr/bin/python3
# harness.py N WARMUP -- CMD...: median user+sys CPU ms and wall ms of a command (wait4 rusage,
# the whole process tree), printed as "cpu_median<TAB>wall_median<TAB>wall_min-wall_max".
import os, statistics, sys, time
n, warm = int(sys.argv[1]), int(sys.argv[2]); cmd = sys.argv[sys.argv.index('--') + 1:]
null = os.open(os.devnull, os.O_RDWR); cpu, wall = [], []
for i in range(warm + n):
    t0 = time.monotonic()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, null, k) for k in (0, 1, 2)])
    _, status, ru = os.wait4(pid, 0); t1 = time.monotonic()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed: {' '.join(cmd)}")
    if i >= warm:
        cpu.append((ru.ru_utime + ru.ru_stime) * 1000); wall.append((t1 - t0) * 1000)
print(f"{statistics.median(cpu):.1f}\t{statistics.median(wall):.1f}\t{min(wall):.1f}-{max(wall):.1f}")
