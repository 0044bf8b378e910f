// Verifies one Sigstore bundle with the sigstore project's own JavaScript verifier (@sigstore/verify), so the bundles
// SecureContainers writes are checked by code we did not write. Test tooling only.
//
//   node verify.mjs BUNDLE --key KEY.pub [--digest sha256:HEX] [--artifact FILE]
//   node verify.mjs BUNDLE --trusted-root trusted_root.json (--identity SAN | --identity-regexp RE) --issuer URL
//        [--digest sha256:HEX] [--artifact FILE] [--tlog-threshold N] [--ctlog-threshold N] [--timestamp-threshold N]
//
// --key: the key is the trust anchor (cosign --key): a key-only trust material, no log, CT log or timestamp required.
// --digest: the image digest the bundle must be about: a subject of the DSSE in-toto statement, or the message digest.
// --artifact: the signed bytes, needed to check a message signature (a DSSE envelope carries its payload).
// Prints one JSON line {"ok":true|false,"error":…} and exits 0 when verified, 1 when not, 2 on a usage error.
import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';

const USAGE = 'usage: verify.mjs BUNDLE (--key KEY.pub | --trusted-root FILE (--identity SAN | --identity-regexp RE) --issuer URL) [--digest sha256:HEX] [--artifact FILE]';

function parseArgs(argv) {
  const options = { thresholds: {} };
  const valued = new Set(['--key', '--trusted-root', '--identity', '--identity-regexp', '--issuer', '--digest', '--artifact',
    '--tlog-threshold', '--ctlog-threshold', '--timestamp-threshold']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (valued.has(arg)) {
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      const value = argv[++i];
      if (arg.endsWith('-threshold')) {
        if (!/^\d+$/.test(value)) throw new UsageError(`${arg} takes a whole number`);
        options.thresholds[arg.slice(2).replace(/-(\w)/g, (_, c) => c.toUpperCase())] = Number(value);
      } else {
        options[arg.slice(2)] = value;
      }
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (options.bundle === undefined) {
      options.bundle = arg;
    } else {
      throw new UsageError(`unexpected argument ${arg}`);
    }
  }

  if (!options.bundle) throw new UsageError('no bundle file');
  const keyless = options['trusted-root'] !== undefined;
  if (keyless === (options.key !== undefined)) throw new UsageError('give exactly one of --key and --trusted-root');
  if (keyless && (options.identity === undefined) === (options['identity-regexp'] === undefined)) {
    throw new UsageError('keyless verification needs exactly one of --identity and --identity-regexp');
  }
  if (keyless && options.issuer === undefined) throw new UsageError('keyless verification needs --issuer');
  if (options.digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(options.digest)) throw new UsageError('--digest takes sha256:<64 hex>');
  return options;
}

class UsageError extends Error {}

// The hint cosign writes for a key: base64(SHA-256(DER SubjectPublicKeyInfo)). Only this hint finds the key, so a
// bundle naming another key fails here as cosign would.
function keyOnlyTrust(keyFile) {
  const der = createPublicKey(readFileSync(keyFile)).export({ type: 'spki', format: 'der' });
  const hint = createHash('sha256').update(der).digest('base64');
  const root = { mediaType: '', certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] };
  return toTrustMaterial(root, { [hint]: { rawBytes: der, keyDetails: 0 } });
}

function subjectDigests(bundle) {
  if (bundle.content.$case !== 'dsseEnvelope') {
    const { messageDigest } = bundle.content.messageSignature;
    return messageDigest ? [`sha256:${Buffer.from(messageDigest.digest).toString('hex')}`] : [];
  }
  const statement = JSON.parse(Buffer.from(bundle.content.dsseEnvelope.payload).toString('utf8'));
  return (statement.subject ?? []).filter((s) => s?.digest?.sha256).map((s) => `sha256:${s.digest.sha256.toLowerCase()}`);
}

function verify(options) {
  const bundle = bundleFromJSON(JSON.parse(readFileSync(options.bundle, 'utf8')));
  const artifact = options.artifact !== undefined ? readFileSync(options.artifact) : undefined;
  let verifier;
  let policy;
  if (options.key !== undefined) {
    verifier = new Verifier(keyOnlyTrust(options.key), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  } else {
    const root = TrustedRoot.fromJSON(JSON.parse(readFileSync(options['trusted-root'], 'utf8')));
    verifier = new Verifier(toTrustMaterial(root), options.thresholds);
    policy = {
      subjectAlternativeName: options.identity ?? new RegExp(options['identity-regexp']),
      extensions: { issuer: options.issuer },
    };
  }

  verifier.verify(toSignedEntity(bundle, artifact), policy);
  if (options.digest !== undefined && !subjectDigests(bundle).includes(options.digest)) {
    throw new Error(`the bundle is not about ${options.digest} (subjects: ${subjectDigests(bundle).join(', ') || 'none'})`);
  }
}

function print(ok, error) {
  process.stdout.write(`${JSON.stringify({ ok, error: error ?? null })}\n`);
}

try {
  const options = parseArgs(process.argv.slice(2));
  verify(options);
  print(true);
  process.exit(0);
} catch (e) {
  if (e instanceof UsageError) {
    print(false, `${e.message}; ${USAGE}`);
    process.exit(2);
  }
  print(false, `${e.code ? `${e.code}: ` : ''}${e.message}`);
  process.exit(1);
}
