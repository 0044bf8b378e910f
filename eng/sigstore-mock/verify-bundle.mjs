// Verifies one keyless Sigstore bundle with the sigstore project's own verifier (@sigstore/verify): certificate
// chain to the trusted root's CA, SCT against its CT log, the Rekor entry (SET and inclusion proof against the log
// key, body matching the signature), the signature itself, and the certificate identity and issuer. Test tooling:
// the independent check that bundles written by SecureContainers are what sigstore verifiers accept.
//
// Usage: node verify-bundle.mjs --bundle FILE --trusted-root FILE --identity SAN --issuer URL [--artifact FILE]
// --artifact is the signed blob for a message-signature bundle (a DSSE bundle carries its payload).
// Exit codes: 0 verified; 1 not verified (the reason on stderr); 2 usage or unreadable input.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { bundleFromJSON } from '@sigstore/bundle';
import protobuf from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      bundle: { type: 'string' },
      'trusted-root': { type: 'string' },
      identity: { type: 'string' },
      issuer: { type: 'string' },
      artifact: { type: 'string' },
    },
  }));
} catch (e) {
  fail(2, e.message);
}

for (const required of ['bundle', 'trusted-root', 'identity', 'issuer']) {
  if (!args[required]) {
    fail(2, `--${required} is required`);
  }
}

let bundle, trustMaterial, artifact;
try {
  bundle = bundleFromJSON(JSON.parse(fs.readFileSync(args.bundle, 'utf8')));
  trustMaterial = toTrustMaterial(protobuf.TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(args['trusted-root'], 'utf8'))));
  artifact = args.artifact ? fs.readFileSync(args.artifact) : undefined;
} catch (e) {
  fail(2, `cannot read the inputs: ${e.message}`);
}

try {
  // What sigstore's public-good verification asks of a keyless bundle: one log entry and one SCT; the log
  // entry's integrated time stands in for a timestamp authority.
  const verifier = new Verifier(trustMaterial, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
  const signer = verifier.verify(toSignedEntity(bundle, artifact), {
    subjectAlternativeName: args.identity,
    extensions: { issuer: args.issuer },
  });
  console.log(`verified: ${signer.identity?.subjectAlternativeName} (issuer ${signer.identity?.extensions?.issuer})`);
} catch (e) {
  fail(1, `not verified: ${e.code ?? e.name}: ${e.message}`);
}

function fail(code, message) {
  console.error(message);
  process.exit(code);
}
