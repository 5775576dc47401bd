#!/bin/bash
# Side-by-side benchmark on this machine: the PyTorch peer (../shared/peers/pytorch) and tl on the same
# ResNet50 weights and the same hymenoptera split, interleaved, one process at a time. Nothing else may
# run on the machine meanwhile. Writes logs and a summary to $OUT (default /tmp/tl-bench).
#
#   bash docs/bench/side-by-side.sh [fe|compare|strategies|leaderboard|scale|bench|all]
#
# Prerequisites: ../shared/peers/pytorch/setup.sh done (PyTorch + jemalloc + weights in ~/.cache/tl-peer),
# ./tl built, data/hymenoptera present. For "scale", the 2x/4x datasets are made by docs/bench/scale-data.py.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/tl-bench}; mkdir -p "$OUT"
PW=${PEER_WORK:-$HOME/.cache/tl-peer}; export PEER_WORK=$PW
PEER=../shared/peers/pytorch
TUNED="env LD_PRELOAD=$PW/jemalloc/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 LD_LIBRARY_PATH=$PW/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread"
now() { date +%s.%N; }
wall() { echo "$2 - $1" | bc; }
cold() { rm -rf models/features; }
# first epoch whose val accuracy reaches $2, from a tl run's metrics.csv: "epoch process_seconds"
reach() { awk -F, -v t="$2" 'NR==1{for(i=1;i<=NF;i++)h[$i]=i;next} $h["val_accuracy"]>=t{print $h["epoch"], $h["process_seconds"]; exit}' "$1/metrics.csv"; }
newest() { ls -td "$1"/*/ | head -1; }

fe() {
  for round in 1 2; do
    s=$(now); /usr/bin/python3 $PEER/hymenoptera.py feat > "$OUT/peer-fe-$round.log" 2>&1; e=$(now)
    echo "fe round $round peer-as-installed wall $(wall $s $e) $(grep -o '"val_acc_final": [0-9.]*\|"first_reach_0.92": {[^}]*}' "$OUT/peer-fe-$round.log" | tr '\n' ' ')"
    s=$(now); $TUNED /usr/bin/python3 $PEER/hymenoptera.py feat > "$OUT/peer-fe-tuned-$round.log" 2>&1; e=$(now)
    echo "fe round $round peer-tuned wall $(wall $s $e) $(grep -o '"val_acc_final": [0-9.]*\|"first_reach_0.92": {[^}]*}' "$OUT/peer-fe-tuned-$round.log" | tr '\n' ' ')"
    cold; s=$(now); ./tl train --json --runs-dir "$OUT/runs" > "$OUT/tl-fe-$round.json" 2> "$OUT/tl-fe-$round.err"; e=$(now)
    echo "fe round $round tl-cold wall $(wall $s $e) val_acc $(grep -o '"val_accuracy" *: *[0-9.]*' "$OUT/tl-fe-$round.json" | head -1) reach0.92 $(reach "$(newest "$OUT/runs")" 0.92)"
    s=$(now); ./tl train --json --runs-dir "$OUT/runs" > "$OUT/tl-fe-warm-$round.json" 2> "$OUT/tl-fe-warm-$round.err"; e=$(now)
    echo "fe round $round tl-warm wall $(wall $s $e) val_acc $(grep -o '"val_accuracy" *: *[0-9.]*' "$OUT/tl-fe-warm-$round.json" | head -1) reach0.92 $(reach "$(newest "$OUT/runs")" 0.92)"
  done
}

compare() {
  strategies
  leaderboard
}

strategies() {
  # All four strategies with their shipped configs, each from a cold feature cache, and the peer's fine-tune.
  for cfg in quickstart head-replace fine-tune progressive; do
    cold; s=$(now); ./tl train -c configs/$cfg.yaml --json --runs-dir "$OUT/runs" > "$OUT/tl-$cfg.json" 2> "$OUT/tl-$cfg.err"; rc=$?; e=$(now)
    echo "strategy $cfg rc=$rc wall $(wall $s $e) val_acc $(grep -o '"val_accuracy" *: *[0-9.]*' "$OUT/tl-$cfg.json" | head -1) reach0.92(epoch,s) $(reach "$(newest "$OUT/runs")" 0.92)"
  done
  s=$(now); $TUNED /usr/bin/python3 $PEER/hymenoptera.py finetune --scope stage5 > "$OUT/peer-ft-tuned.log" 2>&1; e=$(now)
  echo "peer-tuned finetune stage5 wall $(wall $s $e) $(grep -o '"val_acc_final": [0-9.]*\|"first_reach_0.92": {[^}]*}' "$OUT/peer-ft-tuned.log" | tr '\n' ' ')"
}

leaderboard() {
  cold; s=$(now); ./tl compare --data data/hymenoptera --runs-dir "$OUT/runs" > "$OUT/tl-compare.out" 2> "$OUT/tl-compare.err"; rc=$?; e=$(now)
  echo "tl compare rc=$rc wall $(wall $s $e)"; cat "$OUT/tl-compare.out"
}

scale() {
  # Cost against dataset size: feature-extract from a cold cache at 1x, 2x and 4x the images.
  [ -d /tmp/scale/hym-4x ] || /usr/bin/python3 docs/bench/scale-data.py /tmp/scale
  for k in 1 2 4; do
    d=data/hymenoptera; [ $k -gt 1 ] && d=/tmp/scale/hym-${k}x
    sed "s#^DATA = .*#DATA = '$(realpath $d)'#" $PEER/hymenoptera.py > "$OUT/peer-hym-$k.py"
    s=$(now); (PYTHONPATH=$(realpath $PEER) $TUNED /usr/bin/python3 "$OUT/peer-hym-$k.py" feat) > "$OUT/peer-scale-$k.log" 2>&1; e=$(now)
    echo "scale ${k}x peer-tuned wall $(wall $s $e) $(grep -o 'extracted [^)]*)' "$OUT/peer-scale-$k.log")"
    cold; s=$(now); ./tl train --data $d --json --runs-dir "$OUT/runs" > "$OUT/tl-scale-$k.json" 2> "$OUT/tl-scale-$k.err"; e=$(now)
    echo "scale ${k}x tl-cold wall $(wall $s $e) featurize_s $(grep -o '"featurize_seconds" *: *[0-9.]*' "$OUT/tl-scale-$k.json" | head -1)"
  done
}

bench() {
  ./tl bench --backbone resnet50 > "$OUT/tl-bench.out" 2> "$OUT/tl-bench.err"; cat "$OUT/tl-bench.out"
  $TUNED /usr/bin/python3 $PEER/bench.py --out "$OUT/peer-bench.jsonl" > "$OUT/peer-bench.log" 2>&1; tail -20 "$OUT/peer-bench.log"
}

case "${1:-all}" in
  fe) fe ;; compare) compare ;; strategies) strategies ;; leaderboard) leaderboard ;; scale) scale ;; bench) bench ;;
  all) fe; compare; scale; bench ;;
  *) echo "usage: $0 [fe|compare|strategies|leaderboard|scale|bench|all]" >&2; exit 2 ;;
esac
