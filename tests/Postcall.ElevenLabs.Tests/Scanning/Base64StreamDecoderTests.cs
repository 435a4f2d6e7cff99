using System.Buffers;
using System.Text;

namespace Postcall.ElevenLabs.Tests.Scanning;

public sealed class Base64StreamDecoderTests
{
    private static (bool Ok, byte[] Output) Decode(string base64, Random random)
    {
        var output = new ArrayBufferWriter<byte>();
        var decoder = new Base64StreamDecoder(output);
        var bytes = Encoding.ASCII.GetBytes(base64);
        for (var i = 0; i < bytes.Length;)
        {
            var n = Math.Min(random.Next(1, 100_000), bytes.Length - i);
            decoder.Append(bytes.AsSpan(i, n));
            i += n;
        }

        return (decoder.Complete(), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Random_data_in_random_pieces_decodes_like_convert()
    {
        var random = new Random(42);
        foreach (var size in new[] { 0, 1, 2, 3, 4, 100, 65_535, 65_536, 65_537, 200_003, 1_000_000 })
        {
            var data = new byte[size];
            random.NextBytes(data);
            var (ok, output) = Decode(Convert.ToBase64String(data), random);
            Assert.True(ok, $"size {size}");
            Assert.Equal(data, output);
        }
    }

    [Fact]
    public void Whitespace_anywhere_is_ignored_as_convert_does()
    {
        var random = new Random(7);
        var data = new byte[150_000];
        random.NextBytes(data);
        var wrapped = Convert.ToBase64String(data, Base64FormattingOptions.InsertLineBreaks);
        var (ok, output) = Decode(wrapped, random);
        Assert.True(ok);
        Assert.Equal(Convert.FromBase64String(wrapped), output);
    }

    [Theory]
    [InlineData("QUJD!")]
    [InlineData("QUJDR")]
    [InlineData("QQ=")]
    [InlineData("QQ==QQ==")]
    [InlineData("=QUJD")]
    public void Invalid_base64_is_refused(string base64)
    {
        Assert.Throws<FormatException>(() => Convert.FromBase64String(base64));
        Assert.False(Decode(base64, new Random(1)).Ok);
    }

    [Fact]
    public void Padding_split_from_its_quad_at_a_window_edge_is_fine()
    {
        var data = new byte[(64 * 1024 / 4 * 3) + 1];
        new Random(3).NextBytes(data);
        var base64 = Convert.ToBase64String(data);
        Assert.EndsWith("==", base64, StringComparison.Ordinal);
        var output = new ArrayBufferWriter<byte>();
        var decoder = new Base64StreamDecoder(output);
        foreach (var b in Encoding.ASCII.GetBytes(base64))
        {
            decoder.Append(b);
        }

        Assert.True(decoder.Complete());
        Assert.Equal(data, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_quad_split_by_a_line_break_at_a_window_edge_is_not_taken_for_invalid()
    {
        // Base64.DecodeFromUtf8 calls "QU\r\nJD" at the end of a non-final block invalid; the decoder must not.
        var data = new byte[60_000];
        new Random(1).NextBytes(data);
        var base64 = Convert.ToBase64String(data);
        var wrapped = new StringBuilder();
        for (var i = 0; i < base64.Length; i++)
        {
            wrapped.Append(i % 50 == 0 ? "\r\n" : string.Empty).Append(base64[i]);
        }

        for (var piece = 65_530; piece <= 65_540; piece++)
        {
            var (ok, output) = Decode(wrapped.ToString(), new FixedPieces(piece));
            Assert.True(ok, $"pieces of {piece}");
            Assert.Equal(data, output);
        }
    }

    /// <summary>A "random" source that always cuts pieces of the same size.</summary>
    private sealed class FixedPieces(int size) : Random
    {
        public override int Next(int minValue, int maxValue) => size;
    }
}
