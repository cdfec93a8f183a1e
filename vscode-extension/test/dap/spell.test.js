// DebugClient (@vscode/debugadapter-testsupport) driving `python -m spell_lsp dap` through
// the main scenario: launch, stop on a self-edit, scopes, continue, terminated.
// SPELL_PYTHON names the interpreter (the pytest wrapper passes its own).
const { test, beforeEach, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { DebugClient } = require('@vscode/debugadapter-testsupport');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PYTHON = process.env.SPELL_PYTHON || 'python3';
let dc;
let workspace;

beforeEach(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'spell-dap-'));
  fs.cpSync(path.join(ROOT, 'examples', 'agents', 'explore-files'), workspace, { recursive: true });
  // one argument after the runtime: `exec` keeps python as the process DebugClient stops
  dc = new DebugClient(`exec "${PYTHON}" -m spell_lsp`, 'dap', 'spell',
    { shell: true, cwd: ROOT, env: { ...process.env, PYTHONPATH: ROOT } });
  await dc.start();
});

afterEach(async () => {
  await dc.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('initialize announces the Spell capabilities', async () => {
  const response = await dc.initializeRequest({ adapterID: 'spell' });
  assert.equal(response.body.supportsStepBack, true);
  assert.equal(response.body.supportsRestartFrame, true);
  const filters = response.body.exceptionBreakpointFilters.map((f) => f.filter);
  assert.deepEqual(filters, ['selfEdit', 'effect', 'modelCall', 'error', 'uncaught']);
});

test('a wrong launch attribute is an error response naming it', async () => {
  await dc.initializeRequest({ adapterID: 'spell' });
  await assert.rejects(dc.launchRequest({ program: path.join(workspace, 'missing.txt') }),
    /'program'/);
});

test('launch, stop on a self-edit, look at the effect, continue to the end', async () => {
  const program = path.join(workspace, 'explore-files.spell');
  const initialized = dc.waitForEvent('initialized');
  await dc.initializeRequest({ adapterID: 'spell' });
  await initialized;
  await dc.launchRequest({ program });
  await dc.setExceptionBreakpointsRequest({ filters: ['selfEdit'] });
  const stopped = dc.waitForEvent('stopped', 10000);
  await dc.configurationDoneRequest();
  let stop = await stopped;
  while (!stop.body.description.includes('in turn 1:')) {
    const next = dc.waitForEvent('stopped', 10000);
    await dc.continueRequest({ threadId: 1 });
    stop = await next;
  }
  assert.equal(stop.body.reason, 'exception');
  const trace = await dc.stackTraceRequest({ threadId: 1 });
  const top = trace.body.stackFrames[0];
  assert.equal(top.name, 'turn 1 of :main');
  assert.equal(top.source.name, 'main · turn 1');
  const scopes = await dc.scopesRequest({ frameId: top.id });
  const names = scopes.body.scopes.map((s) => s.name);
  assert.deepEqual(names, ['Bindings', 'Program', 'Effects', 'Messages', 'Globals', 'Run']);
  const effects = await dc.variablesRequest({
    variablesReference: scopes.body.scopes[2].variablesReference });
  assert.equal(effects.body.variables.length, 1);
  assert.equal(effects.body.variables[0].name, '#1 io/read-lines (:main turn 1)');
  assert.equal(effects.body.variables[0].value, '["alpha" "beta"]');
  await dc.setExceptionBreakpointsRequest({ filters: [] });
  await Promise.all([
    dc.continueRequest({ threadId: 1 }),
    dc.waitForEvent('terminated', 10000),
  ]);
});
