#!/usr/bin/env node
// Run after every `npm install` in tests/interop, before committing package-lock.json.
//
// The npm registry this project can reach serves only the Linux x64 builds of some platform-specific optional
// packages. `npm install` then leaves them out of package-lock.json, and `npm ci` refuses that lock ("Missing: ...
// from lock file"). This adds each missing entry as a lock file made with the full registry would have it: version,
// os, cpu, optional. npm never fetches an optional package for another platform, so no integrity hash is needed.
// An optional dependency missing from the lock that is not listed below fails the script: look at it first.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const OTHER_PLATFORMS = {
  "kubernetes-mcp-server-darwin-amd64": { os: ["darwin"], cpu: ["x64"] },
  "kubernetes-mcp-server-darwin-arm64": { os: ["darwin"], cpu: ["arm64"] },
  "kubernetes-mcp-server-linux-arm64": { os: ["linux"], cpu: ["arm64"] },
  "kubernetes-mcp-server-windows-amd64": { os: ["win32"], cpu: ["x64"] },
  "kubernetes-mcp-server-windows-arm64": { os: ["win32"], cpu: ["arm64"] },
  "napi-windows-process-start-time": { os: ["win32"] },
};

const lockPath = fileURLToPath(new URL("../package-lock.json", import.meta.url));
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const packages = lock.packages;
const added = [];

for (const [path, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path ? path + "/" : ""}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) {
      continue;
    }
    const platform = OTHER_PLATFORMS[name];
    if (!platform) {
      console.error(`complete-lock: ${name} (optional dependency of ${path || "the root"}) is missing from the lock and unknown here`);
      process.exit(1);
    }
    const version = range.replace(/^[\^~=]/, "");
    if (!/^\d+\.\d+\.\d+$/.test(version)) {
      console.error(`complete-lock: cannot pin ${name}@${range}`);
      process.exit(1);
    }
    packages[`node_modules/${name}`] = { version, ...(platform.cpu ? { cpu: platform.cpu } : {}), optional: true, os: platform.os };
    added.push(`${name}@${version}`);
  }
}

const [root, ...rest] = Object.entries(packages);
lock.packages = Object.fromEntries([root, ...rest.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n");
console.log(added.length ? `complete-lock: added ${added.join(", ")}` : "complete-lock: nothing missing");
