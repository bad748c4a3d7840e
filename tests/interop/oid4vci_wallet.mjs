// An independent wallet against the real vcserver: npm @openid4vc/openid4vci +
// @openid4vc/oauth2 0.4.6 (Credo's protocol layer) resolve the OpenID4VCI offer,
// redeem the pre-authorized code with the tx_code, fetch a nonce, send a key
// proof and receive the SD-JWT VC; @sd-jwt/sd-jwt-vc 0.19.0 verifies it with
// the key from /.well-known/jwt-vc-issuer and reads every claim, and its Token
// Status List (decoded by @sd-jwt/jwt-status-list) flips after
// `vcctl credential revoke`. The refusals (wrong tx_code, code replay, nonce
// replay, a proof signed by another key) are checked over plain fetch.
// Usage: node oid4vci_wallet.mjs vcserver vcctl
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

let jose, oauth2, oid4vci, sdJwtVc, statusList, sdCrypto;
try {
  jose = await import('jose');
  oauth2 = await import('@openid4vc/oauth2');
  oid4vci = await import('@openid4vc/openid4vci');
  sdJwtVc = await import('@sd-jwt/sd-jwt-vc');
  statusList = await import('@sd-jwt/jwt-status-list');
  sdCrypto = await import('@sd-jwt/crypto-nodejs');
} catch (e) {
  console.error(`FAIL: npm packages missing (${e.message}); run (cd tests/interop && npm ci)`);
  process.exit(1);
}
const [vcserver, vcctl] = process.argv.slice(2);
let failures = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`); if (!ok) failures++; };
const ADMIN = 'interop-admin-key-0001';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oid4vci-interop-'));
const config = {
  listen: '127.0.0.1:0', publicBaseUrl: 'http://127.0.0.1:0', dataDir: path.join(dir, 'var'),
  proofingProviders: { sandbox: { type: 'sandbox' } },
  contracts: [{
    id: 'VerifiedIdentity', formats: ['jwt_vc_json', 'dc+sd-jwt'],
    claims: [{ inputClaim: 'realName', required: true, indexed: true },
             { inputClaim: 'idCardType', outputClaim: 'documentType' }],
    display: { card: { title: 'Verified identity', issuedBy: 'vcserver interop' },
               claims: { 'vc.credentialSubject.realName': { type: 'String', label: 'Name' } } },
  }],
  orgs: [{ id: 'contoso', redirectUrls: ['https://contoso.example/done'] }],
  apiKeys: [{ id: 'ops', role: 'admin',
              hash: 'sha256:' + crypto.createHash('sha256').update(ADMIN).digest('hex') }],
};
fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
const server = spawn(vcserver, ['--config', path.join(dir, 'config.json')],
                     { stdio: ['ignore', 'pipe', 'ignore'] });
const stop = () => { server.kill('SIGTERM'); fs.rmSync(dir, { recursive: true, force: true }); };

const api = async (method, p, body) => {
  const r = await fetch(base + p, {
    method, headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
};
let base;

// A verified record and a dc+sd-jwt offer for it, through the account API.
const newOffer = async (name) => {
  await api('PATCH', `/api/users/contoso/${name}`,
            { realName: 'Megan Bowen', idCardType: 'PASSPORT', idCardNumber: 'X1234567' });
  await api('POST', `/api/verify-identification?owner=contoso&name=${name}&provider=sandbox`);
  const offer = await api('POST', `/api/users/contoso/${name}/credential`, { format: 'dc+sd-jwt' });
  check(offer.status === 201, `account API offer 201 for ${name} (got ${offer.status})`);
  return offer.json.data;
};

// The wallet's callbacks for the @openid4vc client: signing with jose.
const holder = await jose.generateKeyPair('ES256', { extractable: true });
const holderJwk = await jose.exportJWK(holder.publicKey);
const callbacks = {
  fetch,
  hash: (data, alg) => new Uint8Array(crypto.createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
  generateRandom: (n) => new Uint8Array(crypto.randomBytes(n)),
  clientAuthentication: oauth2.clientAuthenticationAnonymous(),
  signJwt: async (signer, { header, payload }) => {
    const jwt = await new jose.SignJWT(payload).setProtectedHeader(header).sign(holder.privateKey);
    return { jwt, signerJwk: signer.publicJwk };
  },
};
const signer = { method: 'jwk', alg: 'ES256', publicJwk: holderJwk };

try {
  base = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: server.stdout });
    rl.on('line', (line) => { const m = line.match(/listening on (http:\/\/\S+)/); if (m) resolve(m[1]); });
    server.on('exit', (code) => reject(new Error(`vcserver exited with ${code}`)));
  });
  oauth2.setGlobalConfig({ allowInsecureUrls: true });
  oid4vci.setGlobalConfig({ allowInsecureUrls: true });
  const client = new oid4vci.Openid4vciClient({ callbacks });

  const { url, txCode } = await newOffer('alice');
  check(url.startsWith('openid-credential-offer://?credential_offer_uri='), 'offer by reference');
  const offer = await client.resolveCredentialOffer(url);
  const again = await client.resolveCredentialOffer(url);  // some wallets fetch twice
  check(JSON.stringify(offer) === JSON.stringify(again), 'the offer resolves twice, the same');
  check(offer.credential_issuer === base, `credential_issuer is ${base}`);
  const metadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  check(metadata.originalDraftVersion === 'V1', `metadata read as OpenID4VCI 1.0 (${metadata.originalDraftVersion})`);
  const configId = offer.credential_configuration_ids[0];
  const configuration = metadata.credentialIssuer.credential_configurations_supported[configId];
  check(configuration.format === 'dc+sd-jwt' && configuration.credential_metadata.display[0].name === 'Verified identity',
        'dc+sd-jwt configuration with credential_metadata.display');

  // A wrong tx_code is refused (invalid_grant) and does not consume the code.
  const wrong = txCode === '000000' ? '111111' : '000000';
  let refusal;
  try {
    await client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer: offer, issuerMetadata: metadata, txCode: wrong });
  } catch (e) { refusal = e; }
  check(refusal && JSON.stringify(refusal.errorResponse ?? refusal.message).includes('invalid_grant'),
        'wrong tx_code: invalid_grant');
  const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer(
    { credentialOffer: offer, issuerMetadata: metadata, txCode });
  check(accessTokenResponse.token_type === 'Bearer', 'access token after the right tx_code');
  const nonce = await client.requestNonce({ issuerMetadata: metadata });
  const proof = await client.createCredentialRequestJwtProof({
    issuerMetadata: metadata, signer, nonce: nonce.c_nonce, credentialConfigurationId: configId });
  const response = await client.retrieveCredentials({
    issuerMetadata: metadata, accessToken: accessTokenResponse.access_token,
    credentialConfigurationId: configId, proofs: { jwt: [proof.jwt] } });
  const credential = response.credentialResponse.credentials[0].credential;
  check(typeof credential === 'string' && credential.endsWith('~'), 'received an SD-JWT VC');

  // @sd-jwt/sd-jwt-vc verifies it with the key jwt-vc-issuer publishes.
  const issuerMd = await (await fetch(`${base}/.well-known/jwt-vc-issuer`)).json();
  check(issuerMd.issuer === base, 'jwt-vc-issuer names the issuer');
  const { kid } = jose.decodeProtectedHeader(credential.split('~')[0]);
  const issuerJwk = issuerMd.jwks.keys.find((k) => k.kid === kid);
  check(!!issuerJwk, 'the credential kid is in jwt-vc-issuer');
  const verifier = await sdCrypto.ES256.getVerifier(issuerJwk);
  const sdjwt = new sdJwtVc.SDJwtVcInstance({ verifier, statusVerifier: verifier, hasher: sdCrypto.digest });
  const verified = await sdjwt.verify(credential);
  const p = verified.payload;
  check(verified.header.typ === 'dc+sd-jwt', 'typ dc+sd-jwt');
  check(p.iss === base && p.vct === configuration.vct, 'iss and vct');
  check(p.realName === 'Megan Bowen' && p.documentType === 'PASSPORT', 'every mapped claim reads back');
  check(p.idCardNumber === undefined, 'an unmapped claim is not issued');
  check(p._sd === undefined && (await sdjwt.keys(credential)).includes('realName'), 'claims are selectively disclosed');
  check(p.cnf.jwk.x === holderJwk.x, 'cnf.jwk is the holder key');
  check(p.exp - p.iat === 2592000, 'exp = iat + the contract validity');

  // The Token Status List, before and after vcctl credential revoke.
  const readStatus = async () => {
    const token = await (await fetch(p.status.status_list.uri)).text();
    return statusList.getListFromStatusListJWT(token).getStatus(p.status.status_list.idx);
  };
  check(await readStatus() === 0, 'status VALID (0) after issuance');
  execFileSync(vcctl, ['credential', 'revoke', '--subject', 'contoso/alice', '--data-dir', config.dataDir]);
  check(await readStatus() === 1, 'status INVALID (1) after vcctl credential revoke');
  let revokedRefused = false;
  try { await sdjwt.verify(credential); } catch (e) { revokedRefused = /Status is not valid/.test(e.message); }
  check(revokedRefused, '@sd-jwt/sd-jwt-vc refuses the revoked credential');

  // Refusals over plain fetch, each with the spec's error code.
  const token = async (code, tx) => fetch(`${base}/oid4vci/token`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
                                'pre-authorized_code': code, tx_code: tx }) });
  const code = offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']['pre-authorized_code'];
  const replay = await token(code, txCode);
  check(replay.status === 400 && (await replay.json()).error === 'invalid_grant', 'code replay: invalid_grant');
  const second = await newOffer('bob');
  const offer2 = await client.resolveCredentialOffer(second.url);
  const t2 = await client.retrievePreAuthorizedCodeAccessTokenFromOffer(
    { credentialOffer: offer2, issuerMetadata: metadata, txCode: second.txCode });
  const credential2 = async (jwt) => {
    const r = await fetch(`${base}/oid4vci/credential`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t2.accessTokenResponse.access_token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ credential_configuration_id: configId, proofs: { jwt: [jwt] } }) });
    return { status: r.status, body: await r.json() };
  };
  const replayed = await credential2(proof.jwt);  // the first request's nonce, spent
  check(replayed.status === 400 && replayed.body.error === 'invalid_nonce', 'nonce replay: invalid_nonce');
  const fresh = await client.requestNonce({ issuerMetadata: metadata });
  const other = await jose.generateKeyPair('ES256');
  const forged = await new jose.SignJWT({ aud: base, iat: Math.floor(Date.now() / 1000), nonce: fresh.c_nonce })
    .setProtectedHeader({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk: holderJwk }).sign(other.privateKey);
  const foreign = await credential2(forged);
  check(foreign.status === 400 && foreign.body.error === 'invalid_proof', 'proof by another key: invalid_proof');
  const good = await client.createCredentialRequestJwtProof({
    issuerMetadata: metadata, signer, nonce: fresh.c_nonce, credentialConfigurationId: configId });
  check((await credential2(good.jwt)).status === 200, 'the refusals spent nothing: a good proof still works');
  const status = await api('GET', `/api/users/contoso/bob/credential/${second.id}`);
  check(status.json.data.status === 'credential_issued', 'the account API reports credential_issued');
} catch (e) {
  check(false, `exception: ${e.stack || e}`);
} finally {
  stop();
}
process.exit(failures === 0 ? 0 : 1);
