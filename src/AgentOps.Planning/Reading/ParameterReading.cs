namespace AgentOps.Planning.Reading;

/// <summary>
/// What the request says about one parameter: every distinct value it names (more than one means the
/// request is ambiguous), and notes worth passing on when asking back, e.g. "MongoDB is not offered".
/// </summary>
internal sealed record ParameterReading(string Name, IReadOnlyList<string> Values, IReadOnlyList<string> Notes);
