using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Node.Tests.Support;
using FederatedRegistry.Testing;

namespace FederatedRegistry.Node.Tests.Demo;

/// <summary>The README's first command, as the built executable: <c>fedreg-node demo</c>.</summary>
[Collection(ChildProcessCollection.Name)]
public sealed partial class DemoCommandTests
{
    [Fact]
    public async Task Demo_prints_one_line_per_ready_node_serves_the_federation_and_resumes_from_its_data()
    {
        var data = Path.GetDirectoryName(TempSqlite.NewDatabasePath("demo"))!;

        IReadOnlyList<(string Code, Uri Http, Uri Grpc)> nodes;
        int seeded;
        await using (var demo = DemoProcess.Start(data))
        {
            nodes = await demo.ReadNodeLinesAsync();
            Assert.Equal(["KE", "FR", "BR", "INTL"], nodes.Select(n => n.Code));
            foreach (var (code, http, _) in nodes)
            {
                using var client = new HttpClient { BaseAddress = http };
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
                var info = await client.GetStringAsync("/v1/node");
                Assert.Contains($"\"code\":\"{code}\"", info, StringComparison.Ordinal);
                Assert.True(File.Exists(Path.Combine(data, code, "node-key.pem")), $"{code} keeps its key under the data directory");
                // And its TLS certificate, whose fingerprint (what its peers pin) GET /v1/node shows.
                using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
                    await File.ReadAllTextAsync(Path.Combine(data, code, "federation-cert.pem")));
                Assert.Contains($"\"certificateSha256\":\"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(certificate.RawData))}\"", info, StringComparison.Ordinal);
            }

            using var observer = new NodeClient(nodes[3].Http, nodes[3].Grpc, DevelopmentToken(data, "INTL"));
            var summary = await observer.Grpc.GetFederationSummaryAsync(
                new GetFederationSummaryRequest { Dimensions = "risk_tier,category", DeadlineMs = 10_000 }, deadline: NodeClient.Deadline);
            Assert.Equal(["BR", "FR", "KE"], summary.Rows.Select(r => r.Node).Order(StringComparer.Ordinal));
            Assert.Empty(summary.Unanswered);
            Assert.All(summary.Rows, r => Assert.All(r.Cells, c => Assert.True(c.Count >= r.MinCount)));

            using var kenya = new NodeClient(nodes[0].Http, nodes[0].Grpc, DevelopmentToken(data, "KE"));
            var systems = await kenya.Grpc.ListSystemsAsync(new ListSystemsRequest { PageSize = 100 }, deadline: NodeClient.Deadline);
            seeded = systems.Systems.Count;
            Assert.True(seeded >= 30, $"KE was seeded with {seeded} systems");

            Assert.Equal(0, await demo.StopAsync());
            Assert.Equal(4, demo.StandardOutput.Count);
        }

        // A second run finds every node's data, and seeds nothing twice.
        await using (var again = DemoProcess.Start(data))
        {
            var second = await again.ReadNodeLinesAsync();
            using var kenya = new NodeClient(second[0].Http, second[0].Grpc, DevelopmentToken(data, "KE"));
            var systems = await kenya.Grpc.ListSystemsAsync(new ListSystemsRequest { PageSize = 100 }, deadline: NodeClient.Deadline);
            Assert.Equal(seeded, systems.Systems.Count);
            Assert.Equal(0, await again.StopAsync());
        }
    }

    /// <summary>An authority token for a demo node, minted from the key in its data directory as <c>fedreg-node token</c> does.</summary>
    private static string DevelopmentToken(string data, string code)
    {
        using var key = DevelopmentTokens.LoadOrCreateKey(Path.Combine(data, code));
        return DevelopmentTokens.Mint(key, DevelopmentTokens.Issuer, DevelopmentTokens.AudienceFor(code), "demo-test", Roles.Authority, null,
            TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
    }

    [GeneratedRegex(@"^(?<code>[A-Z]{2,8}) http=(?<http>http://127\.0\.0\.1:\d+) grpc=(?<grpc>http://127\.0\.0\.1:\d+) federation=(?<federation>https://127\.0\.0\.1:\d+)\z")]
    private static partial Regex NodeLine();

    private sealed class DemoProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly List<string> _stdout = [];
        private readonly StringBuilder _stderr = new();

        private DemoProcess(Process process) => _process = process;

        public IReadOnlyList<string> StandardOutput
        {
            get
            {
                lock (_stdout)
                {
                    return [.. _stdout];
                }
            }
        }

        public static DemoProcess Start(string dataDirectory)
        {
            var startInfo = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fedreg-node.dll"));
            startInfo.ArgumentList.Add("demo");
            startInfo.ArgumentList.Add($"--Node:DataDirectory={dataDirectory}");
            startInfo.ArgumentList.Add("--Demo:BasePort=0");
            startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            var demo = new DemoProcess(new Process { StartInfo = startInfo, EnableRaisingEvents = true });
            demo._process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    lock (demo._stdout)
                    {
                        demo._stdout.Add(line);
                    }
                }
            };
            demo._process.ErrorDataReceived += (_, e) =>
            {
                lock (demo._stderr)
                {
                    demo._stderr.AppendLine(e.Data);
                }
            };
            demo._process.Start();
            demo._process.BeginOutputReadLine();
            demo._process.BeginErrorReadLine();
            return demo;
        }

        /// <summary>Waits for the four node lines; every line on stdout must be one.</summary>
        public async Task<IReadOnlyList<(string Code, Uri Http, Uri Grpc)>> ReadNodeLinesAsync()
        {
            var limit = Stopwatch.StartNew();
            while (StandardOutput.Count < 4)
            {
                if (_process.HasExited || limit.Elapsed > TimeSpan.FromMinutes(4))
                {
                    throw new Xunit.Sdk.XunitException($"The demo did not print its four lines (exited: {_process.HasExited}). Stdout:\n{string.Join('\n', StandardOutput)}\nStderr:\n{Errors}");
                }
                await Task.Delay(100);
            }
            return [.. StandardOutput.Select(line =>
            {
                var match = NodeLine().Match(line);
                Assert.True(match.Success, $"Not a node line: '{line}'");
                return (match.Groups["code"].Value, new Uri(match.Groups["http"].Value), new Uri(match.Groups["grpc"].Value));
            })];
        }

        /// <summary>Interrupts the demo as Ctrl+C would (SIGTERM) and returns its exit code.</summary>
        public async Task<int> StopAsync()
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await _process.WaitForExitAsync(limit.Token);
            return _process.ExitCode;
        }

        private string Errors
        {
            get
            {
                lock (_stderr)
                {
                    return _stderr.ToString();
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }
}
