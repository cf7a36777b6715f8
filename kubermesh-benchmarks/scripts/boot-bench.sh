#!/usr/bin/env bash
# Whole-process benchmark of kubermesh's boot servers against their peers, same run, same client.
#   TFTP: a 64 MiB file fetched with atftp (blksize 1468) from kubermesh, tftpd-hpa and dnsmasq;
#         kubermesh again with windowsize 8 and 32 (RFC 7440; the peers do not accept it).
#   HTTP: the same file fetched with curl from kubermesh's BootHttpServer and nginx.
# Namespaces kmbt-bsrv / kmbt-bcli joined by veth kmbt1a/kmbt1b; everything is removed on exit.
# Needs root. Run from the repository root after: mvn -B -q -pl kubermesh-benchmarks -am package -DskipTests
set -euo pipefail
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/kubermesh-benchmarks/target/benchmarks.jar"
[ -f "$JAR" ] || { echo "build first: mvn -B -q -pl kubermesh-benchmarks -am package -DskipTests" >&2; exit 3; }
for b in atftp:atftp in.tftpd:tftpd-hpa dnsmasq:dnsmasq-base nginx:nginx-light curl:curl; do
  command -v "${b%%:*}" >/dev/null || { echo "missing ${b%%:*}: apt-get install -y ${b##*:}" >&2; exit 3; }
done
S=kmbt-bsrv C=kmbt-bcli SA=2001:db8:6::1 CA=2001:db8:6::2
W=$(mktemp -d /tmp/kmbt-bench.XXXXXX); chmod 755 "$W"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
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
ip -n $S link set kmbt1a up; ip -n $C link set kmbt1b up
mkdir -p "$W/root" "$W/state" "$W/out"; chmod 755 "$W/root"
head -c $((64 << 20)) /dev/urandom > "$W/root/big.bin"; chmod 644 "$W/root/big.bin"
SUM=$(sha256sum < "$W/root/big.bin")
head -c $((8 << 20)) /dev/urandom > "$W/root/mid.bin"; chmod 644 "$W/root/mid.bin"
MIDSUM=$(sha256sum < "$W/root/mid.bin")
CLIENTS=${CLIENTS:-32}

