using AgentOps.Identity;
using Microsoft.Data.Sqlite;

namespace AgentOps.Storage;

/// <summary>
/// Admits a verified token against the shared database in one write transaction: the revocation lookup, the
/// single-use record of its <c>jti</c> and the ledger's last use. A tool server does this on every call, so it keeps one
/// connection with its statements prepared: opening a connection and parsing five statements per call cost more than
/// running them.
/// </summary>
public sealed class SqliteTokenAdmission(SqliteDatabase database) : ITokenAdmission, IDisposable
{
    private readonly Lock _gate = new();
    private Statements? _statements;

    public TokenAdmission Admit(RevocationQuery query, string jti, DateTimeOffset rememberUntil, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentException.ThrowIfNullOrEmpty(jti);
        lock (_gate)
        {
            var statements = _statements ??= new Statements(database);
            try
            {
                return statements.Admit(query, jti, rememberUntil, now);
            }
            catch
            {
                // Whatever failed, the next call starts from a fresh connection rather than one in an unknown state.
                _statements = null;
                statements.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _statements?.Dispose();
            _statements = null;
        }
    }

    private sealed class Statements : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _begin;
        private readonly SqliteCommand _commit;
        private readonly SqliteCommand _rollback;
        private readonly SqliteCommand _findRevocation;
        private readonly SqliteCommand _purge;
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _markUsed;

        public Statements(SqliteDatabase database)
        {
            // Process-crash safe, as every used-jti write: an fsync per call was most of a warm call's latency.
            _connection = database.OpenConnection(CommitDurability.ProcessCrashSafe);
            // Immediate, so a revocation committed by another process lands either before this read or after this use.
            _begin = _connection.CreateCommand("BEGIN IMMEDIATE;");
            _commit = _connection.CreateCommand("COMMIT;");
            _rollback = _connection.CreateCommand("ROLLBACK;");
            _findRevocation = _connection.CreateCommand(SqliteRevocations.FindSql, "@wanted");
            _purge = _connection.CreateCommand(SqliteUsedCredentials.PurgeSql, "@now");
            _insert = _connection.CreateCommand(SqliteUsedCredentials.InsertSql, "@jti", "@expires");
            _markUsed = _connection.CreateCommand(SqliteCredentialLedger.MarkUsedSql, "@jti", "@at");
            foreach (var command in (ReadOnlySpan<SqliteCommand>)[_begin, _commit, _rollback, _findRevocation, _purge, _insert, _markUsed])
            {
                command.Prepare();
            }
        }

        public TokenAdmission Admit(RevocationQuery query, string jti, DateTimeOffset rememberUntil, DateTimeOffset now)
        {
            _begin.ExecuteNonQuery();
            try
            {
                if (SqliteRevocations.Find(_findRevocation, query) is { } revocation)
                {
                    _rollback.ExecuteNonQuery();
                    return new TokenAdmission(revocation, Replayed: false);
                }
                if (!SqliteUsedCredentials.Record(_purge, _insert, jti, rememberUntil, now))
                {
                    _rollback.ExecuteNonQuery();
                    return TokenAdmission.RefusedAsReplay;
                }
                SqliteCredentialLedger.MarkUsed(_markUsed, jti, now);
                _commit.ExecuteNonQuery();
                return TokenAdmission.Admitted;
            }
            catch (SqliteException)
            {
                TryRollback();
                throw;
            }
        }

        private void TryRollback()
        {
            try
            {
                _rollback.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // No transaction left to roll back, or a broken connection: the caller closes it, which rolls back too.
            }
        }

        public void Dispose()
        {
            foreach (var command in (ReadOnlySpan<SqliteCommand>)[_begin, _commit, _rollback, _findRevocation, _purge, _insert, _markUsed])
            {
                command.Dispose();
            }
            _connection.Dispose();
        }
    }
}
