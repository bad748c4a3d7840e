// The issuance page in a real browser (Debian's chromium, driven by
// playwright-core): jumpstart link → sandbox proofing → the issuance page. Its
// QR code (the inline SVG as rendered, and the PNG at its stable URL) is decoded
// with zbarimg (Debian's zbar-tools) and must be exactly the deep link the
// Request Service returned (the "Open in wallet" link); then `vcwallet accept`
// completes the wallet step and the page moves on by itself to the RP with
// status "issued" and a signed result that verifies.
// Usage: node issuance_browser.mjs PATH/TO/build/bin
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Checks, launchBrowser, loadChromium, mintLink, startServer, watchedPage } from './browser_support.mjs';

const bin = process.argv[2];
const chromium = await loadChromium({ zbarimg: '/usr/bin/zbarimg' });
const checks = new Checks('issuance browser test');
const check = checks.check.bind(checks);
const decode = (file) => execFileSync('/usr/bin/zbarimg', ['--raw', '-q', file]).toString().replace(/\n$/, '');

const vc = await startServer(bin, 'issuance-browser');
const dir = vc.dir;
const browser = await launchBrowser(chromium);
try {
  const page = await watchedPage(browser, { viewport: { width: 800, height: 1000 } });
  await page.goto(mintLink(bin, vc));
  await page.fill('#realName', 'Zhang San');
  await page.selectOption('#idCardType', 'PRC_ID');
  await page.fill('#idCardNumber', '11010519491231002X');
  await page.click('#submit');
  await page.waitForSelector('#state[data-state="verified"]', { timeout: 30000 });
  await page.click('#continue');
  await page.waitForURL(/\/issuance\/[^/]+$/);
  await page.waitForSelector('#state[data-state="request_created"]');
  check(true, 'proofing continues to the issuance page, waiting for the wallet');

  const deepLink = await page.getAttribute('#open-wallet', 'href');
  check(/^openid-vc:\/\/\?request_uri=http:\/\/127\.0\.0\.1:\d+\/v1\.0\/tenants\/local\/verifiableCredentials\/issuanceRequests\//.test(deepLink),
        `the "Open in wallet" link is the Request Service's deep link (${deepLink})`);
  const shot = path.join(dir, 'qr-svg.png');
  await page.locator('#qr').screenshot({ path: shot });
  check(decode(shot) === deepLink, 'the QR code drawn on the page decodes to exactly that link');
  check((await page.textContent('#deep-link')) === deepLink, 'the page shows the same link as copyable text');
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
  check(page.csp.length === 0, `no Content-Security-Policy violations (${page.csp.join(' | ')})`);
} catch (e) {
  check(false, `unexpected error: ${e.stack}`);
} finally {
  await browser.close();
  vc.stop();
}
checks.finish();
