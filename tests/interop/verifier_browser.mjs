// The verifier's demo page in a real browser (Debian's chromium, driven by
// playwright-core): a VerifiedIdentity credential is issued to vcwallet by the
// embedded Request Service, the page creates a presentation request for the
// default policy and shows its QR code and deep link, `vcwallet present` answers
// the link shown on the page, and the page (polling every second) shows the
// verified claims. No Content-Security-Policy violation is allowed.
// Usage: node verifier_browser.mjs PATH/TO/build/bin
import { execFile, execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { Checks, launchBrowser, loadChromium, startServer, watchedPage } from './browser_support.mjs';

const bin = process.argv[2];
const chromium = await loadChromium();
const checks = new Checks('verifier browser test');
const check = checks.check.bind(checks);
const vc = await startServer(bin, 'verifier-browser');
const { base, data } = vc;
const walletFile = path.join(vc.dir, 'wallet.json');
let browser;
try {
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

  browser = await launchBrowser(chromium);
  const page = await watchedPage(browser);
  await page.goto(`${base}/verifier`);
  await page.selectOption('#vf-policy', 'onboarding');
  await page.click('button[type="submit"]');
  await page.waitForSelector('#vf-qr svg', { timeout: 15000 });
  check(true, 'the page shows the QR code as inline SVG');
  const link = await page.textContent('#vf-link');
  check(link.startsWith('openid-vc://?request_uri='), `the page shows the deep link (${link.slice(0, 40)}…)`);
  check((await page.getAttribute('#vf-status', 'data-status')) === 'request_created', 'status request_created');

  await promisify(execFile)(path.join(bin, 'vcwallet'), ['--wallet', walletFile, 'present', link]);
  await page.waitForFunction(
    () => document.getElementById('vf-status').getAttribute('data-status') === 'presentation_verified', null,
    { timeout: 15000 });
  check(true, 'the page follows the status to presentation_verified');
  check((await page.textContent('#vf-status')) === 'Verified', 'the status is in words');
  const claims = await page.textContent('#vf-result');
  check(claims.includes('Megan Bowen'), 'the page shows the verified name');
  check(claims.includes('VerifiedIdentity') && claims.includes('Valid (not revoked)'),
        'the page shows type and revocation status in words');
  check(claims.includes('did:jwk:'), 'the page shows the holder (subject)');
  await page.screenshot({ path: path.join(os.tmpdir(), 'verifier-demo.png') });
  check(page.csp.length === 0, `no Content-Security-Policy violations (${page.csp.join(' | ')})`);
} catch (e) {
  check(false, `unexpected error: ${e.stack}`);
} finally {
  if (browser) await browser.close();
  vc.stop();
}
checks.finish();
