// The verifier's demo page in a real browser (Debian's chromium, driven by
// playwright-core): a VerifiedIdentity credential is issued to vcwallet by the
// embedded Request Service, the page creates a presentation request for the
// default policy and shows its QR code and deep link, `vcwallet present` answers
// the link shown on the page, and the page (polling every second) shows the
// verified claims. No Content-Security-Policy violation is allowed.
// Usage: node verifier_browser.mjs PATH/TO/build/bin
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.error('FAIL: npm package "playwright-core" is not installed; run (cd tests/interop && npm ci)');
  process.exit(1);
}
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(browserPath)) {
  console.error(`FAIL: no browser at ${browserPath}; ./dev test installs Debian's chromium`);
  process.exit(1);
}
const bin = process.argv[2];
let failures = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`); if (!ok) failures++; };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verifier-browser-'));
const data = path.join(dir, 'var');
const walletFile = path.join(dir, 'wallet.json');
const server = spawn(path.join(bin, 'vcserver'), ['--data-dir', data, '--listen', '127.0.0.1:0'],
                     { stdio: ['ignore', 'pipe', 'ignore'] });
let browser;
try {
  const base = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: server.stdout });
    rl.on('line', (line) => { const m = line.match(/listening on (http:\/\/\S+)/); if (m) resolve(m[1]); });
    server.on('exit', (code) => reject(new Error(`vcserver exited with ${code}`)));
  });
  const bearer = execFileSync(path.join(bin, 'vcctl'), ['request-service', 'token', '--data-dir', data])
    .toString().trim();
  const create = await fetch(`${base}/v1.0/verifiableCredentials/createIssuanceRequest`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      authority: 'did:web:' + encodeURIComponent(new URL(base).host),
      callback: { url: `${base}/healthz`, state: 's' }, registration: { clientName: 'browser test' },
      type: 'VerifiedIdentity',
      manifest: `${base}/v1.0/tenants/local/verifiableCredentials/contracts/VerifiedIdentity/manifest`,
      claims: { realName: 'Megan Bowen', idCardType: 'PASSPORT' },
    }),
  });
  check(create.status === 201, `createIssuanceRequest 201 (got ${create.status})`);
  execFileSync(path.join(bin, 'vcwallet'), ['--wallet', walletFile, 'accept', (await create.json()).url]);

  browser = await chromium.launch({
    executablePath: browserPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  const csp = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
  await page.goto(`${base}/verifier`);
  await page.selectOption('#vf-policy', 'onboarding');
  await page.click('button[type="submit"]');
  await page.waitForSelector('#vf-qr svg', { timeout: 15000 });
  check(true, 'the page shows the QR code as inline SVG');
  const link = await page.textContent('#vf-link');
  check(link.startsWith('openid-vc://?request_uri='), `the page shows the deep link (${link.slice(0, 40)}…)`);
  check((await page.textContent('#vf-status')) === 'request_created', 'status request_created');

  await promisify(execFile)(path.join(bin, 'vcwallet'), ['--wallet', walletFile, 'present', link]);
  await page.waitForFunction(
    () => document.getElementById('vf-status').textContent === 'presentation_verified', null, { timeout: 15000 });
  check(true, 'the page follows the status to presentation_verified');
  const claims = await page.textContent('#vf-claims');
  check(claims.includes('Megan Bowen'), 'the page shows the verified name');
  check(claims.includes('VerifiedIdentity') && claims.includes('VALID'), 'the page shows type and revocation status');
  check(claims.includes('did:jwk:'), 'the page shows the holder (subject)');
  await page.screenshot({ path: path.join(os.tmpdir(), 'verifier-demo.png') });
  check(csp.length === 0, `no Content-Security-Policy violations (${csp.join(' | ')})`);
} catch (e) {
  check(false, `unexpected error: ${e.stack}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(failures === 0 ? 'verifier browser test: all checks passed' : `${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
