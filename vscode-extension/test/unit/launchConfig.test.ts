import assert from "node:assert/strict";
import { test } from "node:test";
import { isSpellFile, resolveLaunchConfig, validateLaunchConfig } from "../../src/launchConfig";

const spellFile = { path: "/w/agents/hello.spell", languageId: "spell" };
const pyFile = { path: "/w/app.py", languageId: "python" };

test("F5 without launch.json on a Spell file debugs that file", () => {
  assert.deepEqual(resolveLaunchConfig({}, spellFile), {
    config: { type: "spell", request: "launch", name: "Debug hello.spell", program: "/w/agents/hello.spell" },
  });
});

test("F5 without launch.json on another file, or with no editor, explains what to do", () => {
  for (const active of [pyFile, undefined]) {
    const resolved = resolveLaunchConfig({}, active);
    assert.ok("error" in resolved);
    assert.match(resolved.error, /Open a \.spell or \.spl file/);
  }
});

test("a configuration without program or prompt takes the active Spell file and keeps its attributes", () => {
  const resolved = resolveLaunchConfig({ type: "spell", request: "launch", name: "Mine", stopOnEntry: true }, spellFile);
  assert.deepEqual(resolved, {
    config: { type: "spell", request: "launch", name: "Mine", stopOnEntry: true, program: "/w/agents/hello.spell" },
  });
});

test("a configuration with a program or a prompt is kept as written", () => {
  const withProgram = { type: "spell", request: "launch", name: "A", program: "${file}", model: "replay:j.jsonl" };
  assert.deepEqual(resolveLaunchConfig(withProgram, pyFile), { config: withProgram });
  const withPrompt = { type: "spell", request: "launch", name: "B", prompt: "Count TODOs" };
  assert.deepEqual(resolveLaunchConfig(withPrompt, undefined), { config: withPrompt });
});

test("after substitution: exactly one of program and prompt, a Spell program, launch only", () => {
  const base = { type: "spell", request: "launch", name: "x" };
  assert.equal(validateLaunchConfig({ ...base, program: "/w/a.spl" }), undefined);
  assert.equal(validateLaunchConfig({ ...base, prompt: "do it" }), undefined);
  assert.match(validateLaunchConfig({ ...base, program: "/w/app.py" })!, /only debug \.spell and \.spl files, not app\.py/);
  assert.match(validateLaunchConfig({ ...base, program: "/w/a.spell", prompt: "x" })!, /exactly one of 'program'/);
  assert.match(validateLaunchConfig({ ...base })!, /exactly one of 'program'/);
  assert.match(validateLaunchConfig({ ...base, request: "attach", program: "/w/a.spell" })!, /only "request": "launch"/);
});

test("Spell files are recognised by extension, in any case", () => {
  assert.equal(isSpellFile("/a/B.SPELL"), true);
  assert.equal(isSpellFile("C:\\a\\b.spl"), true);
  assert.equal(isSpellFile("/a/b.spell.txt"), false);
});
