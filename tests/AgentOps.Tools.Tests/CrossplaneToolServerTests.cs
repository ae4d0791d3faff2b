using System.Text.Json;

namespace AgentOps.Tools.Tests;

/// <summary>The Crossplane server as a child process: renders claims from the skill catalogue and validates them against the XRD.</summary>
public sealed class CrossplaneToolServerTests : IAsyncLifetime
{
    private const string ServerId = "spiffe://agentops.local/tool/crossplane";
    private ToolServerFixture _sut = null!;

    public async Task InitializeAsync() => _sut = await ToolServerFixture.StartAsync("AgentOps.Tools.Crossplane.dll", ServerId);

    public async Task DisposeAsync() => await _sut.DisposeAsync();

    private static Dictionary<string, object?> RenderArgs() => new()
    {
        ["skill"] = "provision-database",
        ["parameters"] = JsonSerializer.SerializeToElement(new Dictionary<string, string>
        {
            ["engine"] = "postgresql", ["size"] = "small", ["region"] = "eu-west-1", ["backup_schedule"] = "daily",
            ["service"] = "payments-api", ["namespace"] = "payments", ["resource_name"] = "payments-api-db",
            ["connection_secret"] = "payments-api-db-connection", ["storage_gb"] = "20", ["branch"] = "agentops/payments/payments-api-db",
        }),
    };

    [Fact]
    public async Task ClaimRender_NoToken_Refused()
    {
        var result = await _sut.CallAsync("claim_render", RenderArgs(), token: null);

        Assert.True(result.IsError == true);
        Assert.Contains("missing_token", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaimRender_ScopeForOtherSkill_Refused()
    {
        var result = await _sut.CallAsync("claim_render", RenderArgs(), _sut.Token("crossplane:render:skill/other"));

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaimRenderThenValidate_ValidTokens_ClaimIsValid()
    {
        var render = await _sut.CallAsync("claim_render", RenderArgs(), _sut.Token("crossplane:render:skill/provision-database"));
        Assert.True(render.IsError != true, ToolServerFixture.Text(render));
        var manifest = render.StructuredContent!.Value.GetProperty("manifest").GetString()!;
        Assert.Contains("storageGB: 20", manifest, StringComparison.Ordinal);

        var validate = await _sut.CallAsync("claim_validate", new() { ["manifest"] = manifest }, _sut.Token("crossplane:validate:ns/payments"));

        Assert.True(validate.IsError != true, ToolServerFixture.Text(validate));
        Assert.True(validate.StructuredContent!.Value.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ClaimValidate_TokenForOtherNamespace_Refused()
    {
        var manifest = "apiVersion: platform.example.io/v1alpha1\nkind: Database\nmetadata:\n  name: x-db\n  namespace: payments\nspec: {}\n";

        var result = await _sut.CallAsync("claim_validate", new() { ["manifest"] = manifest }, _sut.Token("crossplane:validate:ns/billing"));

        Assert.True(result.IsError == true);
        Assert.Contains("insufficient_scope", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaimValidate_InvalidClaim_IsErrorWithSchemaPointer()
    {
        var manifest = "apiVersion: platform.example.io/v1alpha1\nkind: Database\nmetadata:\n  name: x-db\n  namespace: payments\nspec:\n  parameters:\n    engine: oracle\n";

        var result = await _sut.CallAsync("claim_validate", new() { ["manifest"] = manifest }, _sut.Token("crossplane:validate:ns/payments"));

        Assert.True(result.IsError == true);
        Assert.False(result.StructuredContent!.Value.GetProperty("valid").GetBoolean());
        Assert.Contains("/spec/parameters/engine", ToolServerFixture.Text(result), StringComparison.Ordinal);
    }
}
