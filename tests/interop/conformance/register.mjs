// Lets @modelcontextprotocol/conformance run on Node 20. Its bundles (0.1.16 and 0.2.0-alpha) import `globSync`
// from "fs", which Node added in 22; on 20 the import fails at link time, before any scenario runs. This hook hands
// those packages, and only them, a copy of "fs" that also exports a globSync.
// Use: node --import ./conformance/register.mjs node_modules/@modelcontextprotocol/conformance/dist/index.js ...
import { register } from "node:module";

register("./fs-hooks.mjs", import.meta.url);
