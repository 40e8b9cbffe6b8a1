#!/usr/bin/env bash
# End-to-end test of sweeps on a real Slurm cluster: installs Debian's slurmctld, slurmd and
# munge, starts a one-node cluster on this machine, submits the job-array script of README.md
# ("Running on a Slurm cluster"), waits for it, checks that the union of its shards equals the
# unsharded sweep, and stops the daemons it started. Needs root (apt-get, daemons as root).
#
#   bash tests/slurm/run.sh        # from a checkout; builds the release binary if needed
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

log() { echo "slurm-e2e: $*"; }

# --- Slurm and munge from Debian ----------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
  || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  log "installing slurmctld slurmd munge"
  export DEBIAN_FRONTEND=noninteractive
  install() { apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge; }
  install >/dev/null || { apt-get update >/dev/null && install >/dev/null; }
fi

log "building the release binary"
cargo build --release --quiet --bin pricewar --example sweep_equal

# --- A one-node cluster in a temporary directory ------------------------------------------------
work=$(mktemp -d /tmp/pricewar-slurm.XXXXXX)
chmod 700 "$work"
pids=()
cleanup() {
  local status=$?
  # Stop only the daemons this script started, newest first.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    for f in "$work"/*.log "$work"/slurm-*.out; do
      [ -f "$f" ] && { echo "--- $f"; tail -n 40 "$f"; }
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

host=$(hostname -s)
cpus=$(nproc)
# Ports of our own, so that a second run (or a cluster already on the machine) does not clash.
base=$((20000 + ($$ % 2000) * 2))
mkdir -p "$work/state" "$work/spool"

dd if=/dev/urandom of="$work/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge.key"
munged -F --force --key-file="$work/munge.key" --socket="$work/munge.socket" \
  --pid-file="$work/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munged.seed" \
  >"$work/munged.stdout.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -S "$work/munge.socket" ] && break; sleep 0.1; done
[ -S "$work/munge.socket" ] || { log "munged did not start"; exit 1; }

cat > "$work/slurm.conf" <<CONF
ClusterName=pricewar-e2e
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
MinJobAge=3600
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"

slurmctld -D -i -f "$SLURM_CONF" >"$work/slurmctld.stdout.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$work/slurmd.stdout.log" 2>&1 &
pids+=($!)

log "waiting for node $host ($cpus CPUs)"
for _ in $(seq 300); do
  state=$(sinfo -h -n "$host" -o %t 2>/dev/null || true)
  case "$state" in idle*|mix*|alloc*) break ;; esac
  sleep 0.2
done
case "$state" in idle*|mix*|alloc*) ;; *) log "node not ready (state '$state')"; exit 1 ;; esac

# --- The README's job-array script ---------------------------------------------------------------
awk '/<!-- slurm-job-array-script -->/ { found = 1; next }
     found && /^```/ { if (inside) exit; inside = 1; next }
     inside { print }' README.md > "$work/sweep.sbatch"
grep -q '^#SBATCH --array' "$work/sweep.sbatch" || { log "no job-array script in README.md"; exit 1; }

scenario=scenarios/undercut-sweep.yaml
args=(--replicates 4 --runs-per-part 3)
out="$work/shards"
log "submitting a 3-task job array"
job=$(sbatch --parsable --array=0-2 --cpus-per-task=1 --chdir="$repo" \
  --output="$work/slurm-%A_%a.out" \
  --export=ALL,PRICEWAR="$repo/target/release/pricewar",SCENARIO="$scenario",OUT="$out" \
  "$work/sweep.sbatch" "${args[@]}")
job=${job%%;*}
log "job $job submitted"

deadline=$((SECONDS + 240))
while [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; do
  [ "$SECONDS" -lt "$deadline" ] || { log "job $job did not finish in time"; scontrol show job "$job" || true; exit 1; }
  sleep 1
done
states=$(scontrol -o show job "$job" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c)
log "task states: $(echo $states)"
tasks=$(scontrol -o show job "$job" | grep -c 'JobState=COMPLETED.*ExitCode=0:0' || true)
[ "$tasks" -eq 3 ] || { log "expected 3 completed tasks"; scontrol -o show job "$job"; exit 1; }

# --- The union of the shards equals the unsharded sweep -----------------------------------------
log "running the same sweep unsharded"
target/release/pricewar sweep "$scenario" "${args[@]}" --out "$work/whole" --jobs "$cpus" --quiet
for k in 0 1 2; do
  [ -d "$out/runs/shard=000$k" ] || { log "shard $k wrote nothing"; exit 1; }
done
target/release/examples/sweep_equal "$work/whole" "$out"
log "passed"
