// End-to-end scenario: the built Spell .vsix installed into code-server (VS Code 1.100),
// driven through headless Chromium the way a user works: keyboard, mouse, views.
// Environment: SPELL_VSIX (default: newest ../spell-*.vsix), SPELL_PYTHON (interpreter with
// spell_lsp; default: the repository's .venv), SPELL_E2E_ARTIFACTS (screenshots folder),
// CHROMIUM (default /usr/bin/chromium). Exit code 0 when every step passed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const EXAMPLE = path.join(REPO, 'examples', 'agents', 'explore-files');
const PROGRAM = 'explore-files.spell';
const EFFECTS_FILE = 'effects.spell';
// An effect call in the do block, before the trailing expression: the analyzer flags it.
const EFFECTS_TEXT = `; Reads notes.txt in the do block, where effects do not run.
(quine completion (eval (do (quine prompt "Count the lines of notes.txt.")
  (def lines (io/read-lines "notes.txt"))
  '(!extend))))
`;
const CODE_SERVER = path.join(HERE, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const ARTIFACTS = path.resolve(process.env.SPELL_E2E_ARTIFACTS || path.join(HERE, 'artifacts'));
const PYTHON = process.env.SPELL_PYTHON || path.join(REPO, '.venv', 'bin', 'python');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SLOW = 90_000;   // first language-server answers on a busy machine
const WAIT = 45_000;   // any other UI reaction

/** The .vsix to test: SPELL_VSIX, else the newest spell-*.vsix next to this folder. */
function findVsix() {
  if (process.env.SPELL_VSIX) return path.resolve(process.env.SPELL_VSIX);
  const dir = path.resolve(HERE, '..');
  const found = fs.readdirSync(dir).filter((f) => /^spell-.*\.vsix$/.test(f))
    .map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (!found.length) throw new Error(`no spell-*.vsix in ${dir}: run npm run package there`);
  return found[0];
}

/** A fresh folder tree so nothing is read from or written to the user's home. */
function makeSandbox() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spell-e2e-'));
  const dirs = {};
  for (const name of ['workspace', 'user-data', 'extensions', 'xdg-config', 'xdg-data',
    'xdg-cache', 'xdg-state']) {
    dirs[name] = path.join(root, name);
    fs.mkdirSync(dirs[name], { recursive: true });
  }
  return { root, ...dirs, log: path.join(root, 'code-server.log') };
}

/** Copies the offline example agent (without old runs) and adds the file with the misplaced effect. */
function prepareWorkspace(dir) {
  fs.cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => path.basename(src) !== '.spell' });
  fs.writeFileSync(path.join(dir, EFFECTS_FILE), EFFECTS_TEXT);
}

