#!/usr/bin/env python3
"""Makes Notary Project COSE_Sign1 envelopes for the verifier's tests, independently of the code under test.

It writes COSE envelopes (NAME.cose) and JWS envelopes (NAME.jws). openssl makes the keys, certificates (root -> intermediate -> code-signing leaf, RSA 3072 / PS384), the RSASSA-PSS
signatures and the RFC 3161 timestamps (`openssl ts`, a test TSA with the timeStamping EKU); this script only encodes
CBOR by hand (and JSON/base64 for JWS) (standard library only) and packs the envelopes as signature-envelope-cose.md describes.

usage: make_notary_fixtures.py OUTDIR MEDIATYPE DIGEST SIZE [MEDIATYPE DIGEST SIZE ...]

The envelopes for the first target are OUTDIR/NAME.cose and OUTDIR/NAME.jws; those for the N-th further target are in
OUTDIR/target<N>/. All are made with one PKI (OUTDIR/root.pem, OUTDIR/other-root.pem, OUTDIR/tsa-root.pem).
"""
import base64
import datetime
import json
import os
import shutil
import struct
import subprocess
import sys


# --- a minimal CBOR encoder (RFC 8949): just the types a Notary envelope uses ---------------------------------------
class Tag:
    def __init__(self, number, value):
        self.number, self.value = number, value


def _head(major, n):
    if n < 24:
        return bytes([(major << 5) | n])
    for extra, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)):
            return bytes([(major << 5) | extra]) + struct.pack(fmt, n)
    raise ValueError("integer too large")


