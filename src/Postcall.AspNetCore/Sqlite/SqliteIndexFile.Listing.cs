using System.Text;
using Microsoft.Data.Sqlite;
using Postcall.Index;

namespace Postcall.Sqlite;

/// <summary>Pages of conversations: filters, full-text search and keyset pagination, newest first.</summary>
internal sealed partial class SqliteIndexFile
{
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
        Filter(page, command, "c.audio_expected = 1 AND c.audio_bytes IS NULL AND c.received_at <= $audio_before", "$audio_before", query.AudioMissingBefore);
        if (query.After is { } after)
        {
            page.Append(" AND (c.started_at < $after_started OR (c.started_at = $after_started AND c.conversation_id < $after_id))");
            command.Parameters.AddWithValue("$after_started", after.StartedAt);
            command.Parameters.AddWithValue("$after_id", after.ConversationId);
        }

        page.Append(" ORDER BY c.started_at DESC, c.conversation_id DESC LIMIT $limit");
        command.Parameters.AddWithValue("$limit", query.Limit + 1);

        command.CommandText = $"SELECT {FactsRow.Columns}, c.id FROM conversations c WHERE c.id IN ({page}) ORDER BY c.started_at DESC, c.conversation_id DESC;";
        var rows = new List<(long RowId, ConversationFacts Facts)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(FactsRow.Count), FactsRow.Read(reader)));
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
}
