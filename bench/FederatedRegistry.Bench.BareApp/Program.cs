var app = WebApplication.CreateSlimBuilder(args).Build();
app.MapGet("/", () => "ok");
await app.RunAsync();
