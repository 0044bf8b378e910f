// An offline Sigstore for the tests: the sigstore project's own mock Fulcio, Rekor (v1) and TSA handlers
// (@sigstore/mock: real certificates, SCTs, signed entry timestamps and checkpoints) behind one loopback HTTP
// server, plus a token endpoint that answers as GitHub Actions' OIDC provider does.
//
// Usage: node server.mjs STATEDIR
// Listens on 127.0.0.1 with a port the OS picks (no race for a free port), then writes, in this order:
//   STATEDIR/trusted_root.json  the mock CA, Rekor key, CT log and TSA as a sigstore TrustedRoot (protojson)
//   STATEDIR/env                the URLs and identity below (written last: its presence means "ready")
// and serves until SIGTERM.
//
// The token endpoint plays ACTIONS_ID_TOKEN_REQUEST_URL: GET /oidc/token?audience=sigstore with
// "Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>" answers {"value":"<JWT>"}; a wrong bearer is 401. The
// JWT's claims default to a GitHub Actions workflow identity; a test picks another by adding query parameters
// (sub=..., iss=..., email=...) to the request URL, which keeps the server stateless and parallel tests apart.
// The mock Fulcio puts the token's `sub` in the certificate's URI SAN and `iss` in the issuer extensions.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  rekorHandler,
  tsaHandler,
} from '@sigstore/mock';
import protobuf from '@sigstore/protobuf-specs';

const { TrustedRoot, HashAlgorithm, PublicKeyDetails } = protobuf;

const ISSUER = 'https://token.actions.githubusercontent.com';
const REPOSITORY = 'octo-org/octo-repo';
const WORKFLOW_REF = `${REPOSITORY}/.github/workflows/release.yml@refs/heads/main`;
const IDENTITY = `https://github.com/${WORKFLOW_REF}`;
// Request bodies are small JSON documents; anything larger is refused before it is buffered.
const MAX_BODY_BYTES = 1024 * 1024;
// The mock TSA stamps "now"; a verifier compares that with the leaf certificate's notBefore, which Fulcio
// truncates to the second, and rejected 10-20% of runs here. A few seconds ahead keeps it inside the validity.
const TSA_CLOCK_AHEAD_MS = 5_000;

const stateDir = process.argv[2];
if (!stateDir) {
  console.error('usage: node server.mjs STATEDIR');
  process.exit(2);
}
fs.mkdirSync(stateDir, { recursive: true });

// The request token GitHub would inject; random per run, so a test cannot pass without reading the env file.
const requestToken = crypto.randomBytes(24).toString('hex');
const jwtKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const newKeyPair = () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });

let routes = {};
const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => reply(res, 500, 'text/plain', `mock server error: ${e.message}`));
});

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const base = `http://127.0.0.1:${port}`;
  try {
    await start(base);
  } catch (e) {
    console.error(`sigstore-mock: could not start: ${e.stack}`);
    process.exit(1);
  }
});

async function start(base) {
  const ctlog = await initializeCTLog(newKeyPair());
  const ca = await initializeCA(newKeyPair(), ctlog);
  // Rekor names itself in checkpoints by the host of this URL; verifiers match that name against the trusted
  // root's baseUrl, so both use the real loopback address.
  const tlog = await initializeTLog(base, newKeyPair());
  const tsa = await initializeTSA(newKeyPair());
  tsa.getCurrentTime = () => new Date(Date.now() + TSA_CLOCK_AHEAD_MS);

  const fulcio = fulcioHandler(ca);
  const rekor = rekorHandler(tlog);
  const timestamp = tsaHandler(tsa);
  routes = {
    [`POST ${fulcio.path}`]: (body) => issueCertificate(fulcio.fn, body),
    [`POST ${rekor.path}`]: rekor.fn,
    [`POST ${timestamp.path}`]: timestamp.fn,
  };

  const root = trustedRoot(base, ca, ctlog, tlog, tsa);
  const rootPath = path.resolve(stateDir, 'trusted_root.json');
  fs.writeFileSync(rootPath, JSON.stringify(TrustedRoot.toJSON(root), null, 2) + '\n');

  const env = {
    SC_SIGSTORE_URL: base,
    SC_SIGSTORE_FULCIO_URL: base,
    SC_SIGSTORE_REKOR_URL: base,
    SC_SIGSTORE_TSA_URL: `${base}${timestamp.path}`,
    SC_SIGSTORE_TRUSTED_ROOT: rootPath,
    SC_SIGSTORE_OIDC_ISSUER: ISSUER,
    SC_SIGSTORE_IDENTITY: IDENTITY,
    // Prefixed so that the test process itself does not look like a GitHub Actions job; a test hands these to
    // the code under test as ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN.
    SC_SIGSTORE_ACTIONS_ID_TOKEN_REQUEST_URL: `${base}/oidc/token?api-version=2.0`,
    SC_SIGSTORE_ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    SC_SIGSTORE_MOCK_PID: String(process.pid),
  };
  const text = Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
  fs.writeFileSync(path.resolve(stateDir, 'env.tmp'), text);
  fs.renameSync(path.resolve(stateDir, 'env.tmp'), path.resolve(stateDir, 'env'));
  console.log(`sigstore-mock: serving ${base}`);
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (req.method === 'GET' && url.pathname === '/oidc/token') {
    return oidcToken(req, res, url);
  }

  const route = routes[`${req.method} ${url.pathname}`];
  if (!route) {
    return reply(res, 404, 'text/plain', `no route for ${req.method} ${url.pathname}`);
  }

  const body = await readBody(req);
  if (body === null) {
    return reply(res, 413, 'text/plain', `request body over ${MAX_BODY_BYTES} bytes`);
  }

  const { statusCode, response, contentType } = await route(body);
  return reply(res, statusCode, contentType || 'text/plain', response);
}

