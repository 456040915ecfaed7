#!/usr/bin/env python3
"""decode_traffic.py — makes the kernel speak every MPTCPv1 option it can, over IPv4 and IPv6, inside a lab namespace.

Run it only inside a network namespace created for the test (decode_vs_tshark.sh
does): it changes the namespace's MPTCP path-manager endpoints.
Usage: decode_traffic.py V4_MAIN V4_EXTRA V6_MAIN V6_EXTRA
The main addresses carry the initial subflow; the extra ones are announced by
the path manager (ADD_ADDR, joined with MP_JOIN), then flagged backup
(MP_PRIO) and withdrawn (REMOVE_ADDR); each connection ends in an abortive
close (MP_FASTCLOSE / MP_TCPRST). Sleeps only pace the kernel's path manager;
nothing here asserts timing.
"""
import socket
import subprocess
import sys
import threading
import time

IPPROTO_MPTCP = 262
PORT = 5001


def ip_mptcp(*args):
    subprocess.run(["ip", "mptcp"] + list(args), check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def serve(listener):
    """Echo server; each connection is handled in its own thread."""
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=echo, args=(conn,), daemon=True).start()


def echo(conn):
    try:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)
    except OSError:
        pass
    finally:
        conn.close()


def endpoint_id(addr):
    out = subprocess.run(["ip", "mptcp", "endpoint", "show"], stdout=subprocess.PIPE, text=True).stdout
    for line in out.splitlines():
        words = line.split()
        if words and words[0] == addr and "id" in words:
            return words[words.index("id") + 1]
    return None


def exchange(sock, rounds, size=1400):
    payload = b"m" * size
    for _ in range(rounds):
        sock.sendall(payload)
        got = 0
        while got < size:
            chunk = sock.recv(size - got)
            if not chunk:
                return
            got += len(chunk)
        time.sleep(0.02)


def client(family, main, extra):
    ip_mptcp("endpoint", "add", extra, "dev", "lo", "signal")
    s = socket.socket(family, socket.SOCK_STREAM, IPPROTO_MPTCP)
    s.connect((main, PORT))
    exchange(s, 20)                      # MP_CAPABLE, DSS; ADD_ADDR + echo; MP_JOIN
    eid = endpoint_id(extra)
    if eid:
        ip_mptcp("endpoint", "change", "id", eid, "backup")  # MP_PRIO
        exchange(s, 10)
        ip_mptcp("endpoint", "delete", "id", eid)            # REMOVE_ADDR, subflow reset
        exchange(s, 10)
    s.sendall(b"x" * 5000)               # unread data at close: abortive close
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()
    time.sleep(0.3)
    ip_mptcp("endpoint", "flush")


def main():
    v4_main, v4_extra, v6_main, v6_extra = sys.argv[1:5]
    ip_mptcp("limits", "set", "subflows", "4", "add_addr_accepted", "4")
    listeners = []
    for family, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        ls = socket.socket(family, socket.SOCK_STREAM, IPPROTO_MPTCP)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        ls.bind((addr, PORT))
        ls.listen(16)
        listeners.append(ls)
        threading.Thread(target=serve, args=(ls,), daemon=True).start()
    client(socket.AF_INET, v4_main, v4_extra)
    client(socket.AF_INET6, v6_main, v6_extra)
    time.sleep(0.3)
    for ls in listeners:
        ls.close()


if __name__ == "__main__":
    main()
