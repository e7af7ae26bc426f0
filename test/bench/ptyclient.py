#!/usr/bin/python3
# ptyclient.py SECONDS LOG COLS ROWS -- CMD...: run CMD (a tmux client) on a pty of that size and
# log every byte it draws, as a terminal would receive it.
import fcntl, os, pty, select, signal, struct, sys, termios, time
secs, log, cols, rows = float(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
cmd = sys.argv[sys.argv.index('--') + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
os.kill(pid, signal.SIGWINCH)
end = time.monotonic() + secs
with open(log, 'wb', buffering=0) as out:
    while (left := end - time.monotonic()) > 0:
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            out.write(data)
try:
    os.kill(pid, signal.SIGHUP); os.waitpid(pid, 0)
except (ProcessLookupError, ChildProcessError):
    pass
