using System.Runtime.InteropServices;
using SQLitePCL;

namespace AgentOps.Storage;

/// <summary>
/// A row's columns as the bytes SQLite holds, for checking a long audit log from the stored bytes. The same calls as
/// SQLitePCL's <c>raw.sqlite3_column_*</c>, made straight to the same native library: SQLitePCL marshals the statement
/// as a SafeHandle and makes a full GC transition on every call, which for twelve columns (two calls each) was a
/// quarter of verifying a row. These functions only read the current row, neither block nor call back, so they run
/// without the GC transition; the caller keeps the statement alive for as long as it uses the spans.
/// </summary>
internal static unsafe partial class SqliteColumnSpans
{
    // The library SQLitePCL's e_sqlite3 bundle loads (and the name its own imports use).
    private const string Library = "e_sqlite3";

    /// <summary>Column <paramref name="ordinal"/> of the current row; empty for NULL and for an empty value.</summary>
    public static ReadOnlySpan<byte> Bytes(IntPtr statement, int ordinal)
    {
        var start = ColumnBlob(statement, ordinal);
        return start == IntPtr.Zero ? default : new ReadOnlySpan<byte>((void*)start, ColumnBytes(statement, ordinal));
    }

    public static bool IsNull(IntPtr statement, int ordinal) => ColumnType(statement, ordinal) == raw.SQLITE_NULL;

    public static bool IsInteger(IntPtr statement, int ordinal) => ColumnType(statement, ordinal) == raw.SQLITE_INTEGER;

    public static long Int64(IntPtr statement, int ordinal) => ColumnInt64(statement, ordinal);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_blob")]
    [SuppressGCTransition]
    private static partial IntPtr ColumnBlob(IntPtr statement, int ordinal);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_bytes")]
    [SuppressGCTransition]
    private static partial int ColumnBytes(IntPtr statement, int ordinal);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_type")]
    [SuppressGCTransition]
    private static partial int ColumnType(IntPtr statement, int ordinal);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_int64")]
    [SuppressGCTransition]
    private static partial long ColumnInt64(IntPtr statement, int ordinal);
}
