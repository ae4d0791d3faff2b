#!/usr/bin/env bash
# The one test command (README "Quick start", and what .ci/run calls).
# It installs what the tests need that .NET does not bring, then runs the whole suite:
#   - the Debian packages prometheus (a real Prometheus for the Prometheus tool server's tests);
#   - the npm packages in tests/interop (MCP clients and servers we did not write: the Inspector CLI, the TypeScript
#     SDK, the conformance suite, and the Go kubernetes-mcp-server).
# Extra arguments go to `dotnet test`, e.g. `bash tests/run.sh --filter FullyQualifiedName~Kubectl`.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v prometheus >/dev/null 2>&1 || need_apt+=(prometheus)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
if ((${#need_apt[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages: ${need_apt[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  # The package starts a system service on :9090; the tests start their own Prometheus on a free loopback port.
  $sudo systemctl disable --now prometheus >/dev/null 2>&1 || true
fi

# Reinstall only when the lock file changed since the last install.
if [ ! -f tests/interop/node_modules/.package-lock.json ] || [ tests/interop/package-lock.json -nt tests/interop/node_modules/.package-lock.json ]; then
  echo "Installing npm packages for the interop tests"
  npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
fi

# The output goes to the console and to a log, from which one summary line is read at the end.
log="$(mktemp)"
set +e
dotnet test AgentOps.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
sum() { grep -oE "$1: +[0-9]+" "$log" | awk '{s+=$2} END {print s+0}'; }
echo "Tests: $(sum Passed) passed, $(sum Failed) failed, $(sum Skipped) skipped"
rm -f "$log"
exit "$status"
