using AgentOps.Core;
using Microsoft.Data.Sqlite;

namespace AgentOps.Storage;

/// <summary>
/// L2's rate limits and blast-radius budgets in the shared database, so that every process on one data directory (each
/// CLI command, two commands at once, a tool server) spends from the same budgets. Each spend is a row
/// (<c>key</c>, <c>at</c>, <c>amount</c>); a budget's total is the sum of its key's rows newer than one window before
/// now, or of all its rows when it has no window (a run's blast radius). One <c>BEGIN IMMEDIATE</c> transaction sums
/// every budget of a call and inserts all its spends or none, so two processes can never both take the last unit.
/// </summary>
/// <remarks>
/// Pruning: each windowed key drops its own rows that have left the window, in the same transaction that reads it, so
/// a key holds at most its limit's worth of rows (every row is at least 1) and a window of any length (<c>90h</c>) is
/// exact. Rows of a run's budget have no window and are kept: one row per write step the run was allowed, as small as
/// the audit record each of those steps leaves, and a run resumed days later (after an approval) still sees them.
/// </remarks>
public sealed class SqliteGuardrailBudgets(SqliteDatabase database, TimeProvider timeProvider) : IGuardrailBudgetStore
{
    // StorageTime's fixed-width UTC text sorts as time does, so "at > since" is a range on the (key, at) index, and
    // the empty string is before every time: the "since" of a budget without a window.
    private const string SumSql = "SELECT COALESCE(SUM(amount), 0) FROM guardrail_spend WHERE key = @key AND at > @since;";
    private const string PruneSql = "DELETE FROM guardrail_spend WHERE key = @key AND at <= @since;";
    private const string InsertSql = "INSERT INTO guardrail_spend (key, at, amount) VALUES (@key, @at, @amount);";

    public BudgetSpendResult TrySpend(IReadOnlyList<BudgetSpend> spends, bool spend)
    {
        ArgumentNullException.ThrowIfNull(spends);
        if (spends.Count == 0)
        {
            return BudgetSpendResult.Fitted;
        }
        // Process-crash safe, as the used-token records: an fsync per tool call would be most of L2's time, and a power
        // cut can lose at most the last spends of windows that are over by the time the machine is back.
        using var connection = database.OpenConnection(CommitDurability.ProcessCrashSafe);
        // Immediate: the write lock is taken before the sums are read, so no other process can spend between them.
        using var transaction = connection.BeginImmediateTransaction();
        var now = timeProvider.GetUtcNow();
        using var sum = Command(connection, transaction, SumSql, "@key", "@since");
        using var prune = Command(connection, transaction, PruneSql, "@key", "@since");
        for (var i = 0; i < spends.Count; i++)
        {
            var budget = spends[i];
            ArgumentException.ThrowIfNullOrEmpty(budget.Key);
            var since = budget.Window is { } window ? StorageTime.Format(now - window) : "";
            if (budget.Window is not null)
            {
                prune.Parameters["@key"].Value = budget.Key;
                prune.Parameters["@since"].Value = since;
                prune.ExecuteNonQuery();
            }
            sum.Parameters["@key"].Value = budget.Key;
            sum.Parameters["@since"].Value = since;
            var total = (long)sum.ExecuteScalar()!;
            if (!budget.Fits(total))
            {
                // Nothing was inserted; the prunes removed only rows no sum counts, so committing them is harmless,
                // and it saves the next call redoing them.
                transaction.Commit();
                return BudgetSpendResult.Refused(i, total);
            }
        }
        if (spend)
        {
            using var insert = Command(connection, transaction, InsertSql, "@key", "@at", "@amount");
            insert.Parameters["@amount"].SqliteType = SqliteType.Integer;
            insert.Parameters["@at"].Value = StorageTime.Format(now);
            foreach (var budget in spends)
            {
                if (budget.Amount <= 0)
                {
                    continue;
                }
                insert.Parameters["@key"].Value = budget.Key;
                insert.Parameters["@amount"].Value = budget.Amount;
                insert.ExecuteNonQuery();
            }
        }
        transaction.Commit();
        return BudgetSpendResult.Fitted;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params ReadOnlySpan<string> parameters)
    {
        var command = connection.CreateCommand(sql, parameters);
        command.Transaction = transaction;
        return command;
    }
}
