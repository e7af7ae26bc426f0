#!/usr/bin/python3
# fleet-fixture.py PORT_FILE [N_HOSTS] — one loopback HTTP server standing in for a whole fleet of
# exporters, for test/bench/fleet-scale.sh. Prometheus scrapes it through file_sd, one target per
# host and exporter, each target with its own `instance` label and `__metrics_path__`:
#   /node/H/metrics   what node_exporter serves for host H (the families shoji fleet reads)
#   /shoji/H/metrics  what `shoji exporter` serves for host H (with the EC2 estimate)
# Values differ per host and counters grow with time (each host its own rate), so the fleet
# has real spreads and rates. Hosts 7, 57, 107, ... are down (HTTP 503 on both paths): one in 50,
# and at least one at every size, so every size's refresh asks when they went down.
# It binds 127.0.0.1 port 0 and writes the port to PORT_FILE; `sd N FILE` mode writes the file_sd
# file for N hosts instead:   fleet-fixture.py sd N PORT OUT_DIR
import json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

T0 = time.time() - 86400  # the counters have been running for a day


def frac(h, mul, lo, hi):
    """A spread value in [lo, hi) that differs per host, the same on every scrape."""
    return lo + ((h * mul) % 97) / 97 * (hi - lo)


def node_metrics(h):
    now = time.time()
    up = now - T0
    busy = frac(h, 37, 0.02, 0.98)  # share of each CPU busy
    cpus = 2 + (h % 3) * 2
    out = ['# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.', '# TYPE node_cpu_seconds_total counter']
    for c in range(cpus):
        modes = {'idle': 1 - busy, 'user': busy * 0.7, 'system': busy * 0.25, 'iowait': busy * 0.05,
                 'irq': 0, 'nice': 0, 'softirq': 0, 'steal': 0}
        for m, share in modes.items():
            out.append(f'node_cpu_seconds_total{{cpu="{c}",mode="{m}"}} {share * up:.2f}')
    total = 2 ** 30 * (4 << (h % 4))
    avail = total * (1 - frac(h, 53, 0.05, 0.97))
    out += ['# HELP node_memory_MemTotal_bytes Memory information field MemTotal_bytes.', '# TYPE node_memory_MemTotal_bytes gauge',
            f'node_memory_MemTotal_bytes {total:.0f}',
            '# HELP node_memory_MemAvailable_bytes Memory information field MemAvailable_bytes.', '# TYPE node_memory_MemAvailable_bytes gauge',
            f'node_memory_MemAvailable_bytes {avail:.0f}',
            '# HELP node_memory_MemFree_bytes Memory information field MemFree_bytes.', '# TYPE node_memory_MemFree_bytes gauge',
            f'node_memory_MemFree_bytes {avail / 2:.0f}']
    load = frac(h, 29, 0.0, 1.5) * cpus
    for n, f in (('1', 1.0), ('5', 0.9), ('15', 0.8)):
        out += [f'# HELP node_load{n} {n}m load average.', f'# TYPE node_load{n} gauge', f'node_load{n} {load * f:.2f}']
    rx, tx = frac(h, 11, 1e3, 5e7), frac(h, 17, 1e3, 2e7)
    for fam, r in (('receive', rx), ('transmit', tx)):
        out += [f'# HELP node_network_{fam}_bytes_total Network device statistic {fam}_bytes.', f'# TYPE node_network_{fam}_bytes_total counter',
                f'node_network_{fam}_bytes_total{{device="eth0"}} {r * up:.0f}',
                f'node_network_{fam}_bytes_total{{device="lo"}} {r * up / 10:.0f}']
    size = 2 ** 30 * (20 << (h % 5))
    used = frac(h, 41, 0.1, 0.99)
    for fam, v in (('size', size), ('avail', size * (1 - used) * 0.95), ('free', size * (1 - used))):
        out += [f'# HELP node_filesystem_{fam}_bytes Filesystem {fam} in bytes.', f'# TYPE node_filesystem_{fam}_bytes gauge',
                f'node_filesystem_{fam}_bytes{{device="/dev/root",fstype="ext4",mountpoint="/"}} {v:.0f}',
                f'node_filesystem_{fam}_bytes{{device="/dev/nvme0n1p15",fstype="vfat",mountpoint="/boot/efi"}} {v / 200:.0f}']
    out += ['# HELP node_boot_time_seconds Node boot time, in unixtime.', '# TYPE node_boot_time_seconds gauge', f'node_boot_time_seconds {T0:.0f}',
            '# HELP node_uname_info Labeled system information as provided by the uname system call.', '# TYPE node_uname_info gauge',
            f'node_uname_info{{domainname="(none)",machine="x86_64",nodename="host-{h:04d}",release="6.1.0-13-cloud-amd64",sysname="Linux",version="#1 SMP"}} 1']
    return '\n'.join(out) + '\n'


