namespace AgentOps.Guardrails.Injection;

/// <summary>
/// Word stems grouped into intent classes (<c>weaken</c>: disable, skip, ohne, matikan …; <c>control</c>: audit, approval,
/// guard, Freigabe …), read by the injection scorer as features of their own: a class (<c>k:weaken</c>) and a pair of
/// classes a few words apart (<c>p:control weaken</c>). A linear model over words cannot learn "a weakening word near a
/// control" from "disable the audit log" and then recognise "switch the guard to log-only" or "uden review"; over
/// classes it can, because both are the same pair.
/// </summary>
/// <remarks>
/// A stem of four characters or more matches every word it begins ("approv" matches "approve", "auto" does not match
/// "automation" unless listed as a stem that long); a shorter stem matches only the word itself ("all", "env", "db"),
/// so short stems do not swallow unrelated words. A word takes the class of its longest matching stem.
/// </remarks>
public sealed class IntentLexicon : IEquatable<IntentLexicon>
{
    /// <summary>The shortest stem that also matches longer words.</summary>
    public const int PrefixStemLength = 4;

    private readonly Dictionary<string, int> _stems;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _longestStem;

    /// <summary>A lexicon of <paramref name="classes"/>, each a name and its stems (lower case, as text is folded).</summary>
    public IntentLexicon(IReadOnlyList<(string Name, IReadOnlyList<string> Stems)> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        Classes = classes;
        _stems = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < classes.Count; c++)
        {
            var (name, stems) = classes[c];
            if (string.IsNullOrWhiteSpace(name) || name.Any(ch => !char.IsAsciiLetterLower(ch) && ch != '-'))
            {
                throw new IntentLexiconException(c, $"intent class name '{name}' must be lower-case letters and hyphens.");
            }
            foreach (var stem in stems)
            {
                var folded = string.Concat(stem.Select(InjectionFeatures.Fold));
                if (folded.Length == 0 || folded.Any(ch => !char.IsLetterOrDigit(ch)) || folded.Length > InjectionFeatures.MaxWordLimit)
                {
                    throw new IntentLexiconException(c, $"intent class '{name}': stem '{stem}' must be one word of letters or digits.");
                }
                if (!_stems.TryAdd(folded, c))
                {
                    throw new IntentLexiconException(c, $"intent class '{name}': stem '{stem}' is already in class '{classes[_stems[folded]].Name}'.");
                }
                _longestStem = Math.Max(_longestStem, folded.Length);
            }
        }
        _lookup = _stems.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// Reads a lexicon file (<c>guardrails/injection-intents.tsv</c>): <c>#</c> comment lines, then one line per class,
    /// its name, a tab and its stems separated by spaces. A malformed line fails naming the file and line.
    /// </summary>
    public static IntentLexicon Load(string file)
    {
        var classes = new List<(string Name, IReadOnlyList<string> Stems)>();
        var lines = new List<int>();
        var number = 0;
        foreach (var line in File.ReadLines(file))
        {
            number++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var fields = line.Split('\t');
            if (fields.Length != 2)
            {
                throw new InvalidDataException($"{file}:{number}: expected a class name, a tab and its stems, found {fields.Length} tab-separated field(s).");
            }
            classes.Add((fields[0], fields[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
            lines.Add(number);
        }
        if (classes.Count == 0)
        {
            throw new InvalidDataException($"{file}: no intent classes.");
        }
        try
        {
            return new IntentLexicon(classes);
        }
        catch (IntentLexiconException ex)
        {
            throw new InvalidDataException($"{file}:{lines[ex.Class]}: {ex.Message}", ex);
        }
    }

    /// <summary>The classes in the order given; a class's index is its number in features.</summary>
    public IReadOnlyList<(string Name, IReadOnlyList<string> Stems)> Classes { get; }

    /// <summary>The class of a folded word, or -1.</summary>
    public int Find(ReadOnlySpan<char> word)
    {
        if (_lookup.TryGetValue(word, out var exact))
        {
            return exact;
        }
        for (var length = Math.Min(word.Length - 1, _longestStem); length >= PrefixStemLength; length--)
        {
            if (_lookup.TryGetValue(word[..length], out var c))
            {
                return c;
            }
        }
        return -1;
    }

    public bool Equals(IntentLexicon? other) =>
        other is not null && (ReferenceEquals(this, other) || (Classes.Count == other.Classes.Count
            && Classes.Zip(other.Classes).All(p => p.First.Name == p.Second.Name && p.First.Stems.SequenceEqual(p.Second.Stems))));

    public override bool Equals(object? obj) => Equals(obj as IntentLexicon);

    public override int GetHashCode() => HashCode.Combine(Classes.Count, _stems.Count);
}

/// <summary>A malformed intent lexicon: which class (by its index in the list given) and what is wrong with it.</summary>
public sealed class IntentLexiconException(int @class, string message) : ArgumentException(message)
{
    /// <summary>The index of the class at fault in the list the lexicon was built from.</summary>
    public int Class { get; } = @class;
}
