// Copies the browser files Colloque serves (and their licences) out of node_modules, after `npm ci`.
// `make vendor` runs it; the copied folders are committed, node_modules is not, so the app and CI never
// need npm or a CDN (the door may have no internet). MANIFEST.json records versions and SHA-256 sums.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const testsVendor = join(here, "..", "..", "tests", "vendor");

const version = (name) => JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8")).version;

// [package, files to copy (from -> to), destination folder]
const plan = [
  ["@zxing/browser", [["umd/zxing-browser.min.js", "zxing-browser.min.js"], ["LICENSE", "LICENSE"]],
    (v) => join(here, `zxing-browser-${v}`)],
  // The ZXing UMD bundle contains @zxing/library and ts-custom-error: their licences travel with it.
  ["@zxing/library", [["LICENSE", "LICENSE"]], (v) => join(here, `zxing-library-${v}`)],
  ["ts-custom-error", [["LICENSE", "LICENSE"]], (v) => join(here, `ts-custom-error-${v}`)],
  // Ed25519 for the offline door where the browser's WebCrypto has no Ed25519 (an ES module, imported on demand).
  ["@noble/ed25519", [["index.js", "ed25519.js"], ["LICENSE", "LICENSE"]], (v) => join(here, `noble-ed25519-${v}`)],
  // axe-core checks accessibility in the browser tests only; the app never serves it.
  ["axe-core", [["axe.min.js", "axe.min.js"], ["LICENSE", "axe-core.LICENSE"]], () => testsVendor],
];

const manifest = {};
for (const [name, files, folder] of plan) {
  const v = version(name);
  const target = folder(v);
  mkdirSync(target, { recursive: true });
  for (const [from, to] of files) {
    const destination = join(target, to);
    copyFileSync(join(modules, name, from), destination);
    const digest = createHash("sha256").update(readFileSync(destination)).digest("hex");
    manifest[destination.slice(join(here, "..", "..").length + 1)] = { package: name, version: v, sha256: digest };
  }
}
writeFileSync(join(here, "MANIFEST.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`copied ${Object.keys(manifest).length} files`);
