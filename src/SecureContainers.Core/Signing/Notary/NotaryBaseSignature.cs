using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>What a verified Notary signature proved about one manifest: which signature, who signed it, when.</summary>
public sealed record NotaryProof(Digest Manifest, Digest Signature, string Signer, DateTimeOffset? SigningTime, DateTimeOffset? TimestampTime, string? TimestampAuthority);

/// <summary>The Notary verdict on a platform's base: the platform manifest's proof and, when the base is an index, the index's.</summary>
public sealed record NotaryBaseSignature(string Policy, NotaryProof Manifest, NotaryProof? Index);
