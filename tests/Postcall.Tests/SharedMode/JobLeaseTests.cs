using Npgsql;
using Postcall.Postgres;
using Postcall.Tests.Support;

namespace Postcall.Tests.SharedMode;

/// <summary>Background jobs run on one instance at a time, and another takes over when the holder is gone.</summary>
[Trait("Needs", "engines")]
public sealed class JobLeaseTests(SharedEngines engines)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_holder_at_a_time_and_the_next_takes_over_when_it_gives_up_or_its_lease_expires()
    {
        var connection = await engines.CreateDatabaseAsync();
        await using var database = new PostgresDatabase(new NpgsqlConnectionStringBuilder(connection));
        var first = new PostgresJobLeases(database);
        var second = new PostgresJobLeases(database);

        await using (var held = await first.TryAcquireAsync("retention", Cancel))
        {
            Assert.NotNull(held);
            Assert.Null(await second.TryAcquireAsync("retention", Cancel));
            await using var other = await second.TryAcquireAsync("rebuild", Cancel);
            Assert.NotNull(other);
        }

        await using var taken = await second.TryAcquireAsync("retention", Cancel);
        Assert.NotNull(taken);

        // A holder that died never renews: once its row expires, anyone may take the job.
        await using (var raw = new NpgsqlConnection(connection))
        {
            await raw.OpenAsync(Cancel);
            await using var expire = new NpgsqlCommand("UPDATE postcall_leases SET expires_at = now() - interval '1 second' WHERE job = 'retention';", raw);
            Assert.Equal(1, await expire.ExecuteNonQueryAsync(Cancel));
        }

        await using var takenOver = await first.TryAcquireAsync("retention", Cancel);
        Assert.NotNull(takenOver);
    }
}
