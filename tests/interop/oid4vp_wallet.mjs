// An independent OpenID4VP 1.0 wallet against the real vcserver verifier:
// npm @openid4vc/openid4vp 0.4.6 (Credo's protocol layer) parses our
// openid4vp:// link, fetches the request object and verifies it as a JAR
// under our did:web (resolved here from /oid4vp/did.json), reads the DCQL
// query, builds the response and posts it direct_post. The presentations are
// made with @sd-jwt/sd-jwt-vc 0.19.0 from SD-JWT VCs of
//  - an independent test issuer in this script (its own ES256 key, its
//    /.well-known/jwt-vc-issuer and a Token Status List made with
//    @sd-jwt/jwt-status-list, on a local port), and
//  - our own OpenID4VCI issuer (taken with @openid4vc/openid4vci).
// The verifier must report exactly the disclosed claims, and refuse a wrong
// nonce, another audience, and a revoked credential with the spec's error answer.
// Usage: node oid4vp_wallet.mjs vcserver
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

let jose, oauth2, oid4vci, oid4vp, sdJwtVc, statusList, sdCrypto;
try {
  jose = await import('jose');
  oauth2 = await import('@openid4vc/oauth2');
  oid4vci = await import('@openid4vc/openid4vci');
  oid4vp = await import('@openid4vc/openid4vp');
  sdJwtVc = await import('@sd-jwt/sd-jwt-vc');
  statusList = await import('@sd-jwt/jwt-status-list');
  sdCrypto = await import('@sd-jwt/crypto-nodejs');
} catch (e) {
  console.error(`FAIL: npm packages missing (${e.message}); run (cd tests/interop && npm ci)`);
  process.exit(1);
}
const [vcserver] = process.argv.slice(2);
let failures = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`); if (!ok) failures++; };
const ADMIN = 'interop-admin-key-0002';
const VCT = 'https://credentials.example/pid';
const now = () => Math.floor(Date.now() / 1000);

// The independent issuer: key, metadata, one status list (index 3 may be revoked).
const issuerKeys = await sdCrypto.ES256.generateKeyPair();
const issuerKid = await jose.calculateJwkThumbprint(issuerKeys.publicKey);
const issuerPrivate = await jose.importJWK(issuerKeys.privateKey, 'ES256');
const statuses = new Array(64).fill(0);
let issuerUrl;
const issuerServer = http.createServer(async (req, res) => {
  if (req.url === '/.well-known/jwt-vc-issuer') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ issuer: issuerUrl, jwks: { keys: [{ ...issuerKeys.publicKey, kid: issuerKid }] } }));
  } else if (req.url === '/status/1') {
    const list = new statusList.StatusList(statuses, 1);
    const { header, payload } = statusList.createHeaderAndPayload(
      list, { iss: issuerUrl, sub: `${issuerUrl}/status/1`, iat: now(), exp: now() + 3600, ttl: 300 },
      { alg: 'ES256', typ: 'statuslist+jwt', kid: issuerKid });
    const jwt = await new jose.SignJWT(payload).setProtectedHeader(header).sign(issuerPrivate);
    res.writeHead(200, { 'Content-Type': 'application/statuslist+jwt' });
    res.end(jwt);
  } else {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((resolve) => issuerServer.listen(0, '127.0.0.1', resolve));
issuerUrl = `http://127.0.0.1:${issuerServer.address().port}`;

