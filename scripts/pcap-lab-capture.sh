#!/bin/sh
# pcap-lab-capture.sh — captures real kernel MPTCPv1 (and plain TCP) transfers between two lab namespaces, for `mpcensus pcap` tests, demo and bench.
#
# usage: pcap-lab-capture.sh OUTDIR [SNAPLEN]
# Writes OUTDIR/lab.pcap (tcpdump -i any in the client namespace) and
# OUTDIR/server.out: "received client_ip client_port bytes" per connection, and
# OUTDIR/app.tsv: one line per transfer as the client application saw it:
#   proto family client_ip client_port server_ip server_port sent_c2s sent_s2c received_by_client
# Transfers come from $TRANSFERS: ';'-separated "proto family c2s_bytes s2c_bytes"
# (proto mptcp|tcp, family 4|6). Topology: two veth pairs between namespace
# c and s (198.18.1.0/24 + 2001:db8:1::/64, 198.18.2.0/24 + 2001:db8:2::/64),
# client endpoints "subflow" on the second link, server endpoints "signal":
# every MPTCP connection gets extra subflows. Nothing leaves the namespaces.
set -eu
out=$1
snaplen=${2:-256}
TRANSFERS=${TRANSFERS:-"mptcp 4 3000000 1000000;mptcp 6 2500000 50000;mptcp 4 123457 7;mptcp 6 20 654321;tcp 4 500000 20000;tcp 6 30000 400000"}
mkdir -p "$out"
ns_c="mpc$$c" ns_s="mpc$$s"
tcpdump_pid=""
cleanup() {
    [ -n "$tcpdump_pid" ] && kill "$tcpdump_pid" 2>/dev/null || true
    ip netns del "$ns_c" 2>/dev/null || true
    ip netns del "$ns_s" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

ip netns add "$ns_c"
ip netns add "$ns_s"
C="ip netns exec $ns_c"
S="ip netns exec $ns_s"
for i in 0 1; do
    ip link add "c$i" netns "$ns_c" type veth peer name "s$i" netns "$ns_s"
done
for ns in "$ns_c" "$ns_s"; do
    ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 net.mptcp.enabled=1
    ip netns exec "$ns" ip link set lo up
done
for i in 0 1; do
    n=$((i + 1))
    $C sysctl -qw "net.ipv4.conf.c$i.rp_filter=0"
    $S sysctl -qw "net.ipv4.conf.s$i.rp_filter=0"
    $C ip addr add "198.18.$n.1/24" dev "c$i"
    $S ip addr add "198.18.$n.2/24" dev "s$i"
    $C ip -6 addr add "2001:db8:$n::1/64" dev "c$i" nodad
    $S ip -6 addr add "2001:db8:$n::2/64" dev "s$i" nodad
    $C ip link set "c$i" up
    $S ip link set "s$i" up
    # Real segment sizes on the wire rather than 64 KB GSO blobs.
    $C ethtool -K "c$i" tso off gso off gro off >/dev/null 2>&1 || true
    $S ethtool -K "s$i" tso off gso off gro off >/dev/null 2>&1 || true
done
$C ip mptcp limits set subflow 4 add_addr_accepted 4
$S ip mptcp limits set subflow 4 add_addr_accepted 4
$C ip mptcp endpoint add 198.18.2.1 dev c1 subflow
$C ip mptcp endpoint add 2001:db8:2::1 dev c1 subflow
$S ip mptcp endpoint add 198.18.2.2 dev s1 signal
$S ip mptcp endpoint add 2001:db8:2::2 dev s1 signal

cat >"$out/app.py" <<'PY'
# Lab application: a server that counts what it receives and answers with the
# requested number of bytes; a client that sends and counts. IPPROTO_MPTCP = 262.
import os, socket, sys, threading, time
IPPROTO_MPTCP = 262

def serve(sock, results, lock):
    while True:
        conn, peer = sock.accept()
        threading.Thread(target=handle, args=(conn, peer, results, lock), daemon=True).start()

def handle(conn, peer, results, lock):
    hdr = b""
    while not hdr.endswith(b"\n"):
        b = conn.recv(1)
        if not b:
            return
        hdr += b
    c2s, s2c = map(int, hdr.split())  # c2s: total the client sends, header included
    got = len(hdr)
    while True:
        b = conn.recv(1 << 16)
        if not b:
            break
        got += len(b)
    chunk = os.urandom(65536)  # TLS-like entropy: compresses like real traffic
    left = s2c
    while left:
        n = conn.send(chunk[:min(left, len(chunk))])
        left -= n
    conn.shutdown(socket.SHUT_WR)
    conn.recv(1)
    conn.close()
    with lock:
        results.append(got)
        print("received", peer[0], peer[1], got, flush=True)

def server(port4, port6):
    results, lock = [], threading.Lock()
    for proto in (IPPROTO_MPTCP, socket.IPPROTO_TCP):
        for fam, addr, port in ((socket.AF_INET, "198.18.1.2", port4), (socket.AF_INET6, "2001:db8:1::2", port6)):
            s = socket.socket(fam, socket.SOCK_STREAM, proto)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((addr, port + (0 if proto == IPPROTO_MPTCP else 100)))
            s.listen(16)
            threading.Thread(target=serve, args=(s, results, lock), daemon=True).start()
    print("ready", flush=True)
    sys.stdin.read()  # until the client is done

def client(transfers, port4, port6):
    for t in transfers.split(";"):
        proto_name, fam, c2s, s2c = t.split()
        c2s, s2c = int(c2s), int(s2c)
        proto = IPPROTO_MPTCP if proto_name == "mptcp" else socket.IPPROTO_TCP
        af = socket.AF_INET if fam == "4" else socket.AF_INET6
        dst = "198.18.1.2" if fam == "4" else "2001:db8:1::2"
        port = (port4 if fam == "4" else port6) + (0 if proto == IPPROTO_MPTCP else 100)
        s = socket.socket(af, socket.SOCK_STREAM, proto)
        s.connect((dst, port))
        time.sleep(0.5)  # let the path manager add the extra subflows
        # The request line is application data too: it counts in c2s.
        hdr = b"%d %d\n" % (c2s, s2c)
        body = max(0, c2s - len(hdr))
        c2s = len(hdr) + body
        s.sendall(hdr)
        chunk = os.urandom(65536)
        while body > 0:
            n = s.send(chunk[:min(body, len(chunk))])
            body -= n
        s.shutdown(socket.SHUT_WR)
        got = 0
        while True:
            b = s.recv(1 << 16)
            if not b:
                break
            got += len(b)
        local = s.getsockname()
        s.close()
        print(proto_name, fam, local[0], local[1], dst, port, c2s, s2c, got, flush=True)
        time.sleep(0.2)

if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]), int(sys.argv[3]))
    else:
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
PY

$C tcpdump -i any -B 65536 -s "$snaplen" -w "$out/lab.pcap" 'tcp' 2>"$out/tcpdump.log" &
tcpdump_pid=$!
mkfifo "$out/server.in"
$S python3 "$out/app.py" server 5001 5002 <"$out/server.in" >"$out/server.out" &
server_pid=$!
exec 9>"$out/server.in"
i=0
while ! grep -q ready "$out/server.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 100 ] || { echo "lab server did not start" >&2; exit 1; }
    sleep 0.1
done
sleep 1 # tcpdump ready
$C python3 "$out/app.py" client "$TRANSFERS" 5001 5002 >"$out/client.out"
sleep 1
exec 9>&-
wait "$server_pid" 2>/dev/null || true
kill -INT "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null || true; tcpdump_pid=""
cp "$out/client.out" "$out/app.tsv"
rm -f "$out/server.in"
