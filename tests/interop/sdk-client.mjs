#!/usr/bin/env node
// A minimal MCP client built on the official TypeScript SDK, for checking that our tool servers work with a client
// we did not write. It connects, lists the tools, optionally calls one, and prints one JSON document on stdout.
//
//   node sdk-client.mjs --url http://127.0.0.1:PORT/mcp [--token T] [--call TOOL [--args JSON]]
//   node sdk-client.mjs [--token T] [--call TOOL [--args JSON]] -- dotnet Server.dll --jwks ... --server-id ...
//
// The delegated token goes where each transport carries it: over HTTP the Authorization: Bearer header, over stdio
// params._meta["io.agentops/credential"] of the tools/call request (stdio has no identity of its own).
//
// Exit codes: 0 when every request got a valid MCP answer, including a tool result with isError (a refused call is
// a correct answer); 1 for a usage mistake; 2 for a protocol failure (cannot connect, JSON-RPC error, bad response).
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const CREDENTIAL_META_KEY = "io.agentops/credential";

function usage(message) {
  process.stderr.write(`sdk-client: ${message}\n`);
  process.stderr.write("usage: node sdk-client.mjs (--url URL | -- COMMAND ARGS...) [--token T] [--call TOOL [--args JSON]]\n");
  process.exit(1);
}

function readOptions() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        url: { type: "string" },
        token: { type: "string" },
        call: { type: "string" },
        args: { type: "string" },
      },
      allowPositionals: true,
    });
  } catch (error) {
    usage(error.message);
  }
  const { values, positionals } = parsed;
  if (Boolean(values.url) === positionals.length > 0) {
    usage("give either --url or a server command after --, not both");
  }
  if (values.args && !values.call) {
    usage("--args needs --call");
  }
  let toolArguments = {};
  if (values.args) {
    try {
      toolArguments = JSON.parse(values.args);
    } catch (error) {
      usage(`--args is not JSON: ${error.message}`);
    }
  }
  return { url: values.url, command: positionals, token: values.token, call: values.call, toolArguments };
}

function createTransport({ url, command, token }) {
  if (url) {
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    return new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  }
  const [program, ...args] = command;
  return new StdioClientTransport({ command: program, args, env: { ...process.env }, stderr: "inherit" });
}

async function main() {
  const options = readOptions();
  const client = new Client({ name: "agentops-interop-sdk-client", version: "0.1.0" });
  const transport = createTransport(options);
  try {
    await client.connect(transport);
    const { tools } = await client.listTools();
    const output = {
      transport: options.url ? "streamable-http" : "stdio",
      server: client.getServerVersion() ?? null,
      tools: tools.map(({ name, annotations }) => ({ name, annotations: annotations ?? null })),
    };
    if (options.call) {
      const request = { name: options.call, arguments: options.toolArguments };
      if (options.token && !options.url) {
        request._meta = { [CREDENTIAL_META_KEY]: options.token };
      }
      output.call = await client.callTool(request);
    }
    process.stdout.write(JSON.stringify(output, null, 2) + "\n");
  } finally {
    await client.close().catch(() => {});
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`sdk-client: protocol failure: ${error?.stack ?? error}\n`);
    process.exit(2);
  },
);
