using System.Reflection;

namespace SecureContainers.Core.Diagnostics;

/// <summary>
/// Every descriptor the core declares, found by reflection over the static <c>*Diagnostics</c> classes, so that
/// tests can prove codes are unique and documented in <c>docs/diagnostics.md</c>.
/// </summary>
public static class DiagnosticCatalog
{
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = typeof(DiagnosticCatalog).Assembly
        .GetTypes()
        .Where(t => t.IsAbstract && t.IsSealed && t.Name.EndsWith("Diagnostics", StringComparison.Ordinal))
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .OrderBy(d => d.Code, StringComparer.Ordinal)
        .ToArray();
}
