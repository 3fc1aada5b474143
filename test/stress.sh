#!/usr/bin/env bash
# The whole test suite, several times in a row, on a machine made busy on purpose: one CPU burner per
# core and a disk writer (fdatasync'd, bounded, in a temp dir) for the whole time. Every run must
# pass. Limits in tests scale with GWSEC_TEST_TIME_SCALE (test/helpers/time.ts); this script sets it
# to 3 unless you set it yourself. See docs/TESTING.md.
#
#   bash test/stress.sh              # build once, then 3 runs of ava
#   RUNS=1 bash test/stress.sh       # one run
#   STRESS_WRITE_MB=512 bash test/stress.sh
#   bash test/stress.sh build/test/fleet/*.test.js   # only these test files (ava arguments)
#
# Exit 0 when every run passed; 1 when one failed (its log is kept and named); 2 on bad settings.
set -uo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-3}"
WRITE_MB="${STRESS_WRITE_MB:-256}"
export GWSEC_TEST_TIME_SCALE="${GWSEC_TEST_TIME_SCALE:-3}"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "stress: RUNS must be a positive integer, got '$RUNS'" >&2; exit 2; }
[[ "$WRITE_MB" =~ ^[1-9][0-9]*$ ]] || { echo "stress: STRESS_WRITE_MB must be a positive integer, got '$WRITE_MB'" >&2; exit 2; }

work="$(mktemp -d /tmp/gwsec-stress-XXXXXX)"
load_pids=()
cleanup() {
  [ "${#load_pids[@]}" -gt 0 ] || return 0
  # only what this script started: each load process leads a process group of its own (setsid)
  for pid in "${load_pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
  wait "${load_pids[@]}" 2>/dev/null
  load_pids=()
  # dd got the TERM too; give it a moment to go before its file does
  for _ in 1 2 3 4 5 6 7 8 9 10; do pgrep -f "of=$work/fill" >/dev/null || break; sleep 0.2; done
  rm -f "$work/fill"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "stress: building once (npm run build, npm run lint)"
npm run build >"$work/build.log" 2>&1 || { cat "$work/build.log"; echo "stress: build failed" >&2; exit 1; }
npm run lint >"$work/lint.log" 2>&1 || { cat "$work/lint.log"; echo "stress: lint failed" >&2; exit 1; }

cores="$(nproc)"
for _ in $(seq "$cores"); do
  setsid sh -c 'while :; do :; done' </dev/null >/dev/null 2>&1 &
  load_pids+=("$!")
done
# rewrite a bounded file over and over, each pass flushed to the disk
setsid sh -c 'while :; do dd if=/dev/zero of="$1" bs=1M count="$2" conv=fdatasync status=none; rm -f "$1"; done' sh "$work/fill" "$WRITE_MB" </dev/null >/dev/null 2>&1 &
load_pids+=("$!")
echo "stress: load started: $cores CPU burner(s), a disk writer (${WRITE_MB} MB passes, fdatasync) in $work; GWSEC_TEST_TIME_SCALE=$GWSEC_TEST_TIME_SCALE"

failed=0
summary=()
for run in $(seq "$RUNS"); do
  log="$work/run-$run.log"
  start=$(date +%s)
  npx ava "$@" >"$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  # ava prints "N tests passed" only when none failed: count the marks instead
  passed=$(grep -cE '^ +✔' "$log")
  fails=$(grep -cE '^ +✘' "$log")
  line="run $run/$RUNS: exit $rc, ${secs} s, ${passed:-0} passed, ${fails:-0} failed"
  summary+=("$line")
  echo "stress: $line"
  if [ "$rc" -ne 0 ]; then
    failed=1
    grep -E '✘|Uncaught|Unhandled|Timed out' "$log" | head -40
    echo "stress: full log kept: $log"
  fi
done

cleanup
echo "stress: $(date -u +%Y-%m-%dT%H:%MZ) on $cores cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
printf 'stress: %s\n' "${summary[@]}"
if [ "$failed" -eq 0 ]; then
  rm -rf "$work"
  echo "stress: all $RUNS runs passed"
else
  echo "stress: FAILED (logs in $work)"
fi
exit "$failed"
