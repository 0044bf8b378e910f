using SecureContainers.Core.Secrets;
using Xunit.Abstractions;

namespace SecureContainers.Core.Tests.Secrets;

/// <summary>How the publish directory is walked: links, size cap, order, and the cost of a realistic app.</summary>
public sealed class PublishDirectoryWalkTests(ITestOutputHelper output) : IDisposable
{
    private readonly PublishDirectory _dir = new();
    private readonly string _outside = Directory.CreateTempSubdirectory("sc-outside-").FullName;

    public void Dispose()
    {
        _dir.Dispose();
        Directory.Delete(_outside, recursive: true);
    }

    [Fact]
    public void LinkOutsideThePublishDirectoryIsNotFollowedButReported()
    {
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), TestSecrets.GitHubPat());
        File.CreateSymbolicLink(Path.Combine(_dir.Root, "linked.txt"), Path.Combine(_outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_dir.Root, "linkdir"), _outside);

        SecretScanResult result = _dir.Scan();

        Assert.Empty(result.Findings);
        Assert.Equal(2, result.Diagnostics.Count(d => d.Code == "SC7132"));
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("'linked.txt'"));
    }

    [Fact]
    public void LinkInsideThePublishDirectoryIsScannedOnceAtItsTarget()
    {
        _dir.Write("real/settings.txt", TestSecrets.GitHubPat());
        File.CreateSymbolicLink(Path.Combine(_dir.Root, "alias.txt"), Path.Combine(_dir.Root, "real", "settings.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_dir.Root, "loop"), _dir.Root);

        SecretScanResult result = _dir.Scan();

        Assert.Equal([("SC7106", "real/settings.txt", (int?)1)], result.Reported());
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "SC7132");
    }

    [Fact]
    public void LinkNamedLikeAKeyIsStillReportedByName()
    {
        File.WriteAllText(Path.Combine(_outside, "key"), "x");
        File.CreateSymbolicLink(Path.Combine(_dir.Root, "id_rsa"), Path.Combine(_outside, "key"));

        Assert.Equal([("SC7103", "id_rsa", (int?)null)], _dir.Scan().Reported());
    }

    [Fact]
    public void ContentPastTheSizeCapIsNotReadAndTheTruncationIsNoted()
    {
        _dir.Write("log.txt", new string('x', 2000) + "\n" + TestSecrets.GitHubPat() + "\n");
        _dir.Write("early.txt", TestSecrets.GitHubPat() + "\n" + new string('x', 2000));

        SecretScanResult result = SecretScanner.Scan(new SecretScanInput { PublishDirectory = _dir.Root }, new SecretScanOptions { MaxContentBytesPerFile = 1000 });

        Assert.Equal([("SC7106", "early.txt", (int?)1)], result.Reported());
        Assert.Equal(2, result.Diagnostics.Count(d => d.Code == "SC7133"));
    }

    [Fact]
    public void FindingsAreInTheSameOrderWhateverTheCreationOrder()
    {
        foreach (string name in new[] { "b/z.txt", "a.txt", "B.txt", "b/a.txt" })
        {
            _dir.Write(name, TestSecrets.GitHubPat());
        }

        Assert.Equal(["B.txt", "a.txt", "b/a.txt", "b/z.txt"], _dir.Scan().Findings.Select(f => f.Location.Key));
    }

    [Fact]
    public void RealisticPublishDirectoryScansWithBoundedMemory()
    {
        // ~300 files, ~100 MB: assemblies (skipped by extension), JSON, JS and text. The scan streams, so the bytes it
        // allocates stay far below the bytes it reads; a time is not asserted (CI machines vary), only printed on failure.
        byte[] binary = new byte[1024 * 1024];
        Random.Shared.NextBytes(binary);
        string textBlock = string.Concat(Enumerable.Range(0, 6000).Select(i => $"{{ \"name\": \"item{i}\", \"value\": \"Microsoft.Extensions.Logging.Abstractions\" }},\n"));
        for (int i = 0; i < 60; i++)
        {
            _dir.WriteBytes($"lib{i}.dll", binary);
        }

        for (int i = 0; i < 120; i++)
        {
            _dir.Write($"wwwroot/js/file{i}.js", textBlock);
        }

        for (int i = 0; i < 120; i++)
        {
            _dir.Write($"data/doc{i}.txt", "line of prose with password and token words but no values\n");
        }

        _dir.Write("wwwroot/js/z.js", $"const k = '{TestSecrets.GitHubPat()}';\n");
        long bytesOnDisk = Directory.EnumerateFiles(_dir.Root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        SecretScanner.Scan(new SecretScanInput { PublishDirectory = _dir.Root }); // warm up the regex and JIT
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        SecretScanResult result = SecretScanner.Scan(new SecretScanInput { PublishDirectory = _dir.Root });
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"scanned {bytesOnDisk} bytes in {clock.ElapsedMilliseconds} ms, allocating {allocated} bytes");
        Assert.True(bytesOnDisk > 90_000_000, $"fixture is {bytesOnDisk} bytes");
        Assert.Equal([("SC7106", "wwwroot/js/z.js", (int?)1)], result.Reported());
        Assert.True(allocated < 16 * 1024 * 1024, $"scan of {bytesOnDisk} bytes allocated {allocated} bytes in {clock.ElapsedMilliseconds} ms");
    }
}
