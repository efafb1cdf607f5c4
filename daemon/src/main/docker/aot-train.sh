#!/bin/sh
# Writes the JDK AOT cache (JEP 483, 514, 515; JDK 25) that the container image starts with: one
# training run of the daemon on its built-in sandbox API server (a cold apply of an overlay, then a
# no-op cycle), ended by SIGTERM, on which the JVM writes the cache.
#
#   aot-train.sh APP_DIR CACHE REPO OVERLAY_PATH [JVM OPTION...]
#
# APP_DIR is the aot-jar build (mvn -Paot package: daemon/target/quarkus-app-aot), at the path it will run
# from; JAVA (default java) is the JDK that will run it. The cache only serves the same JDK build,
# class path and JVM options, so give the options the daemon runs with (@jvm.options).
set -eu
if [ $# -lt 4 ]; then
  echo "usage: aot-train.sh APP_DIR CACHE REPO OVERLAY_PATH [JVM OPTION...]" >&2
  exit 2
fi
app=$1 cache=$2 repo=$3 overlay=$4
shift 4
port=${AOT_TRAIN_PORT:-18089}
log="$cache.log"
# No training data (method profiles, JEP 515): they serve C2, and the daemon runs C1 only
# (jvm.options); left out, the cache is 3 MiB smaller, and so is the daemon's resident memory.
"${JAVA:-java}" "$@" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining -XX:AOTCacheOutput="$cache" -Dquarkus.http.port="$port" -Dgitops.source.interval=2s \
  -jar "$app/quarkus-run.jar" run --sandbox --repo "$repo" --path "$overlay" --cluster aot-training --env training \
  >"$log" 2>&1 &
pid=$!
waited=0
while :; do
  result=$(curl -fs "http://127.0.0.1:$port/status" 2>/dev/null | tr -d ' \n' | sed -n 's/.*"lastResult":"\([a-z]*\)".*/\1/p')
  [ "$result" = noop ] && break
  if [ "$result" = failed ] || [ "$result" = blocked ] || ! kill -0 "$pid" 2>/dev/null || [ "$waited" -ge 120 ]; then
    echo "aot-train: the training run reached no no-op cycle (last result: ${result:-none}, ${waited}s); see $log" >&2
    kill "$pid" 2>/dev/null || true
    exit 1
  fi
  waited=$((waited + 1))
  sleep 1
done
kill -TERM "$pid"
wait "$pid" || true
if [ ! -s "$cache" ]; then
  echo "aot-train: the JVM wrote no AOT cache; see $log" >&2
  exit 1
fi
echo "aot-train: $cache ($(du -m "$cache" | cut -f1) MiB) from a cold apply and a no-op cycle of $overlay"
