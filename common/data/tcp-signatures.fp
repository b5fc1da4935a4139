; portclass built-in TCP signatures, compiled into libportclass at build time.
; SPDX-License-Identifier: GPL-2.0-or-later
;
; What p0f 3.09b's database (2014, /etc/p0f/p0f.fp, read at run time when
; installed) lacks: current Windows, Linux, macOS and FreeBSD stacks, their
; IPv6 SYNs (flow labels make p0f's '*' signatures miss), and SYN+ACKs.
; Syntax: p0f's (README section 5) with two portclass keys after a label:
;   source  = where the signatures come from (required): an OS source file or
;             commit, vendor documentation, or public captures by repository
;             and path;
;   learned = yes: read off the development set of real captures
;             (shared/realworld; each client's OS from its labels.tsv truth
;             column, never from application content), so scores on that
;             set flatter these lines.
; Signatures here take precedence over p0f's; user files over both.
; MSS is '*' wherever it follows the link (p0f's advice for commodity systems);
; IPv6 signatures keep the OS's own initial hop limit, since router
; advertisements often change it (a different one matches as fuzzy).

classes = win,unix,other

; ======================
; SYN signatures (clients)
; ======================

[tcp:request]

; Linux 4.20 raised the SYN window from 20 MSS to about 64 KB rounded down to
; a multiple of the MSS (44 x 1460 = 64240); the window scale follows the
; largest receive buffer, tcp_rmem[2], 6 MB by default (scale 7).
label = s:unix:Linux:4.20 and newer
source = Linux commit a337531b942b ("tcp: up initial rmem to 128KB and SYN rwin to around 64KB", 2018); net/ipv4/tcp_output.c tcp_select_initial_window() (window rounded down to the MSS, scale from max(tcp_rmem[2], rmem_max)); net/ipv4/tcp.c tcp_init() (tcp_rmem[2] at most 6 MB); option order as p0f's Linux signatures
sig = *:64:0:*:mss*44,7:mss,sok,ts,nop,ws:df,id+:0

; Loopback: MTU 65536, so MSS 65495 and the window is one MSS.
label = s:unix:Linux:4.20 and newer (loopback)
source = as above; drivers/net/loopback.c (MTU 64 KiB); seen in secdev/scapy test/pcaps/ssh_ed25519.pcap and simsong/tcpflow tests/test8/image2.pcap (127.0.0.1)
learned = yes
sig = *:64:0:65495:mss*1,7:mss,sok,ts,nop,ws:df,id+:0

; Scale 10: tcp_rmem[2] of 32 MB (a 2025 kernel default, or tuning); 8 and 9:
; tuned buffers. Same window rule, so only the scale differs.
label = s:unix:Linux:4.20 and newer (larger receive buffer)
source = netdev patch "tcp: increase tcp_rmem[2] to 32 MB" (Eric Dumazet, May 2025: scale 10); seen in MRadhesyam/Wireshark-packet-analysis network_capture.pcapng (192.168.31.114), RanDomGuY84/Task-8-Capture-Network-Traffic-with-Wireshark-OIBSIP wireshark_capture.pcapng (10.181.99.5), Shrushtikesur/Network-Traffic-Analysis capture.pcapng (scale 8), Harishwar006/cyber-security-internship-task-5 capture.pcapng (scale 9)
learned = yes
sig = *:64:0:*:mss*44,10:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*44,8:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*44,9:mss,sok,ts,nop,ws:df,id+:0

; IPv6: the same window rule gives 45 x 1440 (or 45 x 1432) = mss*45, 46 x
; 1420; Linux puts a flow label on every packet by default.
label = s:unix:Linux:4.20 and newer
source = as the IPv4 line (commit a337531b942b); Documentation/networking/ip-sysctl.rst auto_flowlabels (default 1); seen in appneta/tcpreplay test/test.pcap, ManojMandal01/Capture_Network_Traffic_with_Wireshark wireshark_capture.pcapng, MRadhesyam/Wireshark-packet-analysis network_capture.pcapng (scale 10), Harishwar006/cyber-security-internship-task-5 capture.pcapng (mss*46, scale 9)
learned = yes
sig = 6:64:0:*:mss*45,7:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*45,10:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*46,9:mss,sok,ts,nop,ws:flow:0

; A Linux family whose receive buffer was tuned: the 64 KB window, any scale.
label = g:unix:Linux:4.20 and newer
source = Linux commit a337531b942b (window); net/ipv4/tcp_output.c tcp_select_initial_window() (the scale follows tcp_rmem[2] / rmem_max, which sysctls and Android's per-network buffer sizes change)
sig = *:64:0:*:mss*44,*:mss,sok,ts,nop,ws:df,id+:0

; Mobile Linux (Android) on IPv6 carrier networks: a 65535 window, scale 8.
label = s:unix:Linux:(Android or carrier IPv6)
source = seen in luguifang/protocol-pcap ipv6-some.pcap and httpv6.pcap (clients labelled linux/android)
learned = yes
sig = 6:64:0:*:65535,8:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:65535,8:mss,sok,ts,nop,ws::0

; Windows 10 / 11: a 64 KB window (44 x 1460 = 64240, or 65535) with scale 8
; and the classic Windows layout. p0f 3.09b calls these "NT kernel" or even
; "NT kernel 5.x". Windows 7 / 8 SYNs use 8192 (p0f's "7 or 8", and the win7
; and 2008r2 captures below), so these are taken as the later releases.
label = s:win:Windows:10 or 11
source = seen in clients labelled windows-modern (Vista or later): Blowofj/tp1-r-seaux http.pcap, Sana1610/redes-lab-02 http.pcapng, kqdssheng/Pcap http.pcap, WaliMuhammadAhmad/Networking-Packet-Traces http-wireshark-trace-from-george.zip, idaholab/Malcolm-Test-Artifacts pcap/plugins/CVE-2022-30216/successful.pcap (mss*44); Ananyaa-Gupta-Git/wireshark-network-analysis-task5 network_capture.pcapng, Tasmia12/Task4-Capture-Network-Traffic-with-Wireshark wireshark_capture.pcapng, idaholab/Malcolm-Test-Artifacts pcap/plugins/zeek-agenttesla-detector/0e328ab7-12b2-4843-8717-a5b3ebef33a8.pcap (65535); 8192 in 0xl3x1/zeek-EternalSafety tests/traces/shadowbrokers/doublepulsar-backdoor-connect-win7.pcap and eternalromance-success-2008r2.pcap
learned = yes
sig = *:128:0:*:mss*44,8:mss,nop,ws,nop,nop,sok:df,id+:0
sig = *:128:0:*:65535,8:mss,nop,ws,nop,nop,sok:df,id+:0
sig = 6:128:0:*:65535,8:mss,nop,ws,nop,nop,sok:flow:0
sig = 6:128:0:*:mss*48,8:mss,nop,ws,nop,nop,sok:flow:0

; Windows XP with an Ethernet MSS: 44 x 1460 = 64240 and no window scaling
; (p0f's generic "NT kernel" otherwise).
label = s:win:Windows:XP
source = seen in clients labelled windows-xp-era: ACandeias/IntrusionDetection PCAP/blackhole.pcap, PCAP/ms10-002-aurora.pcap, PCAP/tijcont.pcap; ITI/ICS-Security-Tools pcaps/openics/EIP-ControlProtocolChangeAttempt.pcap and EIP-IPAddressChangeAttempt.pcap; idaholab/Malcolm-Test-Artifacts pcap/other/Digital Bond S4/WinXP.pcap (10.200.1.18)
learned = yes
sig = *:128:0:*:mss*44,0:mss,nop,nop,sok:df,id+:0

; Current macOS and iOS: 65535, scale 6, the XNU layout ending in eol+1, and
; an IP ID of zero with DF (so no id+; p0f only gets there fuzzily).
label = s:unix:Mac OS X:recent, or iOS
source = seen in clients labelled macos/ios: WaliMuhammadAhmad/Networking-Packet-Traces http-wireshark-trace4-1.pcapng, tcp-wireshark-trace1-1.pcapng, dhcp-wireshark-trace1-1.pcapng; CESNET/ipfixprobe tests/functional/inputs/idpcontent.pcap; jl16994/Computer-Networking---Wireshark-Lab-HTTP http1.pcapng; rajatgolechha3319/COL334-1 wireshark2.pcapng; zsyang168/packets loger.pcap (an iOS device); lakshgoel5/Network_Traffic_Analysis http.pcap (IPv6 too)
learned = yes
sig = *:64:0:*:65535,6:mss,nop,ws,nop,nop,ts,sok,eol+1:df:0
sig = 6:64:0:*:65535,6:mss,nop,ws,nop,nop,ts,sok,eol+1:flow:0

; FreeBSD 13 / 14: receive buffer 64 KB (window 65535), scale 6 (the first
; with 65535 << scale >= kern.ipc.maxsockbuf, 2 MB), options in
; tcp_addoptions() order, IP ID zero with DF (RFC 6864), IPv6 flow labels.
label = s:unix:FreeBSD:13 or newer
source = FreeBSD sys/netinet/tcp_usrreq.c (tcp_connect: request_r_scale from sb_max; tcp_recvspace 65536); sys/sys/sockbuf.h SB_MAX (2 MB); sys/netinet/tcp_var.h TOF_* order used by tcp_output.c tcp_addoptions(); sys/netinet/ip_id.c (ip_rfc6864 = 1: ID 0 on DF datagrams); sys/netinet6/in6_proto.c (ip6_auto_flowlabel = 1)
sig = *:64:0:*:65535,6:mss,nop,ws,sok,ts:df:0
sig = 6:64:0:*:65535,6:mss,nop,ws,sok,ts:flow:0

; ===========================
; SYN+ACK signatures (servers)
; ===========================

[tcp:response]

; Linux 4.20 and newer answer with about 64 KB rounded down to the MSS they
; will use: less the 12 timestamp bytes when the client offered timestamps
; (45 x 1448 = 65160, p0f's "mss*45"), else the MSS (44 x 1460 = 64240);
; scale 7 as for SYNs; DF with IP ID zero; the layout follows the client's
; options in Linux's order.
label = s:unix:Linux:4.20 and newer
source = Linux commit a337531b942b; net/ipv4/tcp_output.c tcp_select_initial_window() and tcp_make_synack()/tcp_synack_options() option order; net/ipv4/tcp_minisocks.c tcp_openreq_init_rwin() (MSS less TCPOLEN_TSTAMP_ALIGNED when timestamps are on)
sig = *:64:0:*:mss*45,7:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*44,7:mss,nop,nop,sok,nop,ws:df:0
sig = *:64:0:*:mss*45,7:mss,nop,nop,ts,nop,ws:df:0
sig = *:64:0:*:mss*44,7:mss,nop,ws:df:0
sig = 6:64:0:*:mss*45,7:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*45,7:mss,nop,nop,sok,nop,ws:flow:0

; The same with tcp_rmem[2] of 32 MB: scale 10 (Linux 6.18 here has
; net.ipv4.tcp_rmem = 4096 131072 33554432 by default).
label = s:unix:Linux:4.20 and newer (larger receive buffer)
source = netdev patch "tcp: increase tcp_rmem[2] to 32 MB" (Eric Dumazet, May 2025); samples/lab/captures/linux.pcap of this repository (10.77.1.1 and fd77:1::1, the Linux 6.18 kernel's own stack, answer with 65160 and scale 10)
sig = *:64:0:*:mss*45,10:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*44,10:mss,nop,nop,sok,nop,ws:df:0
sig = 6:64:0:*:mss*45,10:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*45,10:mss,nop,nop,sok,nop,ws:flow:0

; Linux on loopback (MSS 65495: the window is one MSS).
label = s:unix:Linux:4.20 and newer (loopback)
source = as the SYN loopback line; seen answering in secdev/scapy test/pcaps/ssh_ed25519.pcap and simsong/tcpflow tests/test8/image2.pcap (127.0.0.1)
learned = yes
sig = *:64:0:65495:mss*1,7:mss,sok,ts,nop,ws:df:0

; Windows 10 / 11 (and Server 2016 and later) servers: 65535 with scale 8.
label = s:win:Windows:10 or 11
source = seen answering on hosts labelled windows-modern: PragguCodes/week-5 socketwireshark.pcapng (10.62.203.132); idaholab/Malcolm-Test-Artifacts pcap/plugins/CVE-2022-30216/successful.pcap (192.168.56.102, 192.168.56.103)
learned = yes
sig = *:128:0:*:65535,8:mss,nop,ws,nop,nop,sok:df,id+:0
sig = *:128:0:*:65535,8:mss,nop,ws,sok,ts:df,id+:0

; Windows XP servers: 64240 without scaling, with or without timestamps.
label = s:win:Windows:XP
source = seen answering on a host labelled windows-xp-era: idaholab/Malcolm-Test-Artifacts pcap/other/Digital Bond S4/WinXP.pcap (10.200.1.18)
learned = yes
sig = *:128:0:*:mss*44,0:mss,nop,ws,nop,nop,sok:df,id+:0
sig = *:128:0:*:mss*44,0:mss,nop,ws,nop,nop,ts,nop,nop,sok:df,id+,ts1-:0

; macOS: 65535, scale 6, the SYN's layout, IP ID zero with DF.
label = s:unix:Mac OS X:recent, or iOS
source = seen answering on a host labelled macos/ios: LU-SCC-Y2/SCC203.CW1 http.pcapng (127.0.0.1, loopback)
learned = yes
sig = *:64:0:*:65535,6:mss,nop,ws,nop,nop,ts,sok,eol+1:df:0

; FreeBSD 13 / 14: the syncache answers with the listener's 64 KB buffer
; (65535), the same scale rule (6) and option order as for SYNs.
label = s:unix:FreeBSD:13 or newer
source = FreeBSD sys/netinet/tcp_syncache.c (syncache_add: wscale from sb_max; window from the listener's receive buffer, at most TCP_MAXWIN); sys/netinet/tcp_output.c tcp_addoptions(); sys/netinet/ip_id.c (ip_rfc6864 = 1); sys/netinet6/in6_proto.c (ip6_auto_flowlabel = 1)
sig = *:64:0:*:65535,6:mss,nop,ws,sok,ts:df:0
sig = 6:64:0:*:65535,6:mss,nop,ws,sok,ts:flow:0
