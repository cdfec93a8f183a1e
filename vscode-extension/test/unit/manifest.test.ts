// The manifest and the language configuration, read as VS Code reads them.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const ROOT = join(__dirname, "..", "..");
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const languageConfig = JSON.parse(readFileSync(join(ROOT, "language-configuration.json"), "utf8"));
const sources = readdirSync(join(ROOT, "src")).map((f) => readFileSync(join(ROOT, "src", f), "utf8")).join("\n");

test("the launch attributes are the ones docs/debugging.md documents", () => {
  const doc = readFileSync(join(ROOT, "..", "docs", "debugging.md"), "utf8");
  const table = doc.slice(doc.indexOf("| attribute"), doc.indexOf("Exactly one of"));
  const documented = [...table.matchAll(/^\| `(\w+)`/gm)].map((m) => m[1]).sort();
  const [debuggerContribution] = manifest.contributes.debuggers;
  const attributes = debuggerContribution.configurationAttributes.launch.properties;
  assert.deepEqual(Object.keys(attributes).sort(), documented);
  for (const [name, schema] of Object.entries<{ description?: string; default?: unknown }>(attributes)) {
    assert.ok(schema.description && schema.default !== undefined, name);
  }
  assert.deepEqual(manifest.contributes.breakpoints, [{ language: "spell" }]);
  assert.deepEqual(debuggerContribution.languages, ["spell"]);
});

test("every contributed command is registered by the extension", () => {
  for (const { command } of manifest.contributes.commands) {
    assert.ok(sources.includes(`"${command}"`), command);
  }
});

test("the word pattern keeps Spell names whole and stops at delimiters", () => {
  const words = (text: string) => text.match(new RegExp(languageConfig.wordPattern, "g"));
  assert.deepEqual(words('(io/read-lines "a.txt")'), ["io/read-lines", "a.txt"]);
  assert.deepEqual(words("'(!call-now msg-3 (empty? xs))"), ["!call-now", "msg-3", "empty?", "xs"]);
  assert.deepEqual(words("(->> xs (map inc)) #{:a} @box ~@more"), ["->>", "xs", "map", "inc", ":a", "box", "more"]);
  assert.deepEqual(words("[1.5 22/7],x;comment"), ["1.5", "22/7", "x", "comment"]);
});

test("indentation grows after an open form and shrinks at a closer", () => {
  const grows = new RegExp(languageConfig.indentationRules.increaseIndentPattern);
  const shrinks = new RegExp(languageConfig.indentationRules.decreaseIndentPattern);
  for (const line of ["(defn f [x]", "  (let [a 1]", "(quine completion", "{:a 1", "(do ; start"]) {
    assert.ok(grows.test(line), line);
  }
  for (const line of ["(def x 1)", "  (f \"(\")", "[1 2]", "  (g)) ; done", "x"]) {
    assert.ok(!grows.test(line), line);
  }
  assert.ok(shrinks.test("  ))") && shrinks.test("]") && !shrinks.test("  (f)"));
});

test("brackets, comments and quotes pair as Spell needs; a quote mark is not auto-closed", () => {
  assert.deepEqual(languageConfig.comments, { lineComment: ";" });
  assert.deepEqual(languageConfig.brackets, [["(", ")"], ["[", "]"], ["{", "}"]]);
  const closing = languageConfig.autoClosingPairs.map((p: { open: string }) => p.open);
  assert.deepEqual(closing, ["(", "[", "{", "\""]);
  assert.deepEqual(languageConfig.surroundingPairs.map((p: string[]) => p[0]), ["(", "[", "{", "\""]);
});