// The holder: one ES256 key for OpenID4VCI proofs and Key Binding JWTs.
const holderKeys = await sdCrypto.ES256.generateKeyPair();
const holderPrivate = await jose.importJWK(holderKeys.privateKey, 'ES256');
const sdjwt = new sdJwtVc.SDJwtVcInstance({
  signer: await sdCrypto.ES256.getSigner(issuerKeys.privateKey), signAlg: 'ES256',
  kbSigner: await sdCrypto.ES256.getSigner(holderKeys.privateKey), kbSignAlg: 'ES256',
  hasher: sdCrypto.digest, hashAlg: 'sha-256', saltGenerator: sdCrypto.generateSalt,
});
const issueIndependent = () => sdjwt.issue(
  { iss: issuerUrl, vct: VCT, iat: now(), exp: now() + 3600, cnf: { jwk: holderKeys.publicKey },
    status: { status_list: { idx: 3, uri: `${issuerUrl}/status/1` } },
    given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12' },
  { _sd: ['given_name', 'family_name', 'birthdate'] },
  { header: { typ: 'dc+sd-jwt', kid: issuerKid } });

// vcserver: an OpenID4VCI issuer (for the second credential) and the verifier.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oid4vp-interop-'));
const config = {
  listen: '127.0.0.1:0', publicBaseUrl: 'http://127.0.0.1:0', dataDir: path.join(dir, 'var'),
  // The @sd-jwt issuer's metadata is served on this machine: allowed like any receiver here.
  outbound: { allow: ['127.0.0.0/8'] },
  proofingProviders: { sandbox: { type: 'sandbox' } },
  contracts: [{ id: 'VerifiedIdentity', formats: ['jwt_vc_json', 'dc+sd-jwt'],
                claims: [{ inputClaim: 'realName', required: true, indexed: true },
                         { inputClaim: 'idCardType', outputClaim: 'documentType' }] }],
  orgs: [{ id: 'contoso', redirectUrls: ['https://contoso.example/done'] }],
  apiKeys: [{ id: 'ops', role: 'admin',
              hash: 'sha256:' + crypto.createHash('sha256').update(ADMIN).digest('hex') }],
};
fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
const server = spawn(vcserver, ['--config', path.join(dir, 'config.json')],
                     { stdio: ['ignore', 'pipe', 'ignore'] });
const stop = () => {
  server.kill('SIGTERM');
  issuerServer.close();
  fs.rmSync(dir, { recursive: true, force: true });
};
let base;
const api = async (method, p, body) => {
  const r = await fetch(base + p, {
    method, headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
};

// did:web resolution for the JAR (http: the verifier runs on 127.0.0.1).
const resolveDidWeb = async (did) => {
  const parts = did.slice('did:web:'.length).split(':').map(decodeURIComponent);
  const host = parts.shift();
  const url = `http://${host}/${parts.length ? parts.join('/') : '.well-known'}/did.json`;
  return (await fetch(url)).json();
};
const callbacks = {
  fetch,
  hash: (data, alg) => new Uint8Array(crypto.createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
  generateRandom: (n) => new Uint8Array(crypto.randomBytes(n)),
  clientAuthentication: oauth2.clientAuthenticationAnonymous(),
  signJwt: async (signer, { header, payload }) => {
    const jwt = await new jose.SignJWT(payload).setProtectedHeader(header).sign(holderPrivate);
    return { jwt, signerJwk: signer.publicJwk };
  },
  verifyJwt: async (signer, { compact }) => {
    if (signer.method !== 'did') return { verified: false };
    const did = signer.didUrl.split('#')[0];
    const doc = await resolveDidWeb(did);
    const vm = doc.id === did &&
      (doc.verificationMethod ?? []).find((m) => m.id === signer.didUrl || did + m.id === signer.didUrl);
    if (!vm) return { verified: false };
    try {
      await jose.compactVerify(compact, await jose.importJWK(vm.publicKeyJwk, signer.alg));
      return { verified: true, signerJwk: vm.publicKeyJwk };
    } catch {
      return { verified: false, signerJwk: vm.publicKeyJwk };
    }
  },
};

// The wallet: resolve and verify the request, present `credential` with the
// claims the DCQL query asks for, post it. `alter` may change the KB-JWT payload.
const verifierWallet = new oid4vp.Openid4vpClient({ callbacks });
const present = async (url, credential, alter = (kb) => kb) => {
  const parsed = verifierWallet.parseOpenid4vpAuthorizationRequest({ authorizationRequest: url });
  const resolved = await verifierWallet.resolveOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: parsed.params });
  const request = resolved.authorizationRequestPayload;
  const query = resolved.dcql.query.credentials[0];
  const frame = Object.fromEntries((query.claims ?? []).map((c) => [c.path[0], true]));
  const kb = alter({ iat: now(), aud: request.client_id, nonce: request.nonce });
  const presentation = await sdjwt.present(credential, frame, { kb: { payload: kb } });
  const { authorizationResponsePayload } = await verifierWallet.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request,
    authorizationResponsePayload: { vp_token: { [query.id]: [presentation] } } });
  const { response } = await verifierWallet.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request, authorizationResponsePayload });
  return { parsed, resolved, query, status: response.status, body: await response.json() };
};
const ask = async (policy) => {
  const r = await api('POST', '/api/verifier/presentation-requests', { protocol: 'openid4vp', policy });
  check(r.status === 201 && r.json.url.startsWith('openid4vp://?client_id=decentralized_identifier'),
        `request created (${r.status} ${r.json.url ?? JSON.stringify(r.json)})`);
  return r.json;
};
const result = async (id) => (await api('GET', `/api/verifier/presentation-requests/${id}`)).json;

