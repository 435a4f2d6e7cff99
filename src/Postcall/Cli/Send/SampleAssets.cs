using System.Text.Json.Nodes;

namespace Postcall.Cli.Send;

/// <summary>ElevenLabs' documented example payloads and a short MP3, built into the executable.</summary>
internal static class SampleAssets
{
    public static JsonObject Json(string name)
    {
        using var stream = Open(name);
        return JsonNode.Parse(stream)!.AsObject();
    }

    public static Stream Open(string name) =>
        typeof(SampleAssets).Assembly.GetManifestResourceStream($"Postcall.Cli.Samples.{name}")
        ?? throw new InvalidOperationException($"Missing built-in sample {name}.");
}
