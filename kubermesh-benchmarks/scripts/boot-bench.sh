#!/usr/bin/env bash
# Whole-process benchmark of kubermesh's boot servers against their peers, in ONE run, same clients:
#   HTTP: a 1 KiB asset, wrk -t2 -c32 (keep-alive) and ab -c32 (a new connection per request),
#         `kubermesh boot serve` against nginx (2 workers, sendfile, access log off).
#   TFTP: 32 concurrent atftp clients x 4 MiB (blksize 1468) from `kubermesh boot serve`, tftpd-hpa
#         and dnsmasq; one client x 64 MiB, blksize 1468 (all three) and windowsize 16 (kubermesh).
# kubermesh serves as port 0 of node 52:54:00:6b:00:01 on veth kmbt1a (its port address); the peers
# on 2001:db8:6::1. Namespaces kmbt-bsrv / kmbt-bcli joined by veth kmbt1a/kmbt1b; everything is
# removed on exit. Needs root. Run from the repository root after:
#   mvn -B -q -pl kubermesh-cli -am package -DskipTests
# KUBERMESH_BOOT_LOG=warn turns kubermesh's per-exchange log off (nginx runs with access_log off);
# BOOT_LOG=info keeps it (the default of boot serve). Both are reported when BOTH_LOGS=1.
# OLD_JAR=PATH/kubermesh-cli.jar also measures the HTTP figures of another build of boot serve (the
# hand-written HTTP server before issue 15, to decide between it and Netty on the same run).
set -euo pipefail
RUNS=${RUNS:-3}
CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-10}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/kubermesh-cli/target/kubermesh-cli.jar"
[ -f "$JAR" ] || { echo "build first: mvn -B -q -pl kubermesh-cli -am package -DskipTests" >&2; exit 3; }
for b in atftp:atftp in.tftpd:tftpd-hpa dnsmasq:dnsmasq-base nginx:nginx-light wrk:wrk ab:apache2-utils; do
  command -v "${b%%:*}" >/dev/null || { echo "missing ${b%%:*}: apt-get install -y ${b##*:}" >&2; exit 3; }
done
S=kmbt-bsrv C=kmbt-bcli SA=2001:db8:6::1 CA=2001:db8:6::2
NODE=52:54:00:6b:00:01
# port 0 of NODE in the seed plan (2001:db8::/71): this end and the first pool address
KM=$(java -cp "$JAR" io.kubermesh.cli.Kubermesh plan --profile seed --mac $NODE --output json \
  | python3 -c 'import json,sys; q=json.load(sys.stdin)["nodes"][0]["ports"][0]; print(q["address"], q["pool"][0])')
