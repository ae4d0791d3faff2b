using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOps.Manifests.Tests;

public sealed class YamlJsonTests
{
    [Fact]
    public void ToJsonNode_PlainScalars_AreTypedLikeKubernetes()
    {
        var sut = YamlJson.ToJsonNode("""
            int: 20
            negative: -7
            float: 1.5
            enabled: true
            disabled: false
            nothing: null
            tilde: ~
            empty:
            word: small
            """)!;

        Assert.Equal(
            """{"int":20,"negative":-7,"float":1.5,"enabled":true,"disabled":false,"nothing":null,"tilde":null,"empty":null,"word":"small"}""",
            sut.ToJsonString());
    }

    [Fact]
    public void ToJsonNode_Yaml11BooleanKey_BecomesTextOfTheBoolean()
    {
        // sigs.k8s.io/yaml does the same: an unquoted `on:` key reaches the API server as "true".
        var sut = YamlJson.ToJsonNode("on: push\n'off': kept\n")!;

        Assert.Equal("""{"true":"push","off":"kept"}""", sut.ToJsonString());
    }

    [Theory]
    [InlineData("v: yes", "true")]
    [InlineData("v: Off", "false")]
    [InlineData("v: 0x1F", "31")]
    [InlineData("v: 0755", "493")]
    [InlineData("v: 1_000", "1000")]
    [InlineData("v: 1e3", "1000")]
    [InlineData("v: 9223372036854775808", "9223372036854775808")]
    [InlineData("v: 2024-01-31", "\"2024-01-31\"")]
    [InlineData("v: 1.2.3", "\"1.2.3\"")]
    public void ToJsonNode_Yaml11Scalar_ResolvesLikeGoYamlV2(string yaml, string expectedJson)
    {
        var sut = YamlJson.ToJsonNode(yaml)!;

        Assert.Equal(expectedJson, sut["v"]!.ToJsonString());
    }

    [Fact]
    public void ToJsonNode_QuotedNumbers_StayStrings()
    {
        var sut = YamlJson.ToJsonNode("""
            version: "13.7"
            port: '5'
            flag: "true"
            """)!;

        Assert.Equal(JsonValueKind.String, sut["version"]!.GetValueKind());
        Assert.Equal("13.7", sut["version"]!.GetValue<string>());
        Assert.Equal("5", sut["port"]!.GetValue<string>());
        Assert.Equal("true", sut["flag"]!.GetValue<string>());
    }

    [Fact]
    public void ToJsonNode_BlockScalars_StayStrings()
    {
        var sut = YamlJson.ToJsonNode("""
            literal: |
              20
              line two
            folded: >
              1.5
              continued
            after: 1
            """)!;

        Assert.Equal("20\nline two\n", sut["literal"]!.GetValue<string>());
        Assert.Equal("1.5 continued\n", sut["folded"]!.GetValue<string>());
    }

    [Fact]
    public void ToJsonNode_ExplicitTags_OverrideResolution()
    {
        var sut = YamlJson.ToJsonNode("""
            str: !!str 5
            int: !!int "7"
            """)!;

        Assert.Equal("""{"str":"5","int":7}""", sut.ToJsonString());
    }

    [Fact]
    public void ToJsonNode_AnchorsAliasesAndMergeKeys_AreExpanded()
    {
        var sut = YamlJson.ToJsonNode("""
            base: &base {size: small, region: eu-west-1}
            copy: *base
            merged:
              <<: *base
              size: large
            """)!;

        Assert.Equal("""{"size":"small","region":"eu-west-1"}""", sut["copy"]!.ToJsonString());
        Assert.Equal("""{"size":"large","region":"eu-west-1"}""", sut["merged"]!.ToJsonString());
    }

    [Fact]
    public void ToJsonNodes_MultipleDocuments_ReturnsEachAndSkipsEmptyOnes()
    {
        var sut = YamlJson.ToJsonNodes("""
            ---
            kind: A
            ---
            ---
            kind: B
            ---
            """);

        Assert.Equal(["A", "B"], sut.Select(d => d!["kind"]!.GetValue<string>()));
    }

    [Fact]
    public void ToJsonNode_MultipleDocuments_Throws()
    {
        var ex = Assert.Throws<ManifestFormatException>(() => YamlJson.ToJsonNode("a: 1\n---\nb: 2\n"));

        Assert.Contains("found 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJsonNode_EmptyInput_ReturnsNull()
    {
        var sut = YamlJson.ToJsonNode("# nothing here\n");

        Assert.Null(sut);
    }

    [Fact]
    public void ToJsonNode_BadIndentation_ThrowsWithLine()
    {
        var ex = Assert.Throws<ManifestFormatException>(() => YamlJson.ToJsonNode("""
            metadata:
              name: payments
             labels: {}
            """));

        Assert.Equal(3, ex.Line);
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJsonNode_DuplicateKey_ThrowsWithLine()
    {
        var ex = Assert.Throws<ManifestFormatException>(() => YamlJson.ToJsonNode("""
            spec:
              size: small
              size: large
            """));

        Assert.Equal(3, ex.Line);
        Assert.Contains("duplicate key 'size'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJsonNode_UnclosedFlowSequence_ThrowsWithLine()
    {
        var ex = Assert.Throws<ManifestFormatException>(() => YamlJson.ToJsonNode("items: [1, 2\nnext: 3\n"));

        Assert.Equal(1, ex.Line);
    }

    [Fact]
    public void ToJsonNode_Infinity_ThrowsBecauseJsonCannotHoldIt()
    {
        var ex = Assert.Throws<ManifestFormatException>(() => YamlJson.ToJsonNode("a: 1\nratio: .inf\n"));

        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public void ToJsonNode_AliasBomb_IsRefused()
    {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        for (var level = 'b'; level <= 'h'; level++)
        {
            var previous = (char)(level - 1);
            yaml += $"{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n";
        }

        var ex = Assert.Throws<ManifestFormatException>(() => YamlJson.ToJsonNode(yaml));

        Assert.Contains("more than 1000000 nodes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJsonNode_NestedStructure_KeepsOrderAndShape()
    {
        var sut = YamlJson.ToJsonNode("""
            endpoints:
              - port: metrics
                interval: 30s
              - port: web
            """)!;

        var endpoints = Assert.IsType<JsonArray>(sut["endpoints"]);
        Assert.Equal("""[{"port":"metrics","interval":"30s"},{"port":"web"}]""", endpoints.ToJsonString());
    }
}
