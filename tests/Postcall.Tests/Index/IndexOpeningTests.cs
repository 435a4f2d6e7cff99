using Microsoft.Data.Sqlite;
using Postcall.Index;
using Postcall.Sqlite;

namespace Postcall.Tests.Index;

public sealed class IndexOpeningTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("postcall-index-").FullName;

    private string PathOfIndex => Path.Combine(_folder, SqliteIndexFile.FileName);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_missing_index_is_created_and_a_healthy_one_opened()
    {
        var index = new SqliteIndexFile(PathOfIndex);
        Assert.Equal(IndexOpening.Created, index.Open().Opening);
        Assert.Equal(IndexOpening.Opened, index.Open().Opening);
        index.Close();
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_replaced()
    {
        File.WriteAllText(PathOfIndex, "this is not SQLite, just bytes that happen to be here");
        var index = new SqliteIndexFile(PathOfIndex);
        var (opening, reason) = index.Open();
        Assert.Equal(IndexOpening.Rebuilt, opening);
        Assert.Contains("not a database", reason, StringComparison.Ordinal);
        Assert.Equal(0, index.Count());
        index.Close();
    }

    [Fact]
    public void A_damaged_database_is_replaced()
    {
        var index = new SqliteIndexFile(PathOfIndex);
        index.Open();
        index.Refresh([.. Enumerable.Range(0, 400).Select(i => $"c{i}")], id => new ConversationFacts
        {
            ConversationId = id, StartedAt = 1, ReceivedAt = DateTimeOffset.UnixEpoch, FileStamp = "s", TranscriptText = new string('w', 500),
        });
        index.Close();
        CheckpointAndClose();

        // Overwrite pages in the middle of the file, as a bad disk or a stray write would.
        using (var file = new FileStream(PathOfIndex, FileMode.Open, FileAccess.Write))
        {
            file.Position = file.Length / 2;
            file.Write(Enumerable.Repeat((byte)0xA5, 16 * 1024).ToArray());
        }

        var reopened = new SqliteIndexFile(PathOfIndex);
        Assert.Equal(IndexOpening.Rebuilt, reopened.Open().Opening);
        Assert.Equal(0, reopened.Count());
        reopened.Close();
    }

    [Fact]
    public void An_index_of_another_schema_version_is_replaced()
    {
        var index = new SqliteIndexFile(PathOfIndex);
        index.Open();
        index.Close();
        using (var connection = new SqliteConnection($"Data Source={PathOfIndex};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }

        var (opening, reason) = new SqliteIndexFile(PathOfIndex).Open();
        Assert.Equal(IndexOpening.Rebuilt, opening);
        Assert.Contains("schema version 99", reason, StringComparison.Ordinal);
        new SqliteIndexFile(PathOfIndex).Close();
    }

    private void CheckpointAndClose()
    {
        using var connection = new SqliteConnection($"Data Source={PathOfIndex};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        command.ExecuteNonQuery();
    }
}
