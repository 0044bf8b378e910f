#!/usr/bin/env node
// Validates a SARIF log against the SARIF 2.1.0 JSON schema shipped in the npm package @microsoft/jest-sarif
// (lib/schemas/sarif-2.1.0-rtm.5.json, the schema of the final 2.1.0 release, written in JSON Schema draft-04,
// hence ajv-draft-04). Usage: node validate-sarif.mjs <file.sarif>
// Exit codes: 0 valid, 1 invalid (errors on stderr), 2 usage or unreadable/non-JSON file, 3 validator not installed.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node validate-sarif.mjs <file.sarif>');
  process.exit(2);
}

const require = createRequire(import.meta.url);
let Ajv04;
let addFormats;
let schema;
try {
  Ajv04 = require('ajv-draft-04');
  addFormats = require('ajv-formats');
  schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
} catch (err) {
  console.error(`validator dependencies are missing: ${err.message}; run 'npm ci' in eng/sbom-validator`);
  process.exit(3);
}

let parsed;
try {
  parsed = JSON.parse(await readFile(file, 'utf8'));
} catch (err) {
  console.error(`${file}: cannot read a JSON document: ${err.message}`);
  process.exit(2);
}

// strict: false because ajv's strict mode flags draft-04 idioms the schema uses; unicodeRegExp: false because one
// of its patterns (the "language" tag) is a valid ECMA-262 regex only without the 'u' flag.
const ajv = new (Ajv04.default ?? Ajv04)({ allErrors: true, strict: false, unicodeRegExp: false });
(addFormats.default ?? addFormats)(ajv);
const validate = ajv.compile(schema);

if (parsed?.version !== '2.1.0') {
  console.error(`${file}: declares SARIF version '${parsed?.version}', expected 2.1.0`);
  process.exit(1);
}

if (validate(parsed)) {
  console.log(`${file}: valid SARIF 2.1.0`);
  process.exit(0);
}

console.error(`${file}: NOT valid SARIF 2.1.0`);
console.error(JSON.stringify(validate.errors, null, 2));
process.exit(1);
