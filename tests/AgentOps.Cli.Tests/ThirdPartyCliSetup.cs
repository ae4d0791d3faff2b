using AgentOps.Testing;

namespace AgentOps.Cli.Tests;

/// <summary>
/// The real CLI with the Go <c>kubernetes-mcp-server</c> (npm <c>kubernetes-mcp-server@0.0.67</c>, from
/// <c>tests/interop/node_modules</c>) configured as a user would: <c>AgentOps__ThirdPartyTools__kubernetes__*</c>
/// environment variables, run with <c>--read-only --list-output yaml</c> and a kubeconfig for the fake Kubernetes API;
/// a skill catalogue whose one skill has a step naming <c>server: kubernetes</c>; and an agent catalogue whose step
/// agent may call it. Nothing in the CLI is replaced. With <c>capture: true</c> the server runs behind
/// <c>/bin/sh</c>, which records its arguments and everything the orchestrator writes to it.
/// </summary>
internal sealed class ThirdPartyCliSetup : IDisposable
{
    public const string Server = "kubernetes";
    public const string ServerId = "spiffe://agentops.local/tool/third-party/kubernetes-mcp-server";
    public const string BinaryPath = "kubernetes-mcp-server-linux-amd64/bin/kubernetes-mcp-server-linux-amd64";
    public const string StepAgent = "cluster-reader";

    /// <summary>The scope map of the configured server; every other tool it offers is refused by the orchestrator.</summary>
    public static readonly IReadOnlyDictionary<string, string> Scopes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["namespaces_list"] = "k8s:read:cluster",
        ["pods_list_in_namespace"] = "k8s:read:ns/{namespace}",
        ["pods_get"] = "k8s:read:ns/{namespace}",
    };

    private readonly TempDirectory _data = new();
    private readonly TempDirectory _catalog = new();

    /// <param name="tool">The tool the skill's one step calls on the third-party server.</param>
    /// <param name="scope">The step's scope, as a skill writes it.</param>
    /// <param name="argumentsYaml">The step's arguments, as a YAML flow mapping.</param>
    /// <param name="configure">False: the same skill and agents, but no <c>AgentOps:ThirdPartyTools</c> at all.</param>
    public ThirdPartyCliSetup(string tool, string scope, string argumentsYaml, bool configure = true, bool capture = false)
    {
        Api = FakeKubernetesApi.Start();
        var kubeconfig = Api.WriteKubeconfig(Path.Combine(_catalog.Path, "kubeconfig"));
        CaptureDirectory = Directory.CreateDirectory(Path.Combine(_catalog.Path, "capture")).FullName;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AgentOps__Skills__Directory"] = WriteSkill(Path.Combine(_catalog.Path, "skills"), tool, scope, argumentsYaml),
            ["AgentOps__Agents__Directory"] = WriteAgents(Path.Combine(_catalog.Path, "agents")),
            ["AgentOps__Agents__StepAgent"] = StepAgent,
        };
        if (configure)
        {
            var binary = NpmTools.PackagePath(BinaryPath);
            string[] serverArguments = ["--read-only", "--list-output", "yaml", "--kubeconfig", kubeconfig];
            string[] arguments = capture ? ["-c", CaptureScript(CaptureDirectory), binary, .. serverArguments] : serverArguments;
            var prefix = $"AgentOps__ThirdPartyTools__{Server}__";
            environment[prefix + "ServerId"] = ServerId;
            environment[prefix + "Command"] = capture ? "/bin/sh" : binary;
            environment[prefix + "Trust"] = "unverified-token";
            for (var i = 0; i < arguments.Length; i++)
            {
                environment[$"{prefix}Arguments__{i}"] = arguments[i];
            }
            foreach (var (name, rule) in Scopes)
            {
                environment[$"{prefix}Scopes__{name}"] = rule;
            }
        }
        Environment = environment;
        Cli = new CliProcess(_data.Path, environment);
        Forge = new ForgeInspector(_data.Path);
    }

    public FakeKubernetesApi Api { get; }

    public CliProcess Cli { get; }

    public ForgeInspector Forge { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public string DataDirectory => _data.Path;

    public string CaptureDirectory { get; }

    /// <summary>Everything the orchestrator wrote to the server's stdin (capture mode only).</summary>
    public string SentToServer => File.ReadAllText(Path.Combine(CaptureDirectory, "stdin"));

    /// <summary>True once the server process was started (capture mode only).</summary>
    public bool ServerStarted => File.Exists(Path.Combine(CaptureDirectory, "args"));

    /// <summary>Requests the fake API received for anything in <paramref name="namespace"/>.</summary>
    public IReadOnlyList<KubernetesApiRequest> RequestsFor(string @namespace) =>
        Api.Requests.Where(r => r.Path.Contains($"/namespaces/{@namespace}/", StringComparison.Ordinal)).ToArray();

    public void Dispose()
    {
        Api.Dispose();
        _data.Dispose();
        _catalog.Dispose();
    }

    // $0 is the real server; sh records what it was given, then relays stdin to it through tee.
    private static string CaptureScript(string directory) =>
        $"""printf '%s\n' "$@" > '{directory}/args'; tee '{directory}/stdin' | "$0" "$@" """;

    // A skill is data: this is how a platform team would add a read-only step on a third-party server.
    private static string WriteSkill(string directory, string tool, string scope, string argumentsYaml)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "inspect-pods.yaml"), $$"""
            name: inspect-pods
            description: Read the pods of a team namespace through the Kubernetes MCP server we did not write.
            triggers: [pods, pod]
            examples:
              - list the pods in namespace payments
            parameters:
              - name: namespace
                kind: text
                required: true
                description: The team namespace to read.
                pattern: '^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$'
                policy: teams
                default: requester-team
                cues:
                  - '\bnamespace\s+(?<value>[a-z][a-z0-9-]*)'
                examples: [payments]
            summary: Read the pods of namespace ${param.namespace} through the third-party Kubernetes server
            steps:
              - id: read_cluster
                description: Call {{tool}} on the third-party Kubernetes server.
                server: {{Server}}
                tool: {{tool}}
                scope: {{scope}}
                arguments: {{argumentsYaml}}
            """);
        return directory;
    }

    // The planner holds the goal and the step agent may call the third-party server: both need its scopes, as for any
    // server. configuration_view is on the allow-list on purpose, so that the scope map, not the agent, refuses it.
    private static string WriteAgents(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "planner.yaml"), """
            apiVersion: platform.example.io/v1
            kind: AIAgent
            metadata:
              name: planner
            spec:
              provider: agentops
              model: runbook-planner/v1
              agentType: autonomous
              mcpEndpoints: []
              rbacScope:
                - k8s:read:*
              rateLimits:
                toolCallsPerMinute: 60
            """);
        File.WriteAllText(Path.Combine(directory, $"{StepAgent}.yaml"), $$"""
            apiVersion: platform.example.io/v1
            kind: AIAgent
            metadata:
              name: {{StepAgent}}
            spec:
              provider: agentops
              model: runbook-planner/v1
              agentType: domain_specific
              mcpEndpoints:
                - name: {{Server}}
                  tools: [namespaces_list, pods_list_in_namespace, pods_get, configuration_view]
              rbacScope:
                - k8s:read:*
              rateLimits:
                toolCallsPerMinute: 60
            """);
        return directory;
    }
}
