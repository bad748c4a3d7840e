// The proofing pages in a real browser (Debian's chromium, driven by
// playwright-core): jumpstart link → sandbox form → verdict → back to the RP,
// once synchronously and once through the sandbox's asynchronous mode (hosted
// page, signed callback, a "being processed" page that follows along); each
// journey leaves the issuance page without a credential (issuance_browser.mjs
// takes the credential).
// Usage: node proofing_browser.mjs PATH/TO/build/bin
import os from 'node:os';
import path from 'node:path';

import { Checks, launchBrowser, loadChromium, mintLink, startServer, watchedPage } from './browser_support.mjs';

const bin = process.argv[2];
const chromium = await loadChromium();
const checks = new Checks('proofing browser test');
const check = checks.check.bind(checks);
// The sandbox's async callback goes to publicBaseUrl: the server rebases it on the port it reserved.
const vc = await startServer(bin, 'proofing-browser');
const browser = await launchBrowser(chromium);
async function journey(name, realName) {
  const page = await watchedPage(browser);
  await page.goto(mintLink(bin, vc));
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
  check((await page.textContent('#continue')) === 'Get your credential',
        `${name}: after a pass the button says what comes next`);
  await page.click('#continue');
  // The demo org issues a credential next; this test leaves without one.
  await page.waitForURL(/\/issuance\/[^/]+$/);
  await page.click('#skip');
  await page.waitForURL(/\/demo\/rp\/done\?/);
  const text = await page.textContent('body');
  check(text.includes('ended with status verified'), `${name}: back at the RP with status verified`);
  check(text.includes('signed result verifies'), `${name}: the RP verified the signed result`);
  check(page.csp.length === 0, `${name}: no Content-Security-Policy violations (${page.csp.join(' | ')})`);
  await page.close();
}
try {
  await journey('sync', 'Zhang San');
  await journey('async', 'Sandbox Async');
} catch (e) {
  check(false, `unexpected error: ${e.stack}`);
} finally {
  await browser.close();
  vc.stop();
}
checks.finish();
