using Postcall.Index;
using Postcall.Sqlite;

namespace Postcall.Tests.Index;

public sealed class ConversationIndexTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("postcall-index-").FullName;
    private readonly SqliteIndexFile _index;

    public ConversationIndexTests()
    {
        _index = new SqliteIndexFile(Path.Combine(_folder, SqliteIndexFile.FileName));
        _index.Open();
    }

    public void Dispose()
    {
        _index.Close();
        Directory.Delete(_folder, recursive: true);
    }

    private static ConversationFacts Facts(string id, long startedAt, string agent = "agent-a", string? outcome = "success",
        string status = "done", string text = "", string? summary = null) => new()
        {
            ConversationId = id,
            AgentId = agent,
            Status = status,
            StartedAt = startedAt,
            CallSuccessful = outcome,
            Summary = summary,
            TranscriptText = text,
            TranscriptionBytes = 10,
            ReceivedAt = DateTimeOffset.FromUnixTimeSeconds(startedAt + 60),
            FileStamp = $"stamp-{id}",
        };

    private void Put(params ConversationFacts[] facts)
    {
        var byId = facts.ToDictionary(f => f.ConversationId);
        Assert.Empty(_index.Refresh(byId.Keys, id => byId[id]));
    }

    private List<string> Ids(ConversationQuery query) => [.. _index.List(query).Items.Select(i => i.Facts.ConversationId)];

    [Fact]
    public void Keyset_pages_visit_every_conversation_once_newest_first()
    {
        Put([.. Enumerable.Range(0, 25).Select(i => Facts($"c{i:D2}", 1_000 + (i / 3)))]);
        var seen = new List<string>();
        PageCursor? cursor = null;
        var pages = 0;
        do
        {
            var page = _index.List(new ConversationQuery { Limit = 10, After = cursor });
            seen.AddRange(page.Items.Select(i => i.Facts.ConversationId));
            cursor = page.Next;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        var expected = Enumerable.Range(0, 25).Select(i => (Started: 1_000 + (i / 3), Id: $"c{i:D2}"))
            .OrderByDescending(x => x.Started).ThenByDescending(x => x.Id, StringComparer.Ordinal).Select(x => x.Id);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public void A_page_that_ends_exactly_at_the_last_row_has_no_next_cursor()
    {
        Put([.. Enumerable.Range(0, 20).Select(i => Facts($"c{i:D2}", 1_000 + i))]);
        var first = _index.List(new ConversationQuery { Limit = 10 });
        Assert.NotNull(first.Next);
        var second = _index.List(new ConversationQuery { Limit = 10, After = first.Next });
        Assert.Equal(10, second.Items.Count);
        Assert.Null(second.Next);
        Assert.Empty(_index.List(new ConversationQuery { Limit = 10, After = new PageCursor(0, "a") }).Items);
    }

    [Fact]
    public void Filters_combine()
    {
        Put(Facts("a1", 100, agent: "a"), Facts("a2", 200, agent: "a", outcome: "failure"), Facts("b1", 300, agent: "b"),
            Facts("f1", 400, agent: "b", outcome: null, status: ConversationFacts.InitiationFailedStatus));
        Assert.Equal(["a2", "a1"], Ids(new ConversationQuery { AgentId = "a" }));
        Assert.Equal(["a2"], Ids(new ConversationQuery { AgentId = "a", CallSuccessful = "failure" }));
        Assert.Equal(["f1"], Ids(new ConversationQuery { Status = ConversationFacts.InitiationFailedStatus }));
        Assert.Equal(["b1", "a2"], Ids(new ConversationQuery { From = 200, To = 300 }));
        Assert.Empty(Ids(new ConversationQuery { AgentId = "nobody" }));
    }

    [Fact]
    public void Text_search_needs_every_word_takes_the_last_as_a_prefix_and_treats_operators_as_words()
    {
        Put(Facts("refund", 1, text: "I would like a refund for order 4471 please"),
            Facts("hours", 2, text: "Are you open on Sundays?"),
            Facts("cafe", 3, text: "Meet me at the café", summary: "Coffee NOT tea"));

        Assert.Equal(["refund"], Ids(new ConversationQuery { Text = "refund 4471" }));
        Assert.Equal(["refund"], Ids(new ConversationQuery { Text = "ref" }));
        Assert.Equal(["hours"], Ids(new ConversationQuery { Text = "SUNDAYS" }));
        Assert.Equal(["cafe"], Ids(new ConversationQuery { Text = "cafe" }));
        Assert.Equal(["cafe"], Ids(new ConversationQuery { Text = "coffee NOT" }));
        Assert.Empty(Ids(new ConversationQuery { Text = "refund sundays" }));
        foreach (var hostile in new[] { "\"", "(", "a OR", "*", "NEAR(", "col:value", "'; DROP TABLE conversations; --" })
        {
            _ = Ids(new ConversationQuery { Text = hostile });
        }

        Assert.Equal(3, _index.Count());
        var hit = Assert.Single(_index.List(new ConversationQuery { Text = "4471" }).Items);
        Assert.Contains("4471", hit.Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public void Refreshing_replaces_a_row_and_its_text_and_null_removes_both()
    {
        Put(Facts("x", 1, text: "first words"));
        Put(Facts("x", 1, text: "second words"));
        Assert.Empty(Ids(new ConversationQuery { Text = "first" }));
        Assert.Equal(["x"], Ids(new ConversationQuery { Text = "second" }));

        _index.Refresh(["x"], _ => null);
        Assert.Null(_index.Find("x"));
        Assert.Empty(Ids(new ConversationQuery { Text = "second" }));
    }

    [Fact]
    public void An_unreadable_conversation_is_reported_and_the_rest_are_written()
    {
        var unreadable = _index.Refresh(["ok", "bad"], id => id == "bad" ? throw new IOException("gone") : Facts(id, 1));
        Assert.Equal(["bad"], unreadable);
        Assert.NotNull(_index.Find("ok"));
    }

    [Fact]
    public void Find_returns_every_field_as_written()
    {
        var facts = Facts("full", 1_739_537_297, summary: "s") with
        {
            UserId = "u", DurationSecs = 22, FailureReason = "busy", AudioBytes = 5, FailureBytes = 7,
            ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_739_537_400_123),
        };
        Put(facts);
        Assert.Equal(facts with { TranscriptText = string.Empty }, _index.Find("full"));
    }
}
