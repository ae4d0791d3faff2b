namespace AgentOps.Manifests;

/// <summary>
/// Thrown when text cannot be read as YAML/JSON manifests, or when a definition file is not a usable CRD or XRD.
/// </summary>
public sealed class ManifestFormatException : FormatException
{
    public ManifestFormatException()
    {
    }

    public ManifestFormatException(string message)
        : base(message)
    {
    }

    public ManifestFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ManifestFormatException(string message, int line, int column, Exception? innerException = null)
        : base(message, innerException)
    {
        Line = line;
        Column = column;
    }

    /// <summary>1-based line of the problem, when it is known.</summary>
    public int? Line { get; }

    /// <summary>1-based column of the problem, when it is known.</summary>
    public int? Column { get; }
}