/** User settings: our interpreter, and no welcome pages or update checks in the way. */
function writeUserSettings(userData) {
  const settings = {
    'spell.python.interpreter': PYTHON,
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'editor.minimap.enabled': false,
    'editor.hover.delay': 200,
    'files.autoSave': 'off',
  };
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

function sandboxEnv(box) {
  return {
    ...process.env, XDG_CONFIG_HOME: box['xdg-config'], XDG_DATA_HOME: box['xdg-data'],
    XDG_CACHE_HOME: box['xdg-cache'], XDG_STATE_HOME: box['xdg-state'],
  };
}

function codeServerArgs(box) {
  return ['--user-data-dir', box['user-data'], '--extensions-dir', box.extensions];
}

function installExtension(box, vsix) {
  const result = spawnSync(process.execPath, [CODE_SERVER, ...codeServerArgs(box),
    '--install-extension', vsix], { env: sandboxEnv(box), encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) {
    throw new Error(`--install-extension failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts code-server in its own process group (so its extension host and servers stop with it). */
function startCodeServer(box, port) {
  const out = fs.openSync(box.log, 'a');
  const child = spawn(process.execPath, [CODE_SERVER, ...codeServerArgs(box),
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    box.workspace], { env: sandboxEnv(box), stdio: ['ignore', out, out], detached: true });
  return child;
}

async function waitForHealthy(port, child) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('code-server did not become healthy in 120 s');
}

function stopProcessGroup(child) {
  if (child && child.exitCode === null) {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
}

// ---------------------------------------------------------------------------------------
// UI helpers

let shotCount = 0;
async function screenshot(page, name) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  shotCount += 1;
  console.log(`screenshot: ${file}`);
}

/** Ctrl+P, the file name, Enter; waits until its tab is the active one. */
async function quickOpen(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: WAIT });
  await input.fill(name);
  // The focused row, not any row: until the filter applies, the list shows recent files.
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name })
    .waitFor({ timeout: WAIT });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: WAIT });
}

function activeEditor(page) {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

/** Ctrl+G to a line, cursor at its start, focus in the editor. */
async function goToLine(page, line) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: WAIT });
  await input.fill(`:${line}`);  // the go-to-line mode of the quick input
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: WAIT });
}

/** The rendered token span whose text is exactly `text` in the active editor. */
function token(page, text) {
  return activeEditor(page).locator('.view-line span span').filter({ hasText: new RegExp(`^${text}$`) })
    .first();
}

/** Colors of the comment, string and `quine` tokens of the visible lines (null until tokenized). */
function tokenColors(page) {
  return activeEditor(page).evaluate((editor) => {
    const spans = [...editor.querySelectorAll('.view-lines .view-line span span')];
    const colorOf = (test) => {
      const span = spans.find((s) => test(s.textContent.trim()));
      return span ? getComputedStyle(span).color : null;
    };
    return {
      comment: colorOf((t) => t.startsWith(';')),
      string: colorOf((t) => t.startsWith('"')),
      quine: colorOf((t) => /(^|\W)quine$/.test(t)),
      classes: new Set(spans.map((s) => s.className)).size,
    };
  });
}

/** Polls `check` until it returns a truthy value (for conditions no single selector expresses). */
async function waitFor(description, check, timeout = WAIT) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const result = await check();
    if (result) return result;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${description}`);
}

/** A view pane of the side bar by its title, expanded. */
async function expandedPane(page, title) {
  const header = page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`, 'i') }).first();
  await header.waitFor({ timeout: WAIT });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return page.locator('.pane', { has: header });
}

function debugToolbarButton(page, codicon) {
  return page.locator(`.debug-toolbar .action-label.codicon-${codicon}`);
}

/** Waits for the stop reason the Call Stack view shows in its header. */
async function callStackReason(page, reason, timeout = WAIT) {
  await page.locator('.pane-header', { hasText: /Call Stack/i }).filter({ hasText: reason })
    .waitFor({ timeout });
}

/** The stop reason in the Call Stack header now ('' when there is none; no waiting). */
async function stopReason(page) {
  return (await page.locator('.pane-header', { hasText: /Call Stack/i }).allTextContents()).join();
}

/** Paused: the debug toolbar offers Continue. */
function isPaused(page) {
  return debugToolbarButton(page, 'debug-continue').isVisible();
}

/** Waits until the debugger is paused. */
async function waitPaused(page, timeout = WAIT) {
  await debugToolbarButton(page, 'debug-continue').waitFor({ timeout });
}

// ---------------------------------------------------------------------------------------
// The steps a user takes

async function openWorkspace(page, port, box) {
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(box.workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: SLOW });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: PROGRAM })
    .waitFor({ timeout: SLOW });
}

async function checkHighlighting(page) {
  await quickOpen(page, PROGRAM);
  const colors = await waitFor('TextMate highlighting (comment, string and quine colored apart)',
    async () => {
      const c = await tokenColors(page);
      return c.comment && c.string && c.quine && c.comment !== c.string && c.quine !== c.string
        && c.quine !== c.comment && c.classes >= 3 ? c : null;
    });
  console.log(`highlighting: ${JSON.stringify(colors)}`);
}

async function checkProblemAndFix(page) {
  await quickOpen(page, EFFECTS_FILE);
  await activeEditor(page).locator('.squiggly-error').first().waitFor({ timeout: SLOW });
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'io/read-lines` is an effect' })
    .first().waitFor({ timeout: WAIT });
  await screenshot(page, '03-problems');
  await token(page, 'read-lines').click();
  await page.keyboard.press('Control+.');
  await page.locator('.action-widget', { hasText: 'Move into the trailing expression' })
    .waitFor({ timeout: WAIT });
  await screenshot(page, '03-quick-fix');
  await page.keyboard.press('Escape');
}

async function checkHover(page) {
  // The mouse, not an actionability check: the text cursor sits on the token after the click.
  const box = await token(page, 'read-lines').boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 5 });
  await page.locator('.monaco-hover:not(.hidden)', { hasText: 'vector of the raw lines' })
    .waitFor({ timeout: WAIT });
}

async function checkCompletion(page) {
  await page.mouse.move(0, 0);
  await page.keyboard.press('Escape');
  await goToLine(page, 3);
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('(io/', { delay: 50 });
  const rows = page.locator('.suggest-widget.visible .monaco-list-row');
  await waitFor('the io/ members in the suggestions', async () => {
    const labels = await rows.locator('.label-name').allTextContents();
    return labels.length >= 5 && labels.every((l) => l.startsWith('io/'));
  });
  await page.keyboard.type('read-l', { delay: 50 });
  await rows.filter({ hasText: 'io/read-lines' }).first().waitFor({ timeout: WAIT });
}

/** F5 without a launch.json (the extension's configuration provider) runs the agent to its
 * end; the adapter's stop filters are listed from then on: tick Self-edit and debug again. */
async function startDebuggingToSelfEdit(page) {
  await page.keyboard.press('Escape');
  await quickOpen(page, PROGRAM);
  await page.keyboard.press('F5');
  const finished = page.locator('.repl', { hasText: 'run finished' });
  await waitFor('the first run to finish or stop', async () => await finished.isVisible() || isPaused(page), SLOW);
  if (await isPaused(page)) await continueToEnd(page);  // a provider that stops on entry
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: WAIT });
  await screenshot(page, '06-first-run');
  const breakpoints = await expandedPane(page, 'Breakpoints');
  await breakpoints.locator('.monaco-list-row', { hasText: 'Self-edit' })
    .locator('input[type=checkbox]').check();
  await page.keyboard.press('F5');
  await waitPaused(page, SLOW);
  const selfEdit = /Self-edit \(extend\) in turn 1/;
  for (let stops = 0; !selfEdit.test(await stopReason(page)); stops += 1) {
    if (stops === 5 || !(await continueOnce(page))) throw new Error('no stop on the first self-edit');
  }
}

