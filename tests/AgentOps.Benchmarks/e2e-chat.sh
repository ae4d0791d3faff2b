#!/usr/bin/env bash
# Wall-clock time of the README's run command, end to end (CLI + two tool servers as child processes),
# on an already-built CLI. Not part of CI. Usage: tests/AgentOps.Benchmarks/e2e-chat.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-5}"
dotnet build -c Release src/AgentOps.Cli -v q -nologo >/dev/null
cli="src/AgentOps.Cli/bin/Release/net10.0/agentops.dll"
request="I need a PostgreSQL database for my new service payments-api, small size, EU region, with daily backups"
times=()
for i in $(seq 1 "$runs"); do
  data="$(mktemp -d)"
  start=$(date +%s%N)
  AgentOps__DataDirectory="$data" dotnet "$cli" chat "$request" --json >/dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
  rm -rf "$data"
done
# Baseline in the same run: the CLI doing nothing but parsing and printing help.
start=$(date +%s%N); dotnet "$cli" --help >/dev/null; end=$(date +%s%N)
baseline=$(( (end - start) / 1000000 ))
printf '%s\n' "${times[@]}" | sort -n | awk -v b="$baseline" '{a[NR]=$1} END {printf "chat end-to-end: median %d ms, min %d ms, max %d ms over %d runs; CLI start-up baseline %d ms (ratio %.1fx)\n", a[int((NR+1)/2)], a[1], a[NR], NR, b, a[int((NR+1)/2)]/b}'
