import assert from "node:assert/strict";
import { test } from "node:test";
import { describeInterpreter, expandSetting, resolveInterpreter } from "../../src/interpreter";

const noExtension = async (): Promise<string[] | undefined> => undefined;

test("the setting wins and the Python extension is not asked", async () => {
  let asked = false;
  const found = await resolveInterpreter({
    setting: " /opt/venv/bin/python ",
    pythonExtension: async () => {
      asked = true;
      return ["/usr/bin/python3.12"];
    },
  });
  assert.deepEqual(found, { command: "/opt/venv/bin/python", args: [], source: "setting" });
  assert.equal(asked, false);
});

test("an empty setting falls back to the Python extension's command, split into command and args", async () => {
  const found = await resolveInterpreter({ setting: "", pythonExtension: async () => ["conda", "run", "-n", "spell", "python"] });
  assert.deepEqual(found, { command: "conda", args: ["run", "-n", "spell", "python"], source: "python-extension" });
  assert.equal(describeInterpreter(found), "conda run -n spell python");
});

test("without a setting or the Python extension it is python3", async () => {
  assert.deepEqual(await resolveInterpreter({ setting: undefined, pythonExtension: noExtension }),
    { command: "python3", args: [], source: "default" });
  assert.deepEqual(await resolveInterpreter({ setting: "   ", pythonExtension: async () => [] }),
    { command: "python3", args: [], source: "default" });
});

test("a failing Python extension lookup falls back to python3", async () => {
  const found = await resolveInterpreter({ setting: "", pythonExtension: async () => { throw new Error("not activated"); } });
  assert.equal(found.command, "python3");
  assert.equal(found.source, "default");
});

test("the setting may use ${workspaceFolder}, ${userHome} and ~", async () => {
  const where = { workspaceFolder: "/work/proj", home: "/home/ada" };
  assert.equal(expandSetting("${workspaceFolder}/.venv/bin/python", where), "/work/proj/.venv/bin/python");
  assert.equal(expandSetting("~/venvs/spell/bin/python", where), "/home/ada/venvs/spell/bin/python");
  assert.equal(expandSetting("${userHome}/py", where), "/home/ada/py");
  assert.equal(expandSetting("/opt/~x/python", where), "/opt/~x/python");
  const found = await resolveInterpreter({ setting: "${workspaceFolder}/.venv/bin/python", ...where, pythonExtension: noExtension });
  assert.equal(found.command, "/work/proj/.venv/bin/python");
});