def cbor(value):
    if isinstance(value, bool) or value is None:
        raise TypeError("not used here")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(cbor(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    if isinstance(value, Tag):
        return _head(6, value.number) + cbor(value.value)
    raise TypeError(type(value))


# --- openssl -------------------------------------------------------------------------------------------------------
def run(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


CA_CONFIG = """
[ ca ]
default_ca = ca_default
[ ca_default ]
dir = .
database = index.txt
new_certs_dir = newcerts
serial = serial
default_md = sha384
policy = policy_any
unique_subject = no
email_in_dn = no
[ policy_any ]
countryName = optional
stateOrProvinceName = optional
organizationName = optional
commonName = supplied
[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_intermediate ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_codesign ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_tsa ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""

TSA_CONFIG = """
[ tsa ]
default_tsa = tsa_default
[ tsa_default ]
dir = .
serial = tsaserial
crypto_device = builtin
signer_cert = tsa.pem
certs = tsa.pem
signer_key = tsa.key
signer_digest = sha384
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def stamp(time):
    return time.strftime("%Y%m%d%H%M%SZ")


def key(name, bits, cwd):
    run("genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{bits}", "-out", f"{name}.key", cwd=cwd)


def cert(name, subject, extensions, start, end, cwd, issuer=None):
    run("req", "-new", "-key", f"{name}.key", "-subj", subject, "-out", f"{name}.csr", cwd=cwd)
    signer = ["-selfsign", "-keyfile", f"{name}.key"] if issuer is None else ["-cert", f"{issuer}.pem", "-keyfile", f"{issuer}.key"]
    run("ca", "-batch", "-config", "ca.cnf", "-notext", "-preserveDN", "-extensions", extensions, "-startdate", stamp(start),
        "-enddate", stamp(end), *signer, "-in", f"{name}.csr", "-out", f"{name}.pem", cwd=cwd)


def der(name, cwd):
    return subprocess.run(["openssl", "x509", "-in", f"{name}.pem", "-outform", "DER"], cwd=cwd, check=True,
                          stdout=subprocess.PIPE).stdout


def sign_pss384(data, key_name, cwd):
    with open(os.path.join(cwd, "tbs.bin"), "wb") as f:
        f.write(data)
    run("dgst", "-sha384", "-sign", f"{key_name}.key", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest",
        "-out", "sig.bin", "tbs.bin", cwd=cwd)
    with open(os.path.join(cwd, "sig.bin"), "rb") as f:
        return f.read()


def timestamp(data, cwd):
    with open(os.path.join(cwd, "stamped.bin"), "wb") as f:
        f.write(data)
    run("ts", "-query", "-data", "stamped.bin", "-sha384", "-cert", "-out", "req.tsq", cwd=cwd)
    run("ts", "-reply", "-config", "ts.cnf", "-queryfile", "req.tsq", "-token_out", "-out", "token.der", cwd=cwd)
    with open(os.path.join(cwd, "token.der"), "rb") as f:
        return f.read()


# --- envelopes -----------------------------------------------------------------------------------------------------
SCHEME, SIGNING_TIME, EXPIRY = "io.cncf.notary.signingScheme", "io.cncf.notary.signingTime", "io.cncf.notary.expiry"
TIMESTAMP, AGENT, CTY = "io.cncf.notary.timestampSignature", "io.cncf.notary.signingAgent", "application/vnd.cncf.notary.payload.v1+json"


def protected(signing_time, crit_extra=(), extra=None):
    headers = {1: -38, 2: [SCHEME, *crit_extra], 3: CTY, SCHEME: "notary.x509", SIGNING_TIME: Tag(1, int(signing_time.timestamp()))}
    headers.update(extra or {})
    return cbor(headers)


def envelope(body_protected, payload, chain, key_name, cwd, with_timestamp=True, stamp_over=None, tamper=None, padding=0):
    to_be_signed = cbor(["Signature1", body_protected, b"", payload])
    signature = sign_pss384(to_be_signed, key_name, cwd)
    unprotected = {33: chain}
    if with_timestamp:
        # The countersignature is over the signature value (signature-specification.md, timestamp signature).
        unprotected[TIMESTAMP] = timestamp(signature if stamp_over is None else stamp_over, cwd)
    unprotected[AGENT] = "make_notary_fixtures.py" + " " * padding
    return cbor(Tag(18, [tamper or body_protected, unprotected, payload, signature]))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(payload, chain, signing_time, cwd, crit_extra=(), extra=None):
    """A flattened JWS JSON envelope (signature-envelope-jws.md): PS384 over ASCII(protected '.' payload)."""
    header = {"alg": "PS384", "crit": [SCHEME, *crit_extra], "cty": CTY, SCHEME: "notary.x509",
              SIGNING_TIME: signing_time.strftime("%Y-%m-%dT%H:%M:%SZ")}
    header.update(extra or {})
    protected_b64, payload_b64 = b64url(json.dumps(header).encode()), b64url(payload)
    signature = sign_pss384(f"{protected_b64}.{payload_b64}".encode(), "leaf", cwd)
    unprotected = {"x5c": [base64.b64encode(c).decode() for c in chain],
                   TIMESTAMP: base64.b64encode(timestamp(signature, cwd)).decode(), AGENT: "make_notary_fixtures.py"}
    return json.dumps({"payload": payload_b64, "protected": protected_b64, "header": unprotected,
                       "signature": b64url(signature)}).encode()


def main(out, *targets):
    os.makedirs(out, exist_ok=True)
    work = os.path.join(out, "pki")
    os.makedirs(os.path.join(work, "newcerts"), exist_ok=True)
    with open(os.path.join(work, "ca.cnf"), "w") as f:
        f.write(CA_CONFIG)
    with open(os.path.join(work, "ts.cnf"), "w") as f:
        f.write(TSA_CONFIG)
    open(os.path.join(work, "index.txt"), "w").close()
    with open(os.path.join(work, "serial"), "w") as f:
        f.write("1000\n")
    with open(os.path.join(work, "tsaserial"), "w") as f:
        f.write("01\n")

    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    long_ago, far = datetime.datetime(2019, 1, 1, tzinfo=datetime.timezone.utc), datetime.datetime(2045, 1, 1, tzinfo=datetime.timezone.utc)
    past_start, past_end = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc), datetime.datetime(2021, 1, 1, tzinfo=datetime.timezone.utc)

    for name, bits in (("root", 2048), ("intermediate", 2048), ("leaf", 3072), ("other-root", 2048), ("tsa-root", 2048), ("tsa", 2048)):
        key(name, bits, work)
    cert("root", "/C=US/O=Test Notary Root/CN=Test Notary Root CA", "v3_root", long_ago, far, work)
    cert("other-root", "/C=US/O=Someone Else/CN=Other Root CA", "v3_root", long_ago, far, work)
    cert("intermediate", "/C=US/O=Test Notary Root/CN=Test Notary Intermediate CA", "v3_intermediate", long_ago, far, work, "root")
    cert("leaf", "/C=US/ST=WA/O=Test Publisher/CN=Test Publisher Signing", "v3_codesign",
         now - datetime.timedelta(days=1), now + datetime.timedelta(days=365), work, "intermediate")
    # The same subject and key, issued under a root nobody trusted: "signed by someone else".
    shutil.copyfile(os.path.join(work, "leaf.key"), os.path.join(work, "other-leaf.key"))
    cert("other-leaf", "/C=US/ST=WA/O=Test Publisher/CN=Test Publisher Signing", "v3_codesign",
         now - datetime.timedelta(days=1), now + datetime.timedelta(days=365), work, "other-root")
    # The expired leaf reuses the leaf's key: only its validity differs.
    shutil.copyfile(os.path.join(work, "leaf.key"), os.path.join(work, "expired-leaf.key"))
    cert("expired-leaf", "/C=US/ST=WA/O=Test Publisher/CN=Test Publisher Signing 2020", "v3_codesign", past_start, past_end, work, "intermediate")
    cert("tsa-root", "/C=US/O=Test TSA Root/CN=Test TSA Root CA", "v3_root", long_ago, far, work)
    cert("tsa", "/C=US/O=Test TSA/CN=Test Timestamping Authority", "v3_tsa", long_ago, far, work, "tsa-root")

    chain = [der("leaf", work), der("intermediate", work), der("root", work)]
    expired_chain = [der("expired-leaf", work), der("intermediate", work), der("root", work)]
    other_chain = [der("other-leaf", work), der("other-root", work)]
    body = protected(now)
    for index in range(0, len(targets), 3):
        media_type, digest, size = targets[index:index + 3]
        where = out if index == 0 else os.path.join(out, f"target{index // 3}")
        os.makedirs(where, exist_ok=True)
        payload = json.dumps({"targetArtifact": {"mediaType": media_type, "digest": digest, "size": int(size)}},
                             separators=(",", ":")).encode()
        other_payload = json.dumps({"targetArtifact": {"mediaType": media_type, "digest": "sha256:" + "0" * 64, "size": int(size)}},
                                   separators=(",", ":")).encode()
        cases = {
            "valid": envelope(body, payload, chain, "leaf", work),
            "valid-no-timestamp": envelope(body, payload, chain, "leaf", work, with_timestamp=False),
            "valid-with-expiry-passed": envelope(protected(now, [EXPIRY], {EXPIRY: Tag(1, int(now.timestamp()) - 60)}), payload, chain, "leaf", work),
            "expired-leaf-no-timestamp": envelope(protected(past_start + datetime.timedelta(days=30)), payload, expired_chain, "leaf", work,
                                                  with_timestamp=False),
            "timestamp-outside-validity": envelope(protected(past_start + datetime.timedelta(days=30)), payload, expired_chain, "leaf", work),
            "timestamp-over-other-data": envelope(body, payload, chain, "leaf", work, stamp_over=b"not the signature"),
            "other-digest": envelope(body, other_payload, chain, "leaf", work),
            "other-root": envelope(body, payload, other_chain, "other-leaf", work),
            # Signed over one protected header, shipped with another (signing time moved by a second).
            "altered-protected-header": envelope(body, payload, chain, "leaf", work,
                                                 tamper=protected(now + datetime.timedelta(seconds=1))),
            "unknown-critical-header": envelope(protected(now, ["io.example.mustUnderstand"], {"io.example.mustUnderstand": "yes"}),
                                                payload, chain, "leaf", work),
            "oversized": envelope(body, payload, chain, "leaf", work, with_timestamp=False, padding=20 * 1024 * 1024),
        }
        for name, data in cases.items():
            with open(os.path.join(where, name + ".cose"), "wb") as f:
                f.write(data)
        jws_cases = {
            "valid": jws(payload, chain, now, work),
            "other-digest": jws(other_payload, chain, now, work),
            "unknown-critical-header": jws(payload, chain, now, work, ["io.example.mustUnderstand"], {"io.example.mustUnderstand": "yes"}),
        }
        for name, data in jws_cases.items():
            with open(os.path.join(where, name + ".jws"), "wb") as f:
                f.write(data)
    for name in ("root", "other-root", "tsa-root"):
        with open(os.path.join(work, name + ".pem"), "rb") as src, open(os.path.join(out, name + ".pem"), "wb") as dst:
            dst.write(src.read())


if __name__ == "__main__":
    if len(sys.argv) < 5 or (len(sys.argv) - 2) % 3 != 0:
        sys.exit(__doc__)
    main(*sys.argv[1:])
