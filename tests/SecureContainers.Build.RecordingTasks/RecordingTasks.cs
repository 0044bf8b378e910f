using System.Collections;
using System.Text.Json;
using Microsoft.Build.Framework;

namespace SecureContainers.Build.Tasks;

/// <summary>
/// The parameters both real tasks take (ContainerImageTask, SecureContainerTask), recorded as one JSON line in the
/// file named by <c>SECURECONTAINERS_TASK_LOG</c>. <c>SECURECONTAINERS_TASK_FAIL</c> names a task that logs an error
/// and fails, to prove what a failed check stops.
/// </summary>
public abstract class RecordingTask : Microsoft.Build.Utilities.Task
{
    public string? ProjectFile { get; set; }

    [Required]
    public ITaskItem Settings { get; set; } = null!;

    [Required]
    public ITaskItem Image { get; set; } = null!;

    [Required]
    public string Scope { get; set; } = "Image";

    public string[] RuntimeIdentifiers { get; set; } = [];

    public string[] ImageTags { get; set; } = [];

    public ITaskItem[] EnvironmentVariables { get; set; } = [];

    public ITaskItem[] Ports { get; set; } = [];

    public ITaskItem[] Labels { get; set; } = [];

    public string[] Entrypoint { get; set; } = [];

    public string[] Cmd { get; set; } = [];

    public ITaskItem[] TrustedBaseImages { get; set; } = [];

    public ITaskItem[] SecretScanExclusions { get; set; } = [];

    public ITaskItem[] VulnerabilitySuppressions { get; set; } = [];

    public ITaskItem[] NuGetAuditSuppressions { get; set; } = [];

    protected Dictionary<string, object?> Record() => new()
    {
        ["Task"] = GetType().Name,
        ["Scope"] = Scope,
        ["Settings"] = Metadata(Settings),
        ["Image"] = Metadata(Image),
        ["RuntimeIdentifiers"] = RuntimeIdentifiers,
        ["ImageTags"] = ImageTags,
        ["TrustedBaseImages"] = TrustedBaseImages.Select(i => i.ItemSpec).ToArray(),
    };

    protected bool Finish(Dictionary<string, object?> record)
    {
        string log = Environment.GetEnvironmentVariable("SECURECONTAINERS_TASK_LOG") ?? throw new InvalidOperationException("SECURECONTAINERS_TASK_LOG is not set");
        File.AppendAllText(log, JsonSerializer.Serialize(record) + "\n");
        if (string.Equals(Environment.GetEnvironmentVariable("SECURECONTAINERS_TASK_FAIL"), GetType().Name, StringComparison.Ordinal))
        {
            Log.LogError(null, "SC9999", null, ProjectFile, 0, 0, 0, 0, "recording task told to fail");
            return false;
        }

        return true;
    }

    private static Dictionary<string, string> Metadata(ITaskItem item)
    {
        Dictionary<string, string> all = new(StringComparer.Ordinal) { ["Identity"] = item.ItemSpec };
        foreach (DictionaryEntry e in item.CloneCustomMetadata())
        {
            all[(string)e.Key] = (string?)e.Value ?? "";
        }

        return all;
    }
}

public sealed class CheckSecureContainer : RecordingTask
{
    public ITaskItem? App { get; set; }

    public ITaskItem[] RuntimePacks { get; set; } = [];

    [Output]
    public string? CheckHandle { get; set; }

    [Output]
    public string? SourceRepositoryUrl { get; set; }

    [Output]
    public string? SourceCommit { get; set; }

    [Output]
    public ITaskItem? Sarif { get; set; }

    public override bool Execute()
    {
        CheckHandle = "handle-" + Scope;
        Dictionary<string, object?> record = Record();
        record["App"] = App?.GetMetadata("SbomFile");
        return Finish(record);
    }
}

public sealed class StartSecureContainerCheck : RecordingTask
{
    public override bool Execute() => Finish(Record());
}

public sealed class WriteContainerEvidence : RecordingTask
{
    public string? CheckHandle { get; set; }

    public string? GeneratedDigest { get; set; }

    public string? GeneratedConfiguration { get; set; }

    public string? GeneratedManifest { get; set; }

    public ITaskItem? App { get; set; }

    public ITaskItem[] RuntimePacks { get; set; } = [];

    [Output]
    public ITaskItem? Sbom { get; set; }

    [Output]
    public string? SignedDigest { get; set; }

    public override bool Execute()
    {
        Dictionary<string, object?> record = Record();
        record["CheckHandle"] = CheckHandle;
        return Finish(record);
    }
}
