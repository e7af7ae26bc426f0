/**
 * A stand-in `nvidia-smi` for the gpu module's tests: a small bash script in a temp folder put
 * first on PATH. It checks its arguments as the gpu module must give them (the query's fields in
 * order, `--format=csv,noheader,nounits`, `-lms N`, and `-i` with PCI addresses when some GPU is
 * asleep), answers anything else as nvidia-smi does (status 2 and its message on stderr), and
 * prints the lines of its rows file once per `-lms` period (only those of the GPUs `-i` names),
 * in nvidia-smi's own format, and dies of SIGPIPE as it does once its reader is gone. Each start is appended to its starts file ("PID ARGS"), so a test
 * can count the processes started and see what they were asked.
 *
 * The rows are real nvidia-smi output: the lines and field values of public issue threads, in the
 * query's order (see REAL_ROWS).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Lines as nvidia-smi prints them for index,uuid,name,pci.bus_id,utilization.gpu,memory.used,
 * memory.total,temperature.gpu,power.draw,power.limit with csv,noheader,nounits:
 * - rtx3080: plambe/zabbix-nvidia-smi-multi-gpu#17 (an RTX 3080 on a driver that gave "[N/A]"
 *   for utilisation and power: 10240 MiB total, 1211 used, 54 °C);
 * - rtx2080: Ricks-Lab/gpu-utils#83 (an RTX 2080 at 0a:00.0: 86 %, 7979 MiB, 45 °C, 176.98 W of 200.00);
 * - gtx770: tutulino/Megaminer#235 (a GTX 770 of a driver that said "[Not Supported]").
 */
export const REAL_ROWS = {
  rtx3080: '0, GPU-8fe3a97d-51f6-a669-0d80-b4530b81b816, NVIDIA GeForce RTX 3080, 00000000:01:00.0, [N/A], 1211, 10240, 54, [N/A], [N/A]',
  rtx2080: '1, GPU-22b2c6ac-2d49-4863-197c-9c469071178a, GeForce RTX 2080, 00000000:0A:00.0, 86, 2345, 7979, 45, 176.98, 200.00',
  gtx770: '0, GPU-e18afb8d-1627-f8ff-2ba3-c05c5a8e9e67, GeForce GTX 770, 00000000:01:00.0, [Not Supported], 312, 2047, 52, [Not Supported], [Not Supported]',
};

export const QUERY = 'index,uuid,name,pci.bus_id,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw,power.limit';

export interface FakeNvidiaSmi {
  /** The folder holding `nvidia-smi`: put it first on PATH. */
  bin: string;
  /** PATH with `bin` first. */
  path: string;
  /** Replace what it prints each period (lines without the newline). */
  rows(lines: string[]): void;
  /** Each start: its pid and arguments, in order. */
  starts(): { pid: number; args: string }[];
  cleanup(): void;
}

export function fakeNvidiaSmi(lines: string[]): FakeNvidiaSmi {
  const dir = mkdtempSync(join(tmpdir(), 'shoji-fake-nvidia-smi-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const rowsFile = join(dir, 'rows.csv');
  const startsFile = join(dir, 'starts');
  const script = `#!/bin/bash
PATH=/usr/bin:/bin
echo "$$ $*" >> '${startsFile}'
query= format= period= ids=
while [ $# -gt 0 ]; do
  case "$1" in
    --query-gpu=*) query="\${1#--query-gpu=}" ;;
    --format=*) format="\${1#--format=}" ;;
    -lms) period="$2"; shift ;;
    -i) ids="$2"; shift ;;
    *) echo "Invalid combination of input arguments. Please run 'nvidia-smi -h' for help." >&2; exit 2 ;;
  esac
  shift
done
if [ "$query" != '${QUERY}' ]; then echo "Field \\"$query\\" is not a valid field to query." >&2; exit 2; fi
if [ "$format" != 'csv,noheader,nounits' ]; then echo "Invalid format \\"$format\\"" >&2; exit 2; fi
emit() {
  if [ -z "$ids" ]; then cat '${rowsFile}'; return; fi
  local id
  for id in \${ids//,/ }; do grep -iF ", 0000$id, " '${rowsFile}'; done
}
# As nvidia-smi, dead of SIGPIPE once nobody reads its lines (its reader was killed).
emit || [ $? -lt 128 ] || exit 141
[ -n "$period" ] || exit 0
seconds=$(awk "BEGIN { print $period / 1000 }")
while sleep "$seconds"; do emit || [ $? -lt 128 ] || exit 141; done
`;
  writeFileSync(join(bin, 'nvidia-smi'), script);
  chmodSync(join(bin, 'nvidia-smi'), 0o755);
  const fake: FakeNvidiaSmi = {
    bin,
    path: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    rows(next) {
      writeFileSync(`${rowsFile}.new`, next.map((l) => `${l}\n`).join(''));
      // Renamed into place: the script never prints half a file.
      renameSync(`${rowsFile}.new`, rowsFile);
    },
    starts() {
      if (!existsSync(startsFile)) return [];
      return readFileSync(startsFile, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => ({ pid: Number(l.split(' ')[0]), args: l.slice(l.indexOf(' ') + 1) }));
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  fake.rows(lines);
  return fake;
}

/** Whether a pid is a live process (not a zombie). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z /.test(stat);
}

/**
 * The sysfs of a PCI GPU in a fixture tree: vendor, class, runtime power status, and its driver
 * link (nvidia for NVIDIA's, amdgpu for AMD's, unless `driver` names another or is '' for none).
 */
export function pciGpu(
  write: (relative: string, content: string) => string,
  address: string,
  vendor: string,
  status = 'active',
  driver = vendor === '0x10de' ? 'nvidia' : 'amdgpu',
): void {
  const dir = write(`sys/bus/pci/devices/${address}/vendor`, `${vendor}\n`).slice(0, -'/vendor'.length);
  write(`sys/bus/pci/devices/${address}/class`, '0x030000\n');
  write(`sys/bus/pci/devices/${address}/power/runtime_status`, `${status}\n`);
  if (driver === '') return;
  const drivers = join(dir, '..', '..', 'drivers', driver);
  mkdirSync(drivers, { recursive: true });
  symlinkSync(join('..', '..', 'drivers', driver), join(dir, 'driver'));
}
