using System.CommandLine;
using AgentOps.Guardrails.Injection;

namespace AgentOps.Cli.Commands;

/// <summary>
/// <c>agentops guard train --corpus &lt;jsonl&gt; [--corpus &lt;jsonl&gt; …] [--intents &lt;tsv&gt;] --out &lt;model file&gt;</c>, for maintainers: trains the
/// L1 injection scorer (<see cref="InjectionTrainer"/>) from labelled corpora and writes its model file, whose header
/// records this command, each corpus's SHA-256 and the date. Deterministic: the same corpora give the same file. The
/// shipped model is <c>guardrails/injection-model.tsv</c>; its header names the files it was trained from.
/// Exit codes: <c>0</c> written, <c>2</c> usage (no such corpus, a malformed item), <c>1</c> the file could not be written.
/// </summary>
internal static class GuardTrainCommand
{
    public static Command Create(CommandContext context)
    {
        var corpus = new Option<FileInfo[]>("--corpus")
        {
            Description = "A labelled corpus, one JSON object a line: id, label (attack or benign), text, split; repeat it to train on several, read in the order given",
            Required = true,
        };
        var intents = new Option<FileInfo?>("--intents")
        {
            Description = "Intent classes (guardrails/injection-intents.tsv): word stems read as their class too, and classes near each other as pairs; the model file keeps a copy",
        };
        var output = new Option<FileInfo>("--out")
        {
            Description = "The model file to write (guardrails/injection-model.tsv)",
            Required = true,
        };
        var train = new Command("train", "Train the L1 injection scorer from labelled corpora and write its model file (deterministic).")
        {
            corpus,
            intents,
            output,
        };
        train.SetAction(async (parse, ct) =>
        {
            var reply = context.ReplyFor(parse);
            var corpusFiles = parse.GetValue(corpus)!;
            var outFile = parse.GetValue(output)!;
            var intentsFile = parse.GetValue(intents);
            if (corpusFiles.FirstOrDefault(f => !f.Exists) is { } missing)
            {
                return reply.Fail(ExitCodes.Usage, "usage", $"no corpus at {missing.FullName}");
            }
            if (intentsFile is { Exists: false })
            {
                return reply.Fail(ExitCodes.Usage, "usage", $"no intent classes at {intentsFile.FullName}");
            }
            // The command as typed goes into the model's header: it is how the file is reproduced.
            var corpusArguments = string.Join(' ', parse.GetResult(corpus)!.Tokens.Select(t => $"--corpus {t.Value}"));
            var intentsArgument = intentsFile is null ? "" : $" --intents {parse.GetResult(intents)!.Tokens[0].Value}";
            var command = $"agentops guard train {corpusArguments}{intentsArgument} --out {parse.GetResult(output)!.Tokens[0].Value}";
            InjectionClassifier model;
            string text;
            try
            {
                var options = intentsFile is null
                    ? InjectionTrainerOptions.Default
                    : InjectionTrainerOptions.Default with { Settings = InjectionTrainerOptions.Default.Settings.WithIntents(IntentLexicon.Load(intentsFile.FullName)) };
                (model, text) = InjectionTrainer.TrainFile([.. corpusFiles.Select(f => f.FullName)], command, DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime), options);
            }
            catch (InvalidDataException ex)
            {
                return reply.Fail(ExitCodes.Usage, "usage", ex.Message);
            }
            try
            {
                await File.WriteAllTextAsync(outFile.FullName, text, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return reply.Fail(ExitCodes.Failed, "io", $"the model cannot be written to {outFile.FullName}: {ex.Message}");
            }
            reply.Data(new { model = outFile.FullName, features = model.Weights.Count, bias = model.Bias, window = model.Settings.Window });
            reply.Line($"wrote {outFile.FullName}: {model.Weights.Count} features with a weight, bias {model.Bias:0.###}, windows of {model.Settings.Window} words");
            return ExitCodes.Ok;
        });
        return train;
    }
}
