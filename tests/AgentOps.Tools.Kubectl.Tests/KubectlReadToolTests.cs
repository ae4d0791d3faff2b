using System.Text.Json;
using ModelContextProtocol.Protocol;
using Seeded = AgentOps.Testing.FakeKubernetesApi.Seeded;

namespace AgentOps.Tools.Kubectl.Tests;

/// <summary>One default server (reads only) shared by the read tests of a class; the tests do not change the cluster.</summary>
public sealed class ReadServerFixture : IAsyncLifetime
{
    internal KubectlServer Sut { get; private set; } = null!;

    public async Task InitializeAsync() => Sut = await KubectlServer.StartAsync();

    public async Task DisposeAsync() => await Sut.DisposeAsync();
}

/// <summary>Every read tool against the seeded fake API server, with the scope each one needs.</summary>
public sealed class KubectlReadToolTests(ReadServerFixture fixture) : IClassFixture<ReadServerFixture>
{
    private const string PaymentsRead = "k8s:read:ns/payments";
    private KubectlServer Sut => fixture.Sut;

    [Fact]
    public async Task NamespacesList_ClusterScope_ListsEveryNamespace()
    {
        var result = await Sut.CallAsync("namespaces_list", [], "k8s:read:cluster");

        var names = KubectlServer.Structured(result).GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("name").GetString()).ToArray();
        Assert.Equal(new string?[] { "checkout", "default", "kube-system", "payments" }, names);
    }

    [Fact]
    public async Task PodsList_Payments_ShowsCrashLoopingPodAsKubectlWould()
    {
        var result = await Sut.CallAsync("pods_list", new() { ["namespace"] = Seeded.Payments }, PaymentsRead);

        var pod = Assert.Single(KubectlServer.Structured(result).GetProperty("pods").EnumerateArray());
        Assert.Equal(Seeded.PaymentsPod, pod.GetProperty("name").GetString());
        Assert.Equal("CrashLoopBackOff", pod.GetProperty("status").GetString());
        Assert.Equal("0/1", pod.GetProperty("ready").GetString());
        Assert.Equal(3, pod.GetProperty("restarts").GetInt32());
        Assert.Equal($"ReplicaSet/{Seeded.PaymentsCurrentReplicaSet}", pod.GetProperty("owner").GetString());
        Assert.Equal(1, pod.GetProperty("containers")[0].GetProperty("lastExitCode").GetInt32());
    }

    [Fact]
    public async Task PodsList_LabelSelector_SentToApiAndFilters()
    {
        var matching = await Sut.CallAsync("pods_list", new() { ["namespace"] = Seeded.Payments, ["labelSelector"] = "app=payments-api" }, PaymentsRead);
        var other = await Sut.CallAsync("pods_list", new() { ["namespace"] = Seeded.Payments, ["labelSelector"] = "app=checkout-web" }, PaymentsRead);

        Assert.Equal(1, KubectlServer.Structured(matching).GetProperty("count").GetInt32());
        Assert.Equal(0, KubectlServer.Structured(other).GetProperty("count").GetInt32());
        Assert.Contains(Sut.Api.Requests, r => r.Path == "/api/v1/namespaces/payments/pods" && r.Query.GetValueOrDefault("labelSelector") == "app=checkout-web");
    }

    [Fact]
    public async Task PodGet_Payments_ManifestWithoutManagedFieldsAndSecretEnvRedacted()
    {
        var result = await Sut.CallAsync("pod_get", new() { ["namespace"] = Seeded.Payments, ["name"] = Seeded.PaymentsPod }, PaymentsRead);

        var detail = KubectlServer.Structured(result);
        Assert.Equal("CrashLoopBackOff", detail.GetProperty("summary").GetProperty("status").GetString());
        var env = detail.GetProperty("manifest").GetProperty("spec").GetProperty("containers")[0].GetProperty("env");
        Assert.Equal("db.payments.svc", env[0].GetProperty("value").GetString());
        Assert.Equal(Seeded.PodEnvPasswordKey, env[1].GetProperty("name").GetString());
        Assert.StartsWith("[REDACTED", env[1].GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Seeded.PodEnvPassword, KubectlServer.Raw(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodGet_UnknownPod_IsErrorWithApiStatus()
    {
        var result = await Sut.CallAsync("pod_get", new() { ["namespace"] = Seeded.Payments, ["name"] = "no-such-pod" }, PaymentsRead);

        Assert.True(result.IsError == true);
        var text = ToolServerFixture.Text(result);
        Assert.Contains("404", text, StringComparison.Ordinal);
        Assert.Contains("pods \"no-such-pod\" not found", text, StringComparison.Ordinal);
        Assert.Contains(Sut.Api.Url, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodLogs_TailLines_LastLinesAsUntrustedText()
    {
        var result = await Sut.CallAsync("pod_logs", new() { ["namespace"] = Seeded.Payments, ["name"] = Seeded.PaymentsPod, ["tailLines"] = 2 }, PaymentsRead);

        var logs = KubectlServer.Structured(result);
        Assert.True(KubectlServer.IsUntrusted(result));
        Assert.Equal("untrusted", logs.GetProperty("log").GetProperty("trust").GetString());
        Assert.Equal("pod-logs", logs.GetProperty("log").GetProperty("origin").GetString());
        Assert.Equal(2, logs.GetProperty("lines").GetInt32());
        var text = logs.GetProperty("log").GetProperty("text").GetString()!;
        Assert.EndsWith(Seeded.LogLastLine + "\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Seeded.LogFirstLine, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodLogs_WholeLog_BearerJwtRedactedAndInjectionOnlyInsideUntrustedText()
    {
        var result = await Sut.CallAsync("pod_logs", new() { ["namespace"] = Seeded.Payments, ["name"] = Seeded.PaymentsPod }, PaymentsRead);

        var log = KubectlServer.Structured(result).GetProperty("log");
        var text = log.GetProperty("text").GetString()!;
        Assert.DoesNotContain(Seeded.LogJwt, KubectlServer.Raw(result), StringComparison.Ordinal);
        Assert.Contains("[REDACTED:", text, StringComparison.Ordinal);
        Assert.Contains(Seeded.LogInjection, text, StringComparison.Ordinal);
        Assert.Equal("untrusted", log.GetProperty("trust").GetString());
        Assert.True(KubectlServer.IsUntrusted(result));
    }

    [Fact]
    public async Task PodLogs_SinceSeconds_OnlyRecentLines()
    {
        // The fake's clock is frozen at seeding; its log lines are 30 s apart, the last one at that instant.
        var result = await Sut.CallAsync("pod_logs", new() { ["namespace"] = Seeded.Payments, ["name"] = Seeded.PaymentsPod, ["sinceSeconds"] = 45 }, PaymentsRead);

        var logs = KubectlServer.Structured(result);
        Assert.Equal(2, logs.GetProperty("lines").GetInt32());
        Assert.Contains(Sut.Api.Requests, r => r.Path.EndsWith("/log", StringComparison.Ordinal) && r.Query.GetValueOrDefault("sinceSeconds") == "45");
    }

    [Fact]
    public async Task EventsList_ForPod_OnlyItsEventsWithUntrustedMessages()
    {
        var result = await Sut.CallAsync("events_list", new() { ["namespace"] = Seeded.Payments, ["kind"] = "Pod", ["name"] = Seeded.PaymentsPod }, PaymentsRead);

        var events = KubectlServer.Structured(result).GetProperty("events").EnumerateArray().ToArray();
        Assert.Equal(new string?[] { "BackOff", "Pulled" }, events.Select(e => e.GetProperty("reason").GetString()).Order(StringComparer.Ordinal));
        Assert.All(events, e => Assert.Equal("k8s-events", e.GetProperty("message").GetProperty("origin").GetString()));
        Assert.All(events, e => Assert.Equal($"Pod/{Seeded.PaymentsPod}", e.GetProperty("object").GetString()));
        Assert.True(KubectlServer.IsUntrusted(result));
        Assert.Contains(Sut.Api.Requests, r => r.Path == "/api/v1/namespaces/payments/events"
            && r.Query.GetValueOrDefault("fieldSelector") == $"involvedObject.name={Seeded.PaymentsPod},involvedObject.kind=Pod");
    }

    [Fact]
    public async Task DeploymentGet_Payments_ReplicasRevisionAndCompleteRollout()
    {
        var result = await Sut.CallAsync("deployment_get", new() { ["namespace"] = Seeded.Payments, ["name"] = Seeded.PaymentsDeployment }, PaymentsRead);

        var deployment = KubectlServer.Structured(result);
        Assert.Equal(1, deployment.GetProperty("desiredReplicas").GetInt32());
        Assert.Equal(1, deployment.GetProperty("readyReplicas").GetInt32());
        Assert.Equal("5", deployment.GetProperty("revision").GetString());
        Assert.Equal("complete", deployment.GetProperty("rollout").GetString());
        Assert.Equal(new string?[] { "gcr.io/heptio-images/ks-guestbook-demo:0.2" }, deployment.GetProperty("images").EnumerateArray().Select(i => i.GetString()));
        var annotations = deployment.GetProperty("annotations");
        Assert.Equal("untrusted", annotations.GetProperty("deployment.kubernetes.io/revision").GetProperty("trust").GetString());
        Assert.False(annotations.TryGetProperty("kubectl.kubernetes.io/last-applied-configuration", out _));
        Assert.True(KubectlServer.IsUntrusted(result));
    }

    [Fact]
    public async Task DeploymentGet_CheckoutPastDeadline_RolloutFailed()
    {
        var result = await Sut.CallAsync("deployment_get", new() { ["namespace"] = Seeded.Checkout, ["name"] = Seeded.CheckoutDeployment }, "k8s:read:ns/checkout");

        var deployment = KubectlServer.Structured(result);
        Assert.Equal("failed", deployment.GetProperty("rollout").GetString());
        Assert.Equal(1, deployment.GetProperty("unavailableReplicas").GetInt32());
        Assert.Contains(deployment.GetProperty("conditions").EnumerateArray(), c => c.GetProperty("reason").GetString() == "ProgressDeadlineExceeded");
    }

    [Fact]
    public async Task RolloutHistory_Payments_OwnedReplicaSetsNewestFirst()
    {
        var result = await Sut.CallAsync("rollout_history", new() { ["namespace"] = Seeded.Payments, ["name"] = Seeded.PaymentsDeployment }, PaymentsRead);

        var history = KubectlServer.Structured(result);
        var revisions = history.GetProperty("revisions").EnumerateArray().ToArray();
        Assert.Equal(new[] { 5L, 4L }, revisions.Select(r => r.GetProperty("revision").GetInt64()));
        Assert.Equal(Seeded.PaymentsCurrentReplicaSet, revisions[0].GetProperty("replicaSet").GetString());
        Assert.True(revisions[0].GetProperty("current").GetBoolean());
        Assert.False(revisions[1].GetProperty("current").GetBoolean());
        Assert.Equal(new string?[] { "gcr.io/heptio-images/ks-guestbook-demo:0.1" }, revisions[1].GetProperty("images").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal("untrusted", revisions[1].GetProperty("changeCause").GetProperty("trust").GetString());
    }

    [Fact]
    public async Task ResourceGet_Secret_NoDataAnywhereInResult()
    {
        var result = await Sut.CallAsync("resource_get", new() { ["apiVersion"] = "v1", ["resource"] = "secrets", ["namespace"] = Seeded.Payments, ["name"] = Seeded.Secret }, PaymentsRead);

        var secret = KubectlServer.Structured(result).GetProperty("object");
        Assert.Equal(Seeded.Secret, secret.GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal(new string?[] { "password", "username" }, secret.GetProperty("dataKeys").EnumerateArray().Select(k => k.GetString()));
        Assert.False(secret.TryGetProperty("data", out _));
        Assert.False(secret.GetProperty("metadata").TryGetProperty("managedFields", out _));
        AssertNoSecretValue(result);
    }

    [Fact]
    public async Task ResourcesList_Secrets_NoDataAnywhereInResult()
    {
        var result = await Sut.CallAsync("resources_list", new() { ["apiVersion"] = "v1", ["resource"] = "secrets", ["namespace"] = Seeded.Payments }, PaymentsRead);

        var item = Assert.Single(KubectlServer.Structured(result).GetProperty("items").EnumerateArray());
        Assert.Equal("Secret", item.GetProperty("kind").GetString());
        Assert.Equal(2, item.GetProperty("dataKeys").GetArrayLength());
        AssertNoSecretValue(result);
    }

    [Fact]
    public async Task ResourcesList_SecretsClusterWide_NoDataAnywhereInResult()
    {
        var result = await Sut.CallAsync("resources_list", new() { ["apiVersion"] = "v1", ["resource"] = "secrets" }, "k8s:read:cluster");

        Assert.Equal(1, KubectlServer.Structured(result).GetProperty("count").GetInt32());
        AssertNoSecretValue(result);
    }

    [Fact]
    public async Task ResourceGet_ConfigMap_SecretNamedValueRedactedOthersKept()
    {
        var result = await Sut.CallAsync("resource_get", new() { ["apiVersion"] = "v1", ["resource"] = "configmaps", ["namespace"] = Seeded.Payments, ["name"] = Seeded.ConfigMap }, PaymentsRead);

        var data = KubectlServer.Structured(result).GetProperty("object").GetProperty("data");
        Assert.Equal(Seeded.ConfigMapLogLevel, data.GetProperty("LOG_LEVEL").GetString());
        Assert.StartsWith("[REDACTED", data.GetProperty(Seeded.ConfigMapPasswordKey).GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Seeded.ConfigMapPassword, KubectlServer.Raw(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResourceGet_Deployment_AnnotationsUntrustedLastAppliedRemoved()
    {
        var result = await Sut.CallAsync("resource_get", new() { ["apiVersion"] = "apps/v1", ["resource"] = "deployments", ["namespace"] = Seeded.Payments, ["name"] = Seeded.PaymentsDeployment }, PaymentsRead);

        var metadata = KubectlServer.Structured(result).GetProperty("object").GetProperty("metadata");
        var revision = metadata.GetProperty("annotations").GetProperty("deployment.kubernetes.io/revision");
        Assert.Equal("untrusted", revision.GetProperty("trust").GetString());
        Assert.Equal("5", revision.GetProperty("text").GetString());
        Assert.False(metadata.GetProperty("annotations").TryGetProperty("kubectl.kubernetes.io/last-applied-configuration", out _));
        Assert.False(metadata.TryGetProperty("managedFields", out _));
        Assert.True(KubectlServer.IsUntrusted(result));
    }

    [Fact]
    public async Task ResourceGet_ClusterScopedNamespace_NeedsClusterScope()
    {
        var result = await Sut.CallAsync("resource_get", new() { ["apiVersion"] = "v1", ["resource"] = "namespaces", ["name"] = Seeded.Payments }, "k8s:read:cluster");

        Assert.Equal("Active", KubectlServer.Structured(result).GetProperty("object").GetProperty("status").GetProperty("phase").GetString());
    }

    [Fact]
    public async Task ResourceGet_CustomResource_ServedByAddObject()
    {
        Sut.Api.AddObject("platform.example.io/v1alpha1", "Database", "databases", Seeded.Payments,
            """{"metadata":{"name":"payments-db"},"spec":{"parameters":{"engine":"postgresql"}},"status":{"conditions":[{"type":"Ready","status":"True"}]}}""");

        var result = await Sut.CallAsync("resource_get", new() { ["apiVersion"] = "platform.example.io/v1alpha1", ["resource"] = "databases", ["namespace"] = Seeded.Payments, ["name"] = "payments-db" }, PaymentsRead);

        var claim = KubectlServer.Structured(result).GetProperty("object");
        Assert.Equal("Database", claim.GetProperty("kind").GetString());
        Assert.Equal("True", claim.GetProperty("status").GetProperty("conditions")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task ResourcesList_LimitOne_ContinueGivesNextPage()
    {
        var first = KubectlServer.Structured(await Sut.CallAsync("resources_list", new() { ["apiVersion"] = "v1", ["resource"] = "namespaces", ["limit"] = 1 }, "k8s:read:cluster"));
        var token = first.GetProperty("continue").GetString();
        var second = KubectlServer.Structured(await Sut.CallAsync("resources_list", new() { ["apiVersion"] = "v1", ["resource"] = "namespaces", ["limit"] = 1, ["continue"] = token }, "k8s:read:cluster"));

        Assert.Equal("checkout", first.GetProperty("items")[0].GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal("default", second.GetProperty("items")[0].GetProperty("metadata").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("Payments")]
    [InlineData("pay_ments")]
    [InlineData("../kube-system")]
    public async Task PodsList_InvalidNamespace_IsErrorBeforeAnyApiCall(string bad)
    {
        var result = await Sut.CallAsync("pods_list", new() { ["namespace"] = bad }, "k8s:read:*");

        Assert.True(result.IsError == true);
        Assert.Contains("not a valid namespace", ToolServerFixture.Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(Sut.Api.Requests, r => r.Path.Contains(bad, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PodLogs_TailLinesNotANumber_IsError()
    {
        var result = await Sut.CallAsync("pod_logs", new() { ["namespace"] = Seeded.Payments, ["name"] = Seeded.PaymentsPod, ["tailLines"] = "many" }, PaymentsRead);

        Assert.True(result.IsError == true);
    }

    [Fact]
    public async Task PodGet_NameMissing_IsError()
    {
        var result = await Sut.CallAsync("pod_get", new() { ["namespace"] = Seeded.Payments }, PaymentsRead);

        Assert.True(result.IsError == true);
    }

    [Fact]
    public async Task ResourceGet_BadApiVersion_IsError()
    {
        var result = await Sut.CallAsync("resource_get", new() { ["apiVersion"] = "apps//v1", ["resource"] = "deployments", ["namespace"] = Seeded.Payments, ["name"] = "x" }, PaymentsRead);

        Assert.True(result.IsError == true);
        Assert.Contains("not an apiVersion", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    private static void AssertNoSecretValue(CallToolResult result)
    {
        var raw = KubectlServer.Raw(result);
        Assert.DoesNotContain(Seeded.SecretPassword, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(Seeded.SecretPasswordBase64, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("stringData", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(JsonEncodedText.Encode(Seeded.SecretPasswordBase64).ToString(), raw, StringComparison.Ordinal);
    }
}
