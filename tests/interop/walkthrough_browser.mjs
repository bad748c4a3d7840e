// A new user's walk through the product in a real browser (Debian's chromium,
// driven by playwright-core), as the README tells it: the landing page at `/`,
// "Start the demo", the sandbox identity check (a rejection first, then a pass),
// the credential offered to `vcwallet accept`, back at the demo RP, then the
// verifier demo answered by `vcwallet present`. Every page is looked at 1280 and
// 390 px wide: a screenshot of each, and no horizontal overflow
// (scrollWidth <= innerWidth); no Content-Security-Policy violation anywhere;
// the labels a person relies on (the RP's display name, what comes next, the
// SANDBOX banner, error pages that say what to do). Last, /metrics after this
// one flow is parsed with npm parse-prometheus-text-format and each business
// counter shows exactly this flow.
// Usage: node walkthrough_browser.mjs PATH/TO/build/bin
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { Checks, launchBrowser, loadChromium, startServer, watchedPage } from './browser_support.mjs';

const bin = process.argv[2];
const chromium = await loadChromium();
let parsePrometheus;
try {
  parsePrometheus = (await import('parse-prometheus-text-format')).default;
} catch (e) {
  console.error('FAIL: npm package "parse-prometheus-text-format" is not installed; run (cd tests/interop && npm ci)');
  process.exit(1);
}
const checks = new Checks('walkthrough browser test');
const check = checks.check.bind(checks);
const run = promisify(execFile);
const shots = path.join(os.tmpdir(), 'vc-walkthrough');
fs.mkdirSync(shots, { recursive: true });

// The development defaults plus a verifier webhook to this receiver, so the
// webhook counters move too. A `verifier` section replaces the default one, so
// the demo policy is restated; its acceptedIssuers (the did:web of a port not
// known yet) is left out: the only issuer here is this server.
let webhooks = 0;
const receiver = http.createServer((req, res) => { webhooks++; req.resume(); res.end('{}'); });
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const vc = await startServer(bin, 'walkthrough', {
  listen: '127.0.0.1:0', publicBaseUrl: 'http://127.0.0.1:0',
  outbound: { allow: ['127.0.0.0/8'] },  // the webhook receiver is on this machine
  verifier: {
    policies: [{ id: 'onboarding', includeReceipt: true, requestedCredentials: [{ type: 'VerifiedIdentity' }] }],
    webhook: { url: `http://127.0.0.1:${receiver.address().port}/hook`, secret: 'walkthrough-webhook-secret' },
  },
});
const { base } = vc;
const walletFile = path.join(vc.dir, 'wallet.json');
const pages = [];

