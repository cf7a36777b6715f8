#!/usr/bin/env python3
"""Attacks on kubermesh's boot services for BootAttackIT, run inside a client network namespace.

Each subcommand prints one JSON object on stdout. Every loop is bounded in count and time; the only
target is the address given (a namespace of the test's own).
"""
import argparse
import json
import os
import select
import socket
import struct
import sys
import time


def http_stall(a):
    """Opens connections that stall a request body or never read a response, and holds them, reading nothing.

    Prints {"opened": N} once all are open; the caller watches the server side (ss) meanwhile.
    """
    sources = a.sources.split(',')
    socks = []

    def connect(i):
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.bind((sources[i % len(sources)], 0))
        s.settimeout(5)
        s.connect((a.target, a.port))
        return s

    for i in range(a.bodies):
        s = connect(i)
        length = 1000000 if i % 2 else 4000
        s.sendall(('POST /machines/%s/phone-home HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n{"st'
                   % (a.mac, length)).encode())
        socks.append(s)
    for i in range(a.unread):
        s = connect(a.bodies + i)
        s.sendall(('GET %s HTTP/1.1\r\nHost: x\r\n\r\n' % a.asset).encode())
        socks.append(s)
    print(json.dumps({'opened': len(socks)}))
    sys.stdout.flush()
    time.sleep(a.watch)
    for s in socks:
        s.close()


def tftp_rrq(name, options):
    b = b'\x00\x01' + name + b'\x00octet\x00'
    for k, v in options:
        b += k.encode() + b'\x00' + v.encode() + b'\x00'
    return b


def tftp_flood(a):
    """Sends COUNT read requests from the source addresses in turn and never acknowledges; reports the answers."""
    sources = a.sources.split(',')
    socks = []
    for i in range(a.count):
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.bind((sources[(i // a.per_source) % len(sources)], 0))
        s.sendto(tftp_rrq(a.file.encode(), [('timeout', '255'), ('blksize', '1428')]), (a.target, 69))
        socks.append(s)
        time.sleep(0.002)
    answers = []
    for s in socks:
        s.settimeout(2)
        try:
            data, _ = s.recvfrom(2048)
            op = struct.unpack('!H', data[:2])[0]
            answers.append({1: 'RRQ', 3: 'DATA', 4: 'ACK', 5: 'ERROR', 6: 'OACK'}.get(op, str(op))
                           + ('' if op != 5 else ' ' + data[4:-1].decode('latin-1')))
        except socket.timeout:
            answers.append('none')
    # keep the sockets open (never acknowledging) while the caller checks the real client
    print(json.dumps({'answers': answers}))
    sys.stdout.flush()
    time.sleep(a.hold)
    for s in socks:
        s.close()


def tftp_name(a):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(tftp_rrq(a.name.encode().decode('unicode_escape').encode('latin-1'), []), (a.target, 69))
    try:
        data, _ = s.recvfrom(2048)
        print(json.dumps({'answer': data[:2].hex()}))
    except socket.timeout:
        print(json.dumps({'answer': None}))


def dhcp6_solicit(duid_mac, xid, rapid, user_class):
    duid = struct.pack('!HH', 3, 1) + duid_mac
    opts = struct.pack('!HH', 1, len(duid)) + duid
    opts += struct.pack('!HHIII', 3, 12, 1, 0, 0)
    opts += struct.pack('!HHH', 8, 2, 0)
    if rapid:
        opts += struct.pack('!HH', 14, 0)
    if user_class is not None:
        uc = user_class.encode().decode('unicode_escape').encode('latin-1')
        body = struct.pack('!H', len(uc)) + uc
        opts += struct.pack('!HH', 15, len(body)) + body
    return bytes([1]) + xid.to_bytes(3, 'big') + opts


def dhcp6(a):
    """Sends COUNT Solicits (DUID-LL rotating when asked) to DEST; reports the replies."""
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, 25, a.iface.encode())  # SO_BINDTODEVICE
    s.bind((a.source or '::', 546))
    ifindex = socket.if_nametoindex(a.iface)
    replies = 0
    types = []
    for i in range(a.count):
        mac = bytes([0x02, 0xa7, 0, 0, (i >> 8) & 0xff, i & 0xff]) if a.rotate else bytes([0x02, 0xa7, 0, 0, 0, 1])
        dest = (a.dest, 547, 0, ifindex if a.dest.startswith('ff02') or a.dest.startswith('fe80') else 0)
        s.sendto(dhcp6_solicit(mac, 0x100 + i, a.rapid, a.user_class), dest)
        s.settimeout(a.wait)
        try:
            data, _ = s.recvfrom(2048)
            replies += 1
            types.append(data[0])
        except socket.timeout:
            pass
    print(json.dumps({'sent': a.count, 'replies': replies, 'types': sorted(set(types))}))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='cmd', required=True)
    h = sub.add_parser('http-stall')
    h.add_argument('--target', required=True)
    h.add_argument('--port', type=int, default=8080)
    h.add_argument('--sources', required=True)
    h.add_argument('--bodies', type=int, default=120)
    h.add_argument('--unread', type=int, default=256)
    h.add_argument('--mac', required=True)
    h.add_argument('--asset', required=True)
    h.add_argument('--watch', type=float, default=40)
    t = sub.add_parser('tftp-flood')
    t.add_argument('--target', required=True)
    t.add_argument('--sources', required=True)
    t.add_argument('--per-source', type=int, default=16)
    t.add_argument('--count', type=int, default=257)
    t.add_argument('--file', required=True)
    t.add_argument('--hold', type=float, default=12)
    n = sub.add_parser('tftp-name')
    n.add_argument('--target', required=True)
    n.add_argument('--name', required=True)
    d = sub.add_parser('dhcp6')
    d.add_argument('--iface', required=True)
    d.add_argument('--dest', required=True)
    d.add_argument('--source')
    d.add_argument('--count', type=int, default=1)
    d.add_argument('--rotate', action='store_true')
    d.add_argument('--rapid', action='store_true')
    d.add_argument('--user-class')
    d.add_argument('--wait', type=float, default=1.0)
    a = p.parse_args()
    {'http-stall': http_stall, 'tftp-flood': tftp_flood, 'tftp-name': tftp_name, 'dhcp6': dhcp6}[a.cmd](a)


if __name__ == '__main__':
    main()
