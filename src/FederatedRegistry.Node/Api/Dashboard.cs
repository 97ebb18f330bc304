using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace FederatedRegistry.Node.Api;

/// <summary>
/// The dashboard: static HTML, CSS and JavaScript modules from wwwroot beside the node's binary, anonymous to load. What
/// a visitor then sees is what the JSON API gives their token (none: the public register).
/// </summary>
public static class Dashboard
{
    public const string IndexFile = "index.html";

    // Every script, style and library comes from the node itself: nodes may be air-gapped, and nothing else may run.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

    /// <summary>The wwwroot the build copies beside the binary (the build also places the charting library in it).</summary>
    public static string WebRoot => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    /// <summary>Serves the dashboard's files. Called before authorization, so that the fallback policy (authority only) does not cover them.</summary>
    public static WebApplication UseDashboardFiles(this WebApplication app)
    {
        if (!Directory.Exists(WebRoot))
        {
            return app;
        }
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(WebRoot),
            OnPrepareResponse = context => Secure(context.Context.Response),
        });
        return app;
    }

    /// <summary>
    /// What <c>/</c> answers: the dashboard to a browser (which asks for text/html), and to any other client the JSON
    /// document pointing at the API, as before the dashboard existed.
    /// </summary>
    public static IResult Root(HttpContext context, object document)
    {
        var index = Path.Combine(WebRoot, IndexFile);
        var accept = context.Request.GetTypedHeaders().Accept;
        if (File.Exists(index) && accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)))
        {
            Secure(context.Response);
            context.Response.Headers.CacheControl = "no-cache";
            return Results.File(index, "text/html; charset=utf-8");
        }
        return Results.Json(document);
    }

    private static void Secure(HttpResponse response)
    {
        response.Headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