async function checkEffectsScope(page) {
  const variables = await expandedPane(page, 'Variables');
  const scope = variables.locator('.monaco-list-row', { hasText: /^\s*Effects/ }).first();
  await scope.waitFor({ timeout: WAIT });
  if ((await scope.getAttribute('aria-expanded')) !== 'true') await scope.click();
  await variables.locator('.monaco-list-row', { hasText: 'io/read-lines' })
    .filter({ hasText: '"alpha" "beta"' }).first().waitFor({ timeout: WAIT });
}

async function stepBack(page) {
  const top = page.locator('.debug-call-stack .monaco-list-row').first();
  const before = await top.textContent();
  await debugToolbarButton(page, 'debug-step-back').click();
  await callStackReason(page, /recorded/);
  await waitFor('a new top frame after stepping back',
    async () => (await top.textContent()) !== before);
  await waitPaused(page);
}

/** F5 at a stop: waits for the next stop (true) or the end of the session (false). */
async function continueOnce(page) {
  const toolbar = page.locator('.debug-toolbar');
  const reason = await stopReason(page);
  await page.keyboard.press('F5');
  await waitFor('the next stop or the end of the session', async () => !(await toolbar.isVisible())
    || ((await stopReason(page)) !== reason && await isPaused(page)));
  return toolbar.isVisible();
}

