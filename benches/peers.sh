#!/usr/bin/env bash
# Whole-process comparisons with the peers of ../shared/reference, back to back on this machine:
# pricewar against the NumPy version of the 1M × 8 × 100 logit market (1 and 2 threads), the
# hand-tuned reference loop built for this CPU, and Mesa's batch_run of 1,000 small runs; prints
# wall times, peak memory and the ratios. Run from the checkout: bash benches/peers.sh
# (it builds pricewar, the reference loop and a Python venv with NumPy and Mesa under target/).
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${REFERENCE:-../shared/reference}
work=target/peers
mkdir -p "$work"
cargo build --release --quiet
# Built from its own folder, so that its .cargo/config.toml (target-cpu=native) applies.
(cd "$ref/logit-loop" && CARGO_TARGET_DIR="$OLDPWD/target/reference" cargo build --release --quiet)
if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet -r "$ref/python/requirements.txt"
fi
py="$work/venv/bin/python"
pw=target/release/pricewar
python3 "$ref/python/logit_war_scenario.py" --n 1000000 --v 8 --r 100 > "$work/logitwar.yaml"
python3 "$ref/python/logit_war_scenario.py" --n 100 --v 8 --r 20 --benchmarks true > "$work/small.yaml"
python3 "$ref/python/logit_war_scenario.py" --n 100 --v 8 --r 20 > "$work/small-nobench.yaml"

# wall seconds and peak KiB of a command, as "seconds kib"
measure() { /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2>&1; cat "$work/time"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
read -r pw1 pwm1 < <(measure $pw run "$work/logitwar.yaml" --threads 1 --quiet --out "$work/o")
read -r pw2 pwm2 < <(measure $pw run "$work/logitwar.yaml" --threads 2 --quiet --out "$work/o")
read -r np npm < <(measure "$py" "$ref/python/numpy_logit_war.py" --n 1000000 --v 8 --r 100 --out "$work/np.parquet")
read -r rf1 rfm < <(measure env RAYON_NUM_THREADS=1 target/reference/release/rust_limit --n 1000000 --v 8 --r 100 --out "$work/ref.csv")
read -r rf2 _ < <(measure env RAYON_NUM_THREADS=2 target/reference/release/rust_limit --n 1000000 --v 8 --r 100 --out "$work/ref.csv")
echo "1M buyers x 8 vendors x 100 rounds, whole process:"
echo "  pricewar 1 thread   ${pw1} s  ${pwm1} KiB peak"
echo "  pricewar 2 threads  ${pw2} s"
echo "  NumPy               ${np} s  ${npm} KiB peak   pricewar is $(ratio "$np" "$pw1")x faster on 1 thread"
echo "  reference loop      ${rf1} s / ${rf2} s (1 / 2 threads)  ${rfm} KiB peak   pricewar takes $(ratio "$pw1" "$rf1")x its time"
rm -rf "$work/s"
read -r sw _ < <(measure $pw sweep "$work/small.yaml" --replicates 1000 --jobs 2 --quiet --out "$work/s")
rm -rf "$work/s"
read -r swn _ < <(measure $pw sweep "$work/small-nobench.yaml" --replicates 1000 --jobs 2 --quiet --out "$work/s")
rm -rf "$work/s"
read -r ss _ < <(measure $pw sweep benches/sweep-small.yaml --jobs 2 --quiet --out "$work/s")
rm -rf "$work/s"
read -r me _ < <(measure "$py" "$ref/python/mesa_sweep.py" 1000 2)
echo "1,000 runs of 100 buyers x 8 vendors x 20 rounds, 2 jobs / processes:"
echo "  pricewar, benchmarks on   ${sw} s   (off: ${swn} s; on costs $(ratio "$sw" "$swn")x off)"
echo "  Mesa batch_run            ${me} s   pricewar is $(ratio "$me" "$sw")x faster"
echo "benches/sweep-small.yaml, 1,000 runs, 2 jobs: ${ss} s = $(python3 -c "print(round(1000 / $ss))") runs/s"