// Both widths: a screenshot, and nothing wider than the window.
async function inspect(page, name) {
  pages.push(page);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const { scroll, inner } = await page.evaluate(
      () => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    check(scroll <= inner, `${name} at ${width} px: no horizontal overflow (scrollWidth ${scroll} <= ${inner})`);
    await page.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const text = (page, selector = 'body') => page.textContent(selector);
let browser;
try {
  browser = await launchBrowser(chromium);
  const context = await browser.newContext();
  const page = await watchedPage(context);

  // The landing page, and the short forms of paths.
  await page.goto(`${base}/`);
  check((await text(page, 'h1')) === 'vcservice', 'the landing page says what this server is');
  for (const href of ['/verifier', '/healthz', '/metrics']) {
    check(await page.locator(`a[href="${href}"]`).count() === 1, `the landing page links ${href}`);
  }
  check((await text(page)).includes('docs/proofing.md'), 'the landing page names the docs');
  await inspect(page, '01-landing');
  const short = await fetch(`${base}/contoso?x=1`, { redirect: 'manual' });
  check(short.status === 308 && short.headers.get('location') === '/contoso/?x=1',
        `/contoso redirects to /contoso/ (${short.status} ${short.headers.get('location')})`);
  const nowhere = await fetch(`${base}/nowhere`, { redirect: 'manual' });
  check(nowhere.status === 404, `an unknown one-segment path is still 404 (${nowhere.status})`);

  // One click mints a jumpstart link for the demo org.
  await page.click('#start-contoso');
  await page.waitForURL(/\/proofing\/[^/]+$/);
  const session = page.url().split('/proofing/')[1];
  const body = await text(page);
  check(body.includes('sent here by Contoso'), 'the form names the RP by its display name');
  check(body.includes('SANDBOX'), 'the form carries the SANDBOX banner');
  check(body.includes('Sandbox test inputs') && body.includes('11010519491231002X'),
        'the sandbox form lists its test inputs');
  await inspect(page, '02-proofing-form');

  // A mistake in a field: the field says so to assistive technology.
  await page.fill('#realName', 'Zhang San');
  await page.selectOption('#idCardType', 'PRC_ID');
  await page.fill('#idCardNumber', '110105194912310021');
  await page.click('#submit');
  await page.waitForSelector('#form-error');
  check(await page.getAttribute('#idCardNumber', 'aria-invalid') === 'true' &&
        await page.getAttribute('#idCardNumber', 'aria-describedby') === 'form-error',
        'the refused field has aria-invalid and aria-describedby');
  check(await page.getAttribute('#realName', 'aria-invalid') === null, 'the other fields do not');
  await inspect(page, '03-proofing-error');

  // A rejection: "Try again" is the primary action.
  await page.click('button[data-fill="Sandbox Reject"]');
  check(await page.inputValue('#realName') === 'Sandbox Reject', 'a Fill button fills the form');
  await page.click('#submit');
  await page.waitForSelector('#state[data-state="rejected"]');
  check((await text(page, '#retry')) === 'Try again', 'after a failure the primary action is Try again');
  check((await text(page, '#continue')) === 'Return to Contoso', 'going back is the secondary one');
  await inspect(page, '04-verdict-rejected');
  await page.click('#retry');
  await page.waitForSelector('#realName');

  // A pass: the button says what comes next.
  await page.click('button[data-fill="Zhang San"]');
  await page.click('#submit');
  await page.waitForSelector('#state[data-state="verified"]');
  check((await text(page, '#continue')) === 'Get your credential', 'after a pass the button says Get your credential');
  await inspect(page, '05-verdict-verified');
  await page.click('#continue');
  await page.waitForURL(/\/issuance\/[^/]+$/);
  await page.waitForSelector('#state[data-state="request_created"]');
  const deepLink = await page.getAttribute('#open-wallet', 'href');
  check((await text(page, '#deep-link')) === deepLink, 'the issuance page shows the deep link as copyable text');
  check(await page.isVisible('button[data-copy="deep-link"]'), 'with a Copy button');
  check(await page.getAttribute('#message', 'aria-live') === 'polite', 'the issuance status is aria-live');
  check((await text(page)).includes('SANDBOX'), 'the issuance page carries the SANDBOX banner');
  await inspect(page, '06-issuance');

  // Another browser with the same link: what to do.
  const stranger = await watchedPage(await browser.newContext());
  const foreign = await stranger.goto(`${base}/proofing/${session}`);
  check(foreign.status() === 403 && (await text(stranger)).includes('Open the link in the browser where you started'),
        'another browser is told how to continue');
  check((await text(stranger)).includes('SANDBOX'), 'that error page carries the SANDBOX banner');
  await inspect(stranger, '07-error-other-browser');

  const accepted = await run(path.join(bin, 'vcwallet'), ['--wallet', walletFile, 'accept', deepLink]);
  check(/accepted a VerifiedIdentity credential/.test(accepted.stdout) && accepted.stdout.includes('realName: Zhang San'),
        `vcwallet accept says what it received (${accepted.stdout.split('\n')[0]})`);
  await page.waitForURL(/\/demo\/rp\/done\?/, { timeout: 30000 });
  check((await text(page)).includes('ended with status issued'), 'back at the demo RP with status issued');
  await inspect(page, '08-demo-rp');

  // A second tab after success is told it succeeded.
  const second = await watchedPage(context);
  const again = await second.goto(`${base}/issuance/${session}`);
  check(again.status() === 409 && (await text(second)).includes('is complete'), 'a second tab after success says it succeeded');
  check((await text(second)).includes('SANDBOX'), 'and carries the SANDBOX banner');
  await inspect(second, '09-error-already-done');

  const listed = await run(path.join(bin, 'vcwallet'), ['--wallet', walletFile, 'list']);
  check(['type:    VerifiedIdentity', 'issuer:  did:web:', 'claims:  ', 'realName: Zhang San', 'expires: ']
    .every((s) => listed.stdout.includes(s)), 'vcwallet list shows type, issuer, claims and expiry');

  // The verifier demo, from the landing page.
  await page.goto(`${base}/`);
  await page.click('#verifier-link');
  await page.waitForURL(/\/verifier$/);
  await page.selectOption('#vf-policy', 'onboarding');
  await page.click('button[type="submit"]');
  await page.waitForSelector('#vf-qr svg', { timeout: 15000 });
  const link = await text(page, '#vf-link');
  check(link.startsWith('openid-vc://?request_uri='), 'the verifier page shows the deep link as text');
  check(await page.getAttribute('#vf-open', 'href') === link, 'and as an Open in wallet link');
  await inspect(page, '10-verifier-request');
  await run(path.join(bin, 'vcwallet'), ['--wallet', walletFile, 'present', link]);
  await page.waitForFunction(
    () => document.getElementById('vf-status').getAttribute('data-status') === 'presentation_verified', null,
    { timeout: 15000 });
  const result = await text(page, '#vf-result');
  check((await text(page, '#vf-status')) === 'Verified', 'the verifier status is in words');
  check(result.includes('Issued by') && result.includes('did:web:') && result.includes('Valid (not revoked)') &&
        result.includes('Zhang San'), 'the result table shows issuer, status in words and claims');
  check(await page.getAttribute('#vf-status', 'data-status') !== null &&
        await page.locator('[aria-live="polite"] #vf-status').count() === 1, 'the verifier status is aria-live');
  await inspect(page, '11-verifier-result');
  const shortVerifier = await fetch(`${base}/verifier/`, { redirect: 'manual' });
  check(shortVerifier.status === 308 && shortVerifier.headers.get('location') === '/verifier',
        '/verifier/ redirects to /verifier');

  for (const p of new Set(pages)) {
    check(p.csp.length === 0, `no Content-Security-Policy violation on ${new URL(p.url()).pathname} (${p.csp.join(' | ')})`);
  }

  await checkMetrics();
} catch (e) {
  check(false, `unexpected error: ${e.stack}`);
} finally {
  if (browser) await browser.close();
  vc.stop();
  receiver.close();
}
console.log(`screenshots in ${shots}`);
checks.finish();

// /metrics parses, and the business counters show exactly the flow above.
async function checkMetrics() {
  const expected = {
    'vc_jumpstarts_total{outcome="accepted"}': 1,
    'vc_proofing_verdicts_total{outcome="rejected",provider="sandbox"}': 1,
    'vc_proofing_verdicts_total{outcome="verified",provider="sandbox"}': 1,
    'vc_issuances_total{outcome="issued"}': 1,
    'vc_issuances_total{outcome="failed"}': 0,
    'vc_presentations_total{outcome="verified"}': 1,
    'vc_presentations_total{outcome="failed"}': 0,
    // request_retrieved and the final event, for the issuance and the presentation.
    'vc_outbox_deliveries_total{outbox="callbacks",outcome="delivered"}': 4,
    'vc_outbox_deliveries_total{outbox="callbacks",outcome="failed"}': 0,
    'vc_outbox_deliveries_total{outbox="webhooks",outcome="delivered"}': 1,
    'vc_outbox_queued{outbox="callbacks"}': 0,
    'vc_outbox_queued{outbox="webhooks"}': 0,
  };
  // The last delivery is recorded just after the receiver answered: poll a little.
  let samples = {};
  let families = [];
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${base}/metrics`);
    const body = await res.text();
    families = parsePrometheus(body);
    samples = flatten(families);
    if (Object.entries(expected).every(([k, v]) => samples[k] === v)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const [key, want] of Object.entries(expected)) {
    check(samples[key] === want, `${key} is ${want} (got ${samples[key]})`);
  }
  check(webhooks === 1, `the webhook receiver got one webhook (${webhooks})`);
  const names = families.map((f) => f.name);
  check(new Set(names).size === names.length, 'every metric family appears once');
  check(families.every((f) => f.help && f.type !== 'UNTYPED'), 'every family has HELP and TYPE');
  const build = families.find((f) => f.name === 'vc_build_info');
  check(build && build.metrics.length === 1 && build.metrics[0].value === '1' &&
        build.metrics[0].labels.version && build.metrics[0].labels.commit,
        `vc_build_info{version,commit} is 1 (${JSON.stringify(build && build.metrics[0].labels)})`);
  for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds',
                      'process_start_time_seconds', 'process_max_fds']) {
    const f = families.find((x) => x.name === name);
    check(f && Number(f.metrics[0].value) > 0, `${name} is exported (${f && f.metrics[0].value})`);
  }
  const start = Number(families.find((f) => f.name === 'process_start_time_seconds').metrics[0].value);
  check(Math.abs(start - Date.now() / 1000) < 600, 'process_start_time_seconds is about now');
  const labels = families.flatMap((f) => f.metrics).length;
  // Fixed series only (routes, outcomes, three outboxes: callbacks, webhooks and the
  // sandbox's provider callbacks); nothing per user, request or org.
  check(labels < 420, `the label sets stay small (${labels} samples)`);
}

// {"name{a="x",b="y"}": number} with labels sorted by name.
function flatten(families) {
  const out = {};
  for (const f of families) {
    for (const m of f.metrics) {
      if (m.value === undefined) continue;
      const labels = Object.keys(m.labels || {}).sort().map((k) => `${k}="${m.labels[k]}"`).join(',');
      out[labels ? `${f.name}{${labels}}` : f.name] = Number(m.value);
    }
  }
  return out;
}