def shoji_metrics(h):
    now = time.time()
    up = now - T0
    cpus = 2 + (h % 3) * 2
    total = 2 ** 30 * (4 << (h % 4))
    used = total * frac(h, 53, 0.05, 0.97)
    rate = round(frac(h, 13, 0.02, 0.4), 4)
    itype = ['t3.micro', 'm7i.large', 'c7g.xlarge', 'r7i.2xlarge'][h % 4]
    modules = ['cpu', 'load', 'memory', 'swap', 'disk', 'network', 'diskio', 'uptime', 'ec2-cost']
    g = lambda name, help_, typ='gauge': [f'# HELP {name} {help_}', f'# TYPE {name} {typ}']
    out = g('shoji_build_info', 'shoji version') + ['shoji_build_info{version="0.1.0",nodejs_version="v20.19.0"} 1']
    out += g('shoji_module_up', '1 when the module last collected') + [f'shoji_module_up{{module="{m}"}} 1' for m in modules]
    out += g('shoji_module_collect_errors_total', 'failed collects', 'counter') + [f'shoji_module_collect_errors_total{{module="{m}"}} 0' for m in modules]
    out += g('shoji_cpu_usage_ratio', 'busy share') + [f'shoji_cpu_usage_ratio {frac(h, 37, 0.02, 0.98):.4f}']
    out += g('shoji_online_cpus', 'online CPUs') + [f'shoji_online_cpus {cpus}']
    load = frac(h, 29, 0.0, 1.5) * cpus
    for n, f in (('1', 1.0), ('5', 0.9), ('15', 0.8)):
        out += g(f'shoji_load{n}', f'{n}m load') + [f'shoji_load{n} {load * f:.2f}']
    out += g('shoji_memory_total_bytes', 'memory') + [f'shoji_memory_total_bytes {total:.0f}']
    out += g('shoji_memory_used_bytes', 'memory used') + [f'shoji_memory_used_bytes {used:.0f}']
    out += g('shoji_memory_available_bytes', 'memory available') + [f'shoji_memory_available_bytes {total - used:.0f}']
    size = 2 ** 30 * (20 << (h % 5))
    fu = frac(h, 41, 0.1, 0.99)
    out += g('shoji_filesystem_size_bytes', 'size') + [f'shoji_filesystem_size_bytes{{mountpoint="/"}} {size:.0f}']
    out += g('shoji_filesystem_used_bytes', 'used') + [f'shoji_filesystem_used_bytes{{mountpoint="/"}} {size * fu:.0f}']
    out += g('shoji_filesystem_avail_bytes', 'avail') + [f'shoji_filesystem_avail_bytes{{mountpoint="/"}} {size * (1 - fu) * 0.95:.0f}']
    rx, tx = frac(h, 11, 1e3, 5e7), frac(h, 17, 1e3, 2e7)
    out += g('shoji_network_receive_bytes_total', 'received', 'counter') + [f'shoji_network_receive_bytes_total{{device="eth0"}} {rx * up:.0f}']
    out += g('shoji_network_transmit_bytes_total', 'sent', 'counter') + [f'shoji_network_transmit_bytes_total{{device="eth0"}} {tx * up:.0f}']
    out += g('shoji_uptime_seconds', 'uptime') + [f'shoji_uptime_seconds {up:.0f}']
    out += g('node_total_hourly_cost', 'OpenCost hourly cost') + [
        f'node_total_hourly_cost{{instance_type="{itype}",region="us-east-1",arch="amd64",provider_id="i-{h:017x}"}} {rate}']
    out += g('shoji_ec2_hourly_cost_usd', 'hourly') + [f'shoji_ec2_hourly_cost_usd{{component="compute"}} {rate}',
                                                      'shoji_ec2_hourly_cost_usd{component="public_ipv4"} 0.005',
                                                      f'shoji_ec2_hourly_cost_usd{{component="ebs"}} {size / 2**30 * 0.08 / 730:.6f}']
    hours = up / 3600
    out += g('shoji_ec2_cost_since_boot_usd', 'since boot') + [f'shoji_ec2_cost_since_boot_usd{{component="compute"}} {rate * hours:.4f}',
                                                              f'shoji_ec2_cost_since_boot_usd{{component="egress"}} {tx * up / 1e9 * 0.09:.4f}',
                                                              f'shoji_ec2_cost_since_boot_usd{{component="public_ipv4"}} {0.005 * hours:.4f}',
                                                              f'shoji_ec2_cost_since_boot_usd{{component="ebs"}} {size / 2**30 * 0.08 / 730 * hours:.4f}']
    out += g('shoji_ec2_cost_info', 'how the estimate was made') + [
        f'shoji_ec2_cost_info{{instance_type="{itype}",region="us-east-1",mode="ec2",spot="false",price_source="bundled"}} 1']
    return '\n'.join(out) + '\n'


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_GET(self):
        parts = self.path.split('?')[0].strip('/').split('/')
        body, status = b'not found\n', 404
        if len(parts) == 3 and parts[0] in ('node', 'shoji') and parts[1].isdigit() and parts[2] == 'metrics':
            h = int(parts[1])
            if h % 50 == 7:
                body, status = b'host down\n', 503
            else:
                body, status = (node_metrics(h) if parts[0] == 'node' else shoji_metrics(h)).encode(), 200
        self.send_response(status)
        self.send_header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def write_sd(n, port, out_dir):
    """node.json: every host's node_exporter; shoji.json: every other host's shoji exporter."""
    node = [{'targets': [f'127.0.0.1:{port}'], 'labels': {'instance': f'host-{h:04d}:9100', '__metrics_path__': f'/node/{h}/metrics'}} for h in range(n)]
    shoji = [{'targets': [f'127.0.0.1:{port}'], 'labels': {'instance': f'host-{h:04d}:7465', '__metrics_path__': f'/shoji/{h}/metrics'}}
             for h in range(n) if h % 2 == 0]
    for name, groups in (('node', node), ('shoji', shoji)):
        tmp = os.path.join(out_dir, f'.{name}.json.tmp')
        with open(tmp, 'w') as f:
            json.dump(groups, f)
        os.rename(tmp, os.path.join(out_dir, f'{name}.json'))
    print(len(node) + len(shoji))


if __name__ == '__main__':
    if sys.argv[1] == 'sd':
        write_sd(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
        sys.exit(0)
    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.daemon_threads = True
    tmp = sys.argv[1] + '.tmp'
    with open(tmp, 'w') as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, sys.argv[1])
    server.serve_forever()
