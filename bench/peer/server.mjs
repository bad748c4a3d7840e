// The same jumpstart checks as issuer/jumpstart.cpp, written the way a Node
// team would: fastify + jose, an in-memory replay set (no durability, which
// favours the peer). Prints "listening on URL" like vcserver.
//   node server.mjs PUBLIC_KEY.pem ORG REDIRECT_URL [MAX_LIFETIME]
import fs from 'node:fs';
import Fastify from 'fastify';
import * as jose from 'jose';

const [pemFile, org, redirect, maxLifetime = '600'] = process.argv.slice(2);
const key = await jose.importSPKI(fs.readFileSync(pemFile, 'utf8'), 'RS256');
const used = new Set();
const app = Fastify({ logger: false });

app.get('/:org/', async (req, reply) => {
  if (req.params.org !== org) return reply.code(404).send({ error: 'unknown_org' });
  let payload;
  try {
    ({ payload } = await jose.jwtVerify(req.query.token || '', key, {
      algorithms: ['RS256'], clockTolerance: 60, maxTokenAge: undefined,
      requiredClaims: ['exp'],
    }));
  } catch (e) {
    return reply.code(401).send({ error: e.code || 'invalid_token' });
  }
  const now = Math.floor(Date.now() / 1000);
  if (payload.exp - now > Number(maxLifetime)) return reply.code(401).send({ error: 'lifetime_too_long' });
  if (payload.OrgId !== org) return reply.code(400).send({ error: 'org_mismatch' });
  if (typeof payload.RequestId !== 'string' || !payload.RequestId || payload.RequestId.length > 128) {
    return reply.code(400).send({ error: 'malformed_token' });
  }
  if (payload.redirectUrl !== redirect) return reply.code(400).send({ error: 'redirect_not_allowed' });
  if (used.has(payload.RequestId)) return reply.code(409).send({ error: 'token_replayed' });
  used.add(payload.RequestId);
  const session = crypto.randomUUID();
  reply.header('set-cookie', `vcs_${session}=${crypto.randomUUID()}; Path=/; HttpOnly; SameSite=Lax`);
  return reply.code(303).header('location', `/proofing/${session}`).send();
});

const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`listening on ${address}`);
