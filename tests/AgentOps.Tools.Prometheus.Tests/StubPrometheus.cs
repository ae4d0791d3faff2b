using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace AgentOps.Tools.Prometheus.Tests;

/// <summary>
/// A misbehaving stand-in for Prometheus on loopback, only for faults a real Prometheus will not produce on demand
/// (a 500, a hang). Each <c>query</c> value selects a behaviour and every request is counted as it arrives, so a test
/// can tell how often the server retried.
/// </summary>
public sealed class StubPrometheus : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<HttpListenerRequest, StubAnswer>> _answers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public StubPrometheus(Dictionary<string, Func<HttpListenerRequest, StubAnswer>> answersByQuery)
    {
        _answers = answersByQuery;
        var port = PrometheusProcess.FreeLoopbackPort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUrl.ToString());
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri BaseUrl { get; }

    public int Hits(string query) => _hits.GetValueOrDefault(query);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
        }
        _listener.Close();
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var query = context.Request.QueryString["query"] ?? string.Empty;
        _hits.AddOrUpdate(query, 1, (_, n) => n + 1);
        var answer = _answers.TryGetValue(query, out var answerFor)
            ? answerFor(context.Request)
            : new StubAnswer(404, "text/plain", "no stub for this query");
        try
        {
            if (answer.Delay > TimeSpan.Zero)
            {
                await Task.Delay(answer.Delay, _stopping.Token);
            }
            var body = Encoding.UTF8.GetBytes(answer.Body);
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = answer.ContentType;
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body, _stopping.Token);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The client gave up (that is what a timeout test wants) or the stub is stopping.
        }
    }
}

public sealed record StubAnswer(int Status, string ContentType, string Body, TimeSpan Delay = default)
{
    public static StubAnswer Json(int status, string body) => new(status, "application/json", body);
}
