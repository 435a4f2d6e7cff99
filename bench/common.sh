# What bench/run and bench/handlers share; sourced, not run. Expects R (an associative array), BENCH, CLIENT, SECRET,
# CONNECTIONS, WARMUP, SECONDS_PER_RUN and RUNS to be set by the script.

# key=value lines on stdin into R.
collect() { while IFS='=' read -r k v; do [ -n "$k" ] && R[$k]=$v; done < <(grep -E '^[a-z_0-9]+=' || true); }
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }

# name url requests-per-run before-each-run: warm up for WARMUP seconds, then RUNS measured runs of distinct
# deliveries; R gets each run's figures as name_<run>_<key>, their medians as name_<key> (name_<key>_runs lists
# them), and the errors and 200s of all runs as name_errors and name_ok.
ingest_runs() {
  local name=$1 url=$2 count=$3 before=$4 run k values
  collect < <($BENCH requests --out "$CLIENT/warm.tsv" --count $(( count * WARMUP / SECONDS_PER_RUN )) --secret $SECRET)
  BENCH_REQUESTS="$CLIENT/warm.tsv" BENCH_THREADS=2 wrk -t2 -c$CONNECTIONS -d${WARMUP}s -s bench/ingest.lua "$url" >/dev/null
  rm -f "$CLIENT/warm.tsv"
  for run in $(seq $RUNS); do
    collect < <($BENCH requests --out "$CLIENT/run.tsv" --count "$count" --secret $SECRET)
    $before "$url"
    collect < <(BENCH_REQUESTS="$CLIENT/run.tsv" BENCH_THREADS=2 wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_RUN}s --latency -s bench/ingest.lua "$url" | sed "s/^ingest_/${name}_${run}_/")
    rm -f "$CLIENT/run.tsv"
  done
  for k in rps p50_ms p99_ms; do
    values=(); for run in $(seq $RUNS); do values+=("${R[${name}_${run}_$k]}"); done
    R[${name}_$k]=$(median "${values[@]}")
    R[${name}_${k}_runs]="${values[*]}"
  done
  R[${name}_errors]=0; R[${name}_ok]=0
  for run in $(seq $RUNS); do
    R[${name}_errors]=$(( R[${name}_errors] + R[${name}_${run}_errors] )); R[${name}_ok]=$(( R[${name}_ok] + R[${name}_${run}_ok] ))
  done
}
