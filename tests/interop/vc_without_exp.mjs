// A VC-JWT without `exp` (VCDM 1.1 makes expiry optional; the DIF profile's
// own vector VC has none), made by an independent issuer — npm did-jwt-vc,
// signing as a did:jwk — and verified by our verifier (vc_verify, which runs
// credentials::VerifyVcJwt). One whose exp has passed is refused.
// Usage: node vc_without_exp.mjs vc_verify
import { execFileSync } from 'node:child_process';

let jose, didJwt, didJwtVc;
try {
  jose = await import('jose');
  didJwt = await import('did-jwt');
  didJwtVc = await import('did-jwt-vc');
} catch (e) {
  console.error('FAIL: npm packages missing; run (cd tests/interop && npm ci)');
  process.exit(1);
}
const [vcVerify] = process.argv.slice(2);
let failures = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`); if (!ok) failures++; };

const { publicKey, privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
const pub = await jose.exportJWK(publicKey);
const priv = await jose.exportJWK(privateKey);
const did = 'did:jwk:' + Buffer.from(JSON.stringify({ crv: pub.crv, kty: pub.kty, x: pub.x, y: pub.y }))
  .toString('base64url');
const issuer = { did, alg: 'ES256', signer: didJwt.ES256Signer(Buffer.from(priv.d, 'base64url')) };
const now = Math.floor(Date.now() / 1000);
const make = (extra) => didJwtVc.createVerifiableCredentialJwt({
  sub: 'did:jwk:holder', nbf: now - 60, jti: 'urn:uuid:7b0f7d1e-0000-4000-8000-000000000001',
  vc: { '@context': ['https://www.w3.org/2018/credentials/v1'],
        type: ['VerifiableCredential', 'VerifiedEmployee'],
        credentialSubject: { displayName: 'Megan Bowen' } },
  ...extra,
}, issuer, { header: { kid: `${did}#0`, typ: 'JWT' } });
const run = (jwt) => {
  try {
    return { code: 0, out: JSON.parse(execFileSync(vcVerify, [jwt]).toString()) };
  } catch (e) {
    return { code: e.status, out: JSON.parse(e.stdout.toString() || '{}') };
  }
};

const noExp = await make({});
check(!('exp' in JSON.parse(Buffer.from(noExp.split('.')[1], 'base64url'))), 'did-jwt-vc made a VC without exp');
const ours = run(noExp);
check(ours.code === 0 && ours.out.verified && ours.out.exp === null && ours.out.issuer === did,
      `our verifier accepts it (${JSON.stringify(ours.out)})`);
const expired = run(await make({ exp: now - 3600 }));
check(expired.code === 1 && expired.out.error === 'expired', `an exp that has passed is refused (${expired.out.error})`);
const valid = run(await make({ exp: now + 3600 }));
check(valid.code === 0 && valid.out.exp === now + 3600, 'a future exp is reported');
process.exit(failures === 0 ? 0 : 1);