now() { date +%s.%N; }
# fetch_tftp LABEL OPTIONS... ; prints best MiB/s of RUNS
fetch_tftp() {
  local best=0
  for i in $(seq "$RUNS"); do
    rm -f "$W/out/f"
    local t0 t1; t0=$(now)
    ip netns exec $C atftp "$@" -g -r big.bin -l "$W/out/f" $SA >/dev/null 2>&1 || { echo 0; return; }
    t1=$(now)
    [ "$(sha256sum < "$W/out/f")" = "$SUM" ] || { echo 0; return; }
    best=$(awk -v b="$best" -v t0="$t0" -v t1="$t1" 'BEGIN { r = 64 / (t1 - t0); print (r > b ? r : b) }')
  done
  echo "$best"
}
# fetch_many OPTIONS... : CLIENTS atftp at once, each 8 MiB; prints aggregate MiB/s (0 if any copy is wrong)
fetch_many() {
  local pids=() t0 t1
  t0=$(now)
  for i in $(seq "$CLIENTS"); do
    ip netns exec $C atftp "$@" -g -r mid.bin -l "$W/out/m$i" $SA >/dev/null 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || { echo 0; return; }; done
  t1=$(now)
  for i in $(seq "$CLIENTS"); do [ "$(sha256sum < "$W/out/m$i")" = "$MIDSUM" ] || { echo 0; return; }; rm -f "$W/out/m$i"; done
  awk -v n="$CLIENTS" -v t0="$t0" -v t1="$t1" 'BEGIN { print n * 8 / (t1 - t0) }'
}
fetch_http() {
  local best=0
  for i in $(seq "$RUNS"); do
    local bps; bps=$(ip netns exec $C curl -sS -g -o "$W/out/h" -w '%{speed_download}' "http://[$SA]:$1/$2")
    [ "$(sha256sum < "$W/out/h")" = "$SUM" ] || { echo 0; return; }
    best=$(awk -v b="$best" -v s="$bps" 'BEGIN { r = s / 1048576; print (r > b ? r : b) }')
  done
  echo "$best"
}
wait_ready() { for i in $(seq 100); do grep -q READY "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "not ready: $(cat "$1")" >&2; exit 1; }
wait_udp() { for i in $(seq 50); do ip netns exec $S ss -uln | grep -q ":69 " && return 0; sleep 0.1; done; }
wait_tcp() { for i in $(seq 50); do ip netns exec $S ss -tln | grep -q ":$1 " && return 0; sleep 0.1; done; }

# kubermesh
mkdir -p "$W/assets"; ln "$W/root/big.bin" "$W/assets/big.bin"
ip netns exec $S java -Xmx512m -cp "$JAR" io.kubermesh.benchmarks.boot.BootServe tftp-root="$W/root" iface=kmbt1a \
  http-assets="$W/assets" http-state="$W/state" http-port=8080 > "$W/km.log" 2>&1 &
PIDS+=($!); KM=$!; wait_ready "$W/km.log"
# warm the JIT the way a long-running node would be
fetch_tftp --option "blksize 1468" >/dev/null; fetch_http 8080 assets/big.bin >/dev/null
KM_1468=$(fetch_tftp --option "blksize 1468")
KM_W8=$(fetch_tftp --option "blksize 1468" --option "windowsize 8")
KM_W32=$(fetch_tftp --option "blksize 1468" --option "windowsize 32")
KM_HTTP=$(fetch_http 8080 assets/big.bin)
KM_MANY=$(fetch_many --option "blksize 1468")
KM_MANY_W8=$(fetch_many --option "blksize 1468" --option "windowsize 8")
kill $KM; wait $KM 2>/dev/null || true

# tftpd-hpa
ip netns exec $S in.tftpd -L -s "$W/root" -a "[$SA]:69" > "$W/tftpd.log" 2>&1 &
PIDS+=($!); TF=$!; wait_udp
HPA=$(fetch_tftp --option "blksize 1468")
HPA_MANY=$(fetch_many --option "blksize 1468")
kill $TF; wait $TF 2>/dev/null || true

# dnsmasq
ip netns exec $S dnsmasq -k -C /dev/null --enable-tftp --tftp-root="$W/root" --port=0 --tftp-single-port \
  --interface=kmbt1a --bind-interfaces --pid-file="$W/dnsmasq.pid" --user=root > "$W/dnsmasq.log" 2>&1 &
PIDS+=($!); DM=$!; wait_udp
DNSMASQ=$(fetch_tftp --option "blksize 1468")
DNSMASQ_MANY=$(fetch_many --option "blksize 1468")
kill $DM; wait $DM 2>/dev/null || true

# nginx
cat > "$W/nginx.conf" <<NGX
daemon off; worker_processes 1; pid $W/nginx.pid; error_log $W/nginx-error.log;
events { worker_connections 64; }
http { access_log off; sendfile on; tcp_nopush on;
  server { listen [::]:8081; root $W/root; } }
NGX
ip netns exec $S nginx -c "$W/nginx.conf" -p "$W" > "$W/nginx.log" 2>&1 &
PIDS+=($!); NG=$!; wait_tcp 8081
NGINX=$(fetch_http 8081 big.bin)
kill $NG; wait $NG 2>/dev/null || true

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
printf '\n64 MiB over veth, best of %s runs, same client, same run\n' "$RUNS"
printf '%-44s %10s\n' "server (client options)" "MiB/s"
printf '%-44s %10.1f\n' "kubermesh TFTP (atftp blksize 1468)" "$KM_1468"
printf '%-44s %10.1f\n' "tftpd-hpa (atftp blksize 1468)" "$HPA"
printf '%-44s %10.1f\n' "dnsmasq TFTP (atftp blksize 1468)" "$DNSMASQ"
printf '%-44s %10.1f\n' "kubermesh TFTP (blksize 1468, windowsize 8)" "$KM_W8"
printf '%-44s %10.1f\n' "kubermesh TFTP (blksize 1468, windowsize 32)" "$KM_W32"
printf '%-44s %10.1f\n' "kubermesh HTTP asset (curl)" "$KM_HTTP"
printf '%-44s %10.1f\n' "nginx (curl)" "$NGINX"
printf '\n%s clients at once, 8 MiB each, aggregate MiB/s\n' "$CLIENTS"
printf '%-44s %10.1f\n' "kubermesh TFTP (atftp blksize 1468)" "$KM_MANY"
printf '%-44s %10.1f\n' "tftpd-hpa (atftp blksize 1468)" "$HPA_MANY"
printf '%-44s %10.1f\n' "dnsmasq TFTP (atftp blksize 1468)" "$DNSMASQ_MANY"
printf '%-44s %10.1f\n' "kubermesh TFTP (blksize 1468, windowsize 8)" "$KM_MANY_W8"
FASTEST=$(awk -v a="$HPA" -v b="$DNSMASQ" 'BEGIN { print (a > b ? a : b) }')
printf '\nratios: TFTP equal options vs tftpd-hpa %s, vs dnsmasq %s, vs fastest peer %s\n' \
  "$(ratio "$KM_1468" "$HPA")" "$(ratio "$KM_1468" "$DNSMASQ")" "$(ratio "$KM_1468" "$FASTEST")"
printf '        TFTP windowsize 8 vs fastest peer %s, windowsize 32 vs fastest peer %s\n' \
  "$(ratio "$KM_W8" "$FASTEST")" "$(ratio "$KM_W32" "$FASTEST")"
printf '        HTTP vs nginx %s\n' "$(ratio "$KM_HTTP" "$NGINX")"
FASTEST_MANY=$(awk -v a="$HPA_MANY" -v b="$DNSMASQ_MANY" 'BEGIN { print (a > b ? a : b) }')
printf '        %s clients: equal options vs fastest peer %s, windowsize 8 vs fastest peer %s\n' "$CLIENTS" \
  "$(ratio "$KM_MANY" "$FASTEST_MANY")" "$(ratio "$KM_MANY_W8" "$FASTEST_MANY")"
