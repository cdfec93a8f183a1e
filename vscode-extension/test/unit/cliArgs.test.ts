import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  adapterCommand, classifyProbe, installCommand, isSpellLspProject, probeCommand, promptCommand, runCommand,
  serverCommand, traceEditCommand, traceProgramCommand, traceTurnsCommand,
} from "../../src/cliArgs";
import type { Interpreter } from "../../src/interpreter";

const venv: Interpreter = { command: "/p/.venv/bin/python", args: [], source: "setting" };
const conda: Interpreter = { command: "conda", args: ["run", "-n", "s", "python"], source: "python-extension" };

test("the language server and the adapter run as modules of the interpreter", () => {
  assert.deepEqual(serverCommand(venv, ["--log-level", "debug"]),
    { command: "/p/.venv/bin/python", args: ["-m", "spell_lsp", "lsp", "--log-level", "debug"] });
  assert.deepEqual(adapterCommand(conda), { command: "conda", args: ["run", "-n", "s", "python", "-m", "spell_lsp", "dap"] });
  assert.deepEqual(runCommand(venv, "/w/a b.spell").args, ["-m", "spell_lsp", "run", "/w/a b.spell"]);
});

test("the probe imports the package with the same interpreter prefix", () => {
  assert.deepEqual(probeCommand(conda).args, ["run", "-n", "s", "python", "-c", "import spell_lsp"]);
  assert.equal(classifyProbe(undefined, 0), "ok");
  assert.equal(classifyProbe(undefined, 1), "missing-package");
  assert.equal(classifyProbe("ENOENT", null), "missing-python");
});

test("install: the published package, or an editable install of a checkout", () => {
  assert.deepEqual(installCommand(venv).args, ["-m", "pip", "install", "spell-lsp"]);
  assert.deepEqual(installCommand(venv, "/src/spell").args, ["-m", "pip", "install", "-e", "/src/spell"]);
});

test("trace and prompt command lines", () => {
  assert.deepEqual(traceTurnsCommand(venv, "/w/j.jsonl").args, ["-m", "spell_lsp", "trace", "turns", "/w/j.jsonl", "--json"]);
  assert.deepEqual(traceProgramCommand(venv, "/w/j.jsonl", 3, ":main").args,
    ["-m", "spell_lsp", "trace", "program", "/w/j.jsonl", "--turn", "3", "--agent", ":main"]);
  assert.deepEqual(traceEditCommand(venv, "/w/j.jsonl", 2, ":main", 0).args,
    ["-m", "spell_lsp", "trace", "edit", "/w/j.jsonl", "--turn", "2", "--agent", ":main", "--index", "0"]);
  assert.deepEqual(promptCommand(venv, "/w/a.spell", "reader").args, ["-m", "spell_lsp", "prompt", "/w/a.spell", "--profile", "reader"]);
  assert.deepEqual(promptCommand(venv, undefined, undefined).args, ["-m", "spell_lsp", "prompt"]);
});

test("the repository's pyproject.toml is recognised as the spell-lsp project", () => {
  const pyproject = readFileSync(join(__dirname, "..", "..", "..", "pyproject.toml"), "utf8");
  assert.equal(isSpellLspProject(pyproject), true);
});

test("other projects, and a spell-lsp name outside [project], are not", () => {
  assert.equal(isSpellLspProject('[project]\nname = "other"\n'), false);
  assert.equal(isSpellLspProject('[tool.x]\nname = "spell-lsp"\n[project]\nname = "mine"\n'), false);
  assert.equal(isSpellLspProject('[build-system]\nrequires = []\n\n[project]\nversion = "1"\nname = \'spell_lsp\'\n'), true);
  assert.equal(isSpellLspProject(""), false);
});
