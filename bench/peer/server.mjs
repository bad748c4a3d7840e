// The same jumpstart checks as issuer/jumpstart.cpp, written the way a Node
// team would: fastify + jose. Two ways to remember a used RequestId:
//   - default: an in-memory replay set (no durability, which favours the peer);
//   - --durable DBFILE: what a Node team would pick for the durability vcserver
//     has: better-sqlite3 (synchronous calls in the handler), journal_mode=WAL,
//     synchronous=FULL, the one-time claim and the session row inserted in one
//     transaction (the same two tables as issuer/sessions.cpp); a replay is the
//     claim's PRIMARY KEY violation, answered 409.
// Prints "listening on URL" like vcserver.
//   node server.mjs [--durable DBFILE] PUBLIC_KEY.pem ORG REDIRECT_URL [MAX_LIFETIME]
import crypto from 'node:crypto';
import fs from 'node:fs';
import Fastify from 'fastify';
import * as jose from 'jose';

const args = process.argv.slice(2);
let dbFile = null;
if (args[0] === '--durable') {
  dbFile = args[1];
  args.splice(0, 2);
}
const [pemFile, org, redirect, maxLifetime = '600'] = args;
if (dbFile === undefined || !pemFile || !org || !redirect) {
  console.error('usage: node server.mjs [--durable DBFILE] PUBLIC_KEY.pem ORG REDIRECT_URL [MAX_LIFETIME]');
  process.exit(2);
}
const key = await jose.importSPKI(fs.readFileSync(pemFile, 'utf8'), 'RS256');
const sessionTtl = 1800;

// claim(requestId, exp) -> session id, or null when the RequestId was used before.
const claim = dbFile ? await durableClaims(dbFile) : memoryClaims();

function memoryClaims() {
  const used = new Set();
  return (requestId) => {
    if (used.has(requestId)) return null;
    used.add(requestId);
    return crypto.randomUUID();
  };
}

async function durableClaims(file) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file);
  if (db.pragma('journal_mode = WAL', { simple: true }) !== 'wal') throw new Error('no WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS one_time_claims (
      scope TEXT NOT NULL, key TEXT NOT NULL, expires_at INTEGER NOT NULL,
      claimed_at INTEGER NOT NULL, session_id TEXT NOT NULL,
      PRIMARY KEY (scope, key)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS sessions (
      id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, org_id TEXT NOT NULL,
      request_id TEXT NOT NULL, redirect_url TEXT NOT NULL, cookie_hash BLOB NOT NULL,
      created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
    );`);
  const insertClaim = db.prepare(
    'INSERT INTO one_time_claims(scope, key, expires_at, claimed_at, session_id) VALUES (?, ?, ?, ?, ?)');
  const insertSession = db.prepare(
    `INSERT INTO sessions(id, kind, status, org_id, request_id, redirect_url, cookie_hash,
                          created_at, expires_at) VALUES (?, 'jumpstart', 'active', ?, ?, ?, ?, ?, ?)`);
  // Both inserts commit together (BEGIN ... COMMIT, fsync'd by synchronous=FULL).
  const open = db.transaction((requestId, exp, session, cookieHash, now) => {
    insertClaim.run(`jumpstart:${org}`, requestId, exp, now, session);
    insertSession.run(session, org, requestId, redirect, cookieHash, now, now + sessionTtl);
  });
  return (requestId, exp, cookie) => {
    const session = crypto.randomUUID();
    const cookieHash = crypto.createHash('sha256').update(cookie).digest();
    try {
      open(requestId, exp, session, cookieHash, Math.floor(Date.now() / 1000));
    } catch (e) {
      if (e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE') return null;
      throw e;
    }
    return session;
  };
}

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
  const cookie = crypto.randomUUID();
  const session = claim(payload.RequestId, payload.exp, cookie);
  if (!session) return reply.code(409).send({ error: 'token_replayed' });
  reply.header('set-cookie', `vcs_${session}=${cookie}; Path=/; HttpOnly; SameSite=Lax`);
  return reply.code(303).header('location', `/proofing/${session}`).send();
});

const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`listening on ${address}`);
