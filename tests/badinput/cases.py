# SPDX-License-Identifier: GPL-2.0-or-later
"""The bad inputs bad_input_table.py runs, one class per row of the table in
docs/bad-input.md. A case names its program, its arguments (run in a private
directory that holds `files`), the documented exit code and words the one
line must contain. `netns` cases run inside a throw-away network namespace
({netns} in argv or wrap is its name) and need root."""
from dataclasses import dataclass, field


@dataclass
class Case:
    id: str
    klass: str
    what: str
    program: str
    argv: list
    exit: int
    mentions: list = field(default_factory=list)
    files: dict = field(default_factory=dict)
    netns: bool = False
    wrap: list = field(default_factory=list)


# A file content that asks run_case for a named pipe instead of a file: a
# reader that opens it would block for ever, so it must be refused first.
class Fifo:
    pass


FIFO = Fifo()


def pcap_header(linktype=1, snaplen=65535, magic=b"\xd4\xc3\xb2\xa1"):
    return magic + bytes([2, 0, 4, 0]) + bytes(8) + snaplen.to_bytes(4, "little") + linktype.to_bytes(4, "little")


def record(data, orig=None):
    n = len(data)
    return bytes(8) + n.to_bytes(4, "little") + (orig or n).to_bytes(4, "little") + data


# An Ethernet + IPv4 + TCP SYN from 10.0.0.2:40000 to 10.0.0.1:80, well formed.
ETH = bytes(6) + bytes([2, 0, 0, 0, 0, 1]) + b"\x08\x00"
IPV4 = bytes.fromhex("450000280001000040060000") + bytes([10, 0, 0, 2, 10, 0, 0, 1])
TCP = (40000).to_bytes(2, "big") + (80).to_bytes(2, "big") + bytes(8) + bytes([0x50, 0x02]) + bytes(6)
GOOD_PACKET = ETH + IPV4 + TCP

CAPTURE = pcap_header() + record(GOOD_PACKET)
SIGNATURES = ("[tcp:request]\nlabel = s:unix:Linux:mine\nsource = test\n"
              "sig = *:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0\n")

PROFILE = '[[profile]]\nid = "mine"\nfamily = "linux"\nname = "Mine"\nranges = ["40000-40999"]\ninitial_ttl = 64\nsources = ["test"]\n'

