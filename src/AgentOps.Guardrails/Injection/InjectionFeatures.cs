namespace AgentOps.Guardrails.Injection;

/// <summary>Receives the features of a text, token by token, from <see cref="InjectionFeatures.Extract"/>.</summary>
internal interface IFeatureSink
{
    /// <summary>Token <paramref name="index"/> spans <c>[start, end)</c> of the folded text; its features follow.</summary>
    void Token(int index, int start, int end);

    /// <summary>
    /// One feature of the current token: its hash, its text (<c>w:word</c>, <c>b:previous word</c>, <c>c:&lt;wo</c>),
    /// valid only during the call, and whether it is the bigram joining the token to the one before.
    /// </summary>
    void Feature(ulong hash, ReadOnlySpan<char> text, bool bigram);
}

/// <summary>
/// The features the trained injection scorer reads, shared by training and scoring so both see the same thing: the
/// text (already normalised as the patterns see it) is folded to lower case with every digit read as 0, cut into
/// words (runs of letters and digits), and each word gives its unigram <c>w:word</c>, the bigram with the word before
/// <c>b:before word</c>, and the character n-grams of <c>&lt;word&gt;</c> (<c>c:&lt;ig</c>, <c>c:ign</c> …), which
/// carry inflections and misspellings ("ignoring", "ignroe") to what was learnt. A feature is identified by the
/// 64-bit FNV-1a hash of its text; the model file stores the text, and the scorer hashes spans without allocating.
/// </summary>
internal static class InjectionFeatures
{
    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    // "b:" + two words of at most MaxWordLimit characters and the space between them.
    private const int MaxFeatureLength = 2 + (2 * MaxWordLimit) + 1;

    /// <summary>The longest word the settings may name: longer words (hashes, base64) are cut to the setting.</summary>
    public const int MaxWordLimit = 64;

    /// <summary>The most words back a skip pair may reach past the bigram.</summary>
    public const int MaxSkipPairs = 4;

    /// <summary>The most words apart two classed words may be for a class pair.</summary>
    public const int MaxClassReach = 8;

    /// <summary>The FNV-1a hash of a feature's text; what the model file's features are looked up by.</summary>
    public static ulong Hash(ReadOnlySpan<char> feature)
    {
        var hash = FnvOffset;
        foreach (var c in feature)
        {
            hash = (hash ^ c) * FnvPrime;
        }
        return hash;
    }

    /// <summary>Lower case, every digit read as 0: how the text is read before its words are cut.</summary>
    public static char Fold(char c) => c is >= '0' and <= '9' ? '0' : char.ToLowerInvariant(c);

    /// <summary>Folds <paramref name="text"/> into <paramref name="destination"/>, which must be as long.</summary>
    public static void Fold(ReadOnlySpan<char> text, Span<char> destination)
    {
        for (var i = 0; i < text.Length; i++)
        {
            destination[i] = Fold(text[i]);
        }
    }

