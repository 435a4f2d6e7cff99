namespace Postcall.Tests.Support;

/// <summary>The repository the tests were built from: its scripts and docs, run and read as a user would.</summary>
public static class Repository
{
    /// <summary>The folder that holds <c>Postcall.slnx</c>, found upwards from the test assembly.</summary>
    public static string Root { get; } = Locate();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string Locate()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Postcall.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Postcall.slnx above {AppContext.BaseDirectory}");
    }
}
