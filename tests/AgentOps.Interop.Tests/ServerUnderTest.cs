namespace AgentOps.Interop.Tests;

/// <summary>The two servers the interop tests drive, as their dlls and audiences.</summary>
internal static class ServerUnderTest
{
    public const string GitAssembly = "AgentOps.Tools.Git.dll";
    public const string GitId = "spiffe://agentops.local/tool/git";
    public const string CrossplaneAssembly = "AgentOps.Tools.Crossplane.dll";
    public const string CrossplaneId = "spiffe://agentops.local/tool/crossplane";

    /// <summary>The scope <c>xrd_list</c> needs: the cheapest read on the Crossplane server.</summary>
    public const string XrdListScope = "crossplane:read:xrds";

    /// <summary>The claim and composite kinds the Crossplane server ships with (platform/xrds/database.yaml).</summary>
    public static readonly string[] ShippedKinds = ["platform.example.io/v1alpha1 Database", "platform.example.io/v1alpha1 XDatabase"];
}
