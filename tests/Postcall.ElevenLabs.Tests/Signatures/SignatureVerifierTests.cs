using System.Text;
using Microsoft.Extensions.Time.Testing;
using Postcall.Tests.Support;

namespace Postcall.ElevenLabs.Tests.Signatures;

public sealed class SignatureVerifierTests(ITestOutputHelper output)
{
    private static readonly byte[] Body = """{"type":"post_call_transcription","data":{"conversation_id":"abc"}}"""u8.ToArray();

    public static TheoryData<string> VectorFiles => [.. Fixtures.Vectors().Select(v => v.File)];

    private static SignatureVerifier VerifierAt(long unixSeconds, params string[] secrets) =>
        new(secrets.Length == 0 ? [Fixtures.Secret] : secrets, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));

    [Theory]
    [MemberData(nameof(VectorFiles))]
    public void Golden_vectors_verify_at_their_own_time(string file)
    {
        var vector = Fixtures.Vectors().Single(v => v.File == file);
        output.WriteLine($"Regenerate with: (printf '{vector.Timestamp}.'; cat {file}) | openssl dgst -sha256 -hmac \"$SECRET\"");
        var body = Fixtures.Bytes(file);

        Assert.Equal(SignatureStatus.Valid, VerifierAt(vector.Timestamp, Fixtures.VectorSecret()).Verify(vector.Header, body));
        Assert.Equal(vector.Header, SignatureSigner.Sign(Fixtures.VectorSecret(), vector.Timestamp, body));
    }

    [Theory]
    [MemberData(nameof(VectorFiles))]
    public async Task Golden_vectors_verify_over_a_stream(string file)
    {
        var vector = Fixtures.Vectors().Single(v => v.File == file);
        await using var body = File.OpenRead(Fixtures.PathOf(file));
        var status = await VerifierAt(vector.Timestamp).VerifyAsync(vector.Header, body, TestContext.Current.CancellationToken);
        Assert.Equal(SignatureStatus.Valid, status);
    }

    [Fact]
    public void A_single_changed_byte_does_not_verify()
    {
        var vector = Fixtures.Vectors()[0];
        var body = Fixtures.Bytes(vector.File);
        body[^2] ^= 0x01;
        Assert.Equal(SignatureStatus.Mismatch, VerifierAt(vector.Timestamp).Verify(vector.Header, body));
    }

    [Fact]
    public void The_wrong_secret_does_not_verify()
    {
        var header = SignatureSigner.Sign("wsec_other", 1000, Body);
        Assert.Equal(SignatureStatus.Mismatch, VerifierAt(1000).Verify(header, Body));
    }

    [Fact]
    public void Any_configured_secret_may_match_for_rotation()
    {
        var header = SignatureSigner.Sign("wsec_new", 1000, Body);
        Assert.Equal(SignatureStatus.Valid, VerifierAt(1000, "wsec_old", "wsec_new").Verify(header, Body));
    }

    [Fact]
    public void The_secret_prefix_is_part_of_the_key()
    {
        var header = SignatureSigner.Sign(Fixtures.Secret["wsec_".Length..], 1000, Body);
        Assert.Equal(SignatureStatus.Mismatch, VerifierAt(1000).Verify(header, Body));
    }

    [Theory]
    [InlineData(0, SignatureStatus.Valid)]
    [InlineData(1800, SignatureStatus.Valid)]
    [InlineData(1801, SignatureStatus.TimestampOutOfTolerance)]
    [InlineData(-1800, SignatureStatus.Valid)]
    [InlineData(-1801, SignatureStatus.TimestampOutOfTolerance)]
    [InlineData(86400 * 365, SignatureStatus.TimestampOutOfTolerance)]
    public void Timestamps_within_30_minutes_either_way_are_accepted(long ageSeconds, SignatureStatus expected)
    {
        const long now = 1_800_000_000;
        var header = SignatureSigner.Sign(Fixtures.Secret, now - ageSeconds, Body);
        Assert.Equal(expected, VerifierAt(now).Verify(header, Body));
    }

    [Fact]
    public void Parts_may_come_in_any_order_with_spaces_and_several_v0()
    {
        var good = SignatureSigner.Sign(Fixtures.Secret, 1000, Body).Split(',')[1]["v0=".Length..];
        var wrong = new string('0', 64);
        var header = $" v0={wrong} , v1=whatever,  v0 = {good} ,t=1000 ";
        Assert.Equal(SignatureStatus.Valid, VerifierAt(1000).Verify(header, Body));
    }

    [Fact]
    public void Uppercase_hex_names_the_same_mac()
    {
        var header = SignatureSigner.Sign(Fixtures.Secret, 1000, Body);
        Assert.Equal(SignatureStatus.Valid, VerifierAt(1000).Verify(header.ToUpperInvariant().Replace("T=", "t=", StringComparison.Ordinal).Replace("V0=", "v0=", StringComparison.Ordinal), Body));
    }

    [Theory]
    [InlineData(null, SignatureStatus.Missing)]
    [InlineData("", SignatureStatus.Missing)]
    [InlineData("   ", SignatureStatus.Missing)]
    [InlineData("garbage", SignatureStatus.Malformed)]
    [InlineData("t=1000", SignatureStatus.Malformed)]
    [InlineData("v0=0000000000000000000000000000000000000000000000000000000000000000", SignatureStatus.Malformed)]
    [InlineData("t=,v0=0000000000000000000000000000000000000000000000000000000000000000", SignatureStatus.Malformed)]
    [InlineData("t=abc,v0=0000000000000000000000000000000000000000000000000000000000000000", SignatureStatus.Malformed)]
    [InlineData("t=-5,v0=0000000000000000000000000000000000000000000000000000000000000000", SignatureStatus.Malformed)]
    [InlineData("t=1.5,v0=0000000000000000000000000000000000000000000000000000000000000000", SignatureStatus.Malformed)]
    [InlineData("t=99999999999999999999999,v0=0000000000000000000000000000000000000000000000000000000000000000", SignatureStatus.Malformed)]
    [InlineData("t=1000,t=1000,v0=0000000000000000000000000000000000000000000000000000000000000000", SignatureStatus.Malformed)]
    [InlineData("t=1000,v0=", SignatureStatus.Malformed)]
    [InlineData("t=1000,v0=abc", SignatureStatus.Malformed)]
    [InlineData("t=1000,v0=zz00000000000000000000000000000000000000000000000000000000000000", SignatureStatus.Malformed)]
    [InlineData("t=1000,v0=00000000000000000000000000000000000000000000000000000000000000000", SignatureStatus.Malformed)]
    [InlineData("t=1000;v0=0000000000000000000000000000000000000000000000000000000000000000", SignatureStatus.Malformed)]
    [InlineData("t=1000,=x,v0=0000000000000000000000000000000000000000000000000000000000000000", SignatureStatus.Malformed)]
    [InlineData("t=1000,v0=0000000000000000000000000000000000000000000000000000000000000000", SignatureStatus.Mismatch)]
    [InlineData("t=5000,v0=0000000000000000000000000000000000000000000000000000000000000000", SignatureStatus.TimestampOutOfTolerance)]
    public void Malformed_headers_are_told_apart(string? header, SignatureStatus expected) =>
        Assert.Equal(expected, VerifierAt(1000).Verify(header, Body));

    [Fact]
    public void An_oversized_header_is_malformed_not_scanned()
    {
        var header = "t=1000," + string.Join(',', Enumerable.Repeat("v1=" + new string('a', 64), 200));
        Assert.Equal(SignatureStatus.Malformed, VerifierAt(1000).Verify(header, Body));
    }

    [Fact]
    public void Feeding_the_body_in_pieces_gives_the_same_result()
    {
        var header = SignatureSigner.Sign(Fixtures.Secret, 1000, Body);
        using var check = VerifierAt(1000).Begin(header);
        foreach (var b in Body)
        {
            check.Append([b]);
        }

        Assert.Equal(SignatureStatus.Valid, check.Complete());
    }

    [Fact]
    public void The_signer_matches_openssl_for_a_body_with_non_ascii_text()
    {
        // (printf '1700000000.'; printf '{"m":"héllo"}') | openssl dgst -sha256 -hmac wsec_test
        var body = Encoding.UTF8.GetBytes("""{"m":"héllo"}""");
        var header = SignatureSigner.Sign("wsec_test", 1_700_000_000, body);
        Assert.Equal("t=1700000000,v0=87bb16a44e7336c1fcdcd07bd85281425aad36b209957c813c97202288a76adf", header);
        Assert.Equal(SignatureStatus.Valid, VerifierAt(1_700_000_000, "wsec_test").Verify(header, body));
    }

    [Fact]
    public void A_verifier_needs_a_secret() =>
        Assert.Throws<ArgumentException>(() => new SignatureVerifier([], TimeProvider.System));
}
