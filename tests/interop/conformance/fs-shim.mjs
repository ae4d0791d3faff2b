// "fs" as the conformance package sees it: the real module plus globSync. On Node 22+ the native globSync is used.
// On Node 20 a narrow stand-in covers the one pattern the package uses ("**/<file name>", in its tier-check
// command); any other pattern throws rather than returning a wrong answer.
import fs from "node:fs";
import path from "node:path";

export * from "node:fs";
export default fs;

function recursiveFileNameGlob(pattern, options = {}) {
  const match = /^\*\*\/([^*?[\]{}/\\]+)$/.exec(pattern);
  if (!match) {
    throw new Error(`globSync stand-in (Node ${process.versions.node}) supports only "**/<file name>", not "${pattern}"`);
  }
  const cwd = options.cwd ? String(options.cwd) : process.cwd();
  return fs
    .readdirSync(cwd, { recursive: true })
    .map(String)
    .filter((entry) => path.basename(entry) === match[1]);
}

export const globSync = typeof fs.globSync === "function" ? fs.globSync : recursiveFileNameGlob;