    /// <summary>Cuts folded text into words and reports each word and its features to <paramref name="sink"/>; returns the number of words.</summary>
    public static int Extract<TSink>(ReadOnlySpan<char> folded, InjectionFeatureSettings settings, ref TSink sink)
        where TSink : struct, IFeatureSink
    {
        Span<char> feature = stackalloc char[MaxFeatureLength];
        // The words before the previous one, newest first, for skip pairs: (start, length) in the folded text.
        Span<(int Start, int Length)> earlier = stackalloc (int, int)[MaxSkipPairs];
        var earlierCount = 0;
        var skipPairs = Math.Min(settings.SkipPairs, MaxSkipPairs);
        // The last MaxClassReach classed words, a ring written at recentNext: (word index, class).
        Span<(int Word, int Class)> recent = stackalloc (int, int)[MaxClassReach];
        var recentCount = 0;
        var recentNext = 0;
        var lexicon = settings.Lexicon;
        var classReach = Math.Min(settings.ClassReach, MaxClassReach);
        var index = 0;
        var previousStart = -1;
        var previousLength = 0;
        var i = 0;
        while (i < folded.Length)
        {
            if (!char.IsLetterOrDigit(folded[i]))
            {
                i++;
                continue;
            }
            var start = i;
            while (i < folded.Length && char.IsLetterOrDigit(folded[i]))
            {
                i++;
            }
            var word = folded[start..i];
            var length = Math.Min(word.Length, settings.MaxWord);
            sink.Token(index, start, i);

            "w:".CopyTo(feature);
            word[..length].CopyTo(feature[2..]);
            Emit(ref sink, feature[..(2 + length)], bigram: false);

            if (previousStart >= 0)
            {
                "b:".CopyTo(feature);
                folded.Slice(previousStart, previousLength).CopyTo(feature[2..]);
                feature[2 + previousLength] = ' ';
                word[..length].CopyTo(feature[(3 + previousLength)..]);
                Emit(ref sink, feature[..(3 + previousLength + length)], bigram: true);
            }

            for (var k = 0; k < earlierCount && k < skipPairs; k++)
            {
                var (earlierStart, earlierLength) = earlier[k];
                "s:".CopyTo(feature);
                folded.Slice(earlierStart, earlierLength).CopyTo(feature[2..]);
                feature[2 + earlierLength] = ' ';
                word[..length].CopyTo(feature[(3 + earlierLength)..]);
                Emit(ref sink, feature[..(3 + earlierLength + length)], bigram: false);
            }

            // Character n-grams of "<word>" only for words of ordinary length: a long hash or base64 run would add
            // hundreds of meaningless features.
            if (word.Length <= settings.MaxWord)
            {
                var padded = word.Length + 2;
                for (var n = settings.CharMin; n <= settings.CharMax && n <= padded; n++)
                {
                    for (var k = 0; k + n <= padded; k++)
                    {
                        "c:".CopyTo(feature);
                        for (var j = 0; j < n; j++)
                        {
                            var p = k + j;
                            feature[2 + j] = p == 0 ? '<' : p == padded - 1 ? '>' : word[p - 1];
                        }
                        Emit(ref sink, feature[..(2 + n)], bigram: false);
                    }
                }
            }

            if (lexicon is not null && word.Length <= settings.MaxWord)
            {
                var c = lexicon.Find(word);
                if (c >= 0)
                {
                    var name = lexicon.Classes[c].Name;
                    "k:".CopyTo(feature);
                    name.CopyTo(feature[2..]);
                    Emit(ref sink, feature[..(2 + name.Length)], bigram: false);
                    for (var r = 0; r < recentCount; r++)
                    {
                        var (otherWord, otherClass) = recent[r];
                        if (otherClass == c || index - otherWord > classReach)
                        {
                            continue;
                        }
                        // Unordered: "audit … disable" and "disable … audit" are one intent.
                        var first = lexicon.Classes[Math.Min(c, otherClass)].Name;
                        var second = lexicon.Classes[Math.Max(c, otherClass)].Name;
                        "p:".CopyTo(feature);
                        first.CopyTo(feature[2..]);
                        feature[2 + first.Length] = ' ';
                        second.CopyTo(feature[(3 + first.Length)..]);
                        Emit(ref sink, feature[..(3 + first.Length + second.Length)], bigram: false);
                    }
                    recent[recentNext] = (index, c);
                    recentNext = (recentNext + 1) % MaxClassReach;
                    recentCount = Math.Min(recentCount + 1, MaxClassReach);
                }
            }

            if (previousStart >= 0 && skipPairs > 0)
            {
                for (var k = Math.Min(earlierCount, skipPairs - 1); k > 0; k--)
                {
                    earlier[k] = earlier[k - 1];
                }
                earlier[0] = (previousStart, previousLength);
                earlierCount = Math.Min(earlierCount + 1, skipPairs);
            }
            previousStart = start;
            previousLength = length;
            index++;
        }
        return index;
    }

    private static void Emit<TSink>(ref TSink sink, ReadOnlySpan<char> feature, bool bigram)
        where TSink : struct, IFeatureSink => sink.Feature(Hash(feature), feature, bigram);
}
