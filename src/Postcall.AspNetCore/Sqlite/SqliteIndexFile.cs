using System.Globalization;
using Microsoft.Data.Sqlite;
using Postcall.Index;

namespace Postcall.Sqlite;

/// <summary>
/// The SQLite index of stored conversations, with FTS5 over transcripts and summaries. A cache of the payload
/// files, never their replacement: anything wrong with it is repaired by reading the files again.
/// </summary>
internal sealed partial class SqliteIndexFile
{
    public const string FileName = "index.db";

    /// <summary>Where the index of a service whose local state is under <paramref name="payloadPath"/> lives: <c>.postcall/index.db</c>.</summary>
    public static string PathUnder(string payloadPath) =>
        System.IO.Path.Combine(System.IO.Path.GetFullPath(payloadPath), Storage.Files.FilePayloadStore.StateFolderName, FileName);

    private readonly string _connectionString;

    public SqliteIndexFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 5,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Closes the pooled connections to this file, so nothing holds it open after the service stops.</summary>
    public void Close()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>Throws when the index cannot be read: for readiness.</summary>
    public long Count()
    {
        using var connection = Connect();
        return Scalar<long>(connection, "SELECT count(*) FROM conversations;");
    }

    /// <summary>
    /// Re-reads each conversation with <paramref name="read"/> and writes what it returns (null: remove it), in one
    /// transaction. The payloads are read after the write lock is taken, so of two writers the later one also read
    /// later: a slow writer can never put back facts older than what another has written.
    /// </summary>
    /// <returns>The ids whose payloads could not be read; their rows are left as they were.</returns>
    public async Task<IReadOnlyList<string>> RefreshAsync(IEnumerable<string> conversationIds, Func<string, Task<ConversationFacts?>> read)
    {
        ArgumentNullException.ThrowIfNull(conversationIds);
        ArgumentNullException.ThrowIfNull(read);
        using var connection = Connect();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var writer = new SqliteIndexRowWriter(connection, transaction);
        var unreadable = new List<string>();
        foreach (var id in conversationIds)
        {
            ConversationFacts? facts;
            try
            {
                facts = await read(id);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                unreadable.Add(id);
                continue;
            }

            if (facts is null)
            {
                writer.Remove(id);
            }
            else
            {
                writer.Upsert(facts);
            }
        }

        transaction.Commit();
        return unreadable;
    }

    /// <summary>This file as <see cref="IndexRebuild"/> sees it, filled from <paramref name="store"/>.</summary>
    internal IRebuildTarget RebuildFrom(Storage.IPayloadStore store) => new RebuildTarget(this, store);

    private sealed class RebuildTarget(SqliteIndexFile file, Storage.IPayloadStore store) : IRebuildTarget
    {
        public Task<Dictionary<string, string>> StampsAsync(CancellationToken cancellationToken) => Task.FromResult(file.Stamps());

        public Task<IReadOnlyList<string>> RefreshAsync(IReadOnlyList<string> conversationIds, CancellationToken cancellationToken) =>
            file.RefreshAsync(conversationIds, id => IndexRebuild.ReadAsync(store, id, cancellationToken));
    }

    /// <summary>Every indexed conversation id with the file stamp it was indexed from.</summary>
    public Dictionary<string, string> Stamps()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT conversation_id, file_stamp FROM conversations;";
        using var reader = command.ExecuteReader();
        var stamps = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            stamps[reader.GetString(0)] = reader.GetString(1);
        }

        return stamps;
    }

    public ConversationFacts? Find(string conversationId)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {FactsRow.Columns} FROM conversations c WHERE c.conversation_id = $id;";
        command.Parameters.AddWithValue("$id", conversationId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? FactsRow.Read(reader) : null;
    }

    /// <summary>Conversations that started before <paramref name="cutoff"/> (unix seconds), oldest first.</summary>
    public IReadOnlyList<string> StartedBefore(long cutoff, int limit)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT conversation_id FROM conversations WHERE started_at < $cutoff ORDER BY started_at LIMIT $limit;";
        command.Parameters.AddWithValue("$cutoff", cutoff);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA synchronous = NORMAL;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }
}
