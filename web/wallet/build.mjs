// Builds web/static/publish.js: the Publish page script with xrpl.js, bundled
// by esbuild into one minified ES module that needs no eval, no Node builtins
// and no network at run time. It also writes build.sum, the SHA-256 of the
// sources and of the bundle, which a Go test compares with the tree so a
// stale committed bundle fails `go test` without needing npm.
//
//   node build.mjs            build into ../static/publish.js
//   node build.mjs OUTFILE    build elsewhere (to compare with the committed one)
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outfile = process.argv[2] || join(here, "..", "static", "publish.js");

await build({
  entryPoints: [join(here, "src", "publish.js")],
  outfile,
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  legalComments: "none",
  charset: "utf8",
  sourcemap: false,
  logLevel: "warning",
});

const bundle = readFileSync(outfile);
for (const banned of ["eval(", "new Function("]) {
  if (bundle.includes(banned)) {
    throw new Error(outfile + " contains " + banned + ", which the page's CSP (script-src 'self') forbids");
  }
}

if (!process.argv[2]) {
  writeFileSync(join(here, "build.sum"), "sources " + sourcesHash() + "\nbundle " + hex(bundle) + "\n");
}

function hex(data) {
  return createHash("sha256").update(data).digest("hex");
}

// sourcesHash must match sourcesHash in internal/http/pages_publish_test.go:
// for each file, sorted by path: "path sha256hex\n", then SHA-256 of it all.
function sourcesHash() {
  const files = ["build.mjs", "package.json", "package-lock.json",
    ...readdirSync(join(here, "src")).filter((f) => f.endsWith(".js")).map((f) => "src/" + f)].sort();
  return hex(files.map((f) => f + " " + hex(readFileSync(join(here, f))) + "\n").join(""));
}
