using System.Security.Claims;
using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FederatedRegistry.Node.Hosting;

/// <summary>Who may call the node: bearer tokens from an OpenID Connect provider (or any issuer with known keys). Bound from "Auth".</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>An OpenID Connect issuer URL whose discovery document gives the signing keys; alternative to <see cref="SigningKeys"/>.</summary>
    public string? Authority { get; set; }

    /// <summary>The <c>iss</c> tokens must carry (defaults to <see cref="Authority"/> when that is set).</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> tokens must carry: this node's API.</summary>
    public string? Audience { get; set; }

    /// <summary>The issuer's public keys (PEM: EC or RSA public keys or certificates), when there is no discovery.</summary>
    public List<string> SigningKeys { get; set; } = [];

    /// <summary>The signature algorithms accepted; nothing else (and never "none").</summary>
    public List<string> Algorithms { get; set; } = ["ES256", "ES384", "RS256", "PS256"];

    /// <summary>How far the issuer's clock may be from the node's when checking exp and nbf.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The claim that names the caller's role: authority, provider or observer.</summary>
    public string RoleClaim { get; set; } = "role";

    /// <summary>The claim that names a provider's organisation (its provider id on this node).</summary>
    public string ProviderClaim { get; set; } = "provider_id";

    /// <summary>Whether discovery must use https (turn off only for a local test issuer).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}

/// <summary>The roles a token may carry.</summary>
public static class Roles
{
    /// <summary>The node's authority: everything on its own node.</summary>
    public const string Authority = "authority";

    /// <summary>A provider organisation: its own registrations, incident reports.</summary>
    public const string Provider = "provider";

    /// <summary>An international body: summaries and advisories.</summary>
    public const string Observer = "observer";

    public static readonly string[] All = [Authority, Provider, Observer];
}

/// <summary>The rules routes declare (<c>[Authorize(Policy = ...)]</c>); a route that declares none is refused to all but the authority.</summary>
public static class AccessPolicies
{
    public const string Authority = "authority";
    public const string AuthorityOrProvider = "authority-or-provider";
    public const string AuthorityOrObserver = "authority-or-observer";
}

/// <summary>The caller as the API sees it once its token was checked; anonymous when there was no valid token.</summary>
internal sealed record ApiCaller(string? Role, string? ProviderId, string Subject)
{
    public static readonly ApiCaller Anonymous = new(null, null, "anonymous");

    public bool IsAuthority => Role == Roles.Authority;

    public bool IsProvider => Role == Roles.Provider && ProviderId is not null;

    /// <summary>The actor recorded for changes: "authority:alice", "provider:KE-PRV-acme:bob", "anonymous".</summary>
    public string Actor => Role is null ? Subject : IsProvider ? $"{Role}:{ProviderId}:{Subject}" : $"{Role}:{Subject}";

    public static ApiCaller From(ClaimsPrincipal? user, AuthOptions options)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            return Anonymous;
        }
        var roles = user.FindAll(options.RoleClaim).Select(c => c.Value).Where(r => Roles.All.Contains(r)).ToList();
        // A token naming several roles acts with the least of them: no token is more than one of its roles.
        var role = roles.Contains(Roles.Observer) ? Roles.Observer : roles.Contains(Roles.Provider) ? Roles.Provider : roles.FirstOrDefault();
        var subject = user.FindFirst(JwtRegisteredClaimNames.Sub)?.Value ?? "unknown";
        return new ApiCaller(role, user.FindFirst(options.ProviderClaim)?.Value, subject);
    }
}

/// <summary>
/// Development tokens: in Development, when no issuer is configured, the node trusts a key kept in its data directory
/// and <c>fedreg-node token</c> mints tokens with it. Outside Development neither exists.
/// </summary>
public static class DevelopmentTokens
{
    public const string Issuer = "fedreg-development";
    public const string KeyFileName = "dev-token-key.pem";

    public static string AudienceFor(string nodeCode) => $"fedreg-node:{nodeCode}";

    /// <summary>The development signing key of the node with this data directory, generated (0600) on first use.</summary>
    public static ECDsa LoadOrCreateKey(string dataDirectory)
    {
        var path = Path.Combine(Path.GetFullPath(dataDirectory), KeyFileName);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
            return key;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var file = new StreamWriter(path, options);
        file.Write(key.ExportPkcs8PrivateKeyPem());
        return key;
    }

    /// <summary>A signed ES256 token for the node: subject, role, provider id (for providers), valid for <paramref name="lifetime"/>.</summary>
    public static string Mint(ECDsa key, string issuer, string audience, string subject, string role, string? providerId, TimeSpan lifetime, DateTimeOffset now)
    {
        var claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = subject, ["role"] = role };
        if (providerId is not null)
        {
            claims["provider_id"] = providerId;
        }
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            // Uncached: the library caches signers by key id, and would sign with a disposed copy of the same key.
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256)
            {
                CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
            },
        });
    }
}