try {
  base = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: server.stdout });
    rl.on('line', (line) => { const m = line.match(/listening on (http:\/\/\S+)/); if (m) resolve(m[1]); });
    server.on('exit', (code) => reject(new Error(`vcserver exited with ${code}`)));
  });
  oauth2.setGlobalConfig({ allowInsecureUrls: true });
  const independent = { requestedCredentials: [{
    format: 'dc+sd-jwt', id: 'pid', vct: [VCT], claims: ['given_name', 'family_name'],
    acceptedIssuers: [issuerUrl] }] };

  // 1. The independent issuer's credential, presented by the independent wallet.
  const credential = await issueIndependent();
  const req1 = await ask(independent);
  const ok = await present(req1.url, credential);
  check(ok.parsed.type === 'jar', 'the link is a JAR request by reference');
  check(ok.resolved.jar?.signer?.method === 'did' && ok.resolved.client.prefix === 'decentralized_identifier',
        `the JAR verified under our DID (${ok.resolved.jar?.signer?.didUrl})`);
  check(ok.resolved.version === 100, `read as OpenID4VP 1.0 final (version ${ok.resolved.version})`);
  check(ok.query.format === 'dc+sd-jwt' && ok.query.meta.vct_values[0] === VCT, 'DCQL asks for the vct');
  check(ok.status === 200, `response accepted (${ok.status} ${JSON.stringify(ok.body)})`);
  const r1 = await result(req1.id);
  check(r1.status === 'presentation_verified', `verified (${r1.status} ${JSON.stringify(r1.error ?? '')})`);
  check(JSON.stringify(r1.credentials?.[0]?.claims) === JSON.stringify({ family_name: 'Mustermann', given_name: 'Erika' }),
        `exactly the disclosed claims (${JSON.stringify(r1.credentials?.[0]?.claims)})`);
  check(r1.credentials?.[0]?.issuer === issuerUrl, 'issuer reported');
  const thumbprint = await jose.calculateJwkThumbprint(holderKeys.publicKey);
  check(r1.subject === `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${thumbprint}`, 'subject is the holder key');

  // 2. Refusals, each with the spec's error answer and our code recorded.
  const refused = async (name, alter, code) => {
    const req = await ask(independent);
    const r = await present(req.url, credential, alter);
    check(r.status === 400 && r.body.error === 'invalid_request' && r.body.error_description.startsWith(`${code}:`),
          `${name}: 400 invalid_request ${code} (${r.status} ${JSON.stringify(r.body)})`);
    const after = await result(req.id);
    check(after.status === 'presentation_error' && after.error.code === code, `${name}: recorded as ${code}`);
  };
  await refused('wrong nonce', (kb) => ({ ...kb, nonce: 'not-the-nonce' }), 'nonce_mismatch');
  await refused('KB-JWT for another audience', (kb) => ({ ...kb, aud: 'decentralized_identifier:did:web:evil.example' }),
                'audience_mismatch');
  statuses[3] = 1;
  await refused('revoked', (kb) => kb, 'revoked');
  statuses[3] = 0;

  // 3. A credential from our own OpenID4VCI issuer, presented by the same wallet.
  await api('PATCH', '/api/users/contoso/alice',
            { realName: 'Megan Bowen', idCardType: 'PASSPORT', idCardNumber: 'X1234567' });
  await api('POST', '/api/verify-identification?owner=contoso&name=alice&provider=sandbox');
  const offer = (await api('POST', '/api/users/contoso/alice/credential', { format: 'dc+sd-jwt' })).json.data;
  oid4vci.setGlobalConfig({ allowInsecureUrls: true });
  const vci = new oid4vci.Openid4vciClient({ callbacks });
  const credentialOffer = await vci.resolveCredentialOffer(offer.url);
  const metadata = await vci.resolveIssuerMetadata(credentialOffer.credential_issuer);
  const configId = credentialOffer.credential_configuration_ids[0];
  const { accessTokenResponse } = await vci.retrievePreAuthorizedCodeAccessTokenFromOffer(
    { credentialOffer, issuerMetadata: metadata, txCode: offer.txCode });
  const nonce = await vci.requestNonce({ issuerMetadata: metadata });
  const proof = await vci.createCredentialRequestJwtProof({
    issuerMetadata: metadata, nonce: nonce.c_nonce, credentialConfigurationId: configId,
    signer: { method: 'jwk', alg: 'ES256', publicJwk: holderKeys.publicKey } });
  const issued = await vci.retrieveCredentials({
    issuerMetadata: metadata, accessToken: accessTokenResponse.access_token,
    credentialConfigurationId: configId, proofs: { jwt: [proof.jwt] } });
  const ours = issued.credentialResponse.credentials[0].credential;
  check(typeof ours === 'string' && ours.endsWith('~'), 'our OpenID4VCI issuer issued an SD-JWT VC');
  const req3 = await ask({ requestedCredentials: [{
    format: 'dc+sd-jwt', id: 'identity', vct: [`${base}/oid4vci/types/VerifiedIdentity`],
    claims: ['realName'], acceptedIssuers: [base] }] });
  const own = await present(req3.url, ours);
  check(own.status === 200, `our credential accepted (${own.status} ${JSON.stringify(own.body)})`);
  const r3 = await result(req3.id);
  check(r3.status === 'presentation_verified', `verified (${r3.status} ${JSON.stringify(r3.error ?? '')})`);
  check(JSON.stringify(r3.credentials?.[0]?.claims) === JSON.stringify({ realName: 'Megan Bowen' }),
        `only realName disclosed and reported (${JSON.stringify(r3.credentials?.[0]?.claims)})`);
} catch (e) {
  check(false, `exception: ${e.stack || e}`);
} finally {
  stop();
}
process.exit(failures === 0 ? 0 : 1);
