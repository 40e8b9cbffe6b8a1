#!/usr/bin/env bash
# Peak memory (maximum resident set size) of `pricewar sweep` for 1,000 and 10,000 runs of the
# small benchmark market: streaming output keeps it flat as the number of runs grows.
#
#   bash benches/sweep-memory.sh            # after cargo build --release
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/pricewar
[ -x "$bin" ] || cargo build --release
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package \`time\`)" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for runs in 1000 10000; do
  for jobs in 1 2; do
    /usr/bin/time -f "%M %e" -o "$scratch/time" \
      "$bin" sweep benches/sweep-small.yaml --replicates "$runs" --jobs "$jobs" \
      --out "$scratch/out-$runs-$jobs" --quiet
    read -r kb secs < "$scratch/time"
    rate=$(awk -v r="$runs" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')
    printf '%6d runs, %d job(s): peak RSS %6.1f MiB, %6.2f s wall (%s runs/s)\n' \
      "$runs" "$jobs" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')" "$secs" "$rate"
    rm -rf "$scratch/out-$runs-$jobs"
  done
done
