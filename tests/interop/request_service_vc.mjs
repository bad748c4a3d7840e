// The VC that `vcwallet accept` receives from the real vcserver, verified by
// independent implementations: npm `jose` (signature against the key in the
// served did:web document) and `did-jwt-vc` (VC-JWT rules, with a did:web
// resolver reading the served document); the published status list decoded
// with Node's own gzip (MSB-first, as the W3C Bitstring Status List says) and
// checked by @digitalbazaar/vc-bitstring-status-list (contexts, entry, list),
// before and after a revocation through the admin API; a presentation
// definition with constraints evaluated by @sphereon/pex as a JavaScript
// wallet would.
// Usage: node request_service_vc.mjs vcserver vcctl vcwallet
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';

let jose, didJwtVc, didResolver, bsl, pex;
try {
  jose = await import('jose');
  didJwtVc = await import('did-jwt-vc');
  didResolver = await import('did-resolver');
  bsl = await import('@digitalbazaar/vc-bitstring-status-list');
  pex = await import('@sphereon/pex');
} catch (e) {
  console.error('FAIL: npm packages missing; run (cd tests/interop && npm ci)');
  process.exit(1);
}
const [vcserver, vcctl, vcwallet] = process.argv.slice(2);
let failures = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`); if (!ok) failures++; };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reqsvc-interop-'));
// The callback receiver below is on loopback, which the outbound policy refuses by default.
fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({
  listen: '127.0.0.1:0', publicBaseUrl: 'http://127.0.0.1:0', dataDir: path.join(dir, 'var'),
  outbound: { allow: ['127.0.0.0/8'] },
}));
const server = spawn(vcserver, ['--config', path.join(dir, 'config.json')],
                     { stdio: ['ignore', 'pipe', 'ignore'] });
const stop = () => { server.kill('SIGTERM'); fs.rmSync(dir, { recursive: true, force: true }); };
try {
  const base = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: server.stdout });
    rl.on('line', (line) => { const m = line.match(/listening on (http:\/\/\S+)/); if (m) resolve(m[1]); });
    server.on('exit', (code) => reject(new Error(`vcserver exited with ${code}`)));
  });
  const did = 'did:web:' + encodeURIComponent(new URL(base).host);
  const bearer = execFileSync(vcctl, ['request-service', 'token', '--data-dir', path.join(dir, 'var')])
    .toString().trim();

  // A callback receiver that accepts everything (the events are tested in C++).
  const http = await import('node:http');
  const receiver = http.createServer((req, res) => { req.resume(); res.writeHead(200).end('{}'); });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const callback = `http://127.0.0.1:${receiver.address().port}/cb`;

  const create = await fetch(`${base}/v1.0/verifiableCredentials/createIssuanceRequest`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      authority: did, callback: { url: callback, state: 's', headers: { 'api-key': 'k' } },
      registration: { clientName: 'interop' }, type: 'VerifiedIdentity',
      manifest: `${base}/v1.0/tenants/local/verifiableCredentials/contracts/VerifiedIdentity/manifest`,
      claims: { realName: 'Megan Bowen', idCardType: 'PASSPORT' },
    }),
  });
  check(create.status === 201, `createIssuanceRequest 201 (got ${create.status})`);
  const { url } = await create.json();
  const walletFile = path.join(dir, 'wallet.json');
  execFileSync(vcwallet, ['--wallet', walletFile, 'accept', url]);
  const [vc] = JSON.parse(execFileSync(vcwallet, ['--wallet', walletFile, 'list', '--json']).toString());
  check(typeof vc === 'string' && vc.split('.').length === 3, 'vcwallet holds a compact VC-JWT');

  // jose: the signature against the key the served did:web document lists under kid.
  const doc = await (await fetch(`${base}/.well-known/did.json`)).json();
  const { kid, alg } = jose.decodeProtectedHeader(vc);
  check(alg === 'ES256' && kid.startsWith(did + '#'), `header alg ES256, kid under ${did}`);
  const method = doc.verificationMethod.find((m) => did + m.id === kid || m.id === kid);
  check(!!method, 'kid names a verification method of the served DID document');
  const key = await jose.importJWK(method.publicKeyJwk, 'ES256');
  const { payload } = await jose.jwtVerify(vc, key, { issuer: did });
  check(payload.vc.credentialSubject.realName === 'Megan Bowen', 'jose jwtVerify: claims intact');
  check(payload.exp - payload.iat === 2592000, 'exp = iat + validityInterval');

  // did-jwt-vc with a did:web resolver that returns the served document as is
  // (relative "#kid" method ids and @base, Entra's shape).
  const resolver = new didResolver.Resolver({
    web: async () => ({ didResolutionMetadata: {}, didDocumentMetadata: {},
                        didDocument: await (await fetch(`${base}/.well-known/did.json`)).json() }),
  });
  const verified = await didJwtVc.verifyCredential(vc, resolver);
  check(verified.verified && verified.issuer === did, 'did-jwt-vc verifyCredential');
  check(verified.verifiableCredential.type.includes('VerifiedIdentity'), 'did-jwt-vc: type VerifiedIdentity');

  // digitalbazaar's Bitstring Status List code on our entry and list: the VC
  // and the list credential as did-jwt-vc normalises them (VCDM 1.1 JWT
  // mapping), each list fetched and verified by did-jwt-vc.
  const loader = async (url) => ({
    document: (await didJwtVc.verifyCredential(await (await fetch(url)).text(), resolver))
      .verifiableCredential,
  });
  check(bsl.statusTypeMatches({ credential: verified.verifiableCredential }),
        'bitstring: the VC declares the status context and a BitstringStatusListEntry');
  const listVc = (await loader(payload.vc.credentialStatus.statusListCredential)).document;
  try {
    bsl.assertBitstringStatusListContext({ credential: listVc });
    check(true, 'bitstring: the status list credential declares the status context');
  } catch (e) {
    check(false, `bitstring: status list context: ${e.message}`);
  }
  const listJwt = await (await fetch(payload.vc.credentialStatus.statusListCredential)).text();
  const listPayload = jose.decodeJwt(listJwt);
  check(listPayload.vc.credentialSubject.id === listPayload.sub,
        `status list credentialSubject.id equals sub (${listPayload.sub})`);
  const statusOf = async () => {
    const r = await bsl.checkStatus({ credential: verified.verifiableCredential, documentLoader: loader,
                                      verifyBitstringStatusListCredential: false,
                                      verifyMatchingIssuers: true });
    if (!r.verified) throw r.error;
    return r.results[0].status;
  };
  check(await statusOf() === false, 'bitstring checkStatus: not revoked');

  // @sphereon/pex evaluates the presentation definition of a request with
  // constraints (case-insensitive values, startsWith, contains with regex
  // characters), as JavaScript wallets do; a constraint the VC misses excludes it.
  const definition = async (constraints) => {
    const created = await fetch(`${base}/v1.0/verifiableCredentials/createPresentationRequest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        authority: did, callback: { url: callback, state: 'p' }, registration: { clientName: 'pex' },
        requestedCredentials: [{ type: 'VerifiedIdentity', acceptedIssuers: [did], constraints }],
      }),
    });
    const { url: link } = await created.json();
    const requestJwt = await (await fetch(link.split('request_uri=')[1])).text();
    return jose.decodeJwt(requestJwt).claims.vp_token.presentation_definition;
  };
  const matching = await definition([
    { claimName: 'realName', values: ['MEGAN BOWEN', 'a.b(c)'] },
    { claimName: 'idCardType', startsWith: 'pass' },
    { claimName: 'realName', contains: 'n b' }]);
  for (const field of matching.input_descriptors[0].constraints.fields) {
    check(!field.filter.pattern.includes('(?'), `pattern is ECMA-262: ${field.filter.pattern}`);
    new RegExp(field.filter.pattern, 'u');  // throws if not valid with the u flag
  }
  const evaluator = new pex.PEX();
  const yes = evaluator.evaluateCredentials(matching, [vc]);
  check(yes.areRequiredCredentialsPresent === 'info' && yes.verifiableCredential.length === 1,
        `pex: the VC satisfies the definition (${yes.areRequiredCredentialsPresent}; ` +
        `${JSON.stringify(yes.errors?.slice(0, 2))})`);
  const no = evaluator.evaluateCredentials(await definition([{ claimName: 'realName', values: ['Megan'] }]), [vc]);
  check(no.areRequiredCredentialsPresent === 'error', 'pex: a value the VC lacks excludes it');

  // The status list, decoded without our code.
  const status = payload.vc.credentialStatus;
  const readBit = async () => {
    const list = await (await fetch(status.statusListCredential)).text();
    const { payload: lp } = await jose.jwtVerify(list, key, { issuer: did });
    const encoded = lp.vc.credentialSubject.encodedList;
    check(encoded.startsWith('u'), 'encodedList is multibase base64url ("u")');
    const bits = zlib.gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
    check(bits.length * 8 >= 131072, `list has at least 131072 entries (${bits.length * 8})`);
    const i = Number(status.statusListIndex);
    return (bits[i >> 3] >> (7 - (i % 8))) & 1;
  };
  check(await readBit() === 0, 'fresh credential: bit is 0');
  // Revocation belongs to the Admin API: a Request Service token is refused.
  const revokeUrl = `${base}/v1.0/verifiableCredentials/credentials/${payload.jti}/revoke`;
  const refused = await fetch(revokeUrl, { method: 'POST', headers: { Authorization: `Bearer ${bearer}` } });
  check(refused.status === 401, `revoke with a Request Service token: 401 (got ${refused.status})`);
  const admin = execFileSync(vcctl, ['request-service', 'token', '--scope', 'admin', '--data-dir',
                                     path.join(dir, 'var')]).toString().trim();
  const revoke = await fetch(revokeUrl, { method: 'POST', headers: { Authorization: `Bearer ${admin}` } });
  check(revoke.status === 204, `admin revoke 204 (got ${revoke.status})`);
  check(await readBit() === 1, 'revoked credential: bit is 1 (MSB-first)');
  check(await statusOf() === true, 'bitstring checkStatus: revoked');

  // The DomainLinkageCredential, with did-jwt-vc too.
  const conf = await (await fetch(`${base}/.well-known/did-configuration.json`)).json();
  const dlc = await didJwtVc.verifyCredential(conf.linked_dids[0], resolver);
  check(dlc.verifiableCredential.credentialSubject.origin === `${base}/`, 'DomainLinkageCredential origin');
  receiver.close();
} catch (e) {
  check(false, `exception: ${e.stack || e}`);
} finally {
  stop();
}
process.exit(failures === 0 ? 0 : 1);
