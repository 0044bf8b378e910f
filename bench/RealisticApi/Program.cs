using Dapper;
using FluentValidation;
using Humanizer;
using Microsoft.Data.Sqlite;
using NodaTime;
using Polly;
using Serilog;

// A small orders API that touches each dependency, so none of them is dead weight in the image.
Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateLogger();
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Host.UseSerilog();
builder.Services.AddEndpointsApiExplorer();
builder.Services.AddSwaggerGen();
builder.Services.AddValidatorsFromAssemblyContaining<OrderValidator>();
builder.Services.AddSingleton<IClock>(SystemClock.Instance);
builder.Services.AddSingleton(new ResiliencePipelineBuilder().AddRetry(new() { MaxRetryAttempts = 3 }).Build());

WebApplication app = builder.Build();
app.UseSwagger();
app.UseSwaggerUI();

app.MapPost("/orders", async (Order order, IValidator<Order> validator, IClock clock, ResiliencePipeline retry) =>
{
    FluentValidation.Results.ValidationResult check = await validator.ValidateAsync(order);
    if (!check.IsValid)
    {
        return Results.ValidationProblem(check.ToDictionary());
    }

    await using SqliteConnection db = new("Data Source=:memory:");
    int total = await retry.ExecuteAsync(async ct => await db.ExecuteScalarAsync<int>("SELECT @Quantity * @UnitPrice", order));
    return Results.Ok(new { total, placed = clock.GetCurrentInstant().ToString(), words = order.Quantity.ToWords() });
});

app.MapGet("/orders.csv", () =>
{
    using StringWriter text = new();
    using CsvHelper.CsvWriter csv = new(text, System.Globalization.CultureInfo.InvariantCulture);
    csv.WriteRecords(new[] { new Order("sample", 2, 3) });
    return Results.Text(text.ToString(), "text/csv");
});

app.MapGet("/orders.yaml", () => Results.Text(new YamlDotNet.Serialization.Serializer().Serialize(new Order("sample", 2, 3)), "application/yaml"));

app.MapGet("/token", () => new System.IdentityModel.Tokens.Jwt.JwtSecurityTokenHandler().CanReadToken(Newtonsoft.Json.JsonConvert.SerializeObject("x")));

app.Run();

public sealed record Order(string Sku, int Quantity, int UnitPrice);

public sealed class OrderValidator : AbstractValidator<Order>
{
    public OrderValidator()
    {
        RuleFor(o => o.Sku).NotEmpty();
        RuleFor(o => o.Quantity).GreaterThan(0);
    }
}
