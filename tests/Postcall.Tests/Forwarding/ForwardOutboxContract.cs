using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Postcall.Forwarding;
using Postcall.Postgres;
using Postcall.Sqlite;
using Postcall.Storage;
using Postcall.Tests.Support;

namespace Postcall.Tests.Forwarding;

/// <summary>What every outbox promises, run against its SQLite file and against a real PostgreSQL server.</summary>
public abstract class ForwardOutboxContract : IAsyncLifetime
{
    protected FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-12-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private protected IForwardOutbox Outbox { get; private set; } = null!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private protected abstract Task<IForwardOutbox> CreateAsync();

    /// <summary>A second handle on the same outbox, as another instance (or the same one after a restart) has.</summary>
    private protected abstract Task<IForwardOutbox> ReopenAsync();

    public async ValueTask InitializeAsync()
    {
        Outbox = await CreateAsync();
        await Outbox.InitializeAsync(Cancel);
    }

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await Outbox.DisposeAsync();
    }

    private static ConversationId Id(string value) => ConversationId.Parse(value);

    private Destination NewDestination(string id, IReadOnlyList<string>? kinds = null, IReadOnlyList<string>? agents = null) => new()
    {
        Id = id,
        Url = new Uri($"https://{id}.example.com/hook"),
        Secret = WebhookSigner.NewSecret(),
        Kinds = kinds ?? [],
        AgentIds = agents ?? [],
        Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer x" },
        CreatedAt = Time.GetUtcNow(),
    };

    private static AcceptedDelivery Delivery(string cid, PayloadKind kind, string version = "v1", string? agent = "agent_1") =>
        new(Id(cid), kind, version, agent, 1739537297);

    private Task<IReadOnlyList<Forward>> RecordAsync(AcceptedDelivery delivery) =>
        Outbox.RecordDeliveryAsync(delivery, () => TimeSpan.Zero, Cancel);

    [Fact]
    public async Task Destinations_are_saved_read_back_whole_and_deleted_with_their_forwards()
    {
        var destination = NewDestination("dst_a", kinds: ["transcription", "audio"], agents: ["agent_1"]) with
        {
            Timeout = TimeSpan.FromSeconds(7),
            Concurrency = 2,
            AudioAsLink = true,
            Enabled = false,
        };
        await Outbox.SaveDestinationAsync(destination, Cancel);

        var read = await Outbox.DestinationAsync("dst_a", Cancel);

        Assert.NotNull(read);
        Assert.Equal(destination.Url, read.Url);
        Assert.Equal(destination.Kinds, read.Kinds);
        Assert.Equal(destination.AgentIds, read.AgentIds);
        Assert.Equal("Bearer x", read.Headers["Authorization"]);
        Assert.Equal((destination.Secret, destination.Timeout, 2, true, false), (read.Secret, read.Timeout, read.Concurrency, read.AudioAsLink, read.Enabled));
        await Outbox.SaveDestinationAsync(read with { Enabled = true }, Cancel);
        Assert.True((await Outbox.DestinationAsync("dst_a", Cancel))!.Enabled);

        await RecordAsync(Delivery("c1", PayloadKind.Transcription));
        Assert.True(await Outbox.DeleteDestinationAsync("dst_a", Cancel));
        Assert.Empty(await Outbox.ListForwardsAsync(new ForwardFilter(), Cancel));
        Assert.False(await Outbox.DeleteDestinationAsync("dst_a", Cancel));
    }

    [Fact]
    public async Task A_delivery_makes_a_forward_to_each_destination_that_takes_it()
    {
        await Outbox.SaveDestinationAsync(NewDestination("dst_all"), Cancel);
        await Outbox.SaveDestinationAsync(NewDestination("dst_audio", kinds: ["audio"]), Cancel);
        await Outbox.SaveDestinationAsync(NewDestination("dst_other_agent", agents: ["agent_2"]), Cancel);

        var transcription = await RecordAsync(Delivery("c1", PayloadKind.Transcription));
        var audio = await RecordAsync(Delivery("c1", PayloadKind.Audio));

        Assert.Equal(["dst_all"], transcription.Select(f => f.DestinationId));
        Assert.Equal(["dst_all", "dst_audio"], audio.Select(f => f.DestinationId).Order());
        Assert.All(audio, f => Assert.Equal((ForwardStatus.Pending, 1739537297L, "agent_1"), (f.Status, f.EventTimestamp!.Value, f.AgentId)));
        var recorded = await Outbox.DeliveryAsync(Id("c1"), PayloadKind.Audio, Cancel);
        Assert.Equal(("v1", "agent_1"), (recorded!.Version, recorded.AgentId));
    }

    [Fact]
    public async Task A_redelivery_records_nothing_when_its_version_was_recorded_and_everything_when_it_was_not()
    {
        await Outbox.SaveDestinationAsync(NewDestination("dst_a"), Cancel);
        Assert.Single(await RecordAsync(Delivery("c1", PayloadKind.Transcription)));

        Assert.Empty(await RecordAsync(Delivery("c1", PayloadKind.Transcription)));
        Assert.Single(await RecordAsync(Delivery("c1", PayloadKind.Transcription, version: "v2")));
        Assert.Single(await RecordAsync(Delivery("c2", PayloadKind.Transcription)));
    }

    [Fact]
    public async Task With_no_destination_only_audio_is_recorded_for_its_envelope()
    {
        Assert.Empty(await RecordAsync(Delivery("c1", PayloadKind.Transcription)));
        Assert.Empty(await RecordAsync(Delivery("c1", PayloadKind.Audio)));

        Assert.Null(await Outbox.DeliveryAsync(Id("c1"), PayloadKind.Transcription, Cancel));
        Assert.Equal(1739537297, (await Outbox.DeliveryAsync(Id("c1"), PayloadKind.Audio, Cancel))!.EventTimestamp);
    }

    [Fact]
    public async Task A_claim_is_exclusive_until_it_lapses_and_then_another_holder_takes_the_forward()
    {
        await Outbox.SaveDestinationAsync(NewDestination("dst_a"), Cancel);
        for (var i = 0; i < 5; i++)
        {
            await RecordAsync(Delivery($"c{i}", PayloadKind.Transcription));
        }

        await using var other = await ReopenAsync();
        var first = await Outbox.ClaimAsync("dst_a", 3, "one", Time.GetUtcNow().AddMinutes(1), Cancel);
        var second = await other.ClaimAsync("dst_a", 10, "two", Time.GetUtcNow().AddMinutes(1), Cancel);

        Assert.Equal(3, first.Count);
        Assert.Equal(2, second.Count);
        Assert.Empty(first.Select(f => f.Id).Intersect(second.Select(f => f.Id)));
        Assert.Empty(await Outbox.ClaimAsync("dst_a", 10, "three", Time.GetUtcNow().AddMinutes(1), Cancel));

        // "one" died: after its claims lapse, they are claimed again.
        Time.Advance(TimeSpan.FromMinutes(2));
        var retaken = await other.ClaimAsync("dst_a", 10, "two", Time.GetUtcNow().AddMinutes(1), Cancel);
        Assert.Equal(5, retaken.Count);
    }

    [Fact]
    public async Task Attempts_move_a_forward_to_pending_dead_or_delivered_and_only_its_holder_moves_it()
    {
        await Outbox.SaveDestinationAsync(NewDestination("dst_a"), Cancel);
        var forward = (await RecordAsync(Delivery("c1", PayloadKind.Failure)))[0];
        var claimed = (await Outbox.ClaimAsync("dst_a", 1, "one", Time.GetUtcNow().AddMinutes(1), Cancel))[0];
        var now = Time.GetUtcNow();

        await Outbox.CompleteAttemptAsync(claimed, "someone-else", new ForwardAttempt(1, now, TimeSpan.FromMilliseconds(5), 500, "no", null, false), now, Cancel);
        Assert.Equal(0, (await Outbox.ForwardAsync(forward.Id, Cancel))!.Attempts);

        await Outbox.CompleteAttemptAsync(claimed, "one", new ForwardAttempt(1, now, TimeSpan.FromMilliseconds(5), 500, "no", null, false), now.AddSeconds(5), Cancel);
        var pending = (await Outbox.ForwardAsync(forward.Id, Cancel))!;
        Assert.Equal((ForwardStatus.Pending, 1, 1, 500), (pending.Status, pending.Attempts, pending.Step, pending.LastStatusCode!.Value));
        Assert.Empty(await Outbox.ClaimAsync("dst_a", 1, "one", now.AddMinutes(1), Cancel));

        Time.Advance(TimeSpan.FromSeconds(5));
        claimed = (await Outbox.ClaimAsync("dst_a", 1, "one", Time.GetUtcNow().AddMinutes(1), Cancel))[0];
        await Outbox.CompleteAttemptAsync(claimed, "one", new ForwardAttempt(2, Time.GetUtcNow(), TimeSpan.Zero, null, null, "timed out after 30 s", false), null, Cancel);
        Assert.Equal(ForwardStatus.Dead, (await Outbox.ForwardAsync(forward.Id, Cancel))!.Status);
        var health = Assert.Single(await Outbox.HealthAsync(Cancel));
        Assert.Equal((0, 1, now), (health.Pending, health.Dead, health.FailingSince!.Value));

        var retried = await Outbox.RetryAsync(forward.Id, Cancel);
        Assert.Equal((forward.Id, ForwardStatus.Pending, 0, 2), (retried!.Id, retried.Status, retried.Step, retried.Attempts));
        claimed = (await Outbox.ClaimAsync("dst_a", 1, "one", Time.GetUtcNow().AddMinutes(1), Cancel))[0];
        await Outbox.CompleteAttemptAsync(claimed, "one", new ForwardAttempt(3, Time.GetUtcNow(), TimeSpan.FromMilliseconds(9), 204, null, null, true), null, Cancel);

        var delivered = (await Outbox.ForwardAsync(forward.Id, Cancel))!;
        Assert.Equal((ForwardStatus.Delivered, 3), (delivered.Status, delivered.Attempts));
        Assert.Equal([500, null, 204], (await Outbox.AttemptsAsync(forward.Id, Cancel)).Select(a => a.StatusCode));
        Assert.Equal("timed out after 30 s", (await Outbox.AttemptsAsync(forward.Id, Cancel))[1].Error);
        health = Assert.Single(await Outbox.HealthAsync(Cancel));
        Assert.Equal((0, 0, null), (health.Pending, health.Dead, health.FailingSince));
        Assert.NotNull(health.LastSuccess);
    }

    [Fact]
    public async Task Dead_forwards_of_a_destination_are_retried_together_and_lists_filter_by_status()
    {
        await Outbox.SaveDestinationAsync(NewDestination("dst_a"), Cancel);
        foreach (var cid in new[] { "c1", "c2", "c3" })
        {
            await RecordAsync(Delivery(cid, PayloadKind.Transcription));
        }

        foreach (var claimed in await Outbox.ClaimAsync("dst_a", 2, "one", Time.GetUtcNow().AddMinutes(1), Cancel))
        {
            await Outbox.CompleteAttemptAsync(claimed, "one", new ForwardAttempt(1, Time.GetUtcNow(), TimeSpan.Zero, 500, null, null, false), null, Cancel);
        }

        Assert.Equal(2, (await Outbox.ListForwardsAsync(new ForwardFilter(ForwardStatus.Dead), Cancel)).Count);
        Assert.Single(await Outbox.ListForwardsAsync(new ForwardFilter(ForwardStatus.Pending, "dst_a"), Cancel));
        Assert.Empty(await Outbox.ListForwardsAsync(new ForwardFilter(DestinationId: "dst_b"), Cancel));

        Assert.Equal(2, await Outbox.RetryDeadAsync("dst_a", Cancel));
        Assert.Equal(3, (await Outbox.ListForwardsAsync(new ForwardFilter(ForwardStatus.Pending), Cancel)).Count);
    }

    [Fact]
    public async Task Deleting_a_conversation_removes_its_forwards_attempts_and_deliveries_only()
    {
        await Outbox.SaveDestinationAsync(NewDestination("dst_a"), Cancel);
        await RecordAsync(Delivery("gone", PayloadKind.Transcription));
        await RecordAsync(Delivery("gone", PayloadKind.Audio));
        await RecordAsync(Delivery("kept", PayloadKind.Transcription));
        foreach (var claimed in await Outbox.ClaimAsync("dst_a", 10, "one", Time.GetUtcNow().AddMinutes(1), Cancel))
        {
            await Outbox.CompleteAttemptAsync(claimed, "one", new ForwardAttempt(1, Time.GetUtcNow(), TimeSpan.Zero, 500, "quoted", null, false), null, Cancel);
        }

        var gone = await Outbox.ListForwardsAsync(new ForwardFilter(ConversationId: Id("gone")), Cancel);

        Assert.Equal(2, await Outbox.DeleteConversationAsync(Id("gone"), Cancel));
        Assert.Empty(await Outbox.ListForwardsAsync(new ForwardFilter(ConversationId: Id("gone")), Cancel));
        Assert.All(gone, f => Assert.Empty(Outbox.AttemptsAsync(f.Id, Cancel).Result));
        Assert.Null(await Outbox.DeliveryAsync(Id("gone"), PayloadKind.Audio, Cancel));
        Assert.Single(await Outbox.ListForwardsAsync(new ForwardFilter(ConversationId: Id("kept")), Cancel));
    }

    [Fact]
    public async Task Many_deliveries_recorded_at_once_are_each_recorded_once()
    {
        await Outbox.SaveDestinationAsync(NewDestination("dst_a"), Cancel);

        var made = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => RecordAsync(Delivery($"many{i}", PayloadKind.Transcription))));

        Assert.All(made, forwards => Assert.Single(forwards));
        Assert.Equal(200, (await Outbox.ListForwardsAsync(new ForwardFilter(Limit: 1000), Cancel)).Count);
        Assert.Equal(200, made.Select(f => f[0].Id).Distinct().Count());
    }

    [Fact]
    public async Task A_secret_is_made_once_and_then_the_same_for_every_handle()
    {
        await using var other = await ReopenAsync();
        var first = await Outbox.SecretAsync("k", () => [1, 2, 3], Cancel);
        var second = await other.SecretAsync("k", () => [9, 9, 9], Cancel);

        Assert.Equal([1, 2, 3], first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Replaying_a_conversation_makes_new_forwards_due_now()
    {
        await Outbox.SaveDestinationAsync(NewDestination("dst_a"), Cancel);
        var original = (await RecordAsync(Delivery("c1", PayloadKind.Transcription)))[0];

        var again = Assert.Single(await Outbox.ForwardAgainAsync(Delivery("c1", PayloadKind.Transcription), null, Cancel));

        Assert.NotEqual(original.Id, again.Id);
        Assert.Equal(2, (await Outbox.ClaimAsync("dst_a", 10, "one", Time.GetUtcNow().AddMinutes(1), Cancel)).Count);
    }
}

public sealed class SqliteForwardOutboxContract : ForwardOutboxContract
{
    private readonly string _root = Directory.CreateTempSubdirectory("postcall-outbox-").FullName;

    private string FilePath => SqliteForwardOutbox.PathUnder(_root);

    private protected override Task<IForwardOutbox> CreateAsync() => Task.FromResult<IForwardOutbox>(new SqliteForwardOutbox(FilePath, Time));

    private protected override async Task<IForwardOutbox> ReopenAsync()
    {
        var outbox = new SqliteForwardOutbox(FilePath, Time);
        await outbox.InitializeAsync(Cancel);
        return outbox;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Everything_survives_a_restart_and_claims_of_the_dead_process_are_released()
    {
        await Outbox.SaveDestinationAsync(new Destination { Id = "dst_a", Url = new Uri("https://a.example.com/"), Secret = WebhookSigner.NewSecret() }, Cancel);
        await Outbox.RecordDeliveryAsync(new AcceptedDelivery(ConversationId.Parse("c1"), PayloadKind.Transcription, "v1", null, null), () => TimeSpan.Zero, Cancel);
        Assert.Single(await Outbox.ClaimAsync("dst_a", 1, "old-process", Time.GetUtcNow().AddHours(1), Cancel));
        await Outbox.DisposeAsync();

        // One machine runs one process on a payload root: at start-up, nothing claimed before has a living holder.
        await using var restarted = await ReopenAsync();

        Assert.Single(await restarted.ClaimAsync("dst_a", 1, "new-process", Time.GetUtcNow().AddHours(1), Cancel));
    }

    [Fact]
    public async Task A_damaged_outbox_is_refused_and_kept_never_replaced()
    {
        await Outbox.DisposeAsync();
        var garbage = new byte[8192];
        new Random(3).NextBytes(garbage);
        await File.WriteAllBytesAsync(FilePath, garbage, Cancel);
        File.Delete(FilePath + "-wal");

        var damaged = new SqliteForwardOutbox(FilePath, Time);
        var problem = await Assert.ThrowsAsync<OutboxUnavailableException>(() => damaged.InitializeAsync(Cancel));

        Assert.Contains(FilePath, problem.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(FilePath, Cancel));
    }
}

[Trait("Needs", "engines")]
public sealed class PostgresForwardOutboxContract(SharedEngines engines) : ForwardOutboxContract
{
    private readonly List<PostgresDatabase> _databases = [];
    private string? _connection;

    private protected override async Task<IForwardOutbox> CreateAsync()
    {
        _connection = await engines.CreateDatabaseAsync();
        return Open();
    }

    private protected override async Task<IForwardOutbox> ReopenAsync()
    {
        var outbox = Open();
        await outbox.InitializeAsync(Cancel);
        return outbox;
    }

    private PostgresForwardOutbox Open()
    {
        var database = new PostgresDatabase(new NpgsqlConnectionStringBuilder(_connection));
        _databases.Add(database);
        return new PostgresForwardOutbox(database, Time);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }
}