CASES = [
    # --- portclass: command line -------------------------------------------------------------
    Case("port-too-big", "command line", "port number above 65535", "portclass", ["explain", "70000"], 2, ["70000"]),
    Case("port-not-number", "command line", "port that is not a number", "portclass", ["explain", "abc/tcp"], 2, ["abc"]),
    Case("port-negative", "command line", "negative port", "portclass", ["explain", "-1"], 2),
    Case("port-transport", "command line", "unknown transport", "portclass", ["explain", "80/sctp"], 2, ["sctp"]),
    Case("port-control-bytes", "command line", "port string with control bytes", "portclass",
         ["explain", "80\x1b[2J"], 2),
    Case("missing-argument", "command line", "missing argument", "portclass", ["explain"], 2),
    Case("unknown-command", "command line", "unknown subcommand", "portclass", ["frobnicate"], 2),
    Case("thresholds-order", "command line", "warning threshold above critical", "portclass",
         ["host", "--warning", "90", "--critical", "80"], 2, ["--warning"]),
    Case("threshold-range", "command line", "threshold above 100%", "portclass", ["host", "--warning", "150"], 2),
    Case("formats-conflict", "command line", "two output formats at once", "portclass",
         ["host", "--json", "--prometheus"], 2),
    Case("netns-path", "command line", "namespace name with a path in it", "portclass",
         ["host", "--netns", "../etc"], 2, ["../etc"]),
    Case("netns-both", "command line", "one namespace and every namespace at once", "portclass",
         ["host", "--netns", "x", "--all-netns"], 2, ["--all-netns"]),
    Case("watch-json", "command line", "--watch with a machine format", "portclass",
         ["host", "--watch", "5", "--json"], 2, ["--watch"]),
    Case("top-range", "command line", "--top beyond its bound", "portclass", ["host", "--top", "5000"], 2, ["--top"]),
    # --- portclass: OS profile files (--os-profiles) -------------------------------------------
    Case("profiles-missing", "config", "OS profile file that does not exist", "portclass",
         ["explain", "80", "--os-profiles", "none.toml"], 2, ["none.toml"]),
    Case("profiles-directory", "config", "a directory given as the OS profile file", "portclass",
         ["explain", "80", "--os-profiles", "dir"], 2, ["dir"], {"dir/x": ""}),
    Case("profiles-not-toml", "config", "OS profile file that is not TOML", "portclass",
         ["explain", "80", "--os-profiles", "p.toml"], 2, ["p.toml"], {"p.toml": "[[profile]\nid = \n"}),
    Case("profiles-binary", "config", "OS profile file of binary garbage", "portclass",
         ["explain", "80", "--os-profiles", "p.toml"], 2, ["p.toml"], {"p.toml": bytes(range(256)) * 4}),
    Case("profiles-bad-id", "config", "profile id outside the charset", "portclass",
         ["explain", "80", "--os-profiles", "p.toml"], 2, ["p.toml"], {"p.toml": PROFILE.replace('"mine"', '"Bad Id"')}),
    Case("profiles-escape-id", "config", "profile id with terminal escapes", "portclass",
         ["explain", "80", "--os-profiles", "p.toml"], 2, ["p.toml"],
         {"p.toml": PROFILE.replace('"mine"', '"x\\u001b[31mred"')}),
    Case("profiles-range-reversed", "config", "reversed range in a profile", "portclass",
         ["explain", "80", "--os-profiles", "p.toml"], 2, ["p.toml"], {"p.toml": PROFILE.replace("40000-40999", "40999-40000")}),
    Case("profiles-range-big", "config", "range beyond 65535 in a profile", "portclass",
         ["explain", "80", "--os-profiles", "p.toml"], 2, ["p.toml"], {"p.toml": PROFILE.replace("40000-40999", "40000-99999")}),
    Case("profiles-wrong-type", "config", "key of the wrong type", "portclass",
         ["explain", "80", "--os-profiles", "p.toml"], 2, ["p.toml"], {"p.toml": PROFILE.replace("initial_ttl = 64", 'initial_ttl = "64"')}),
    Case("profiles-ttl-range", "config", "initial TTL above 255", "portclass",
         ["explain", "80", "--os-profiles", "p.toml"], 2, ["p.toml"], {"p.toml": PROFILE.replace("initial_ttl = 64", "initial_ttl = 4096")}),
    Case("profiles-unknown-key", "config", "unknown key (a typo)", "portclass",
         ["explain", "80", "--os-profiles", "p.toml"], 2, ["p.toml"], {"p.toml": PROFILE + "rnages = 1\n"}),
    Case("profiles-duplicate", "config", "the same profile id twice", "portclass",
         ["explain", "80", "--os-profiles", "p.toml"], 2, ["p.toml"], {"p.toml": PROFILE + PROFILE}),
    Case("profiles-deep", "config", "deeply nested arrays", "portclass",
         ["explain", "80", "--os-profiles", "p.toml"], 2, ["p.toml"], {"p.toml": "x = " + "[" * 5000 + "]" * 5000 + "\n"}),
    # --- portclass: captures -----------------------------------------------------------------
    Case("capture-missing", "capture", "capture that does not exist", "portclass",
         ["profile", "none.pcap"], 2, ["none.pcap"]),
    Case("capture-empty", "capture", "empty file", "portclass", ["profile", "empty.pcap"], 2, ["empty.pcap"],
         {"empty.pcap": b""}),
    Case("capture-directory", "capture", "a directory given as the capture", "portclass",
         ["profile", "dir"], 2, ["dir"], {"dir/x": ""}),
    Case("capture-text", "capture", "not a capture (text)", "portclass", ["profile", "notes.txt"], 2, ["notes.txt"],
         {"notes.txt": "10.0.0.1 linux\n" * 20}),
    Case("capture-header-cut", "capture", "file header cut short", "portclass", ["profile", "cut.pcap"], 2,
         ["cut.pcap"], {"cut.pcap": pcap_header()[:13]}),
    Case("capture-record-cut", "capture", "last record cut short", "portclass", ["profile", "cut.pcap"], 2,
         ["cut.pcap"], {"cut.pcap": pcap_header() + record(GOOD_PACKET) + record(GOOD_PACKET)[:30]}),
    Case("capture-record-huge", "capture", "record length of 4 GiB", "portclass", ["profile", "huge.pcap"], 2,
         ["huge.pcap"], {"huge.pcap": pcap_header() + bytes(8) + b"\xff\xff\xff\xff" * 2 + GOOD_PACKET}),
    Case("capture-linktype", "capture", "link type portclass cannot decode (USB)", "portclass",
         ["profile", "usb.pcap"], 2, ["usb.pcap"], {"usb.pcap": pcap_header(linktype=189) + record(GOOD_PACKET)}),
    Case("capture-pcapng-block", "capture", "pcapng with a corrupt block length", "portclass",
         ["profile", "bad.pcapng"], 2, ["bad.pcapng"],
         {"bad.pcapng": bytes.fromhex("0a0d0d0a") + (0x7fffffff).to_bytes(4, "little") + bytes.fromhex("4d3c2b1a") + bytes(16)}),
    # --- portclass: Suricata EVE flow logs (--eve) -------------------------------------------
    Case("eve-missing", "EVE log", "EVE log that does not exist", "portclass",
         ["profile", "--eve", "none.json"], 2, ["none.json"]),
    # Not an EVE fixture: lines that are not EVE at all, each counted and skipped.
    Case("eve-malformed", "EVE log", "EVE log with malformed lines (counted, skipped)", "portclass",
         ["profile", "--eve", "eve.json", "-o", "report.txt"], 0, ["eve.json", "3 malformed"],
         {"eve.json": 'not json\n{"event_type": "flow", "proto": "TCP"}\n{"event_type": "flow"\n'}),
    # --- portclass: profile documents (--merge) ----------------------------------------------
    Case("json-missing", "profile JSON", "profile document that does not exist", "portclass",
         ["profile", "--merge", "none.json"], 2, ["none.json"]),
    Case("json-syntax", "profile JSON", "not JSON", "portclass", ["profile", "--merge", "p.json"], 2, ["p.json"],
         {"p.json": "{ this is not json"}),
    Case("json-format", "profile JSON", "JSON of another format", "portclass", ["profile", "--merge", "p.json"], 2,
         ["p.json"], {"p.json": '{"format": "something-else", "version": 1, "hosts": {}}'}),
    Case("json-version", "profile JSON", "a future format version", "portclass", ["profile", "--merge", "p.json"], 2,
         ["p.json"], {"p.json": '{"format": "portclass-profiles", "version": 99, "hosts": {}}'}),
    Case("json-address", "profile JSON", "host address that is not an address", "portclass",
         ["profile", "--merge", "p.json"], 2, ["p.json"],
         {"p.json": '{"format": "portclass-profiles", "version": 2, "hosts": {"10.0.0.300": {}}}'}),
    Case("json-deep", "profile JSON", "deeply nested arrays", "portclass", ["profile", "--merge", "p.json"], 2,
         ["p.json"], {"p.json": "[" * 100000 + "]" * 100000}),
    # --- portclass: TCP signature files (--signatures, --p0f-db) ------------------------------
    Case("signatures-bad-sig", "config", "signature file with a malformed sig line", "portclass",
         ["profile", "--signatures", "s.fp", "c.pcap"], 2, ["s.fp:4"],
         {"s.fp": SIGNATURES.replace("mss*20,7", "mss*20"), "c.pcap": CAPTURE}),
    Case("signatures-no-source", "config", "signature label without a source", "portclass",
         ["profile", "--signatures", "s.fp", "c.pcap"], 2, ["s.fp:2", "source"],
         {"s.fp": SIGNATURES.replace("source = test\n", ""), "c.pcap": CAPTURE}),
    Case("signatures-binary", "config", "signature file of binary garbage", "portclass",
         ["profile", "--signatures", "s.fp", "c.pcap"], 2, ["s.fp:1"],
         {"s.fp": bytes(range(256)) * 4, "c.pcap": CAPTURE}),
    Case("signatures-missing", "config", "signature file that does not exist", "portclass",
         ["profile", "--signatures", "none.fp", "c.pcap"], 2, ["none.fp"], {"c.pcap": CAPTURE}),
    Case("p0f-db-missing", "config", "p0f database given that does not exist", "portclass",
         ["profile", "--p0f-db", "none.fp", "c.pcap"], 2, ["none.fp"], {"c.pcap": CAPTURE}),
    # --- portclass-nft: command line ---------------------------------------------------------
    Case("nft-unknown-option", "command line", "unknown option", "portclass-nft", ["generate", "--frobnicate"], 2),
    Case("nft-range-reversed", "command line", "reversed range", "portclass-nft", ["generate", "--range", "5000-1000"], 2),
    Case("nft-unknown-profile", "command line", "unknown OS profile", "portclass-nft",
         ["generate", "--range", "solaris-99"], 2, ["solaris-99"]),
    Case("nft-port-too-big", "command line", "service port above 65535", "portclass-nft",
         ["generate", "--range", "linux", "--tcp", "70000"], 2),
    Case("nft-host-bits", "command line", "subnet with host bits set", "portclass-nft",
         ["generate", "--mode", "gateway", "--subnet", "10.1.2.3/16=linux"], 2),
    Case("nft-no-subnets", "command line", "gateway without subnets", "portclass-nft",
         ["generate", "--mode", "gateway"], 2),
    Case("nft-hostile-table", "command line", "table name carrying nft syntax", "portclass-nft",
         ["generate", "--range", "linux", "--table", "x; flush ruleset"], 2),
    Case("nft-confirm-zero", "command line", "--confirm 0 seconds", "portclass-nft",
         ["apply", "--netns", "none", "--confirm", "0"], 2),
    # --- portclass-nft: config files and profile documents -----------------------------------
    Case("nft-config-missing", "config", "config that does not exist", "portclass-nft",
         ["generate", "--config", "none.toml"], 2, ["none.toml"]),
    Case("nft-config-directory", "config", "a directory given as the config", "portclass-nft",
         ["generate", "--config", "conf"], 2, ["conf", "not a regular file"], {"conf/x": ""}),
    Case("nft-config-fifo", "config", "a named pipe given as the config", "portclass-nft",
         ["generate", "--config", "c.toml"], 2, ["c.toml", "not a regular file"], {"c.toml": FIFO}),
    Case("nft-config-not-toml", "config", "config that is not TOML", "portclass-nft",
         ["generate", "--config", "c.toml"], 2, ["c.toml"], {"c.toml": "mode = \n[subnets\n"}),
    Case("nft-config-hostile-table", "config", "table name that closes the string", "portclass-nft",
         ["generate", "--config", "c.toml"], 2, [], {"c.toml": 'table = "portclass\\"; flush ruleset; \\""\n'}),
    Case("nft-config-hostile-range", "config", "range name with a brace", "portclass-nft",
         ["generate", "--config", "c.toml"], 2, [], {"c.toml": '[host]\nrange = "linux"\n[ranges]\n"a}b" = "1-2"\n'}),
    Case("nft-config-hostile-comment", "config", "comment that opens a new table", "portclass-nft",
         ["generate", "--config", "c.toml"], 2, [],
         {"c.toml": 'comment = "x\\" } table ip evil { \\""\n[host]\nrange = "linux"\n'}),
    Case("nft-config-newline", "config", "name with a newline", "portclass-nft",
         ["generate", "--config", "c.toml"], 2, [], {"c.toml": 'table = "pc\\nflush ruleset"\n'}),
    Case("nft-config-unknown", "config", "unknown section (a typo)", "portclass-nft",
         ["generate", "--config", "c.toml"], 2, [], {"c.toml": '[host]\nrange = "linux"\n[bogus]\n'}),
    Case("nft-config-wrong-type", "config", "key of the wrong type", "portclass-nft",
         ["generate", "--config", "c.toml"], 2, [], {"c.toml": 'ipv4 = "yes"\n[host]\nrange = "linux"\n'}),
    Case("nft-config-same-prefix", "config", "the same subnet, spelt two ways, with two ranges", "portclass-nft",
         ["generate", "--config", "c.toml"], 2, [],
         {"c.toml": 'mode = "gateway"\n[subnets]\n"fd00::/64" = "linux"\n"fd00:0::/64" = "windows"\n'}),
    Case("nft-profile-version", "profile JSON", "profile document of a future version", "portclass-nft",
         ["generate", "--from-profile", "p.json"], 2, ["p.json"],
         {"p.json": '{"format":"portclass-profiles","version":99,"hosts":{}}'}),
    Case("nft-signatures-bad", "config", "signature file with a label without a source", "portclass-nft",
         ["generate", "--from-profile", "p.json", "--signatures", "s.fp"], 2, ["s.fp:2", "source"],
         {"p.json": '{"format":"portclass-profiles","version":2,"hosts":{}}',
          "s.fp": SIGNATURES.replace("source = test\n", "")}),
    # --- kernel errors (root, inside a throw-away namespace) ---------------------------------
    Case("netns-missing", "kernel", "a namespace that does not exist (or vanished)", "portclass-nft",
         ["apply", "--netns", "pcbad-vanished", "--range", "linux"], 2, ["pcbad-vanished"]),
    Case("host-netns-missing", "kernel", "a namespace that does not exist (or vanished)", "portclass",
         ["host", "--netns", "pcbad-vanished"], 2, ["pcbad-vanished"]),
    Case("host-no-cap-sys-admin", "kernel", "host --netns without CAP_SYS_ADMIN (setns refused)", "portclass",
         ["host", "--netns", "{netns}"], 3, ["CAP_SYS_ADMIN"], netns=True,
         wrap=["setpriv", "--bounding-set=-sys_admin", "--inh-caps=-sys_admin"]),
    Case("no-cap-net-admin", "kernel", "apply without CAP_NET_ADMIN", "portclass-nft",
         ["apply", "--netns", "{netns}", "--range", "linux"], 3, [], netns=True,
         wrap=["setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin"]),
    Case("no-cap-audit", "kernel", "audit without CAP_NET_ADMIN", "portclass-nft",
         ["audit", "--netns", "{netns}"], 3, [], netns=True,
         wrap=["setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin"]),
    Case("confirm-nothing", "kernel", "confirm with no apply pending", "portclass-nft",
         ["confirm", "--netns", "{netns}"], 1, [], netns=True),
]
