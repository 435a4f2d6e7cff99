using System.Net;
using System.Net.Sockets;
using System.Text;
using Postcall.Forwarding;
using Postcall.Tests.Support;

namespace Postcall.Tests.Forwarding;

/// <summary>
/// A destination controls the text Postcall keeps about its attempts (its status line, its body). A hostile one gets
/// no more than the documented 1 KB of it kept per attempt, with its escape sequences made harmless.
/// </summary>
public sealed class HostileDestinationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_huge_invalid_status_line_with_escape_sequences_is_kept_to_1_KB_per_attempt_and_neutralised()
    {
        // 60 KB of status line, full of terminal escapes and line breaks, then nothing: not HTTP at all.
        var line = "HTTP/1.1 200 " + string.Concat(Enumerable.Repeat("\u001b[2J\u001b]0;pwned\u0007\r\nSet-Cookie: x\u202e", 2600));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var answering = AnswerEveryConnectionAsync(listener, Encoding.UTF8.GetBytes(line + "\r\n\r\n"));
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/hook";

        await using var host = await ForwardingHost.StartAsync(fromEnvironment: false, schedule: "0s,0s,0s",
            settings: new() { [ForwardSettings.UrlsVariable] = url });
        await host.DeliverAsync(Deliveries.Transcription("fwd-hostile"));
        var forward = (await host.ForwardsAsync("fwd-hostile", f => ForwardingHost.AllHaveStatus(f, "dead")))[0];
        var detail = (await host.GetAsync($"/api/forwards/{forward.GetProperty("id").GetString()}")).Data;

        var texts = detail.GetProperty("attempt_log").EnumerateArray()
            .SelectMany(a => new[] { a.GetProperty("error").GetString(), a.GetProperty("response").GetString() })
            .Append(detail.GetProperty("last_error").GetString())
            .OfType<string>().ToList();
        Assert.Equal(3, detail.GetProperty("attempt_log").GetArrayLength());
        Assert.NotEmpty(texts);
        foreach (var text in texts)
        {
            Assert.InRange(text.Length, 1, ForwardAttempt.MaxResponseChars);
            Assert.DoesNotContain('\u001b', text);
            Assert.DoesNotContain('\u0007', text);
            Assert.DoesNotContain('\n', text);
            Assert.DoesNotContain('\u202e', text);
        }

        listener.Stop();
        await answering;
    }

    private static async Task AnswerEveryConnectionAsync(TcpListener listener, byte[] answer)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(Cancel);
                var stream = client.GetStream();
                var buffer = new byte[64 * 1024];
                // Read the request's head (the body may follow; it does not matter), answer, close.
                _ = await stream.ReadAtLeastAsync(buffer, 1, throwOnEndOfStream: false, Cancel);
                await stream.WriteAsync(answer, Cancel);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException or IOException or OperationCanceledException)
        {
        }
    }
}
