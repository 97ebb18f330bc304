using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;
using FederatedRegistry.Testing;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using HttpResults = Microsoft.AspNetCore.Http.Results;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace FederatedRegistry.Bench;

/// <summary>
/// Figure 2's baseline: the registry's registrations as a plain ASP.NET Core + EF Core (Npgsql) CRUD service, written
/// the way a team would write it first: a DbContext per request, <c>FindAsync</c> for reads, load-modify-save with a
/// concurrency token for writes, JWT bearer authentication with the same issuer as the node. No cache, no grains.
/// </summary>
public sealed class CrudBaseline : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CrudBaseline(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<CrudBaseline> StartAsync(string connectionString, CancellationToken ct)
    {
        var address = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            // Not the harness's directory: the node's appsettings.json there would configure this app's Kestrel too.
            ContentRootPath = Path.GetTempPath(),
        });
        builder.WebHost.UseUrls(address.ToString());
        builder.Logging.ClearProviders();
        builder.Services.AddDbContext<CrudDb>(options => options.UseNpgsql(connectionString));
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = BenchNodeSettings.Issuer,
                ValidAudience = BenchNodeSettings.Audience,
                IssuerSigningKey = BenchNodeSettings.SigningKey(),
            };
        });
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/registrations/{id}", async (string id, CrudDb db) =>
            await db.Registrations.FindAsync(id) is { } registration ? HttpResults.Ok(registration) : HttpResults.NotFound())
            .RequireAuthorization();
        app.MapPut("/registrations/{id}", async (string id, RegistrationUpdate update, CrudDb db) =>
        {
            var registration = await db.Registrations.FindAsync(id);
            if (registration is null)
            {
                return HttpResults.NotFound();
            }
            if (registration.Version != update.ExpectedVersion)
            {
                return HttpResults.Conflict();
            }
            update.ApplyTo(registration);
            registration.Version++;
            registration.UpdatedAt = DateTime.UtcNow;
            try
            {
                await db.SaveChangesAsync();
            }
            catch (DbUpdateConcurrencyException)
            {
                return HttpResults.Conflict();
            }
            return HttpResults.Ok(registration);
        }).RequireAuthorization();

        await using (var scope = app.Services.CreateAsyncScope())
        {
            // The node's tables are already in this database, so EnsureCreated would skip: create this model's table alone.
            await scope.ServiceProvider.GetRequiredService<CrudDb>().GetService<IRelationalDatabaseCreator>().CreateTablesAsync(ct);
        }
        await app.StartAsync(ct);
        return new CrudBaseline(app, address);
    }

    /// <summary>Inserts one registration per id, as the node holds them after <see cref="BenchSystems.RegisterAsync"/>.</summary>
    public async Task SeedAsync(IEnumerable<string> ids, RegistrationUpdate details, CancellationToken ct)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrudDb>();
        foreach (var id in ids)
        {
            var registration = new Registration
            {
                Id = id,
                ProductId = id + ".example/bench",
                ProviderId = "KE-PRV-bench",
                Jurisdiction = "KE",
                Status = "draft",
                Version = 1,
                CreatedAt = DateTime.UtcNow,
                UpdatedAt = DateTime.UtcNow,
            };
            details.ApplyTo(registration);
            db.Registrations.Add(registration);
        }
        await db.SaveChangesAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed class CrudDb(DbContextOptions<CrudDb> options) : DbContext(options)
{
    public DbSet<Registration> Registrations => Set<Registration>();
}

/// <summary>A registration with the fields the node's <c>AiSystem</c> carries, one column each.</summary>
[Table("crud_registrations")]
public sealed class Registration
{
    [Key]
    public string Id { get; set; } = "";

    public string ProductId { get; set; } = "";

    public string ProviderId { get; set; } = "";

    public string Name { get; set; } = "";

    public string ProductVersion { get; set; } = "";

    public string IntendedPurpose { get; set; } = "";

    public string Category { get; set; } = "";

    public string ProposedRiskTier { get; set; } = "";

    public string ConformityEvidence { get; set; } = "";

    public string BiasEvaluation { get; set; } = "";

    public string HumanOversight { get; set; } = "";

    public string Explainability { get; set; } = "";

    public string DataGovernance { get; set; } = "";

    public string[] Markets { get; set; } = [];

    public string DeploymentStatus { get; set; } = "";

    public string ContactEmail { get; set; } = "";

    public string Status { get; set; } = "";

    public string Jurisdiction { get; set; } = "";

    [ConcurrencyCheck]
    public int Version { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>The body of a PUT: the version last read and the provider's details.</summary>
public sealed record RegistrationUpdate(
    int ExpectedVersion, string Name, string ProductVersion, string IntendedPurpose, string Category, string ProposedRiskTier,
    string ConformityEvidence, string BiasEvaluation, string HumanOversight, string Explainability, string DataGovernance,
    string[] Markets, string DeploymentStatus, string ContactEmail)
{
    public void ApplyTo(Registration registration)
    {
        registration.Name = Name;
        registration.ProductVersion = ProductVersion;
        registration.IntendedPurpose = IntendedPurpose;
        registration.Category = Category;
        registration.ProposedRiskTier = ProposedRiskTier;
        registration.ConformityEvidence = ConformityEvidence;
        registration.BiasEvaluation = BiasEvaluation;
        registration.HumanOversight = HumanOversight;
        registration.Explainability = Explainability;
        registration.DataGovernance = DataGovernance;
        registration.Markets = Markets;
        registration.DeploymentStatus = DeploymentStatus;
        registration.ContactEmail = ContactEmail;
    }
}
