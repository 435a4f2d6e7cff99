using System.Data.Common;
using Postcall.Forwarding;

namespace Postcall.Postgres;

/// <summary>
/// The outbox shared by every instance: tables in PostgreSQL (migration 2 of <see cref="PostgresSchema"/>). Instances
/// claim due forwards with <c>FOR UPDATE SKIP LOCKED</c>, so each is sent by one of them at a time; a claim whose
/// holder died lapses when its term ends and another instance takes the forward.
/// </summary>
internal sealed class PostgresForwardOutbox(PostgresDatabase database, TimeProvider time) : SqlForwardOutbox(time)
{
    public override string Location => database.Location;

    protected override string ClaimSuffix => "FOR UPDATE SKIP LOCKED";

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await database.MigrateAsync(cancellationToken);
        }
        catch (DatabaseUnavailableException e)
        {
            throw new OutboxUnavailableException(e.Message, e);
        }
    }

    protected override async Task<T> RunAsync<T>(string operation, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await database.RunAsync("outbox_" + operation, async connection =>
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var result = await work(connection, transaction);
                await transaction.CommitAsync(cancellationToken);
                return result;
            });
        }
        catch (DatabaseUnavailableException e)
        {
            throw new OutboxUnavailableException(e.Message, e);
        }
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
