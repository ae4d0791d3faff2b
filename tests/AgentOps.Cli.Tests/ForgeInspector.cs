using LibGit2Sharp;
using Microsoft.Data.Sqlite;

namespace AgentOps.Cli.Tests;

/// <summary>Reads what the CLI left behind: branches and files in the forge's bare repository, and audit rows.</summary>
internal sealed class ForgeInspector(string dataDirectory)
{
    public string BarePath => Path.Combine(dataDirectory, "forge", "platform-gitops.git");

    public IReadOnlyList<string> Branches()
    {
        using var repo = new Repository(BarePath);
        return repo.Branches.Select(b => b.FriendlyName).Order(StringComparer.Ordinal).ToArray();
    }

    public Dictionary<string, string> Files(string branch)
    {
        using var repo = new Repository(BarePath);
        var tip = repo.Branches[branch]?.Tip ?? throw new InvalidOperationException($"no branch {branch}");
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        Collect(tip.Tree, string.Empty, files);
        return files;
    }

    /// <summary>The tip commit's author name and message, read while the repository is open (LibGit2Sharp objects are lazy).</summary>
    public (string AuthorName, string Message) Tip(string branch)
    {
        using var repo = new Repository(BarePath);
        var tip = repo.Branches[branch]?.Tip ?? throw new InvalidOperationException($"no branch {branch}");
        return (tip.Author.Name, tip.Message);
    }

    public List<(long Sequence, string RunId, string Action, string Outcome)> AuditRows()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "agentops.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence, run_id, action, outcome FROM audit_log ORDER BY sequence";
        using var reader = command.ExecuteReader();
        var rows = new List<(long, string, string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }
        return rows;
    }

    /// <summary>A run's stored state (<c>step_results_json</c>): step results, decisions, delegation chain.</summary>
    public string RunState(string runId)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "agentops.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT step_results_json FROM runs WHERE id = $id";
        command.Parameters.AddWithValue("$id", runId);
        return command.ExecuteScalar() as string ?? throw new InvalidOperationException($"no run {runId}");
    }

    public void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "agentops.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void Collect(Tree tree, string prefix, Dictionary<string, string> files)
    {
        foreach (var entry in tree)
        {
            var path = prefix + entry.Name;
            if (entry.Target is Tree sub)
            {
                Collect(sub, path + "/", files);
            }
            else if (entry.Target is Blob blob)
            {
                files[path] = blob.GetContentText();
            }
        }
    }
}
