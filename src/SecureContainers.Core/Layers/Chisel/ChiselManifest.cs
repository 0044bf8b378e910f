namespace SecureContainers.Core.Layers.Chisel;

/// <summary>
/// What chisel's <c>manifest.wall</c> says was cut into the image: each package with the slices of it that were
/// installed. Paths are checked for consistency while reading but not kept: the SBOM describes packages.
/// </summary>
public sealed record ChiselManifest(IReadOnlyList<ChiselPackage> Packages);

/// <summary>
/// A package chisel cut slices from. <see cref="Sha256"/> is the SHA-256 (hex) of the .deb chisel fetched, as the
/// archive's Packages index lists it; <see cref="Slices"/> are full slice names (<c>libc6_libs</c>), sorted ordinally.
/// </summary>
public sealed record ChiselPackage(string Name, string Version, string Architecture, string Sha256, IReadOnlyList<string> Slices);
