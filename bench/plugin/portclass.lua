-- SPDX-License-Identifier: GPL-2.0-or-later
-- portclass_lua: the per-packet classification of portclass.so, written as a
-- Lua post-dissector, for bench/plugin/run-bench.sh to compare against.
--
-- Per TCP/UDP packet it does what the C++ plugin does per packet: the IANA
-- category of both ports, which side is the client (SYN / SYN+ACK from the TCP
-- flags, else a port heuristic), the OS default ranges that contain the
-- client's port, the service name of the service port, and per-host
-- bookkeeping (packets, TTL, client ports). It reads TTL and TCP flags the
-- way a Lua post-dissector has to: through field extractors, which make
-- Wireshark build a protocol tree for every packet. It does not run the OS
-- inference (the C++ plugin runs it once per host, not per packet).
--
-- Load with: tshark -X lua_script:bench/plugin/portclass.lua ...

local p = Proto("portclass_lua", "portclass (Lua benchmark twin)")
local f = {
  src_cat = ProtoField.string("portclass_lua.src.cat", "Source port category"),
  dst_cat = ProtoField.string("portclass_lua.dst.cat", "Destination port category"),
  client = ProtoField.string("portclass_lua.client", "Client side"),
  client_port = ProtoField.uint16("portclass_lua.client.port", "Client port"),
  server_port = ProtoField.uint16("portclass_lua.server.port", "Service port"),
  method = ProtoField.string("portclass_lua.client.method", "Client decided by"),
  range_of = ProtoField.string("portclass_lua.client.range_of", "Inside default range of"),
  service = ProtoField.string("portclass_lua.service", "Service"),
  ttl = ProtoField.uint8("portclass_lua.ttl", "TTL"),
}
p.fields = { f.src_cat, f.dst_cat, f.client, f.client_port, f.server_port, f.method, f.range_of, f.service, f.ttl }

local ip_ttl = Field.new("ip.ttl")
local ipv6_hlim = Field.new("ipv6.hlim")
local tcp_syn = Field.new("tcp.flags.syn")
local tcp_ack = Field.new("tcp.flags.ack")
local icmp = Field.new("icmp")
local icmpv6 = Field.new("icmpv6")

-- Default ranges of common/data/os-profiles.toml (id, first, last).
local profiles = {
  { "linux", 32768, 60999 }, { "linux-2.6.23", 32768, 61000 }, { "android", 32768, 60999 },
  { "windows", 49152, 65535 }, { "windows-xp", 1025, 5000 }, { "macos", 49152, 65535 },
  { "ios", 49152, 65535 }, { "freebsd", 10000, 65535 }, { "openbsd", 1024, 49151 },
  { "netbsd", 49152, 65535 }, { "solaris", 32768, 65535 }, { "aix", 32768, 65535 },
  { "zos", 1024, 65535 }, { "hpux", 49152, 65535 }, { "nat-gateway", 1024, 65535 },
}

-- IANA service names, from the registry copy Wireshark ships.
local services = { tcp = {}, udp = {} }
local function load_services()
  local file = io.open("/usr/share/wireshark/services") or io.open("/etc/services")
  if not file then return end
  for line in file:lines() do
    local name, port, protos = line:match("^([%w%-%._+]+)%s+(%d+)/([%a/]+)")
    if name then
      port = tonumber(port)
      for proto in protos:gmatch("%a+") do
        if services[proto] and not services[proto][port] then services[proto][port] = name end
      end
    end
  end
  file:close()
end
load_services()

local function category(port)
  if port <= 1023 then return "system" elseif port <= 49151 then return "user" end
  return "dynamic"
end

-- How service-like a port is (the C++ plugin's heuristic, simplified).
local function likeness(port, proto)
  local named = services[proto][port] ~= nil
  local c = category(port)
  local s
  if c == "system" then s = named and 0.95 or 0.85
  elseif c == "user" then s = named and 0.7 or 0.35
  else s = named and 0.35 or 0.1 end
  if port >= 32768 and port <= 65535 then s = s * 0.6 end
  return s
end

local hosts = {}
function p.init() hosts = {} end

local function host(addr)
  local h = hosts[addr]
  if not h then
    h = { packets = 0, ttl = 0, client_ports = {} }
    hosts[addr] = h
  end
  return h
end

function p.dissector(tvb, pinfo, tree)
  local proto
  if pinfo.port_type == 2 then proto = "tcp" elseif pinfo.port_type == 3 then proto = "udp" else return end
  if icmp() or icmpv6() then return end  -- quoted header of an ICMP error
  local sport, dport = pinfo.src_port, pinfo.dst_port
  local ttl = ip_ttl() or ipv6_hlim()
  ttl = ttl and ttl.value or 0

  local client_is_src, method
  local syn, ack = tcp_syn(), tcp_ack()
  if proto == "tcp" and syn and syn.value then
    client_is_src = not (ack and ack.value)
    method = client_is_src and "syn" or "syn-ack"
  else
    local s, d = likeness(sport, proto), likeness(dport, proto)
    client_is_src = not (s > d or (s == d and sport < dport))
    method = "heuristic"
  end
  local cport = client_is_src and sport or dport
  local server = client_is_src and dport or sport

  local src = tostring(pinfo.net_src)
  local h = host(src)
  h.packets = h.packets + 1
  h.ttl = ttl
  local client = client_is_src and src or tostring(pinfo.net_dst)
  host(client).client_ports[cport] = true

  local t = tree:add(p, tvb(0, 0))
  t:add(f.src_cat, category(sport))
  t:add(f.dst_cat, category(dport))
  t:add(f.client, client_is_src and "src" or "dst")
  t:add(f.client_port, cport)
  t:add(f.server_port, server)
  t:add(f.method, method)
  for _, prof in ipairs(profiles) do
    if cport >= prof[2] and cport <= prof[3] then t:add(f.range_of, prof[1]) end
  end
  local name = services[proto][server]
  if name then t:add(f.service, name) end
  t:add(f.ttl, ttl)
end

register_postdissector(p)
