// SD-JWTs and Token Status Lists made by npm @sd-jwt/* 0.19.0, checked by our
// C++ code (sd_jwt_interop): issuance with nested, array and decoy
// disclosures, a presentation with a Key Binding JWT, tampered variants that
// must be refused with our reason codes, and status lists of 1, 2, 4 and 8
// bits per status (whose encodings by our code @sd-jwt must read back).
// (Our SD-JWT VCs and status list tokens are checked by @sd-jwt in
// oid4vci_wallet.mjs.) Usage: node sd_jwt_crosscheck.mjs PATH/TO/sd_jwt_interop
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let sdJwtVc, sdCrypto, statusList;
try {
  sdJwtVc = await import('@sd-jwt/sd-jwt-vc');
  sdCrypto = await import('@sd-jwt/crypto-nodejs');
  statusList = await import('@sd-jwt/jwt-status-list');
} catch (e) {
  console.error(`FAIL: npm packages missing (${e.message}); run (cd tests/interop && npm ci)`);
  process.exit(1);
}
const helper = process.argv[2];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-jwt-crosscheck-'));
let failures = 0;
const run = (mode, cases) => {
  const file = path.join(dir, `${mode}.json`);
  fs.writeFileSync(file, JSON.stringify(cases));
  try {
    const out = execFileSync(helper, [mode, file]).toString();
    process.stdout.write(out);
    return out;
  } catch (e) {
    process.stdout.write(e.stdout?.toString() ?? String(e));
    failures++;
    return e.stdout?.toString() ?? '';
  }
};

try {
  const issuer = await sdCrypto.ES256.generateKeyPair();
  const holder = await sdCrypto.ES256.generateKeyPair();
  const other = await sdCrypto.ES256.generateKeyPair();
  const sdjwt = new sdJwtVc.SDJwtVcInstance({
    signer: await sdCrypto.ES256.getSigner(issuer.privateKey), signAlg: 'ES256',
    verifier: await sdCrypto.ES256.getVerifier(issuer.publicKey),
    kbSigner: await sdCrypto.ES256.getSigner(holder.privateKey), kbSignAlg: 'ES256',
    kbVerifier: await sdCrypto.ES256.getVerifier(holder.publicKey),
    hasher: sdCrypto.digest, hashAlg: 'sha-256', saltGenerator: sdCrypto.generateSalt,
  });
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: 'https://issuer.example', vct: 'https://issuer.example/pid', iat: now, exp: now + 3600,
    cnf: { jwk: holder.publicKey },
    given_name: 'Erika', family_name: 'Mustermann',
    address: { street: 'Heidestraße 17', locality: 'Köln' },
    nationalities: ['DE', 'FR'],
  };
  const frame = { _sd: ['given_name', 'family_name', 'address'], _sd_decoy: 2,
                  address: { _sd: ['street'], _sd_decoy: 1 }, nationalities: { _sd: [0] } };
  const issued = await sdjwt.issue(payload, frame);
  const claims = await sdjwt.getClaims(issued);
  const presented = await sdjwt.present(issued, { given_name: true },
                                        { kb: { payload: { iat: now, aud: 'https://rp.example', nonce: 'n-1' } } });
  const presentedClaims = await sdjwt.getClaims(presented);
  const [jwt, ...rest] = issued.split('~');
  const disclosures = rest.filter((d) => d);
  const foreign = (await sdjwt.issue({ ...payload, extra: 'x' }, { _sd: ['extra'] })).split('~')[1];
  const base = { issuer_jwk: issuer.publicKey, now, typ: 'dc+sd-jwt' };
  const verifyOut = run('verify', [
    { ...base, name: 'issued by @sd-jwt (nested, array, decoys)', sd_jwt: issued, expect: 'ok', claims },
    { ...base, name: 'presented with key binding', sd_jwt: presented, aud: 'https://rp.example',
      nonce: 'n-1', expect: 'ok', claims: presentedClaims },
    { ...base, name: 'key binding with another nonce', sd_jwt: presented, aud: 'https://rp.example',
      nonce: 'n-2', expect: 'invalid_key_binding' },
    { ...base, name: 'a disclosure of another SD-JWT', sd_jwt: `${jwt}~${disclosures.join('~')}~${foreign}~`,
      expect: 'unreferenced_disclosure' },
    { ...base, name: 'a disclosure sent twice', sd_jwt: `${jwt}~${disclosures.join('~')}~${disclosures[0]}~`,
      expect: 'duplicate_digest' },
    { ...base, name: 'checked with another key', issuer_jwk: other.publicKey, sd_jwt: issued,
      expect: 'invalid_signature' },
    { ...base, name: 'key binding required but absent', sd_jwt: issued, aud: 'https://rp.example',
      nonce: 'n-1', expect: 'key_binding_required' },
  ]);
  const verified = (verifyOut.match(/^ok   /gm) || []).length;
  console.log(`${verified === 7 ? 'ok  ' : 'FAIL'} ${verified} of 7 verify cases as expected`);
  if (verified !== 7) failures++;

  const cases = [1, 2, 4, 8].map((bits) => {
    const statuses = Array.from({ length: 1000 }, () => Math.floor(Math.random() * (1 << bits)));
    return { bits, statuses, lst: new statusList.StatusList(statuses, bits).compressStatusList() };
  });
  const statusOut = run('status', cases);
  // Our encodings of the same statuses, read back by @sd-jwt/jwt-status-list.
  for (const c of cases) {
    const m = statusOut.match(new RegExp(`^ok   ${c.bits}-bit: \\d+ statuses; ours (\\S+)$`, 'm'));
    const back = m && statusList.StatusList.decompressStatusList(m[1], c.bits);
    const same = back && c.statuses.every((s, i) => back.getStatus(i) === s);
    console.log(`${same ? 'ok  ' : 'FAIL'} our ${c.bits}-bit lst reads back in @sd-jwt/jwt-status-list`);
    if (!same) failures++;
  }
} catch (e) {
  console.log(`FAIL exception: ${e.stack || e}`);
  failures++;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failures === 0 ? 0 : 1);
