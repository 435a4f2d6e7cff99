using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Postcall.Index;
using Postcall.Observability;
using Postcall.Postgres;
using Postcall.Sqlite;
using Postcall.Storage;
using Postcall.Storage.Files;
using Postcall.Tests.Support;

namespace Postcall.Tests.Index;

/// <summary>What every conversation index promises, run against SQLite and against a real PostgreSQL server.</summary>
public abstract class ConversationIndexContract : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("postcall-index-contract-").FullName;

    private protected FilePayloadStore Store { get; }

    private protected IConversationIndex Index { get; private set; } = null!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected ConversationIndexContract()
    {
        Store = new FilePayloadStore(_root);
        Store.Initialize();
    }

    private protected abstract Task<IConversationIndex> CreateIndexAsync(IPayloadStore store);

    public async ValueTask InitializeAsync()
    {
        Index = await CreateIndexAsync(Store);
        await ((IHostedService)Index).StartAsync(Cancel);
        await Index.WhenOpenedAsync(Cancel);
    }

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await ((IHostedService)Index).StopAsync(CancellationToken.None);
        Store.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private protected static ConversationId Id(string value) => ConversationId.TryParse(value, out var id) ? id : throw new ArgumentException(value);

    /// <summary>What a delivery does: commit the payload, then record it.</summary>
    private protected async Task StoreAsync(string cid, PayloadKind kind, byte[] body)
    {
        await using var temp = Store.CreateTemp();
        await temp.WriteAsync(body, Cancel);
        await using var read = temp.OpenRead();
        var (call, failed) = await PayloadFacts.ReadAsync(kind, read, Cancel);
        var stored = await Store.CommitAsync(temp, Id(cid), kind, Cancel);
        await Index.RecordAsync(Id(cid), new PayloadRecord(stored.Payload, call, failed), Cancel);
    }

    private static byte[] Call(string cid, long start, string agent = "agent-a", string outcome = "success", string text = "hello there", string summary = "a call") =>
        Encoding.UTF8.GetBytes($$$"""
            {"type":"post_call_transcription","event_timestamp":{{{start}}},"data":{"agent_id":"{{{agent}}}","conversation_id":"{{{cid}}}","status":"done",
             "transcript":[{"role":"user","message":"{{{text}}}"}],"metadata":{"start_time_unix_secs":{{{start}}},"call_duration_secs":42},
             "analysis":{"call_successful":"{{{outcome}}}","transcript_summary":"{{{summary}}}" } } }
            """);

    private async Task<List<string>> IdsAsync(ConversationQuery query) =>
        [.. (await Index.ListAsync(query, Cancel)).Items.Select(i => i.Facts.ConversationId)];

    [Fact]
    public async Task A_recorded_conversation_has_exactly_the_facts_its_payloads_give()
    {
        await StoreAsync("c1", PayloadKind.Transcription, Fixtures.Bytes("post_call_transcription.json"));
        await StoreAsync("c1", PayloadKind.Audio, Fixtures.Bytes("sample_call.mp3"));
        Assert.True(PayloadKind.TryOther("call_summary_ready", out var other));
        await StoreAsync("c1", other, Encoding.UTF8.GetBytes("{}"));

        var expected = await ConversationReader.ReadAsync(Store, Id("c1"), Cancel);
        Assert.Equal(expected! with { TranscriptText = string.Empty }, await Index.FindAsync(Id("c1"), Cancel));
        Assert.Equal(1, await Index.CountAsync(Cancel));
        Assert.Null(await Index.FindAsync(Id("nobody"), Cancel));
    }

    [Fact]
    public async Task A_failure_alone_is_an_initiation_failure_dated_by_its_event()
    {
        await StoreAsync("f1", PayloadKind.Failure, Fixtures.Bytes("call_initiation_failure_sip.json"));
        var facts = await Index.FindAsync(Id("f1"), Cancel);
        Assert.Equal((ConversationFacts.InitiationFailedStatus, "busy", 1759931652L), (facts!.Status, facts.FailureReason, facts.StartedAt));
    }

    [Fact]
    public async Task Search_needs_every_word_takes_the_last_as_a_prefix_and_cuts_a_snippet()
    {
        await StoreAsync("s1", PayloadKind.Transcription, Call("s1", 1000, text: "I would like to cancel my subscription today"));
        await StoreAsync("s2", PayloadKind.Transcription, Call("s2", 2000, text: "Please cancel the order"));
        await StoreAsync("s3", PayloadKind.Transcription, Call("s3", 3000, text: "Nothing here", summary: "caller asked about subscriptions"));

        Assert.Equal(["s2", "s1"], await IdsAsync(new ConversationQuery { Text = "cancel" }));
        Assert.Equal(["s1"], await IdsAsync(new ConversationQuery { Text = "CANCEL subscr" }));
        Assert.Equal(["s3", "s1"], await IdsAsync(new ConversationQuery { Text = "subscript" }));
        Assert.Empty(await IdsAsync(new ConversationQuery { Text = "cancel nothing" }));
        // Operators and quotes are plain text, never a syntax error.
        Assert.Empty(await IdsAsync(new ConversationQuery { Text = "\"cancel\" & | ! ( :* NEAR(" }));
        var hit = Assert.Single((await Index.ListAsync(new ConversationQuery { Text = "order" }, Cancel)).Items);
        Assert.Contains("order", hit.Snippet, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Filters_and_keyset_pages_visit_every_conversation_once_newest_first()
    {
        for (var i = 0; i < 25; i++)
        {
            await StoreAsync($"p{i:D2}", PayloadKind.Transcription, Call($"p{i:D2}", 10_000 + (i / 3), agent: i % 2 == 0 ? "even" : "odd",
                outcome: i % 5 == 0 ? "failure" : "success"));
        }

        var seen = new List<string>();
        PageCursor? cursor = null;
        do
        {
            var page = await Index.ListAsync(new ConversationQuery { Limit = 7, After = cursor }, Cancel);
            seen.AddRange(page.Items.Select(i => i.Facts.ConversationId));
            cursor = page.Next;
        }
        while (cursor is not null);

        var expected = Enumerable.Range(0, 25).Select(i => (Start: 10_000 + (i / 3), Id: $"p{i:D2}"))
            .OrderByDescending(x => x.Start).ThenByDescending(x => x.Id, StringComparer.Ordinal).Select(x => x.Id);
        Assert.Equal(expected, seen);
        Assert.Equal(13, (await IdsAsync(new ConversationQuery { AgentId = "even", Limit = 200 })).Count);
        Assert.Equal(["p20", "p15", "p10", "p05", "p00"], await IdsAsync(new ConversationQuery { CallSuccessful = "failure" }));
        Assert.Equal(["p05", "p04", "p03"], await IdsAsync(new ConversationQuery { From = 10_001, To = 10_001 }));
        Assert.Equal(["p00", "p01", "p02"], (await Index.StartedBeforeAsync(10_001, 10, Cancel)).Select(i => i.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Removing_forgets_the_conversation()
    {
        await StoreAsync("r1", PayloadKind.Transcription, Call("r1", 500));
        await Store.DeleteConversationAsync(Id("r1"), Cancel);
        await Index.RemoveAsync(Id("r1"), Cancel);
        Assert.Null(await Index.FindAsync(Id("r1"), Cancel));
        Assert.Empty(await IdsAsync(new ConversationQuery()));
    }

    [Fact]
    public async Task A_rebuild_adds_what_it_missed_rereads_what_changed_and_drops_what_is_gone()
    {
        await StoreAsync("kept", PayloadKind.Transcription, Call("kept", 100, text: "before"));
        await StoreAsync("dropped", PayloadKind.Transcription, Call("dropped", 200));
        // A read waits for what deliveries queued, so from here the index holds both as they were stored.
        Assert.Equal(["dropped", "kept"], await IdsAsync(new ConversationQuery()));
        // Behind the index's back: a new conversation, a changed one, a removed one.
        Directory.CreateDirectory(Store.DirectoryFor(Id("missed")));
        await File.WriteAllBytesAsync(Store.PathFor(Id("missed"), PayloadKind.Transcription), Call("missed", 300), Cancel);
        await File.WriteAllBytesAsync(Store.PathFor(Id("kept"), PayloadKind.Transcription), Call("kept", 100, text: "after changes"), Cancel);
        Directory.Delete(Store.DirectoryFor(Id("dropped")), recursive: true);

        var report = await Index.RebuildAsync(everything: false, Cancel);

        Assert.Equal((2, 2, 1), (report.Conversations, report.Refreshed, report.Removed));
        Assert.Equal(["missed", "kept"], await IdsAsync(new ConversationQuery()));
        Assert.Equal(["kept"], await IdsAsync(new ConversationQuery { Text = "changes" }));
    }
}

public sealed class SqliteConversationIndexContract : ConversationIndexContract
{
    private protected override Task<IConversationIndex> CreateIndexAsync(IPayloadStore store)
    {
        var file = new SqliteIndexFile(Path.Combine(Store.StateDirectory, SqliteIndexFile.FileName));
        return Task.FromResult<IConversationIndex>(new SqliteConversationIndex(file, store, Metrics(), new StartedLifetime(),
            NullLogger<SqliteConversationIndex>.Instance));
    }

    internal static PostcallMetrics Metrics() => new(new TestMeterFactory(), TimeProvider.System);

    private sealed class StartedLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => new(canceled: true);

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }

    private sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}

[Trait("Needs", "engines")]
public sealed class PostgresConversationIndexContract(SharedEngines engines) : ConversationIndexContract
{
    private PostgresDatabase? _database;

    private protected override async Task<IConversationIndex> CreateIndexAsync(IPayloadStore store)
    {
        _database = new PostgresDatabase(new NpgsqlConnectionStringBuilder(await engines.CreateDatabaseAsync()));
        return new PostgresConversationIndex(_database, store, new PostgresJobLeases(_database), NullLogger<PostgresConversationIndex>.Instance);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database!.DisposeAsync();
    }

    [Fact]
    public async Task Instances_starting_together_apply_each_migration_once()
    {
        var connection = await engines.CreateDatabaseAsync();
        var databases = Enumerable.Range(0, 6).Select(_ => new PostgresDatabase(new NpgsqlConnectionStringBuilder(connection))).ToList();
        await Task.WhenAll(databases.Select(d => d.MigrateAsync(Cancel)));
        await using var check = new NpgsqlConnection(connection);
        await check.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand("SELECT count(*), max(version) FROM postcall_schema_migrations;", check);
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        Assert.True(await reader.ReadAsync(Cancel));
        Assert.Equal(((long)PostgresSchema.Migrations.Count, PostgresSchema.Migrations.Count), (reader.GetInt64(0), reader.GetInt32(1)));
        foreach (var database in databases)
        {
            await database.DisposeAsync();
        }
    }
}
