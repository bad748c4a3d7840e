// What the browser tests share: Debian's chromium through playwright-core, a
// vcserver on port 0 in a scratch directory, the demo org's jumpstart links,
// pass/fail bookkeeping and Content-Security-Policy watching.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';

// playwright-core's chromium; exits with a clear message when it or a named
// tool ({name: path}) is missing.
export async function loadChromium(tools = {}) {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    console.error('FAIL: npm package "playwright-core" is not installed; run (cd tests/interop && npm ci)');
    process.exit(1);
  }
  for (const [tool, where] of Object.entries({ chromium: browserPath, ...tools })) {
    if (!fs.existsSync(where)) {
      console.error(`FAIL: no ${tool} at ${where}; ./dev test installs Debian's chromium and zbar-tools`);
      process.exit(1);
    }
  }
  return chromium;
}

export function launchBrowser(chromium) {
  return chromium.launch({
    executablePath: browserPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// "ok"/"FAIL" lines and the exit status.
export class Checks {
  constructor(name) { this.name = name; this.failures = 0; }
  check(ok, msg) {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`);
    if (!ok) this.failures++;
  }
  finish() {
    console.log(this.failures === 0 ? `${this.name}: all checks passed` : `${this.failures} check(s) failed`);
    process.exit(this.failures === 0 ? 0 : 1);
  }
}

// vcserver with the development defaults on 127.0.0.1:0 in a fresh directory. It
// reserves its port before building anything and prints its URL and the demo
// org's RP key file. `config` (optional) is a config object written to a file
// and passed with --config. Resolves to {server, base, keyFile, dir, data, stop()}.
export async function startServer(bin, prefix, config = null) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const data = path.join(dir, 'data');
  const args = ['--data-dir', data, '--listen', '127.0.0.1:0'];
  if (config) {
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    args.push('--config', path.join(dir, 'config.json'));
  }
  const server = spawn(path.join(bin, 'vcserver'), args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const stop = () => {
    server.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const found = await new Promise((resolve, reject) => {
      const seen = {};
      const rl = readline.createInterface({ input: server.stdout });
      rl.on('line', (line) => {
        const url = line.match(/listening on (http:\/\/\S+)/);
        if (url) seen.base = url[1];
        const key = line.match(/--key (\S+)/);
        if (key) seen.keyFile = key[1];
        if (seen.base && seen.keyFile) resolve(seen);
      });
      server.on('exit', (code) => reject(new Error(`vcserver exited with ${code}`)));
    });
    return { server, dir, data, stop, ...found };
  } catch (e) {
    stop();
    throw e;
  }
}

// A fresh one-time jumpstart link for the demo org, minted by vcctl.
export function mintLink(bin, { base, keyFile }) {
  return execFileSync(path.join(bin, 'vcctl'), [
    'jumpstart', 'mint', '--org', 'contoso', '--key', keyFile,
    '--redirect-url', `${base}/demo/rp/done`, '--base-url', base]).toString().trim();
}

// A new page that records Content-Security-Policy violations in page.csp.
export async function watchedPage(browser, options = {}) {
  const page = await browser.newPage(options);
  page.csp = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) page.csp.push(m.text()); });
  return page;
}
