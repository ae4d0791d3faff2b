using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace AgentOps.Testing;

/// <summary>
/// An OpenAI-compatible chat-completions endpoint on loopback, answering with a recorded conversation from
/// <c>tests/fixtures/openai/</c>: the n-th request gets the n-th response, then the last one again.
/// </summary>
public sealed class FakeChatCompletions : IDisposable
{
    public const string ApiKey = "sk-test-7Qm2VbX9rL4pK8sN3dF6hJ1w";

    private readonly WireMockServer _server;

    private FakeChatCompletions(WireMockServer server) => _server = server;

    public Uri BaseUrl => new(_server.Url + "/v1");

    public IReadOnlyList<ILogEntry> Requests => _server.LogEntries.ToList();

    public IReadOnlyList<JsonObject> RequestBodies => Requests.Select(r => JsonNode.Parse(r.RequestMessage.Body!)!.AsObject()).ToList();

    public static FakeChatCompletions Serve(string conversation)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "openai", conversation);
        var turns = JsonNode.Parse(File.ReadAllText(path))!["turns"]!.AsArray();
        var server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreeLoopbackPort()}"], StartAdminInterface = false });
        for (var i = 0; i < turns.Count; i++)
        {
            var turn = turns[i]!;
            var response = Response.Create()
                .WithStatusCode(turn["status"]!.GetValue<int>())
                .WithHeader("Content-Type", "application/json")
                .WithBody(turn["body"]!.ToJsonString());
            foreach (var (name, value) in turn["headers"]?.AsObject() ?? [])
            {
                response = response.WithHeader(name, value!.GetValue<string>());
            }
            var request = server.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost().WithHeader("Authorization", "Bearer " + ApiKey));
            // WireMock.Net 1.25 answers 500 for a scenario mapping with neither a start nor a next state: one turn needs none.
            if (turns.Count > 1)
            {
                request = request.InScenario("conversation");
                if (i > 0)
                {
                    request = request.WhenStateIs($"turn-{i}");
                }
                // The last turn keeps its state, so it answers every further request.
                request = request.WillSetStateTo($"turn-{Math.Min(i + 1, turns.Count - 1)}");
            }
            request.RespondWith(response);
        }
        return new FakeChatCompletions(server);
    }

    public void Dispose() => _server.Stop();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