public static class NodeAuth
{
    /// <summary>
    /// Bearer-token authentication and the route rules. Outside Development an issuer (Auth:Issuer with
    /// Auth:SigningKeys, or Auth:Authority) and Auth:Audience are required, and a start without them stops naming them.
    /// </summary>
    public static WebApplicationBuilder AddNodeAuth(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new();
        var (node, _, _) = NodeConfiguration.ReadStartupSettings(builder.Configuration);
        var failures = new List<string>();
        var parameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidAlgorithms = options.Algorithms,
            ClockSkew = options.ClockSkew,
            RoleClaimType = options.RoleClaim,
            NameClaimType = JwtRegisteredClaimNames.Sub,
        };
        var development = builder.Environment.IsDevelopment() && string.IsNullOrWhiteSpace(options.Issuer) && string.IsNullOrWhiteSpace(options.Authority);
        if (development)
        {
            parameters.ValidIssuer = DevelopmentTokens.Issuer;
            parameters.ValidAudience = DevelopmentTokens.AudienceFor(node.Code);
            parameters.IssuerSigningKey = new ECDsaSecurityKey(DevelopmentTokens.LoadOrCreateKey(node.DataDirectory));
        }
        else
        {
            Configure(options, parameters, failures);
        }
        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Auth:ClockSkew '{options.ClockSkew}' must be between 00:00:00 and 00:05:00.");
        }
        if (options.Algorithms.Count == 0 || options.Algorithms.Any(a => a.Equals("none", StringComparison.OrdinalIgnoreCase) || a.StartsWith("HS", StringComparison.OrdinalIgnoreCase)))
        {
            failures.Add("Auth:Algorithms must list asymmetric algorithms only (e.g. ES256, RS256); 'none' and shared-secret HS* are refused.");
        }
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(nameof(AuthOptions), typeof(AuthOptions), failures);
        }

        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = parameters;
                if (!development && !string.IsNullOrWhiteSpace(options.Authority))
                {
                    o.Authority = options.Authority;
                    o.RequireHttpsMetadata = options.RequireHttpsMetadata;
                }
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AccessPolicies.Authority, p => p.RequireAuthenticatedUser().RequireRole(Roles.Authority))
            .AddPolicy(AccessPolicies.AuthorityOrProvider, p => p.RequireAuthenticatedUser().RequireRole(Roles.Authority, Roles.Provider))
            .AddPolicy(AccessPolicies.AuthorityOrObserver, p => p.RequireAuthenticatedUser().RequireRole(Roles.Authority, Roles.Observer))
            // Deny by default: an endpoint that declares no rule is the authority's alone.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(Roles.Authority).Build());
        return builder;
    }

    private static void Configure(AuthOptions options, TokenValidationParameters parameters, List<string> failures)
    {
        var issuer = string.IsNullOrWhiteSpace(options.Issuer) ? options.Authority : options.Issuer;
        if (string.IsNullOrWhiteSpace(issuer))
        {
            failures.Add("Auth:Issuer is required (the iss of the tokens this node accepts), with Auth:SigningKeys or Auth:Authority; in Development, leave it unset to use development tokens (fedreg-node token).");
        }
        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("Auth:Audience is required: the aud that tokens for this node carry.");
        }
        if (options.SigningKeys.Count == 0 && string.IsNullOrWhiteSpace(options.Authority))
        {
            failures.Add("Auth:SigningKeys (the issuer's public keys, PEM) or Auth:Authority (an OpenID Connect issuer to discover them from) is required.");
        }
        var keys = new List<SecurityKey>();
        for (var i = 0; i < options.SigningKeys.Count; i++)
        {
            try
            {
                keys.Add(ReadKey(options.SigningKeys[i]));
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException)
            {
                failures.Add($"Auth:SigningKeys:{i} cannot be read as a PEM public key or certificate: {e.Message.TrimEnd('.')}.");
            }
        }
        parameters.ValidIssuer = issuer;
        parameters.ValidAudience = options.Audience;
        parameters.IssuerSigningKeys = keys;
    }

    private static SecurityKey ReadKey(string pem)
    {
        if (pem.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
        {
            return new X509SecurityKey(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem));
        }
        if (pem.Contains("BEGIN RSA PUBLIC KEY", StringComparison.Ordinal) || TryRsa(pem) is not null)
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        var ec = ECDsa.Create();
        ec.ImportFromPem(pem);
        return new ECDsaSecurityKey(ec);
    }

    private static RSA? TryRsa(string pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            rsa.Dispose();
            return null;
        }
    }
}

/// <summary>Tells the grains who acts, for the audit trail: the authenticated caller of the request.</summary>
internal sealed class ActorInterceptor(IOptions<AuthOptions> options) : Grpc.Core.Interceptors.Interceptor
{
    public const string ActorKey = "fedreg.actor";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, Grpc.Core.ServerCallContext context,
        Grpc.Core.UnaryServerMethod<TRequest, TResponse> continuation)
    {
        RequestContext.Set(ActorKey, ApiCaller.From(context.GetHttpContext().User, options.Value).Actor);
        return continuation(request, context);
    }
}
