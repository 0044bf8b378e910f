using System.Runtime.InteropServices;
using Newtonsoft.Json;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
WebApplication app = builder.Build();

app.MapGet("/", () => "Hello from a secured container.");

// Reports the identity the process runs as, so a test can prove the image is not root.
app.MapGet("/whoami", () => Results.Content(
    JsonConvert.SerializeObject(new { uid = getuid(), gid = getgid(), user = Environment.UserName }),
    "application/json"));

app.Run();

[DllImport("libc", SetLastError = true)]
static extern uint getuid();

[DllImport("libc", SetLastError = true)]
static extern uint getgid();
