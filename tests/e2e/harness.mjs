// The end-to-end harness: starts the real roundtable binary on a free loopback port with a
// temporary database (an SQLite file, or a new PostgreSQL database on the server that
// ROUNDTABLE_TEST_POSTGRES names, as in `postgres://roundtable@127.0.0.1:5432`), launches Debian's headless Chromium through playwright-core, offers a
// virtual WebAuthn authenticator, saves a screenshot of every page visited, and runs axe-core.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
export const ARTIFACTS = path.join(ROOT, 'tests', 'artifacts');
const BIN = process.env.ROUNDTABLE_BIN ?? path.join(ROOT, 'target', 'release', 'roundtable');
const SITE_ROOT = process.env.ROUNDTABLE_SITE_ROOT ?? path.join(ROOT, 'target', 'site');
const POSTGRES = process.env.ROUNDTABLE_TEST_POSTGRES?.trim() || null;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Runs `psql` quietly on `url`, unaligned and without headers, and returns what it printed. */
function psql(url, statement) {
  return execFileSync('psql', [url, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', statement], { encoding: 'utf8' });
}

/** A running roundtable server with its own temporary data folder (and PostgreSQL database). */
export class Server {
  static async start({ seedDemo = false } = {}) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'roundtable-e2e-'));
    const port = await freePort();
    const baseUrl = `http://localhost:${port}`;
    let databaseUrl = null;
    if (POSTGRES) {
      const name = `rt_e2e_${randomBytes(8).toString('hex')}`;
      psql(`${POSTGRES}/postgres`, `CREATE DATABASE ${name}`);
      databaseUrl = `${POSTGRES}/${name}`;
    }
    const env = {
      ...process.env,
      ...(databaseUrl ? { ROUNDTABLE_DATABASE_URL: databaseUrl } : {}),
      ROUNDTABLE_DATA_DIR: dataDir,
      ROUNDTABLE_AUDIT_WITNESS: path.join(dataDir, 'witness', 'audit-checkpoints.jsonl'),
      ROUNDTABLE_PUBLIC_URL: baseUrl,
      ROUNDTABLE_BIND: `127.0.0.1:${port}`,
      ROUNDTABLE_SITE_ROOT: SITE_ROOT,
      RUST_LOG: process.env.RUST_LOG ?? 'warn',
    };
    let seedOutput = '';
    if (seedDemo) {
      seedOutput = execFileSync(BIN, ['seed-demo'], { env, encoding: 'utf8' });
    }
    // The first administrator's link comes from the command line, as on a real server.
    const adminOutput = execFileSync(BIN, ['enrol-link', '--if-no-admin'], { env, encoding: 'utf8' });
    const child = spawn(BIN, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new Server(child, baseUrl, dataDir, databaseUrl, seedOutput);
    server.stdout = adminOutput;
    child.stdout.on('data', (d) => { server.stdout += d.toString(); });
    child.stderr.on('data', (d) => { server.stderr += d.toString(); });
    await server.waitReady();
    return server;
  }

  constructor(child, baseUrl, dataDir, databaseUrl, seedOutput) {
    Object.assign(this, { child, baseUrl, dataDir, databaseUrl, seedOutput, stdout: '', stderr: '' });
  }

  /** The database engine: 'postgres' or 'sqlite'. */
  get engine() {
    return this.databaseUrl ? 'postgres' : 'sqlite';
  }

  async waitReady() {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) {
        throw new Error(`roundtable exited early (${this.child.exitCode}):\n${this.stderr}`);
      }
      try {
        const res = await fetch(`${this.baseUrl}/readyz`);
        if (res.ok) return;
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`roundtable did not become ready:\n${this.stderr}`);
  }

  /** Runs SQL on the server's database, as someone with the file (or the database's owner)
   * would, and returns what the last statement printed: one line per row, columns split by `|`. */
  sql(statement) {
    if (this.databaseUrl) return psql(this.databaseUrl, statement);
    return execFileSync('sqlite3', [path.join(this.dataDir, 'roundtable.db'), statement], { encoding: 'utf8' });
  }

  /** The demo person's enrolment link, by name, from the seed's output. */
  linkFor(name) {
    const lines = this.seedOutput.split('\n');
    const i = lines.findIndex((l) => l.includes(name));
    if (i < 0) throw new Error(`${name} is not in the seed output`);
    return lines[i + 1].trim();
  }

  /** Opens a page of this server and waits until it is interactive and loaded. */
  async open(page, pathName) {
    await page.goto(`${this.baseUrl}${pathName}`);
    await page.waitForSelector('body[data-hydrated="true"]');
    await page.waitForFunction(() => !document.querySelector('main').innerText.includes('Loading'));
  }

  /** Enrols a passkey with an enrolment link in `page`, optionally naming the passkey and
   * saving a screenshot of the enrolment page as `shot`. */
  async enrol(page, link, passkeyName, shot) {
    await page.goto(link);
    await page.waitForSelector('body[data-hydrated="true"]');
    if (passkeyName) await page.getByLabel('Name this passkey (optional)').fill(passkeyName);
    if (shot) await screenshot(page, shot);
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await page.waitForURL((url) => url.search.includes('enrolled=1'), { timeout: 15_000 });
  }

  /** Enrolment links the server or the demo seed printed, in order. */
  enrolmentLinks() {
    return [...(this.seedOutput + this.stdout).matchAll(/https?:\/\/\S+\/enrol#[A-Za-z0-9_-]+/g)].map((m) => m[0]);
  }

  async stop() {
    if (this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      await new Promise((r) => this.child.once('exit', r));
    }
    if (this.databaseUrl) {
      const name = new URL(this.databaseUrl).pathname.slice(1);
      psql(`${POSTGRES}/postgres`, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A headless Chromium with helpers for screenshots, accessibility checks and passkeys. */
export class Browser {
  static async launch() {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    return new Browser(browser);
  }

  constructor(browser) {
    this.browser = browser;
  }

  /** A fresh context (its own cookies) and page; console errors are collected on `page.errors`. */
  async newPage() {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.errors = [];
    page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(msg.text()); });
    page.on('pageerror', (err) => page.errors.push(String(err)));
    return page;
  }

  async close() {
    await this.browser.close();
  }
}

/** For a test file: a demo server and a browser started before its tests and stopped after them.
 * The returned object gains `server`, `browser` and `people` once the tests begin. */
export function demoWorld() {
  const world = {};
  before(async () => {
    world.server = await Server.start({ seedDemo: true });
    world.browser = await Browser.launch();
    world.people = new People(world.server, world.browser);
  });
  after(async () => {
    await world.browser?.close();
    await world.server?.stop();
  });
  return world;
}

/** Demo people, each enrolled once in their own browser context with their own passkey. */
export class People {
  constructor(server, browser) {
    Object.assign(this, { server, browser, pages: {} });
  }

  /** The signed-in page of the demo person called `name`. */
  async as(name) {
    if (!this.pages[name]) {
      const page = await this.browser.newPage();
      await addVirtualAuthenticator(page);
      await this.server.enrol(page, this.server.linkFor(name));
      this.pages[name] = page;
    }
    return this.pages[name];
  }
}

/** Adds a CTAP2 platform authenticator with user verification to the page's browser context. */
export async function addVirtualAuthenticator(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    id: authenticatorId,
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
    remove: () => cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId }),
  };
}

/** Saves a full-page screenshot as an artefact. */
export async function screenshot(page, name) {
  const dir = path.join(ARTIFACTS, 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Runs axe-core on the page; returns the violations at WCAG 2.2 AA. */
export async function accessibilityViolations(page) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Saves a screenshot of the page as `shot` and fails unless axe-core finds no violation. */
export async function checked(page, shot) {
  await screenshot(page, shot);
  assert.deepEqual(await accessibilityViolations(page), [], `${shot} is accessible`);
}
