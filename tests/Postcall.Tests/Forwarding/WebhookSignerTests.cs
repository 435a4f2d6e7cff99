using System.Diagnostics;
using System.Text;
using Postcall.Forwarding;

namespace Postcall.Tests.Forwarding;

public sealed class WebhookSignerTests
{
    [Fact]
    public void The_Standard_Webhooks_test_vector_signs_as_the_spec_says()
    {
        // From the Standard Webhooks specification's reference libraries.
        const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        var signature = WebhookSigner.Sign(Secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}"""u8);

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Pieces_sign_like_the_whole()
    {
        var secret = WebhookSigner.NewSecret();
        var body = Encoding.UTF8.GetBytes(new string('x', 100_000));
        using var signer = new WebhookSigner(secret, "fwd_1", 1700000000);
        foreach (var chunk in body.Chunk(777))
        {
            signer.Append(chunk);
        }

        Assert.Equal(WebhookSigner.Sign(secret, "fwd_1", 1700000000, body), signer.Finish());
    }

    [Fact]
    public async Task Python_standard_library_agrees()
    {
        var secret = WebhookSigner.NewSecret();
        const string Body = """{"type":"post_call_transcription","data":{"conversation_id":"c1"}}""";
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardInput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("import sys,hmac,hashlib,base64;s,i,t=sys.argv[1:4];b=sys.stdin.buffer.read();"
            + "print('v1,'+base64.b64encode(hmac.new(base64.b64decode(s[6:]),f'{i}.{t}.'.encode()+b,hashlib.sha256).digest()).decode())");
        info.ArgumentList.Add(secret);
        info.ArgumentList.Add("fwd_42");
        info.ArgumentList.Add("1700000001");
        using var python = Process.Start(info)!;
        await python.StandardInput.WriteAsync(Body);
        python.StandardInput.Close();
        var expected = (await python.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)).Trim();
        await python.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(expected, WebhookSigner.Sign(secret, "fwd_42", 1700000001, Encoding.UTF8.GetBytes(Body)));
    }

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true)]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false)]
    [InlineData("whsec_short", false)]
    [InlineData("whsec_not base64!!", false)]
    [InlineData("wsec_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    public void Secrets_must_be_whsec_and_base64_of_a_real_key(string secret, bool valid) =>
        Assert.Equal(valid, WebhookSigner.IsValidSecret(secret));

    [Fact]
    public void New_secrets_are_valid_and_different() =>
        Assert.True(WebhookSigner.IsValidSecret(WebhookSigner.NewSecret()) && WebhookSigner.NewSecret() != WebhookSigner.NewSecret());
}
