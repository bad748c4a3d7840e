// An RP built on npm `jose` mints jumpstart links; the real vcserver accepts
// them once, refuses the replay, and refuses what jose signs with another
// algorithm. It also checks the RP result token with jose against our JWKS.
// Usage: node jumpstart_jose.mjs PATH/TO/vcserver
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

let jose;
try {
  jose = await import('jose');
} catch (e) {
  console.error('FAIL: npm package "jose" is not installed; run (cd tests/interop && npm ci)');
  process.exit(1);
}
const vcserver = process.argv[2];
let failures = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`); if (!ok) failures++; };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jumpstart-jose-'));
const { publicKey, privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const publicJwk = { ...(await jose.exportJWK(publicKey)), kid: 'acme-2026', alg: 'RS256' };
const redirect = 'https://acme.example/onboarding/done';
const config = {
  environment: 'test', listen: '127.0.0.1:0', publicBaseUrl: 'http://127.0.0.1:8080', dataDir: dir,
  proofingProviders: { sandbox: { type: 'sandbox' } },
  orgs: [{ id: 'acme', redirectUrls: [redirect], keys: { jwks: { keys: [publicJwk] } },
           maxTokenLifetimeSeconds: 600 }],
};
fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));

const server = spawn(vcserver, ['--config', path.join(dir, 'config.json')],
                     { stdio: ['ignore', 'pipe', 'ignore'] });
const stop = () => { server.kill('SIGTERM'); fs.rmSync(dir, { recursive: true, force: true }); };
const base = await new Promise((resolve, reject) => {
  const rl = readline.createInterface({ input: server.stdout });
  rl.on('line', (line) => {
    const m = line.match(/listening on (http:\/\/\S+)/);
    if (m) resolve(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`vcserver exited with ${code}`)));
});

async function mint(requestId, alg = 'RS256', key = privateKey, kid = 'acme-2026') {
  return new jose.SignJWT({ OrgId: 'acme', RequestId: requestId, redirectUrl: redirect })
    .setProtectedHeader({ alg, typ: 'JWT', kid })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}
async function get(token) {
  const resp = await fetch(`${base}/acme/?token=${token}`,
                           { redirect: 'manual', headers: { Accept: 'application/json' } });
  const body = resp.status === 303 ? {} : await resp.json();
  return { status: resp.status, error: body.error, location: resp.headers.get('location'),
           cookie: (resp.headers.get('set-cookie') || '').split(';')[0] };
}

try {
  const token = await mint('jose-1');
  const first = await get(token);
  check(first.status === 303 && first.location.startsWith('/proofing/'),
        `jose-minted link accepted (${first.status} ${first.location})`);
  const again = await get(token);
  check(again.status === 409 && again.error === 'token_replayed', `replay refused (${again.error})`);
  const psKey = await jose.generateKeyPair('PS256');
  const ps = await get(await mint('jose-2', 'PS256', psKey.privateKey));
  check(ps.error === 'unsupported_alg', `PS256 link refused as unsupported_alg (${ps.error})`);
  const other = await jose.generateKeyPair('RS256');
  const forged = await get(await mint('jose-3', 'RS256', other.privateKey));
  check(forged.error === 'invalid_signature', `foreign key refused (${forged.error})`);
  const stranger = await fetch(`${base}${first.location}/cancel`, { method: 'POST', redirect: 'manual' });
  check(stranger.status === 403, `cancel without the session cookie refused (${stranger.status})`);
  // The user cancels; the RP gets a signed result it verifies with jose
  // against our published JWKS.
  const cancel = await fetch(`${base}${first.location}/cancel`,
                             { method: 'POST', redirect: 'manual', headers: { Cookie: first.cookie } });
  const back = new URL(cancel.headers.get('location') || 'about:blank');
  check(cancel.status === 303 && `${back.origin}${back.pathname}` === redirect,
        `returned to the registered redirectUrl (${cancel.status})`);
  const jwks = jose.createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`));
  const { payload } = await jose.jwtVerify(back.searchParams.get('result'), jwks,
                                           { audience: 'acme', algorithms: ['ES256'] });
  check(payload.RequestId === 'jose-1' && payload.status === 'cancelled' &&
        back.searchParams.get('status') === 'cancelled',
        `result verified by jose: ${JSON.stringify(payload)}`);
} catch (e) {
  check(false, `unexpected error: ${e.stack}`);
} finally {
  stop();
}
console.log(failures === 0 ? 'jumpstart interop: all checks passed' : `${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
