namespace SecureContainers.EndToEnd.Tests.Infrastructure;

/// <summary>
/// All end-to-end tests share one collection: each runs a real publish that keeps both cores busy, so running them
/// one at a time is faster overall and keeps timings honest.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}
