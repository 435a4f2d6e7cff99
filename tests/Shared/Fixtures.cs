using System.Text.Json;

namespace Postcall.Tests.Support;

/// <summary>
/// The repository's ElevenLabs samples (<c>samples/elevenlabs</c>), copied next to the test assembly by the build, so
/// the tests need nothing outside the repository.
/// </summary>
public static class Fixtures
{
    public const string Secret = "wsec_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static string Directory { get; } = Locate();

    public static string PathOf(string name) => System.IO.Path.Combine(Directory, name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static IReadOnlyList<GoldenVector> Vectors()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(PathOf("signatures.json")));
        return [.. doc.RootElement.GetProperty("vectors").EnumerateArray().Select(v => new GoldenVector(
            v.GetProperty("file").GetString()!, v.GetProperty("timestamp").GetInt64(), v.GetProperty("header").GetString()!))];
    }

    public static string VectorSecret()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(PathOf("signatures.json")));
        return doc.RootElement.GetProperty("secret").GetString()!;
    }

    private static string Locate()
    {
        var folder = System.IO.Path.Combine(AppContext.BaseDirectory, "samples", "elevenlabs");
        return System.IO.Directory.Exists(folder)
            ? folder
            : throw new DirectoryNotFoundException($"{folder} is missing: the test project copies samples/elevenlabs there when it builds.");
    }
}

public sealed record GoldenVector(string File, long Timestamp, string Header);
