using System.Text;
using Npgsql;
using Postcall.Index;

namespace Postcall.Postgres;

/// <summary>Pages of conversations from PostgreSQL: the same filters, search and keyset order as the SQLite index.</summary>
internal static class PostgresListing
{
    public static async Task<ConversationPage> ListAsync(NpgsqlConnection connection, ConversationQuery query, CancellationToken cancellationToken)
    {
        var words = FullTextQuery.Words(query.Text);
        var match = TsQuery(words);
        await using var command = new NpgsqlCommand { Connection = connection };
        var sql = new StringBuilder($"SELECT {FactsRow.Columns}, {(match is null ? "NULL" : "c.transcript")} FROM postcall_conversations c WHERE true");
        if (match is not null)
        {
            sql.Append(" AND c.search @@ to_tsquery('simple', @match)");
            command.Parameters.AddWithValue("match", match);
        }

        Filter(sql, command, "c.agent_id = @agent_id", "agent_id", query.AgentId);
        Filter(sql, command, "c.status = @status", "status", query.Status);
        Filter(sql, command, "c.call_successful = @call_successful", "call_successful", query.CallSuccessful);
        Filter(sql, command, "c.started_at >= @from", "from", query.From);
        Filter(sql, command, "c.started_at <= @to", "to", query.To);
        Filter(sql, command, "c.audio_expected = 1 AND c.audio_bytes IS NULL AND c.received_at <= @audio_before", "audio_before", query.AudioMissingBefore);
        if (query.After is { } after)
        {
            sql.Append(" AND (c.started_at, c.conversation_id) < (@after_started, @after_id)");
            command.Parameters.AddWithValue("after_started", after.StartedAt);
            command.Parameters.AddWithValue("after_id", after.ConversationId);
        }

        sql.Append(" ORDER BY c.started_at DESC, c.conversation_id DESC LIMIT @limit;");
        command.Parameters.AddWithValue("limit", query.Limit + 1);
        command.CommandText = sql.ToString();

        var items = new List<IndexedConversation>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var snippet = reader.IsDBNull(FactsRow.Count) ? null : TextSnippet.Around(reader.GetString(FactsRow.Count), words);
                items.Add(new IndexedConversation(FactsRow.Read(reader), snippet));
            }
        }

        if (items.Count <= query.Limit)
        {
            return new ConversationPage(items, null);
        }

        items.RemoveAt(items.Count - 1);
        var last = items[^1].Facts;
        return new ConversationPage(items, new PageCursor(last.StartedAt, last.ConversationId));
    }

    /// <summary>
    /// Typed words → a <c>to_tsquery</c> text that cannot fail to parse: each word cut into runs of letters and digits
    /// (as the text search parser cuts the transcript), all required, the last one a prefix for search-as-you-type.
    /// Null when nothing searchable was typed.
    /// </summary>
    public static string? TsQuery(IReadOnlyList<string> words)
    {
        var lexemes = new List<string>();
        foreach (var word in words)
        {
            var run = new StringBuilder();
            foreach (var c in word)
            {
                if (char.IsLetterOrDigit(c))
                {
                    run.Append(char.ToLowerInvariant(c));
                }
                else if (run.Length > 0)
                {
                    lexemes.Add(run.ToString());
                    run.Clear();
                }
            }

            if (run.Length > 0)
            {
                lexemes.Add(run.ToString());
            }
        }

        return lexemes.Count == 0 ? null : string.Join(" & ", lexemes) + ":*";
    }

    private static void Filter(StringBuilder sql, NpgsqlCommand command, string condition, string parameter, object? value)
    {
        if (value is not null)
        {
            sql.Append(" AND ").Append(condition);
            command.Parameters.AddWithValue(parameter, value);
        }
    }
}
