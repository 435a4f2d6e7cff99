using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using Postcall.ElevenLabs;

namespace Postcall.Benchmarks;

/// <summary>Verifying a signature: parse the header, HMAC-SHA256 over "t." + body, constant-time compare.</summary>
[MemoryDiagnoser]
public class SignatureVerifierBenchmarks
{
    private const long Now = 1_800_000_000;
    private byte[] _body = [];
    private string _header = string.Empty;
    private SignatureVerifier _verifier = null!;

    [Params(1, 16, 256, 4096)]
    public int BodyKilobytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = new byte[BodyKilobytes * 1024];
        new Random(1).NextBytes(_body);
        _header = SignatureSigner.Sign("wsec_benchmark", Now, _body);
        _verifier = new SignatureVerifier(["wsec_benchmark"], new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now)));
    }

    [Benchmark]
    public SignatureStatus Verify() => _verifier.Verify(_header, _body);
}
