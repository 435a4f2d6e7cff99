using System.Security.Cryptography;
using Npgsql;
using Postcall.Conversations;

namespace Postcall.Postgres;

/// <summary>
/// The media-link key, shared by every instance: a random key in <c>postcall_secrets</c>, written by whichever
/// instance needs it first (the others' inserts do nothing) and read back by all. It survives restarts of them all.
/// </summary>
public sealed class PostgresMediaKeySource(PostgresDatabase database) : IMediaKeySource
{
    private const string Name = "media_key";

    public async Task<byte[]> GetKeyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ReadOrCreateAsync(cancellationToken);
        }
        catch (DatabaseUnavailableException e)
        {
            throw new MediaKeyUnavailableException(e.Message, e);
        }
    }

    private Task<byte[]> ReadOrCreateAsync(CancellationToken cancellationToken) => database.RunAsync("media_key", async connection =>
    {
        await using var command = new NpgsqlCommand("""
            WITH inserted AS (
                INSERT INTO postcall_secrets (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING RETURNING value
            )
            SELECT value FROM inserted UNION ALL SELECT value FROM postcall_secrets WHERE name = @name LIMIT 1;
            """, connection);
        command.Parameters.AddWithValue("name", Name);
        command.Parameters.AddWithValue("value", RandomNumberGenerator.GetBytes(32));
        return (byte[])(await command.ExecuteScalarAsync(cancellationToken))!;
    });
}
