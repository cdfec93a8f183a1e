// Build the extension: copy the generated grammars into the package, bundle the
// extension with esbuild (`--production` minifies), bundle unit tests (`--tests`).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const production = process.argv.includes("--production");
const tests = process.argv.includes("--tests");

/** The grammars stay generated in ../grammars; the package carries copies. */
function copyGrammars() {
  const target = join(root, "syntaxes");
  mkdirSync(target, { recursive: true });
  for (const name of ["spell.tmLanguage.json", "spell-markdown-injection.tmLanguage.json"]) {
    copyFileSync(join(root, "..", "grammars", name), join(target, name));
  }
}

/** One CommonJS file with every dependency inlined except the `vscode` host module. */
async function bundleExtension() {
  await build({
    entryPoints: [join(root, "src", "extension.ts")],
    outfile: join(root, "dist", "extension.js"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["vscode"],
    minify: production,
    sourcemap: production ? false : "linked",
    logLevel: "warning",
  });
}

/** Each unit test file bundled on its own; they import only vscode-free modules. */
async function bundleTests() {
  const dir = join(root, "test", "unit");
  const entryPoints = readdirSync(dir).filter((f) => f.endsWith(".test.ts")).map((f) => join(dir, f));
  rmSync(join(root, "out", "test"), { recursive: true, force: true });
  await build({
    entryPoints,
    outdir: join(root, "out", "test"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["vscode"],
    sourcemap: "inline",
    logLevel: "warning",
  });
}

copyGrammars();
await (tests ? bundleTests() : bundleExtension());
