// Cross-checks common/jws.cpp and common/jwk.cpp against an independent JOSE
// implementation, npm `jose`:
//   1. jose verifies every token our tool signed (and its thumbprints agree);
//   2. jose signs with its own keys; our tool verifies (and checks thumbprints);
//   3. tampered tokens are refused on both sides, so neither check is vacuous.
// jose 6 runs on WebCrypto, which has no secp256k1, so ES256K is cross-checked
// with Node's own crypto (OpenSSL underneath, but not our code) instead.
// Usage: node jose_crosscheck.mjs PATH/TO/jose_interop
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let jose;
try {
  jose = await import('jose');
} catch (e) {
  console.error('FAIL: npm package "jose" is not installed (tests/interop/node_modules is missing).');
  console.error('      Run: (cd tests/interop && npm ci)   -- ./dev test does this for you.');
  process.exit(1);
}

const tool = process.argv[2];
if (!tool || !fs.existsSync(tool)) {
  console.error(`FAIL: usage: node jose_crosscheck.mjs PATH/TO/jose_interop (got ${tool})`);
  process.exit(1);
}

// Decided at run time, so a jose that gains secp256k1 is used for it too.
const joseHasEs256k = await jose.generateKeyPair('ES256K').then(() => true, () => false);
if (!joseHasEs256k) {
  console.log('note: jose does not support ES256K here (WebCrypto has no secp256k1);'
              + ' ES256K is cross-checked with node:crypto instead');
}
const viaNode = (alg) => alg === 'ES256K' && !joseHasEs256k;

const ALGS = ['RS256', 'PS256', 'ES256', 'ES256K', 'EdDSA', 'HS256'];
const enc = new TextEncoder();
const b64u = (bytes) => Buffer.from(bytes).toString('base64url');
let failures = 0;
const fail = (msg) => { failures++; console.log(`FAIL ${msg}`); };

// ES256K without jose: the same JOSE rules (raw R||S, SHA-256) on node:crypto.
const es256k = {
  verify(token, jwk) {
    const [h, p, s] = token.split('.');
    const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
    return crypto.verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' },
                         Buffer.from(s, 'base64url'));
  },
  sign(payload) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const input = `${b64u(enc.encode(JSON.stringify({ alg: 'ES256K' })))}.${b64u(enc.encode(payload))}`;
    const sig = crypto.sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return { token: `${input}.${b64u(sig)}`, jwk: publicKey.export({ format: 'jwk' }) };
  },
};

function tamper(token) {
  const [h, , s] = token.split('.');
  return `${h}.${b64u(enc.encode('{"tampered":true}'))}.${s}`;
}

async function joseVerify(entry, token) {
  if (viaNode(entry.alg)) return es256k.verify(token, entry.jwk);
  try {
    const key = await jose.importJWK(entry.jwk, entry.alg);
    const { payload, protectedHeader } = await jose.compactVerify(token, key, { algorithms: [entry.alg] });
    return protectedHeader.alg === entry.alg && new TextDecoder().decode(payload) === entry.payload;
  } catch (e) {
    return false;
  }
}

// 1. Ours -> jose.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jose-interop-'));
const oursFile = path.join(dir, 'ours.json');
execFileSync(tool, ['sign', oursFile], { stdio: 'inherit' });
const ours = JSON.parse(fs.readFileSync(oursFile, 'utf8'));
if (ours.length !== ALGS.length) fail(`our tool signed ${ours.length} tokens, expected ${ALGS.length}`);
for (const entry of ours) {
  const who = viaNode(entry.alg) ? 'node:crypto' : 'jose';
  if (await joseVerify(entry, entry.token)) console.log(`ok   ours->${who}: ${entry.alg} verifies`);
  else fail(`ours->${who}: ${entry.alg} token does not verify`);
  if (await joseVerify(entry, tamper(entry.token))) fail(`ours->${who}: tampered ${entry.alg} token verifies`);
  const thumb = await jose.calculateJwkThumbprint(entry.jwk, 'sha256');
  if (thumb === entry.thumbprint) console.log(`ok   ours->jose: ${entry.alg} thumbprint ${thumb}`);
  else fail(`${entry.alg} thumbprint: jose ${thumb}, ours ${entry.thumbprint}`);
}

// 2. jose -> ours.
const theirs = [];
for (const alg of ALGS) {
  const payload = JSON.stringify({ iss: 'npm-jose', alg, note: 'café ✓' });
  let token, jwk;
  if (viaNode(alg)) {
    ({ token, jwk } = es256k.sign(payload));
  } else if (alg === 'HS256') {
    const secret = await jose.generateSecret('HS256', { extractable: true });
    jwk = await jose.exportJWK(secret);  // {kty:"oct", k}
    token = await new jose.CompactSign(enc.encode(payload)).setProtectedHeader({ alg }).sign(secret);
  } else {
    const { privateKey, publicKey } = await jose.generateKeyPair(alg, { extractable: true });
    jwk = await jose.exportJWK(publicKey);
    token = await new jose.CompactSign(enc.encode(payload)).setProtectedHeader({ alg, typ: 'JWT' })
      .sign(privateKey);
  }
  theirs.push({ alg, jwk, token, payload, thumbprint: await jose.calculateJwkThumbprint(jwk, 'sha256') });
}
const theirsFile = path.join(dir, 'theirs.json');
fs.writeFileSync(theirsFile, JSON.stringify(theirs));
try {
  execFileSync(tool, ['verify', theirsFile], { stdio: 'inherit' });
  console.log(`ok   jose->ours: all ${theirs.length} tokens verify${joseHasEs256k ? '' : ' (ES256K signed by node:crypto)'}`);
} catch (e) {
  fail(`jose->ours: our tool refused jose's tokens (exit ${e.status})`);
}

// 3. Our verifier must refuse what it should: each tampered token alone.
for (const entry of theirs) {
  const bad = path.join(dir, `tampered-${entry.alg}.json`);
  fs.writeFileSync(bad, JSON.stringify([{ ...entry, token: tamper(entry.token), payload: undefined }]));
  try {
    execFileSync(tool, ['verify', bad], { stdio: 'pipe' });
    fail(`jose->ours: tampered ${entry.alg} token was accepted`);
  } catch (e) {
    if (String(e.stdout).includes('invalid_signature')) {
      console.log(`ok   jose->ours: tampered ${entry.alg} token refused (invalid_signature)`);
    } else {
      fail(`jose->ours: tampered ${entry.alg} token refused for the wrong reason: ${e.stdout}${e.stderr}`);
    }
  }
}

fs.rmSync(dir, { recursive: true, force: true });
console.log(failures === 0 ? 'interop: all checks passed' : `interop: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
