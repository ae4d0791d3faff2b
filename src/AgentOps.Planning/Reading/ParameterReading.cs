namespace AgentOps.Planning.Reading;

/// <summary>
/// What the request says about one parameter: every distinct value it names (more than one means the
/// request is ambiguous), and notes worth passing on when asking back, e.g. "MongoDB is not offered".
/// </summary>
/// <param name="Mentions">
/// One entry per value, in the same order, saying how the request named it when that is not obvious,
/// e.g. "eu-west-1 (from 'eu')"; a question back quotes these rather than the bare values.
/// </param>
internal sealed record ParameterReading(string Name, IReadOnlyList<string> Values, IReadOnlyList<string> Notes, IReadOnlyList<string> Mentions);
