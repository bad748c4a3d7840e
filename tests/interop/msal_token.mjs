// MSAL against the embedded Request Service over https, as Microsoft's
// Node.js Verified ID sample reaches Entra: a test CA and a localhost
// certificate made now (openssl), Debian's stunnel4 terminating TLS in front of
// the real vcserver, and msal_client.mjs (npm @azure/msal-node, current and
// 1.x) started with NODE_EXTRA_CA_CERTS naming the CA.
// Every port is chosen by the kernel: stunnel listens on port 0 and logs the
// port it got; it forwards to a relay here (also port 0), which forwards to
// vcserver once vcserver, configured with publicBaseUrl https://localhost:<stunnel
// port>, has reported its own port 0 listener.
// Usage: node msal_token.mjs vcserver
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const [vcserver] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msal-interop-'));
const children = [];
const cleanup = () => {
  for (const c of children) c.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
};
const fail = (msg) => { console.log(`FAIL ${msg}`); cleanup(); process.exit(1); };

// Resolves with the first capture of `re` in the lines of `stream`.
const lineMatching = (child, stream, re, what) => new Promise((resolve, reject) => {
  readline.createInterface({ input: stream }).on('line', (line) => {
    const m = line.match(re);
    if (m) resolve(m[1]);
  });
  child.on('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
  child.on('error', (e) => reject(new Error(`${what}: ${e.message}`)));
});

try {
  // The test CA and a certificate for localhost / 127.0.0.1 signed by it.
  const f = (name) => path.join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
          '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '1', '-subj', '/CN=vcservice test CA');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
          '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost');
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'),
          '-CAcreateserial', '-out', f('server.pem'), '-days', '1', '-extfile', f('ext.cnf'));

  // The relay: stunnel's backend, forwarding to vcserver's port once known.
  let backend = 0;
  const relay = net.createServer((client) => {
    const upstream = net.connect(backend, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise((r) => relay.listen(0, '127.0.0.1', r));

  fs.writeFileSync(f('stunnel.conf'), [
    'foreground = yes', 'pid =', 'debug = 6', '[https]', 'accept = 127.0.0.1:0',
    `connect = 127.0.0.1:${relay.address().port}`, `cert = ${f('server.pem')}`,
    `key = ${f('server.key')}`, ''].join('\n'));
  const stunnel = spawn('stunnel4', [f('stunnel.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(stunnel);
  stunnel.stdout.resume();
  const tlsPort = await lineMatching(stunnel, stunnel.stderr, /Service \[https\].* bound to [^:]+:(\d+)/,
                                     'stunnel4 (Debian package stunnel4)');
  const base = `https://localhost:${tlsPort}`;

  const config = {
    environment: 'test', listen: '127.0.0.1:0', publicBaseUrl: base, dataDir: f('var'),
    requestService: { clients: [{ clientId: 'sample-app', clientSecret: 'sample-secret-0123456789',
                                  roles: ['VerifiableCredential.Create.All',
                                          'VerifiableCredential.Credential.Revoke'] }] },
    // The callback receiver below is on loopback, which the outbound policy refuses by default.
    outbound: { allow: ['127.0.0.0/8'] },
  };
  fs.writeFileSync(f('config.json'), JSON.stringify(config));
  const server = spawn(vcserver, ['--config', f('config.json')], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(server);
  const bound = await lineMatching(server, server.stdout, /listening on http:\/\/127\.0\.0\.1:(\d+)/,
                                   'vcserver');
  server.stdout.resume();
  backend = Number(bound);

  const http = await import('node:http');
  const receiver = http.createServer((req, res) => { req.resume(); res.writeHead(200).end('{}'); });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));

  const client = spawn(process.execPath, [
    path.join(here, 'msal_client.mjs'), base, 'local', 'sample-app', 'sample-secret-0123456789',
    `${base}/v1.0/tenants/local/verifiableCredentials/contracts/VerifiedIdentity/manifest`,
    `did:web:localhost%3A${tlsPort}`, `http://127.0.0.1:${receiver.address().port}/cb`,
  ], { stdio: 'inherit', cwd: here,
       env: { ...process.env, NODE_EXTRA_CA_CERTS: f('ca.pem'), NO_PROXY: '*', no_proxy: '*',
              HTTPS_PROXY: '', https_proxy: '', HTTP_PROXY: '', http_proxy: '' } });
  const code = await new Promise((r) => client.on('exit', r));
  receiver.close();
  relay.close();
  cleanup();
  process.exit(code === 0 ? 0 : 1);
} catch (e) {
  fail(e.stack || String(e));
}
