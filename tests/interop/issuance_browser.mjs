// The issuance page in a real browser (Debian's chromium, driven by
// playwright-core): jumpstart link → sandbox proofing → the issuance page. Its
// QR code (the inline SVG as rendered, and the PNG at its stable URL) is decoded
// with zbarimg (Debian's zbar-tools) and must be exactly the deep link the
// Request Service returned (the "Open in wallet" link); then `vcwallet accept`
// completes the wallet step and the page moves on by itself to the RP with
// status "issued" and a signed result that verifies.
// Usage: node issuance_browser.mjs PATH/TO/build/bin
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
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
for (const [tool, where] of [['chromium', browserPath], ['zbarimg', '/usr/bin/zbarimg']]) {
  if (!fs.existsSync(where)) {
    console.error(`FAIL: no ${tool} at ${where}; ./dev test installs Debian's chromium and zbar-tools`);
    process.exit(1);
  }
}
const bin = process.argv[2];
let failures = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`); if (!ok) failures++; };
const decode = (file) => execFileSync('/usr/bin/zbarimg', ['--raw', '-q', file]).toString().replace(/\n$/, '');

// Port 0: vcserver reserves its port before building anything and prints its URL.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'issuance-browser-'));
const server = spawn(path.join(bin, 'vcserver'), ['--data-dir', path.join(dir, 'data'), '--listen', '127.0.0.1:0'],
                     { stdio: ['ignore', 'pipe', 'ignore'] });
const { base, keyFile } = await new Promise((resolve, reject) => {
  const found = {};
  const rl = readline.createInterface({ input: server.stdout });
  rl.on('line', (line) => {
    const url = line.match(/listening on (http:\/\/\S+)/);
    if (url) found.base = url[1];
    const key = line.match(/--key (\S+)/);
    if (key) found.keyFile = key[1];
    if (found.base && found.keyFile) resolve(found);
  });
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
try {
  const page = await browser.newPage({ viewport: { width: 800, height: 1000 } });
  const csp = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
  await page.goto(mint());
  await page.fill('#realName', 'Zhang San');
  await page.selectOption('#idCardType', 'PRC_ID');
  await page.fill('#idCardNumber', '11010519491231002X');
  await page.click('#submit');
  await page.waitForSelector('#state[data-state="verified"]', { timeout: 30000 });
  await page.click('button:has-text("Continue")');
  await page.waitForURL(/\/issuance\/[^/]+$/);
  await page.waitForSelector('#state[data-state="request_created"]');
  check(true, 'proofing continues to the issuance page, waiting for the wallet');

  const deepLink = await page.getAttribute('#open-wallet', 'href');
  check(/^openid-vc:\/\/\?request_uri=http:\/\/127\.0\.0\.1:\d+\/v1\.0\/tenants\/local\/verifiableCredentials\/issuanceRequests\//.test(deepLink),
        `the "Open in wallet" link is the Request Service's deep link (${deepLink})`);
  const shot = path.join(dir, 'qr-svg.png');
  await page.locator('#qr').screenshot({ path: shot });
  check(decode(shot) === deepLink, 'the QR code drawn on the page decodes to exactly that link');
  const png = await page.request.get(new URL(page.url() + '/qr.png').toString());
  const pngFile = path.join(dir, 'qr.png');
  fs.writeFileSync(pngFile, await png.body());
  check(png.status() === 200 && decode(pngFile) === deepLink, 'the PNG at /issuance/{session}/qr.png decodes to it too');
  await page.screenshot({ path: path.join(os.tmpdir(), 'issuance-page.png') });

  const wallet = path.join(dir, 'wallet.json');
  execFileSync(path.join(bin, 'vcwallet'), ['--wallet', wallet, 'accept', deepLink]);
  check(true, 'vcwallet accepted the credential');
  // The page polls, sees issuance_successful and continues to the RP by itself.
  await page.waitForURL(/\/demo\/rp\/done\?/, { timeout: 30000 });
  const text = await page.textContent('body');
  check(text.includes('ended with status issued'), 'back at the RP with status issued');
  check(text.includes('signed result verifies'), 'the RP verified the signed result');
  check(csp.length === 0, `no Content-Security-Policy violations (${csp.join(' | ')})`);
} catch (e) {
  check(false, `unexpected error: ${e.stack}`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(failures === 0 ? 'issuance browser test: all checks passed' : `${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