/** F5 at every stop (the Self-edit filter stops at each later edit) until the session ends. */
async function continueToEnd(page) {
  for (let presses = 0; presses < 20; presses += 1) {
    if (!(await continueOnce(page))) return;
  }
  throw new Error('the debug session did not end after 20 continues');
}

async function checkRunView(page) {
  const others = page.locator('.sidebar .pane-header[aria-expanded="true"]')
    .filter({ hasNotText: /^\s*Spell Run/i });
  while (await others.count()) await others.first().click();  // room for the turns
  const view = await expandedPane(page, 'Spell Run');
  const agent = view.locator('.monaco-list-row[aria-level="1"]', { hasText: ':main' }).first();
  await agent.waitFor({ timeout: WAIT });
  if ((await agent.getAttribute('aria-expanded')) === 'false') await agent.click();
  for (let turn = 0; turn <= 4; turn += 1) {
    await view.locator('.monaco-list-row[aria-level="2"]', { hasText: new RegExp(`^\\s*turn ${turn}(?!\\d)`) })
      .first().waitFor({ timeout: WAIT });
  }
}

const STEPS = [
  ['01-workspace', 'open the example workspace', openWorkspace],
  ['02-highlighting', 'open the example: highlighting', checkHighlighting],
  ['03-effect-problem-fix', 'effect outside the trailing expression: Problems and quick fix', checkProblemAndFix],
  ['04-hover', 'hover on io/read-lines: its guide', checkHover],
  ['05-completion', 'completion after io/', checkCompletion],
  ['06-self-edit-stop', 'debug the example: stop on a self-edit', startDebuggingToSelfEdit],
  ['07-effects-scope', 'Variables: the Effects scope with a result', checkEffectsScope],
  ['08-step-back', 'step back', stepBack],
  ['09-ended', 'continue to the end', continueToEnd],
  ['10-spell-run-view', 'Spell Run view lists the turns', checkRunView],
];

// ---------------------------------------------------------------------------------------
// Diagnostics on failure

function tail(file, lines = 60) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(cannot read ${file}: ${error.message})`;
  }
}

function logFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, f))
    .filter((f) => f.endsWith('.log'));
}

/** code-server's log and the Spell output channels (VS Code writes each channel to a log file). */
function printLogs(box) {
  console.error(`--- code-server log (${box.log}) ---\n${tail(box.log)}`);
  const logs = logFiles(path.join(box['user-data'], 'logs'));
  for (const file of logs.filter((f) => /spell/i.test(path.basename(f)) || /exthost\.log$/.test(f))) {
    console.error(`--- ${file} ---\n${tail(file)}`);
  }
}

// ---------------------------------------------------------------------------------------

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of fs.readdirSync(ARTIFACTS)) if (f.endsWith('.png')) fs.rmSync(path.join(ARTIFACTS, f));
  const vsix = findVsix();
  const box = makeSandbox();
  console.log(`vsix: ${vsix}\nsandbox: ${box.root}\npython: ${PYTHON}`);
  prepareWorkspace(box.workspace);
  writeUserSettings(box['user-data']);
  installExtension(box, vsix);
  const port = await freePort();
  const server = startCodeServer(box, port);
  let browser;
  let page;
  let failed = false;
  try {
    await waitForHealthy(port, server);
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    for (const [name, title, run] of STEPS) {
      const started = Date.now();
      await run(page, port, box);
      await screenshot(page, name);
      console.log(`ok ${name}: ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  } catch (error) {
    failed = true;
    console.error(`FAILED: ${error.stack || error}`);
    if (page) await screenshot(page, 'failure').catch(() => {});
    printLogs(box);
  } finally {
    if (browser) await browser.close().catch(() => {});
    stopProcessGroup(server);
  }
  if (failed) {
    console.error(`sandbox kept for inspection: ${box.root}`);
    process.exit(1);
  }
  fs.rmSync(box.root, { recursive: true, force: true });
  console.log(`all ${STEPS.length} steps passed; ${shotCount} screenshots in ${ARTIFACTS}`);
}

await main();
