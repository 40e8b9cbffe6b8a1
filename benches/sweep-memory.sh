#!/usr/bin/env bash
# Peak memory (maximum resident set size) and wall time of `pricewar sweep` for 1,000 and 10,000
# runs of the small benchmark market (benches/sweep-small.yaml) on 1 and 2 jobs. Streaming output
# keeps memory flat as the number of runs grows. Each configuration runs REPEATS times (default
# 5, alternating jobs) and reports its best wall time, which is what a shared machine's noise
# disturbs least, and its largest peak RSS.
#
#   bash benches/sweep-memory.sh            # after cargo build --release
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/pricewar
[ -x "$bin" ] || cargo build --release
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package \`time\`)" >&2; exit 1; }
repeats=${REPEATS:-5}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for runs in 1000 10000; do
  for ((k = 0; k < repeats; k++)); do
    for jobs in 1 2; do
      /usr/bin/time -f "%M %e" -o "$scratch/time" \
        "$bin" sweep benches/sweep-small.yaml --replicates "$runs" --jobs "$jobs" \
        --out "$scratch/out" --quiet
      rm -rf "$scratch/out"
      echo "$runs $jobs $(cat "$scratch/time")" >> "$scratch/all"
    done
  done
done
awk '{ key = $1 " " $2
       if (!(key in rss) || $3 > rss[key]) rss[key] = $3
       if (!(key in wall) || $4 < wall[key]) wall[key] = $4 }
     END { for (key in rss) { split(key, a, " ")
             printf "%6d runs, %d job(s): peak RSS %5.1f MiB, best wall %6.2f s (%5.0f runs/s)\n",
               a[1], a[2], rss[key] / 1024, wall[key], a[1] / wall[key] } }' "$scratch/all" | sort -n
