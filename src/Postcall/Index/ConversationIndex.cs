using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Postcall.Index;

/// <summary>
/// The SQLite index of stored conversations, with FTS5 over transcripts and summaries. A cache of the payload
/// files, never their replacement: anything wrong with it is repaired by reading the files again.
/// </summary>
public sealed class ConversationIndex
{
    public const string FileName = "index.db";

    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private readonly string _connectionString;

    public ConversationIndex(string path)
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

    /// <summary>
    /// Opens the index, creating it when missing and replacing it when it is corrupt or of another schema version.
    /// Anything but <see cref="IndexOpening.Opened"/> leaves an empty index for the caller to fill from the files.
    /// </summary>
    public (IndexOpening Opening, string? Reason) Open()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var existed = File.Exists(Path) && new FileInfo(Path).Length > 0;
        string? problem;
        try
        {
            problem = existed ? Inspect() : null;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
        {
            problem = e.Message;
        }

        if (problem is not null)
        {
            DeleteFiles();
        }

        using (var connection = Connect())
        {
            Execute(connection, "PRAGMA journal_mode = WAL;");
            Execute(connection, IndexSchema.Create);
            Execute(connection, $"PRAGMA user_version = {IndexSchema.Version};");
        }

        return problem is not null ? (IndexOpening.Rebuilt, problem) : (existed ? IndexOpening.Opened : IndexOpening.Created, null);
    }

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
    /// transaction. The files are read after the write lock is taken, so of two writers the later one also read
    /// later: a slow writer can never put back facts older than what another has written.
    /// </summary>
    /// <returns>The ids whose files could not be read; their rows are left as they were.</returns>
    public IReadOnlyList<string> Refresh(IEnumerable<string> conversationIds, Func<string, ConversationFacts?> read)
    {
        ArgumentNullException.ThrowIfNull(conversationIds);
        ArgumentNullException.ThrowIfNull(read);
        using var connection = Connect();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var writer = new IndexRowWriter(connection, transaction);
        var unreadable = new List<string>();
        foreach (var id in conversationIds)
        {
            ConversationFacts? facts;
            try
            {
                facts = read(id);
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
        command.CommandText = $"SELECT {IndexSchema.Columns} FROM conversations c WHERE c.conversation_id = $id;";
        command.Parameters.AddWithValue("$id", conversationId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadFacts(reader) : null;
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

    public ConversationPage List(ConversationQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var match = FullTextQuery.From(query.Text);
        using var connection = Connect();
        using var command = connection.CreateCommand();
        var page = new StringBuilder(match is null
            ? "SELECT c.id FROM conversations c WHERE 1 = 1"
            : "SELECT c.id FROM transcripts JOIN conversations c ON c.id = transcripts.rowid WHERE transcripts MATCH $match");
        if (match is not null)
        {
            command.Parameters.AddWithValue("$match", match);
        }

        Filter(page, command, "c.agent_id = $agent_id", "$agent_id", query.AgentId);
        Filter(page, command, "c.status = $status", "$status", query.Status);
        Filter(page, command, "c.call_successful = $call_successful", "$call_successful", query.CallSuccessful);
        Filter(page, command, "c.started_at >= $from", "$from", query.From);
        Filter(page, command, "c.started_at <= $to", "$to", query.To);
        if (query.After is { } after)
        {
            page.Append(" AND (c.started_at < $after_started OR (c.started_at = $after_started AND c.conversation_id < $after_id))");
            command.Parameters.AddWithValue("$after_started", after.StartedAt);
            command.Parameters.AddWithValue("$after_id", after.ConversationId);
        }

        page.Append(" ORDER BY c.started_at DESC, c.conversation_id DESC LIMIT $limit");
        command.Parameters.AddWithValue("$limit", query.Limit + 1);

        command.CommandText = $"SELECT {IndexSchema.Columns}, c.id FROM conversations c WHERE c.id IN ({page}) ORDER BY c.started_at DESC, c.conversation_id DESC;";
        var rows = new List<(long RowId, ConversationFacts Facts)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(14), ReadFacts(reader)));
            }
        }

        var snippets = match is null ? null : Snippets(connection, rows.Select(r => r.RowId), FullTextQuery.Words(query.Text));
        var items = rows.Select(r => new IndexedConversation(r.Facts, snippets?.GetValueOrDefault(r.RowId))).ToList();
        if (items.Count <= query.Limit)
        {
            return new ConversationPage(items, null);
        }

        items.RemoveAt(items.Count - 1);
        var last = items[^1].Facts;
        return new ConversationPage(items, new PageCursor(last.StartedAt, last.ConversationId));
    }

    /// <summary>Excerpts of the page's transcripts around the searched words, by row id (plain rowid lookups: fast).</summary>
    private static Dictionary<long, string> Snippets(SqliteConnection connection, IEnumerable<long> rowIds, IReadOnlyList<string> words)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT rowid, transcript FROM transcripts WHERE rowid IN ({string.Join(',', rowIds)});";
        using var reader = command.ExecuteReader();
        var snippets = new Dictionary<long, string>();
        while (reader.Read())
        {
            if (TextSnippet.Around(reader.GetString(1), words) is { } snippet)
            {
                snippets[reader.GetInt64(0)] = snippet;
            }
        }

        return snippets;
    }

    private static void Filter(StringBuilder sql, SqliteCommand command, string condition, string parameter, object? value)
    {
        if (value is not null)
        {
            sql.Append(" AND ").Append(condition);
            command.Parameters.AddWithValue(parameter, value);
        }
    }

    private static ConversationFacts ReadFacts(SqliteDataReader row) => new()
    {
        ConversationId = row.GetString(0),
        AgentId = row.IsDBNull(1) ? null : row.GetString(1),
        Status = row.IsDBNull(2) ? null : row.GetString(2),
        UserId = row.IsDBNull(3) ? null : row.GetString(3),
        StartedAt = row.GetInt64(4),
        DurationSecs = row.IsDBNull(5) ? null : row.GetInt64(5),
        CallSuccessful = row.IsDBNull(6) ? null : row.GetString(6),
        Summary = row.IsDBNull(7) ? null : row.GetString(7),
        FailureReason = row.IsDBNull(8) ? null : row.GetString(8),
        TranscriptionBytes = row.IsDBNull(9) ? null : row.GetInt64(9),
        AudioBytes = row.IsDBNull(10) ? null : row.GetInt64(10),
        FailureBytes = row.IsDBNull(11) ? null : row.GetInt64(11),
        ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(12)),
        FileStamp = row.GetString(13),
    };

    private string? Inspect()
    {
        using var connection = Connect();
        var version = Scalar<long>(connection, "PRAGMA user_version;");
        if (version != IndexSchema.Version)
        {
            return string.Create(CultureInfo.InvariantCulture, $"schema version {version}, expected {IndexSchema.Version}");
        }

        var check = Scalar<string>(connection, "PRAGMA quick_check;");
        return check == "ok" ? null : $"integrity check failed: {check}";
    }

    private void DeleteFiles()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            File.Delete(Path + suffix);
        }
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

public enum IndexOpening
{
    /// <summary>An existing, healthy index.</summary>
    Opened,

    /// <summary>There was none; an empty one was made.</summary>
    Created,

    /// <summary>The file was corrupt or of another version; it was replaced by an empty one.</summary>
    Rebuilt,
}