// Real Fulcio refuses a token not meant for it; the mock handler only decodes it, so the audience is checked here.
async function issueCertificate(fn, body) {
  let claims;
  try {
    const token = JSON.parse(body).credentials.oidcIdentityToken;
    claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  } catch {
    return { statusCode: 400, response: JSON.stringify({ code: 400, message: 'malformed certificate request' }), contentType: 'application/json' };
  }

  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes('sigstore')) {
    return { statusCode: 401, response: JSON.stringify({ code: 401, message: 'There was an error processing the identity token' }), contentType: 'application/json' };
  }

  return fn(body);
}

function oidcToken(req, res, url) {
  if (req.headers.authorization !== `Bearer ${requestToken}`) {
    return reply(res, 401, 'application/json', JSON.stringify({ message: 'Bad credentials' }));
  }

  const now = Math.floor(Date.now() / 1000);
  const q = url.searchParams;
  // GitHub's default audience is the repository owner's URL; clients ask for "sigstore".
  const claims = {
    iss: q.get('iss') || ISSUER,
    sub: q.get('sub') || IDENTITY,
    aud: q.get('audience') || `https://github.com/${REPOSITORY.split('/')[0]}`,
    iat: now,
    nbf: now,
    exp: now + 300,
    repository: REPOSITORY,
    ref: 'refs/heads/main',
    sha: '0123456789abcdef0123456789abcdef01234567',
    workflow_ref: WORKFLOW_REF,
    job_workflow_ref: WORKFLOW_REF,
    event_name: 'push',
    runner_environment: 'github-hosted',
  };
  if (q.get('email')) {
    claims.email = q.get('email');
    claims.email_verified = q.get('email_verified') !== 'false';
  }

  return reply(res, 200, 'application/json', JSON.stringify({ count: 1, value: signJwt(claims) }));
}

function signJwt(claims) {
  const header = { alg: 'ES256', typ: 'JWT', kid: 'sigstore-mock' };
  const encode = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  const sig = crypto.sign('sha256', Buffer.from(input), { key: jwtKey.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

function trustedRoot(base, ca, ctlog, tlog, tsa) {
  // A minute back: certificates and log entries made right after start must fall inside every validFor.
  const validFor = { start: new Date(Date.now() - 60_000) };
  const rekorKey = tlog.publicKey;
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{
      baseUrl: base,
      hashAlgorithm: HashAlgorithm.SHA2_256,
      publicKey: { rawBytes: rekorKey, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor },
      logId: { keyId: crypto.createHash('sha256').update(rekorKey).digest() },
    }],
    certificateAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
      uri: base,
      certChain: { certificates: [{ rawBytes: Buffer.from(ca.rootCertificate) }] },
      validFor,
    }],
    ctlogs: [{
      baseUrl: base,
      hashAlgorithm: HashAlgorithm.SHA2_256,
      publicKey: { rawBytes: ctlog.publicKey, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor },
      logId: { keyId: Buffer.from(ctlog.logID) },
    }],
    timestampAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'tsa' },
      uri: `${base}/api/v1/timestamp`,
      certChain: { certificates: [{ rawBytes: Buffer.from(tsa.intCertificate) }, { rawBytes: Buffer.from(tsa.rootCertificate) }] },
      validFor,
    }],
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res, status, contentType, body) {
  res.writeHead(status, { 'Content-Type': contentType });
  res.end(body);
}

process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
