using System.Text.Json;

namespace Postcall.Tests.Support;

/// <summary>The real ElevenLabs samples in <c>shared/fixtures/elevenlabs</c>, found beside the repository.</summary>
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
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "fixtures", "elevenlabs");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/fixtures/elevenlabs was not found beside the repository.");
    }
}

public sealed record GoldenVector(string File, long Timestamp, string Header);
