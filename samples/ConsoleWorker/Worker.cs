using Polly;

namespace ConsoleWorker;

/// <summary>Does a unit of work on a schedule, retrying transient failures.</summary>
public sealed class Worker(ILogger<Worker> logger) : BackgroundService
{
    private readonly ResiliencePipeline _pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new() { MaxRetryAttempts = 3, Delay = TimeSpan.FromMilliseconds(200) })
        .Build();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await _pipeline.ExecuteAsync(_ => { logger.LogInformation("Worker ran at {Time}", DateTimeOffset.UtcNow); return ValueTask.CompletedTask; }, stoppingToken);
            await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
        }
    }
}
