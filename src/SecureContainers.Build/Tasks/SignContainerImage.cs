using System.Globalization;
using Microsoft.Build.Framework;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Signing.Provenance;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Build.Tasks;

public sealed partial class SignContainerImage : SecureContainerTask
{
    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken cancellationToken)
    {
        using RegistryClient client = new(RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable, outputRegistry: Registry));
        Digest digest = Core.Oci.Digest.TryParse(Digest, out Digest given)
            ? given
            : (await client.GetManifestAsync(Registry, Repository, Tag ?? "latest", cancellationToken).ConfigureAwait(false)).Digest;

        using KeyPassword password = KeyPasswordSource.FromEnvironment(string.IsNullOrWhiteSpace(SigningKeyPasswordVariable) ? null : SigningKeyPasswordVariable, Environment.GetEnvironmentVariable);
        using EcdsaFileSigner signer = EcdsaFileSigner.Load(SigningKey, password);
        byte[]? sbom = string.IsNullOrEmpty(SbomFile) ? null : await File.ReadAllBytesAsync(SbomFile, cancellationToken).ConfigureAwait(false);

        SigningResult result = await ImageSigning.SignAsync(client, Registry, Repository, digest, signer, sbom, AttestProvenance ? Provenance() : null, cancellationToken).ConfigureAwait(false);
        SignedDigest = digest.ToString();
        Log.LogMessage(MessageImportance.High, "SecureContainers: signed {0}/{1}@{2} with key {3} ({4}; {5} attestation(s): {6})",
            Registry, Repository, digest, signer.PublicKey.Fingerprint, result.Signature.SignatureReference, result.Attestations.Count,
            string.Join(", ", result.Attestations.Select(a => a.AttestationReference)));
    }

    private ProvenanceInputs Provenance()
    {
        DateTimeOffset finished = DateTimeOffset.UtcNow;
        DateTimeOffset started = DateTimeOffset.TryParse(StartedOn, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset s) ? s : finished;
        if (!string.IsNullOrWhiteSpace(SourceDateEpoch))
        {
            // Reproducible builds pin time: the statement must not change with the wall clock.
            started = finished = SbomTimestamp.Resolve(SourceDateEpoch, finished);
        }

        ImageReference? baseImage = string.IsNullOrWhiteSpace(PinnedBaseImage) ? null : ImageReference.Parse(PinnedBaseImage);
        return new ProvenanceInputs
        {
            Project = Path.GetFileName(Project ?? "project"),
            Configuration = Configuration,
            RuntimeIdentifiers = RuntimeIdentifiers,
            Tags = Tags,
            Repository = $"{Registry}/{Repository}",
            SdkVersion = SdkVersion,
            SourceRepository = SourceRepositoryUrl,
            SourceCommit = SourceCommit,
            BaseImage = baseImage is null ? null : $"{baseImage.Registry}/{baseImage.Repository}",
            BaseImageDigest = baseImage?.Digest,
            BaseImageTag = baseImage?.Tag,
            Builder = BuilderIdentity.Detect(Environment.GetEnvironmentVariable),
            StartedOn = started,
            FinishedOn = finished,
        };
    }
}
