using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Postcall.ElevenLabs;

namespace Postcall.Benchmarks;

/// <summary>
/// The streaming path for post_call_audio: validate the JSON, find data.full_audio and base64-decode it, fed in the
/// 256 KB pieces the service reads. Throughput = body size / mean time.
/// </summary>
[MemoryDiagnoser]
public class AudioDecoderBenchmarks
{
    private const int Piece = 256 * 1024;
    private readonly ArrayBufferWriter<byte> _output = new(Piece);
    private byte[] _body = [];

    [Params(1, 16)]
    public int AudioMegabytes { get; set; }

    [Params(false, true)]
    public bool EscapedSlashes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var audio = new byte[AudioMegabytes * 1024 * 1024];
        new Random(2).NextBytes(audio);
        var base64 = Convert.ToBase64String(audio);
        if (EscapedSlashes)
        {
            base64 = base64.Replace("/", "\\/", StringComparison.Ordinal);
        }

        _body = Encoding.ASCII.GetBytes($"{{\"type\":\"post_call_audio\",\"event_timestamp\":1,\"data\":{{\"agent_id\":\"a\",\"conversation_id\":\"c\",\"full_audio\":\"{base64}\"}}}}");
    }

    [Benchmark]
    public int ScanAndDecode()
    {
        var scanner = new PostCallBodyScanner(_output);
        for (var i = 0; i < _body.Length; i += Piece)
        {
            scanner.Feed(_body.AsSpan(i, Math.Min(Piece, _body.Length - i)));
            _output.ResetWrittenCount();
        }

        scanner.Complete();
        return (int)scanner.Fields.Audio;
    }
}
