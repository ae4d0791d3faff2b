// Module-resolution hook: "fs" / "node:fs" imported from inside a conformance package resolves to fs-shim.mjs.
// Every other importer, including the shim itself and the MCP SDK, gets the real module.
const shim = new URL("./fs-shim.mjs", import.meta.url).href;
// The pinned release and the alias under which the 0.2 pre-release (the one with server-stateless) is installed.
const conformancePackages = ["/node_modules/@modelcontextprotocol/conformance/", "/node_modules/conformance-next/"];

export async function resolve(specifier, context, nextResolve) {
  if ((specifier === "fs" || specifier === "node:fs") && conformancePackages.some((p) => context.parentURL?.includes(p))) {
    return { url: shim, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
