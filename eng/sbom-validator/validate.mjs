#!/usr/bin/env node
// Validates a CycloneDX JSON SBOM against the official schema shipped with @cyclonedx/cyclonedx-library.
// Usage: node validate.mjs <file.json> [specVersion]
// The spec version defaults to the file's own "specVersion". Exit codes: 0 valid, 1 invalid (errors on stderr),
// 2 usage or unreadable/non-JSON file, 3 the validator itself is not installed (run `npm ci` in this folder).
import { readFile } from 'node:fs/promises';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';

const [file, requestedVersion] = process.argv.slice(2);
if (!file) {
  console.error('usage: node validate.mjs <file.json> [specVersion]');
  process.exit(2);
}

let text;
let parsed;
try {
  text = await readFile(file, 'utf8');
  parsed = JSON.parse(text);
} catch (err) {
  console.error(`${file}: cannot read a JSON document: ${err.message}`);
  process.exit(2);
}

const version = requestedVersion ?? parsed?.specVersion;
if (!Object.values(Spec.Version).includes(version)) {
  console.error(`${file}: unknown CycloneDX spec version '${version}' (known: ${Object.values(Spec.Version).join(', ')})`);
  process.exit(2);
}

if (parsed?.specVersion !== version) {
  console.error(`${file}: declares specVersion '${parsed?.specVersion}' but was validated as ${version}`);
  process.exit(1);
}

const validator = new Validation.JsonStrictValidator(version);
let errors;
try {
  errors = await validator.validate(text);
} catch (err) {
  if (err instanceof Validation.MissingOptionalDependencyError) {
    console.error(`validator dependencies are missing: ${err.message}; run 'npm ci' in eng/sbom-validator`);
    process.exit(3);
  }
  throw err;
}

if (errors === null) {
  console.log(`${file}: valid CycloneDX ${version}`);
  process.exit(0);
}

console.error(`${file}: NOT valid CycloneDX ${version}`);
console.error(JSON.stringify(errors, null, 2));
process.exit(1);
