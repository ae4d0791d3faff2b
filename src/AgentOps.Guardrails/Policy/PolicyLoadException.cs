using System.Text;

namespace AgentOps.Guardrails.Policy;

/// <summary>A policy file that cannot be loaded: which file, which line, which field (<c>limits.maxStorage</c>), and why.</summary>
public sealed class PolicyLoadException : Exception
{
    public PolicyLoadException(string file, int line, string pointer, string problem, Exception? inner = null)
        : base(Format(file, line, FieldName(pointer), problem), inner)
    {
        File = file;
        Line = line;
        Field = FieldName(pointer);
    }

    public string File { get; }

    public int Line { get; }

    /// <summary>The field in dotted form, <c>rateLimits.perAgent.window</c> or <c>agents.planner.tools[2]</c>; empty for the whole file.</summary>
    public string Field { get; }

    /// <summary><c>/agents/planner/tools/2</c> → <c>agents.planner.tools[2]</c>.</summary>
    public static string FieldName(string pointer)
    {
        var field = new StringBuilder();
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (name.All(char.IsAsciiDigit))
            {
                field.Append('[').Append(name).Append(']');
            }
            else
            {
                field.Append(field.Length == 0 ? "" : ".").Append(name);
            }
        }
        return field.ToString();
    }

    private static string Format(string file, int line, string field, string problem) =>
        $"{file}{(line > 0 ? ":" + line : "")}: {(field.Length > 0 ? field + ": " : "")}{problem}";
}
