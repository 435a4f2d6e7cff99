using System.Net;
using System.Security.Cryptography;
using System.Text;
using Postcall.ElevenLabs;
using Postcall.Tests.Support;

namespace Postcall.Tests.Receiving;

/// <summary>A 50 MB recording, sent chunked over a real socket to real Kestrel, as ElevenLabs sends it.</summary>
public sealed class LargeAudioKestrelTests : IAsyncLifetime
{
    private const int AudioBytes = 50 * 1024 * 1024;
    private readonly string _bodyPath = Path.GetTempFileName();
    private KestrelHost _factory = null!;

    public async ValueTask InitializeAsync() => _factory = await KestrelHost.StartAsync();

    public async ValueTask DisposeAsync()
    {
        File.Delete(_bodyPath);
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_chunked_50_MB_audio_delivery_is_stored_exactly()
    {
        var ct = TestContext.Current.CancellationToken;
        var audioHash = await WriteAudioBodyAsync(_bodyPath, seed: 50);
        using var client = _factory.CreateClient();
        Assert.Equal("127.0.0.1", client.BaseAddress!.Host);

        string header;
        await using (var body = File.OpenRead(_bodyPath))
        {
            header = await SignatureSigner.SignAsync(Fixtures.Secret, Deliveries.Now, body, ct);
        }

        await using var stream = File.OpenRead(_bodyPath);
        var request = new HttpRequestMessage(HttpMethod.Post, Deliveries.Path) { Content = new StreamContent(stream, 64 * 1024) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.TryAddWithoutValidation(SignatureHeader.Name, header);

        var response = await Envelope.SendAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(AudioBytes, response.Data.GetProperty("file_size").GetInt64());
        var stored = Path.Combine(_factory.PayloadRoot, "big-call", "big-call_audio.mp3");
        await using var storedStream = File.OpenRead(stored);
        Assert.Equal(audioHash, await SHA256.HashDataAsync(storedStream, ct));
        PayloadRootAssertions.OnlyPayloadFiles(_factory.PayloadRoot);
    }

    /// <summary>Writes the JSON body with every '/' of the base64 escaped as '\/', streaming; returns the audio's hash.</summary>
    private static async Task<byte[]> WriteAudioBodyAsync(string path, int seed)
    {
        var random = new Random(seed);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = File.Create(path);
        await file.WriteAsync(Encoding.ASCII.GetBytes("{\"type\":\"post_call_audio\",\"event_timestamp\":1739537319,\"data\":{\"agent_id\":\"xyz\",\"conversation_id\":\"big-call\",\"full_audio\":\""));
        // Whole multiples of 3 bytes until the last piece, so padding appears only at the very end.
        var chunk = new byte[3 * 64 * 1024];
        for (var written = 0; written < AudioBytes; written += chunk.Length)
        {
            var piece = chunk.AsSpan(0, Math.Min(chunk.Length, AudioBytes - written));
            random.NextBytes(piece);
            hash.AppendData(piece);
            var base64 = Convert.ToBase64String(piece).Replace("/", "\\/", StringComparison.Ordinal);
            await file.WriteAsync(Encoding.ASCII.GetBytes(base64));
        }

        await file.WriteAsync("\"}}"u8.ToArray());
        return hash.GetHashAndReset();
    }
}
