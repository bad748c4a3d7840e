// The client half of msal_token.mjs, run with NODE_EXTRA_CA_CERTS naming the
// test CA (Node reads it only at startup). Talks to the embedded Request
// Service over https through the TLS terminator, as Microsoft's Node.js sample
// would with only its authority changed: npm @azure/msal-node (current and
// 1.x) gets a token by authority discovery, the sample's roles check holds,
// and an issuance request is created with it; then a token request with the
// scope string msal-node 1.3.1 sends.
// Usage (from msal_token.mjs): node msal_client.mjs BASE TENANT CLIENT SECRET MANIFEST DID CALLBACK
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [base, tenant, clientId, clientSecret, manifest, did, callback] = process.argv.slice(2);
const scope = '3db474b9-6a0c-4840-96ac-1fceb342124f/.default';
let failures = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`); if (!ok) failures++; };
const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

async function createIssuance(token, label) {
  const resp = await fetch(`${base}/v1.0/verifiableCredentials/createIssuanceRequest`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      authority: did, includeQRCode: false, type: 'ignore-this', manifest,
      callback: { url: callback, state: label, headers: { 'api-key': 'k' } },
      registration: { clientName: 'MSAL interop' },
      claims: { realName: 'Megan Bowen' }, pin: { value: '1234', length: 4 },
    }),
  });
  const body = await resp.json();
  check(resp.status === 201 && body.url.startsWith(`openid-vc://?request_uri=${base}/`),
        `${label}: createIssuanceRequest over https: 201 (got ${resp.status})`);
}

for (const [label, pkg] of [['@azure/msal-node (current)', '@azure/msal-node'],
                            ['@azure/msal-node 1.x', 'msal-node-1']]) {
  try {
    const msal = await import(pkg);
    const version = JSON.parse(fs.readFileSync(
      path.join(here, 'node_modules', pkg, 'package.json'))).version;
    const cca = new msal.ConfidentialClientApplication({
      auth: { clientId, clientSecret, authority: `${base}/${tenant}`,
              knownAuthorities: [new URL(base).host] },
    });
    const result = await cca.acquireTokenByClientCredential({ scopes: [scope], skipCache: true });
    check(!!result && !!result.accessToken, `${label} ${version}: token by authority discovery`);
    const claims = claimsOf(result.accessToken);
    // The sample's own check: `accessToken.roles != "VerifiableCredential.Create.All"` throws.
    check(claims.roles == 'VerifiableCredential.Create.All', // eslint-disable-line eqeqeq
          `${label}: roles == "VerifiableCredential.Create.All" (got ${JSON.stringify(claims.roles)})`);
    await createIssuance(result.accessToken, `${label} ${version}`);
  } catch (e) {
    check(false, `${label}: ${e.stack || e}`);
  }
}

// msal-node 1.3.1's request, byte for byte in what matters: its scope string
// and Content-Type.
const direct = await fetch(`${base}/${tenant}/oauth2/v2.0/token`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8' },
  body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret,
                              grant_type: 'client_credentials',
                              scope: `${scope} openid profile offline_access` }).toString(),
});
const token = await direct.json();
check(direct.status === 200 && token.token_type === 'Bearer',
      `1.3.1's scope string and charset: 200 (got ${direct.status})`);
if (token.access_token) await createIssuance(token.access_token, 'direct token request');

// A refusal in Entra's shape, as MSAL reports it.
const refused = await fetch(`${base}/${tenant}/oauth2/v2.0/token`, {
  method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ client_id: clientId, client_secret: 'wrong',
                              grant_type: 'client_credentials', scope }).toString(),
});
const err = await refused.json();
check(refused.status === 401 && err.error === 'invalid_client' &&
      Array.isArray(err.error_codes) && err.timestamp && err.trace_id && err.correlation_id &&
      err.error_description.startsWith('AADSTS'),
      `refusal carries error, error_description, error_codes, timestamp, trace_id, correlation_id`);
process.exit(failures === 0 ? 0 : 1);
