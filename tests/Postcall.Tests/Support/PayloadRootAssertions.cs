namespace Postcall.Tests.Support;

public static class PayloadRootAssertions
{
    /// <summary>The root holds no conversation folder and the temp folder is empty.</summary>
    public static void NothingStored(string root)
    {
        var entries = Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName).ToList();
        Assert.True(entries.All(e => e == ".postcall"), $"unexpected entries in the payload root: {string.Join(", ", entries)}");
        NoTempLeft(root);
    }

    public static void NoTempLeft(string root)
    {
        var temp = Path.Combine(root, ".postcall", "tmp");
        var left = Directory.Exists(temp) ? Directory.GetFiles(temp) : [];
        Assert.True(left.Length == 0, $"temp files left behind: {string.Join(", ", left.Select(f => $"{Path.GetFileName(f)} ({new FileInfo(f).Length} bytes)"))}");
    }

    /// <summary>Every file in the root is a payload inside its conversation folder, with its conversation's name.</summary>
    public static void OnlyPayloadFiles(string root)
    {
        foreach (var dir in Directory.EnumerateDirectories(root).Where(d => Path.GetFileName(d) != ".postcall"))
        {
            Assert.True(Postcall.Storage.ConversationId.TryParse(Path.GetFileName(dir), out var id), $"{dir} is not a conversation folder");
            foreach (var file in Directory.EnumerateFileSystemEntries(dir))
            {
                Assert.True(Postcall.Storage.PayloadKind.TryFromFileName(id, Path.GetFileName(file), out _), $"{file} is not a payload file");
            }
        }

        Assert.Empty(Directory.EnumerateFiles(root));
        NoTempLeft(root);
    }
}