KA=${KM% *} KC=${KM#* }
W=$(mktemp -d /tmp/kmbt-bench.XXXXXX); chmod 755 "$W"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  ip netns del $S 2>/dev/null || true; ip netns del $C 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT
ip netns del $S 2>/dev/null || true; ip netns del $C 2>/dev/null || true
ip netns add $S; ip netns add $C
for ns in $S $C; do
  ip netns exec $ns sysctl -q -w net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0; ip -n $ns link set lo up
done
ip link add kmbt1a netns $S type veth peer name kmbt1b netns $C
ip -n $S addr add $SA/64 dev kmbt1a nodad; ip -n $C addr add $CA/64 dev kmbt1b nodad
ip -n $C addr add "$KC"/126 dev kmbt1b nodad
ip -n $S link set kmbt1a up; ip -n $C link set kmbt1b up
mkdir -p "$W/root" "$W/state" "$W/assets" "$W/out"; chmod 755 "$W/root" "$W/assets"
head -c 1024 /dev/urandom > "$W/assets/small.bin"; cp "$W/assets/small.bin" "$W/root/small.bin"
head -c $((64 << 20)) /dev/urandom > "$W/root/big.bin"; SUM=$(sha256sum < "$W/root/big.bin")
head -c $((4 << 20)) /dev/urandom > "$W/root/mid.bin"; MIDSUM=$(sha256sum < "$W/root/mid.bin")
chmod 644 "$W"/root/* "$W"/assets/*

now() { date +%s.%N; }
# fetch_tftp SERVER OPTIONS... : best MiB/s of RUNS for the 64 MiB file (0 if a copy is wrong)
fetch_tftp() {
  local server=$1 best=0; shift
  for i in $(seq "$RUNS"); do
    rm -f "$W/out/f"
    local t0 t1; t0=$(now)
    ip netns exec $C atftp "$@" -g -r big.bin -l "$W/out/f" "$server" >/dev/null 2>&1 || { echo 0; return; }
    t1=$(now)
    [ "$(sha256sum < "$W/out/f")" = "$SUM" ] || { echo 0; return; }
    best=$(awk -v b="$best" -v t0="$t0" -v t1="$t1" 'BEGIN { r = 64 / (t1 - t0); print (r > b ? r : b) }')
  done
  echo "$best"
}
# fetch_many SERVER OPTIONS... : CLIENTS atftp at once, 4 MiB each; seconds until the last is done (best of RUNS)
fetch_many() {
  local server=$1 best=0; shift
  for r in $(seq "$RUNS"); do
    local pids=() t0 t1 ok=1
    t0=$(now)
    for i in $(seq "$CLIENTS"); do
      ip netns exec $C atftp "$@" -g -r mid.bin -l "$W/out/m$i" "$server" >/dev/null 2>&1 &
      pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || ok=0; done
    t1=$(now)
    for i in $(seq "$CLIENTS"); do [ "$(sha256sum < "$W/out/m$i")" = "$MIDSUM" ] || ok=0; rm -f "$W/out/m$i"; done
    [ $ok = 1 ] || { echo 0; return; }
    best=$(awk -v b="$best" -v t0="$t0" -v t1="$t1" 'BEGIN { r = t1 - t0; print (b == 0 || r < b ? r : b) }')
  done
  echo "$best"
}
# wrk_rps URL : keep-alive requests/s (2 threads, 32 connections); a short warm-up first
wrk_rps() {
  ip netns exec $C wrk -t2 -c32 -d3s "$1" >/dev/null 2>&1 || true
  ip netns exec $C wrk -t2 -c32 -d${DURATION}s "$1" | awk '/^Requests\/sec/ { print $2 }'
}
# ab_rps URL : new-connection requests/s (32 at once), failures must be 0
ab_rps() {
  ip netns exec $C ab -q -n 5000 -c32 "$1" >/dev/null 2>&1 || true
  local out; out=$(ip netns exec $C ab -q -n $((DURATION * 4000)) -c32 "$1" 2>&1)
  echo "$out" | grep -q '^Failed requests: *0$' || { echo "ab failed: $out" >&2; echo 0; return; }
  echo "$out" | awk '/^Requests per second/ { print $4 }'
}
wait_log() { for i in $(seq 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "not ready: $(cat "$1")" >&2; exit 1; }
wait_udp() { for i in $(seq 50); do ip netns exec $S ss -uln | grep -q ":69 " && return 0; sleep 0.1; done; }
wait_tcp() { for i in $(seq 50); do ip netns exec $S ss -tln | grep -q ":$1 " && return 0; sleep 0.1; done; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

LOAD_START=$(load)
# kubermesh boot serve
start_km() {
  ip netns exec $S env KUBERMESH_BOOT_LOG="$1" java -Xmx256m -jar "${2:-$JAR}" boot serve --profile seed --identity $NODE \
    --interface kmbt1a:0 --state "$W/state" --assets "$W/assets" --tftp-root "$W/root" > "$W/km.log" 2>&1 &
  KMPID=$!; PIDS+=($KMPID); wait_log "$W/km.log" "serving 1 port(s)"
}
stop_km() { kill $KMPID; wait $KMPID 2>/dev/null || true; }
start_km "${BOOT_LOG:-warn}"
KM_TFTP=$(fetch_tftp "$KA" --option "blksize 1468")   # also warms the JIT
KM_TFTP=$(fetch_tftp "$KA" --option "blksize 1468")
KM_W16=$(fetch_tftp "$KA" --option "blksize 1468" --option "windowsize 16")
KM_MANY=$(fetch_many "$KA" --option "blksize 1468")
KM_WRK=$(wrk_rps "http://[$KA]:8080/assets/small.bin")
KM_AB=$(ab_rps "http://[$KA]:8080/assets/small.bin")
stop_km
if [ "${BOTH_LOGS:-0}" = 1 ]; then
  start_km info
  wrk_rps "http://[$KA]:8080/assets/small.bin" >/dev/null
  KM_WRK_LOG=$(wrk_rps "http://[$KA]:8080/assets/small.bin")
  KM_AB_LOG=$(ab_rps "http://[$KA]:8080/assets/small.bin")
  stop_km
fi
if [ -n "${OLD_JAR:-}" ]; then
  rm -rf "$W/state"; mkdir -p "$W/state"
  start_km warn "$OLD_JAR"
  wrk_rps "http://[$KA]:8080/assets/small.bin" >/dev/null
  OLD_WRK=$(wrk_rps "http://[$KA]:8080/assets/small.bin")
  OLD_AB=$(ab_rps "http://[$KA]:8080/assets/small.bin")
  stop_km
fi

# tftpd-hpa
ip netns exec $S in.tftpd -L -s "$W/root" -a "[$SA]:69" > "$W/tftpd.log" 2>&1 &
TF=$!; PIDS+=($TF); wait_udp
HPA=$(fetch_tftp "$SA" --option "blksize 1468")
HPA_MANY=$(fetch_many "$SA" --option "blksize 1468")
kill $TF; wait $TF 2>/dev/null || true

# dnsmasq
ip netns exec $S dnsmasq -k -C /dev/null --enable-tftp --tftp-root="$W/root" --port=0 --tftp-single-port \
  --interface=kmbt1a --bind-interfaces --pid-file="$W/dnsmasq.pid" --user=root > "$W/dnsmasq.log" 2>&1 &
DM=$!; PIDS+=($DM); wait_udp
DNSMASQ=$(fetch_tftp "$SA" --option "blksize 1468")
DNSMASQ_MANY=$(fetch_many "$SA" --option "blksize 1468")
kill $DM; wait $DM 2>/dev/null || true

# nginx, 2 workers, sendfile
cat > "$W/nginx.conf" <<NGX
daemon off; worker_processes 2; pid $W/nginx.pid; error_log $W/nginx-error.log;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
  server { listen [::]:8081; root $W/root; } }
NGX
ip netns exec $S nginx -c "$W/nginx.conf" -p "$W" > "$W/nginx.log" 2>&1 &
NG=$!; PIDS+=($NG); wait_tcp 8081
NG_WRK=$(wrk_rps "http://[$SA]:8081/small.bin")
NG_AB=$(ab_rps "http://[$SA]:8081/small.bin")
kill $NG; wait $NG 2>/dev/null || true
LOAD_END=$(load)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
fastest_many() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }
FAST_PEER=$(awk -v a="$HPA" -v b="$DNSMASQ" 'BEGIN { print (a > b ? a : b) }')
FAST_MANY=$(fastest_many "$HPA_MANY" "$DNSMASQ_MANY")
printf '\nboot-bench: one run, load average %s at start, %s at end, %s cores\n' "$LOAD_START" "$LOAD_END" "$(nproc)"
printf '\nHTTP, 1 KiB asset, requests/s (kubermesh per-exchange log: %s)\n' "${BOOT_LOG:-warn}"
printf '%-40s %12s %12s %8s\n' "client" "kubermesh" "nginx" "ratio"
printf '%-40s %12.0f %12.0f %8s\n' "wrk -t2 -c32 (keep-alive)" "$KM_WRK" "$NG_WRK" "$(ratio "$KM_WRK" "$NG_WRK")"
printf '%-40s %12.0f %12.0f %8s\n' "ab -c32 (new connection per request)" "$KM_AB" "$NG_AB" "$(ratio "$KM_AB" "$NG_AB")"
if [ -n "${OLD_JAR:-}" ]; then
  printf '%-40s %12.0f %12.0f %8s\n' "wrk, hand-written server (before)" "$OLD_WRK" "$NG_WRK" "$(ratio "$OLD_WRK" "$NG_WRK")"
  printf '%-40s %12.0f %12.0f %8s\n' "ab, hand-written server (before)" "$OLD_AB" "$NG_AB" "$(ratio "$OLD_AB" "$NG_AB")"
fi
if [ "${BOTH_LOGS:-0}" = 1 ]; then
  printf '%-40s %12.0f %12.0f %8s\n' "wrk, kubermesh logging every exchange" "$KM_WRK_LOG" "$NG_WRK" "$(ratio "$KM_WRK_LOG" "$NG_WRK")"
  printf '%-40s %12.0f %12.0f %8s\n' "ab, kubermesh logging every exchange" "$KM_AB_LOG" "$NG_AB" "$(ratio "$KM_AB_LOG" "$NG_AB")"
fi
printf '\nTFTP, %s clients at once x 4 MiB (atftp blksize 1468), seconds until all done, best of %s\n' "$CLIENTS" "$RUNS"
printf '%-40s %12.2f\n' "kubermesh" "$KM_MANY" "tftpd-hpa" "$HPA_MANY" "dnsmasq" "$DNSMASQ_MANY"
printf 'ratio (fastest peer time / kubermesh time): %s\n' "$(ratio "$FAST_MANY" "$KM_MANY")"
printf '\nTFTP, one client x 64 MiB, MiB/s, best of %s\n' "$RUNS"
printf '%-40s %12.1f\n' "kubermesh blksize 1468" "$KM_TFTP" "tftpd-hpa blksize 1468" "$HPA" "dnsmasq blksize 1468" "$DNSMASQ" \
  "kubermesh blksize 1468 windowsize 16" "$KM_W16"
printf 'ratios to the fastest peer: blksize 1468 %s, windowsize 16 %s\n' "$(ratio "$KM_TFTP" "$FAST_PEER")" \
  "$(ratio "$KM_W16" "$FAST_PEER")"
