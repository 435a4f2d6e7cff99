using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Postcall.Conversations;
using Postcall.Hosting;
using Postcall.Sqlite;
using Postcall.Storage.Files;
using Postcall.Tests.Support;

namespace Postcall.Tests.Conversations;

public sealed class RetentionTests() : ApiTests(new() { [PostcallSettings.RetentionDaysVariable] = "30" }, new FakeTimeProvider(DateTimeOffset.UtcNow))
{
    private long Now => Factory.Time!.GetUtcNow().ToUnixTimeSeconds();

    private async Task StoreStartedAsync(string id, long startedAt)
    {
        var call = DemoCalls.Calls(Now)[3] with { ConversationId = id, StartedAt = startedAt };
        await StoreAsync(DemoCalls.Transcription(call));
    }

    private RetentionService Service => Factory.Services.GetServices<IHostedService>().OfType<RetentionService>().Single();

    [Fact]
    public async Task Conversations_older_than_the_retention_are_deleted_and_newer_ones_kept()
    {
        // Younger than the configured 30 days: the service's own sweep at start-up, whenever it runs, leaves both.
        await StoreStartedAsync("old-call", Now - (11 * 86_400));
        await StoreStartedAsync("recent-call", Now - (9 * 86_400));

        Assert.Equal(1, await Service.SweepAsync(TimeSpan.FromDays(10), Ct));
        Assert.Equal(["recent-call"], await ListIdsAsync());
        Assert.False(Directory.Exists(Path.Combine(Factory.PayloadRoot, "old-call")));

        Assert.Equal(0, await Service.SweepAsync(TimeSpan.FromDays(10), Ct));
    }

    [Fact]
    public async Task Calls_still_expire_while_the_index_cannot_be_opened()
    {
        // Stored before the service starts, and an index path it cannot open: the start-up sweep must read the folders.
        foreach (var (id, age) in new[] { ("expired-call", 31), ("kept-call", 29) })
        {
            var call = DemoCalls.Calls(Now)[3] with { ConversationId = id, StartedAt = Now - (age * 86_400) };
            Directory.CreateDirectory(Path.Combine(Factory.PayloadRoot, id));
            await File.WriteAllTextAsync(Path.Combine(Factory.PayloadRoot, id, $"{id}_transcription.json"), DemoCalls.Transcription(call), Ct);
        }

        Directory.CreateDirectory(Path.Combine(Factory.PayloadRoot, FilePayloadStore.StateFolderName, SqliteIndexFile.FileName));
        Assert.NotNull(Service);
        for (var i = 0; i < 200 && Directory.Exists(Path.Combine(Factory.PayloadRoot, "expired-call")); i++)
        {
            await Task.Delay(50, Ct);
        }

        Assert.False(Directory.Exists(Path.Combine(Factory.PayloadRoot, "expired-call")));
        Assert.True(File.Exists(Path.Combine(Factory.PayloadRoot, "kept-call", "kept-call_transcription.json")));
        Assert.Equal(0, await Service.SweepAsync(TimeSpan.FromDays(30), Ct));
    }

    [Fact]
    public async Task The_hourly_sweep_runs_on_its_own()
    {
        await StoreStartedAsync("ages", Now - (29 * 86_400));
        Assert.Equal(["ages"], await ListIdsAsync());

        // Two days later the call is 31 days old; the next hourly tick removes it.
        Factory.Time!.Advance(TimeSpan.FromDays(2));
        for (var i = 0; i < 100 && (await ListIdsAsync()).Count > 0; i++)
        {
            Factory.Time.Advance(RetentionService.Interval);
            await Task.Delay(50, Ct);
        }

        Assert.Empty(await ListIdsAsync());
    }
}
