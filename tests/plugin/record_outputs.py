#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""record_outputs.py - everything a user can see of the plugin, per capture, into a folder.

usage: record_outputs.py [--modes M,M...] PLUGIN_DIR OUT_DIR CAPTURE...

For each capture it records, with the plugin under PLUGIN_DIR (a
WIRESHARK_PLUGIN_DIR holding 4.0/epan/portclass.so):

  fields2   tshark -2 -T fields, every portclass field (all occurrences)
  fields1   the same in one pass
  four      tshark -2 -T fields, the four fields of bench/plugin's job only
  filters   frame numbers matched by a few -Y filters on portclass fields
  stats     tshark -2 -q -z expert -z portclass,hosts -z portclass,tree
            (no portclass field referenced)
  columns   tshark -2 with the samples/wireshark/ profile's custom columns
  verbose   the portclass lines of tshark -2 -V (small captures only)

--modes keeps only the named ones (e.g. fields2,stats for a large set).

Two folders recorded from two builds are compared with `diff -r`: this is how
issue 15's optimisations were checked to change nothing a user can see
(docs/plugin.md, "Cost"). Runs tshark as uid 65534 when run as root.
"""
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

FIELDS = """portclass portclass.src.cat portclass.dst.cat portclass.client portclass.client.ip portclass.client.ipv6
portclass.client.port portclass.server.port portclass.service portclass.client.method portclass.client.conf
portclass.signature portclass.signature.match portclass.client.handshake portclass.client.range_of
portclass.client.no_default portclass.host.ip portclass.host.ipv6 portclass.host.os portclass.host.profile
portclass.host.conf portclass.host.range portclass.host.tuned portclass.host.by_pref portclass.host.summary
portclass.host.finding portclass.quoted portclass.quoted.srcport portclass.quoted.dstport portclass.quoted.src.cat
portclass.quoted.dst.cat""".split()
FOUR = ["portclass.src.cat", "portclass.dst.cat", "portclass.client.port", "portclass.client.range_of"]
FILTERS = [
    'portclass.client.method == "flow"',
    "portclass.client.no_default",
    "portclass.host.finding",
    'portclass.host.os == "linux"',
    "portclass.client.port >= 49152",
    # portclass's own expert infos (_ws.expert would match other dissectors'
    # too, and those change with the Wireshark version).
    "portclass.server_in_ephemeral || portclass.dns_fixed_port || portclass.sequential_ports"
    " || portclass.outside_range || portclass.several_stacks",
]
COLUMNS = ('gui.column.format:"No.","%m","Client","%Cus:portclass.client.ip || portclass.client.ipv6:0:R",'
           '"Client port","%Cus:portclass.client.port:0:R",'
           '"Src class","%Cus:portclass.src.cat || portclass.quoted.src.cat:0:R",'
           '"Dst class","%Cus:portclass.dst.cat || portclass.quoted.dst.cat:0:R",'
           '"Decided by","%Cus:portclass.client.method:0:R","Service","%Cus:portclass.service:0:R",'
           '"Sender OS","%Cus:portclass.host.os:0:R","OS conf.","%Cus:portclass.host.conf:0:R",'
           '"Sender range","%Cus:portclass.host.range:0:R"')

def fields_args(names):
    out = ["-T", "fields", "-E", "occurrence=a", "-E", "separator=|", "-e", "frame.number"]
    for n in names:
        out += ["-e", n]
    return out


def portclass_subtrees(text):
    """The frame lines and every top-level subtree of -V output that mentions portclass."""
    out, keep = [], False
    for line in text.splitlines():
        if not line.startswith(" "):
            keep = "portclass" in line.lower()
            if line.startswith("Frame "):
                out.append(line)
        if keep:
            out.append(line)
    return "".join(line + "\n" for line in out)


def main():
    argv = sys.argv[1:]
    modes = None
    if argv[:1] == ["--modes"] and len(argv) >= 2:
        modes = set(argv[1].split(","))
        argv = argv[2:]
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    plugins, out_dir, captures = os.path.abspath(argv[0]), argv[1], argv[2:]
    home = os.path.join(out_dir, ".home")
    os.makedirs(home, exist_ok=True)
    prefix = []
    if os.geteuid() == 0:
        os.chown(home, 65534, 65534)
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    env = prefix + ["env", f"HOME={home}", f"WIRESHARK_PLUGIN_DIR={plugins}", "tshark"]

    def run(*args):
        r = subprocess.run(env + list(args), capture_output=True, text=True, errors="replace")
        return r.stdout + (f"\n[stderr]\n{r.stderr}" if r.stderr.strip() else "") + f"\n[exit {r.returncode}]\n"

    def record_capture(cap):
        name = os.path.basename(cap)
        d = os.path.join(out_dir, name)
        os.makedirs(d, exist_ok=True)
        recorders = {
            "fields2": lambda: run("-2", "-r", cap, *fields_args(FIELDS)),
            "fields1": lambda: run("-r", cap, *fields_args(FIELDS)),
            "four": lambda: run("-2", "-r", cap, *fields_args(FOUR)),
            "filters": lambda: "".join(f"## {flt}\n" + run("-2", "-r", cap, "-Y", flt, "-T", "fields", "-e",
                                                             "frame.number") for flt in FILTERS),
            "stats": lambda: run("-2", "-q", "-r", cap, "-z", "expert", "-z", "portclass,hosts", "-z", "portclass,tree"),
            # -T tabs: the configured columns on every version (4.2 and later no
            # longer reach a custom column as -e _ws.col.<title>).
            "columns": lambda: run("-2", "-r", cap, "-o", COLUMNS, "-T", "tabs"),
        }
        if os.path.getsize(cap) < 2_000_000:
            recorders["verbose"] = lambda: portclass_subtrees(run("-2", "-V", "-r", cap))
        outputs = {key: record() for key, record in recorders.items() if modes is None or key in modes}
        for key, text in outputs.items():
            with open(os.path.join(d, key), "w") as fh:
                fh.write(text)
        print(name, flush=True)

    # One tshark per core: most of a small capture's time is tshark starting.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(record_capture, captures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
