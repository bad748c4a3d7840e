// The proofing pages in a real browser (Debian's chromium, driven by
// playwright-core): jumpstart link → sandbox form → verdict → back to the RP,
// once synchronously and once through the sandbox's asynchronous mode (hosted
// page, signed callback, a "being processed" page that follows along); each
// journey leaves the issuance page without a credential (issuance_browser.mjs
// takes the credential).
// Usage: node proofing_browser.mjs PATH/TO/build/bin
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

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

// The sandbox's async callback is sent to publicBaseUrl, so the server must
// know its port up front: ask the OS for a free one.
const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const base = `http://127.0.0.1:${port}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proofing-browser-'));
fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({
  environment: 'development', listen: `127.0.0.1:${port}`, publicBaseUrl: base,
  dataDir: path.join(dir, 'data'),
}));
const server = spawn(path.join(bin, 'vcserver'), ['--config', path.join(dir, 'config.json')],
                     { stdio: ['ignore', 'pipe', 'ignore'] });
const keyFile = await new Promise((resolve, reject) => {
  const rl = readline.createInterface({ input: server.stdout });
  rl.on('line', (line) => { const m = line.match(/--key (\S+)/); if (m) resolve(m[1]); });
  server.on('exit', (code) => reject(new Error(`vcserver exited with ${code}`)));
});
const mint = () => execFileSync(path.join(bin, 'vcctl'), [
  'jumpstart', 'mint', '--org', 'contoso', '--key', keyFile,
  '--redirect-url', `${base}/demo/rp/done`, '--base-url', base]).toString().trim();

const browser = await chromium.launch({
  executablePath: browserPath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
async function journey(name, realName) {
  const page = await browser.newPage();
  const csp = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
  await page.goto(mint());
  check(/\/proofing\//.test(page.url()), `${name}: the link lands on the proofing page`);
  check((await page.textContent('body')).includes('SANDBOX'), `${name}: the page says SANDBOX`);
  await page.fill('#realName', realName);
  await page.selectOption('#idCardType', 'PRC_ID');
  await page.fill('#idCardNumber', '11010519491231002X');
  await page.click('#submit');
  if (realName.includes('Async')) {
    await page.waitForURL(/\/sandbox-provider\//);
    check(true, `${name}: sent to the sandbox's hosted page`);
    await page.click('button');
    await page.waitForURL(/\/proofing\/[^/]+\/return|\/proofing\/[^/?]+$/);
  }
  // The pending page reloads itself until the verdict is in.
  await page.waitForSelector('#state[data-state="verified"]', { timeout: 30000 });
  check(true, `${name}: the verdict page says verified`);
  await page.screenshot({ path: path.join(os.tmpdir(), `proofing-${name}.png`) });
  await page.click('button:has-text("Continue")');
  // The demo org issues a credential next; this test leaves without one.
  await page.waitForURL(/\/issuance\/[^/]+$/);
  await page.click('#skip');
  await page.waitForURL(/\/demo\/rp\/done\?/);
  const text = await page.textContent('body');
  check(text.includes('ended with status verified'), `${name}: back at the RP with status verified`);
  check(text.includes('signed result verifies'), `${name}: the RP verified the signed result`);
  check(csp.length === 0, `${name}: no Content-Security-Policy violations (${csp.join(' | ')})`);
  await page.close();
}
try {
  await journey('sync', 'Zhang San');
  await journey('async', 'Sandbox Async');
} catch (e) {
  check(false, `unexpected error: ${e.stack}`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(failures === 0 ? 'proofing browser test: all checks passed' : `${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
