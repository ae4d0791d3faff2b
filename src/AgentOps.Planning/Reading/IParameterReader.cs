namespace AgentOps.Planning.Reading;

/// <summary>Reads one parameter from a request, setting aside the words it used.</summary>
internal interface IParameterReader
{
    SkillParameter Parameter { get; }

    ParameterReading Read(RequestText text);
}
