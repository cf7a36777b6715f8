#!/usr/bin/env bash
# Whole-process benchmark: DHCPv6 four-way exchanges (Solicit, Advertise, Request, Reply) per second
# and Solicit->Advertise latency, kubermesh's Dhcp6Server against dnsmasq, with the same load
# generator (perfdhcp -6 from Debian's kea-admin) at the same offered rates, in one run. Each server
# is started fresh with its lease file on disk and logs every exchange to a file, then warmed up
# for 5 s at 200/s (the JVM compiles its hot path; dnsmasq gets the same), then measured.
# Both run in namespace kmbd-bsrv behind a veth to kmbd-bcli, where perfdhcp runs.
# CLIENTS defaults to 3: a kubermesh port hands out 3 addresses, so a larger client count would
# measure NoAddrsAvail answers; dnsmasq gets the same 3 clients.
# Usage: RATES="500 1000 2000 4000" DURATION=10 kubermesh-benchmarks/scripts/dhcp6-perfdhcp.sh   (root)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
rates=${RATES:-"500 1000 2000 4000"}
duration=${DURATION:-10}
clients=${CLIENTS:-3}
S=kmbd-bsrv
C=kmbd-bcli
command -v perfdhcp >/dev/null || { echo "perfdhcp missing: apt-get install -y kea-admin" >&2; exit 3; }
command -v dnsmasq >/dev/null || { echo "dnsmasq missing: apt-get install -y dnsmasq-base" >&2; exit 3; }
work=$(mktemp -d /tmp/kmbd-dhcp6-bench.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  ip netns del $S 2>/dev/null || true
  ip netns del $C 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
(cd "$here" && mvn -B -q -o -pl kubermesh-benchmarks -am package -DskipTests) >/dev/null
jar="$here/kubermesh-benchmarks/target/benchmarks.jar"

ip netns add $S
ip netns add $C
for n in $S $C; do
  ip netns exec $n sysctl -qw net.ipv6.conf.default.accept_dad=0
  ip netns exec $n sysctl -qw net.ipv6.conf.all.accept_dad=0
  ip netns exec $n ip link set lo up
done
ip netns exec $S ip link add kmbd1a address 52:54:00:00:00:01 type veth peer name kmbd1b address 52:54:00:12:34:56 netns $C
ip netns exec $S ip link set kmbd1a up
ip netns exec $C ip link set kmbd1b up
# port 0 of node 52:54:00:00:00:01 in the seed plan, and a /64 for dnsmasq (it needs one to serve a range)
ip netns exec $S ip -6 addr add 2001:db8::a4:a800:0:220/126 dev kmbd1a preferred_lft 0
ip netns exec $S ip -6 addr add 2001:db8:1::1/64 dev kmbd1a
sleep 1

start() {
  rm -rf "$work/state" "$work/dnsmasq.leases"
  case $1 in
    kubermesh)
      ip netns exec $S java -cp "$jar" io.kubermesh.benchmarks.boot.Dhcp6Serve 52:54:00:00:00:01 kmbd1a "$work/state" \
        > "$work/kubermesh.out" 2> "$work/kubermesh.log" &
      pid=$!
      for _ in $(seq 100); do grep -q ready "$work/kubermesh.out" 2>/dev/null && break; sleep 0.1; done ;;
    dnsmasq)
      ip netns exec $S dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface=kmbd1a \
        --dhcp-range=2001:db8:1::100,2001:db8:1::1ff,64,2h --dhcp-leasefile="$work/dnsmasq.leases" \
        --log-facility="$work/dnsmasq.log" --pid-file= > "$work/dnsmasq.out" 2>&1 &
      pid=$!
      sleep 1 ;;
  esac
}

stop() {
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

load() { # rate seconds -> "rate drops% latency-ms"
  ip netns exec $C perfdhcp -6 -l kmbd1b -R "$clients" -r "$1" -p "$2" 2>&1 | awk '
    /^Rate:/ { rate=$2 }
    /drops ratio/ && !d { d=$3 }
    /avg delay/ && !l { l=$3 }
    END { printf "%s %s %s\n", rate, d, l }' || true
}

declare -A result
for server in kubermesh dnsmasq; do
  start $server
  load 200 5 >/dev/null
  for r in $rates; do
    result[$server,$r]=$(load "$r" "$duration")
  done
  stop
done

printf "%-8s | %-34s | %-34s | %s\n" "offered" "kubermesh: ex/s  drop%  lat ms" "dnsmasq 2.90: ex/s  drop%  lat ms" "ratio"
for r in $rates; do
  read -r kr kd kl <<< "${result[kubermesh,$r]}"
  read -r dr dd dl <<< "${result[dnsmasq,$r]}"
  ratio=$(awk -v a="$kr" -v b="$dr" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
  printf "%-8s | %10s %8s %10s       | %10s %8s %10s         | %s\n" "$r/s" "$kr" "$kd" "$kl" "$dr" "$dd" "$dl" "$ratio"
done
echo "(exchanges/s = perfdhcp 'Rate' of four-way exchanges; drop% and latency for Solicit->Advertise; $clients clients, ${duration}s per rate; load average $(cut -d' ' -f1-3 /proc/loadavg))"
