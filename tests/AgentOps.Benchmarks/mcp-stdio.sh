#!/usr/bin/env bash
# Our Kubectl MCP server against the Go kubernetes-mcp-server (npm kubernetes-mcp-server@0.0.67), both over stdio, on
# the same fake Kubernetes API, driven by the same C# MCP client in one run: tools/call round trip of namespaces_list
# (p50, p99) and cold start (process start to first result). Release builds only. Not part of CI.
# Our server is measured twice: as the CLI starts it (dotnet <dll> from the build output) and as its Native AOT publish.
# Usage: tests/AgentOps.Benchmarks/mcp-stdio.sh [--calls N] [--warmup N] [--cold N] [--protocol VERSION]
set -euo pipefail
cd "$(dirname "$0")/../.."
go_server=tests/interop/node_modules/kubernetes-mcp-server-linux-amd64/bin/kubernetes-mcp-server-linux-amd64
[ -x "$go_server" ] || npm ci --prefix tests/interop
rid="$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')"
out=tests/AgentOps.Benchmarks/bin/mcp-stdio
dotnet build -c Release tools/AgentOps.Tools.Kubectl -v q -nologo >/dev/null
dotnet publish -c Release -r "$rid" tools/AgentOps.Tools.Kubectl -o "$out/kubectl-aot" -v q -nologo >/dev/null
dotnet build -c Release tests/AgentOps.Benchmarks -v q -nologo >/dev/null
exec dotnet run -c Release --no-build --project tests/AgentOps.Benchmarks -- mcp-stdio \
  --kubectl "kubectl: dotnet dll, as the CLI starts it=tools/AgentOps.Tools.Kubectl/bin/Release/net10.0/AgentOps.Tools.Kubectl.dll" \
  --kubectl "kubectl: Native AOT publish=$out/kubectl-aot/AgentOps.Tools.Kubectl" \
  --go "$go_server" "$@"
