using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Postcall.Forwarding;
using Postcall.Hosting;
using Postcall.Tests.Support;

namespace Postcall.Tests.Forwarding;

/// <summary>Deliveries in, forwards out to a real receiver on a socket: what is sent, how it is signed, retried, replayed.</summary>
public sealed class ForwardingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Standard Webhooks, checked without Postcall's signer: HMAC-SHA256 over "id.timestamp.body", keyed with the decoded secret.</summary>
    private static bool SignatureChecks(ForwardReceiver.Received request, string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signed = Encoding.UTF8.GetBytes($"{request.WebhookId}.{request.Header("webhook-timestamp")}.").Concat(request.ReadBody()).ToArray();
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
        return request.Header("webhook-signature")!.Split(' ').Contains(expected);
    }

    [Fact]
    public async Task A_transcription_that_fails_twice_is_delivered_on_the_third_attempt_with_one_webhook_id_signed_and_byte_exact()
    {
        await using var host = await ForwardingHost.StartAsync();
        host.Receiver.Respond = (_, seen) => seen <= 2 ? new(503, "busy, try later") : ForwardReceiver.Answer.Ok;
        var body = Deliveries.Transcription("fwd-three");

        var delivered = await host.DeliverAsync(body);

        Assert.Equal(HttpStatusCode.OK, delivered.Status);
        var forwards = await host.ForwardsAsync("fwd-three", f => ForwardingHost.AllHaveStatus(f, "delivered"));
        var requests = await host.Receiver.WaitForAsync(_ => true, count: 3);
        Assert.Equal(3, requests.Count);
        Assert.Single(requests.Select(r => r.WebhookId).Distinct());
        Assert.Equal(forwards[0].GetProperty("id").GetString(), requests[0].WebhookId);
        var secret = await host.SecretAsync();
        Assert.All(requests, r =>
        {
            Assert.True(SignatureChecks(r, secret));
            Assert.Equal(Encoding.UTF8.GetBytes(body), r.ReadBody());
            Assert.Equal("application/json", r.Header("content-type"));
            Assert.Equal("post_call_transcription", r.Header(ForwardSender.EventTypeHeader));
            Assert.Equal("fwd-three", r.Header(ForwardSender.ConversationHeader));
        });
        Assert.Equal(["1", "2", "3"], requests.Select(r => r.Header(ForwardSender.AttemptHeader)));

        // Every attempt is kept: the two failures with their status and answer, then the success.
        var detail = await host.GetAsync($"/api/forwards/{requests[0].WebhookId}");
        var attempts = detail.Data.GetProperty("attempt_log").EnumerateArray().ToArray();
        Assert.Equal([503, 503, 200], attempts.Select(a => a.GetProperty("status_code").GetInt32()));
        Assert.Equal("busy, try later", attempts[0].GetProperty("response").GetString());
        Assert.Equal([false, false, true], attempts.Select(a => a.GetProperty("succeeded").GetBoolean()));
        Assert.Equal(3, detail.Data.GetProperty("attempts").GetInt32());

        // Nothing more is sent once it is delivered.
        await Task.Delay(1500, Cancel);
        Assert.Equal(3, host.Receiver.Requests.Count);
    }

    [Fact]
    public async Task Audio_is_forwarded_as_ElevenLabs_envelope_rebuilt_from_the_stored_recording()
    {
        await using var host = await ForwardingHost.StartAsync();
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        var original = Deliveries.Audio("fwd-audio", mp3);

        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(original)).Status);

        var request = (await host.Receiver.WaitForAsync(r => r.Header(ForwardSender.EventTypeHeader) == "post_call_audio"))[0];
        Assert.True(SignatureChecks(request, await host.SecretAsync()));
        using var sent = JsonDocument.Parse(request.ReadBody());
        using var received = JsonDocument.Parse(original);
        Assert.Equal("post_call_audio", sent.RootElement.GetProperty("type").GetString());
        Assert.Equal(received.RootElement.GetProperty("event_timestamp").GetInt64(), sent.RootElement.GetProperty("event_timestamp").GetInt64());
        var data = sent.RootElement.GetProperty("data");
        Assert.Equal("xyz", data.GetProperty("agent_id").GetString());
        Assert.Equal("fwd-audio", data.GetProperty("conversation_id").GetString());
        Assert.Equal(mp3, Convert.FromBase64String(data.GetProperty("full_audio").GetString()!));
        Assert.Equal(request.Length, long.Parse(request.Header("content-length")!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_forward_is_dead_after_the_schedule_and_a_replay_delivers_it_with_the_same_webhook_id()
    {
        await using var host = await ForwardingHost.StartAsync(schedule: "0s,200ms");
        host.Receiver.Respond = (_, _) => new(500, "down");
        await host.DeliverAsync(Deliveries.Failure("fwd-dead"));

        var dead = await host.ForwardsAsync("fwd-dead", f => ForwardingHost.AllHaveStatus(f, "dead"));
        var id = dead[0].GetProperty("id").GetString()!;
        Assert.Equal(2, dead[0].GetProperty("attempts").GetInt32());
        Assert.Equal(500, dead[0].GetProperty("last_status_code").GetInt32());
        var listed = await host.GetAsync($"/api/forwards?status=dead&destination={dead[0].GetProperty("destination_id").GetString()}");
        Assert.Equal(id, Assert.Single(listed.Data.GetProperty("forwards").EnumerateArray()).GetProperty("id").GetString());
        var health = (await host.GetAsync("/api/destinations")).Data.GetProperty("destinations")[0].GetProperty("health");
        Assert.Equal(1, health.GetProperty("dead").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, health.GetProperty("failing_since").ValueKind);

        host.Receiver.Respond = (_, _) => ForwardReceiver.Answer.Ok;
        var retried = await host.PostAsync($"/api/forwards/{id}/retry");
        Assert.Equal(HttpStatusCode.OK, retried.Status);

        await host.ForwardsAsync("fwd-dead", f => ForwardingHost.AllHaveStatus(f, "delivered"));
        var requests = host.Receiver.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.All(requests, r => Assert.Equal(id, r.WebhookId));
    }

    [Fact]
    public async Task Every_dead_forward_of_a_destination_is_sent_again_by_one_call()
    {
        await using var host = await ForwardingHost.StartAsync(schedule: "0s");
        host.Receiver.Respond = (_, _) => new(502, "bad gateway");
        await host.DeliverAsync(Deliveries.Transcription("fwd-many-1"));
        await host.DeliverAsync(Deliveries.Transcription("fwd-many-2"));
        await host.ForwardsAsync("fwd-many-1", f => ForwardingHost.AllHaveStatus(f, "dead"));
        await host.ForwardsAsync("fwd-many-2", f => ForwardingHost.AllHaveStatus(f, "dead"));
        var destination = (await host.GetAsync("/api/destinations")).Data.GetProperty("destinations")[0].GetProperty("id").GetString();

        host.Receiver.Respond = (_, _) => ForwardReceiver.Answer.Ok;
        var retried = await host.PostAsync($"/api/destinations/{destination}/retry-failed");

        Assert.Equal(2, retried.Data.GetProperty("retried").GetInt32());
        await host.ForwardsAsync("fwd-many-1", f => ForwardingHost.AllHaveStatus(f, "delivered"));
        await host.ForwardsAsync("fwd-many-2", f => ForwardingHost.AllHaveStatus(f, "delivered"));
    }

    [Fact]
    public async Task Gone_is_dead_at_once_and_other_client_errors_are_retried()
    {
        await using var host = await ForwardingHost.StartAsync(schedule: "0s,100ms,100ms");
        host.Receiver.Respond = (r, _) => r.Header(ForwardSender.ConversationHeader) == "fwd-gone" ? new(410, "gone") : new(404, "no such route");
        await host.DeliverAsync(Deliveries.Transcription("fwd-gone"));
        await host.DeliverAsync(Deliveries.Transcription("fwd-404"));

        var gone = await host.ForwardsAsync("fwd-gone", f => ForwardingHost.AllHaveStatus(f, "dead"));
        var missing = await host.ForwardsAsync("fwd-404", f => ForwardingHost.AllHaveStatus(f, "dead"));

        Assert.Equal(1, gone[0].GetProperty("attempts").GetInt32());
        Assert.Contains("410", gone[0].GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, missing[0].GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task Retry_After_of_a_429_puts_the_next_attempt_no_earlier_than_it_asks()
    {
        await using var host = await ForwardingHost.StartAsync(schedule: "0s,1s");
        host.Receiver.Respond = (_, _) => new(429, "slow down", RetryAfter: "120");
        var before = DateTimeOffset.UtcNow;
        await host.DeliverAsync(Deliveries.Transcription("fwd-429"));

        var pending = await host.ForwardsAsync("fwd-429", f => f.Length == 1 && f[0].GetProperty("attempts").GetInt32() == 1);

        Assert.Equal("pending", pending[0].GetProperty("status").GetString());
        Assert.True(pending[0].GetProperty("next_attempt_at").GetDateTimeOffset() >= before.AddSeconds(119));
    }

    [Fact]
    public async Task Redirects_are_not_followed()
    {
        await using var host = await ForwardingHost.StartAsync(schedule: "0s");
        host.Receiver.Respond = (r, _) => r.Path == "/hook" ? new(307, "elsewhere", Location: new Uri(host.Receiver.BaseAddress, "/elsewhere").AbsoluteUri) : ForwardReceiver.Answer.Ok;
        await host.DeliverAsync(Deliveries.Transcription("fwd-redirect"));

        var dead = await host.ForwardsAsync("fwd-redirect", f => ForwardingHost.AllHaveStatus(f, "dead"));

        Assert.Equal(307, dead[0].GetProperty("last_status_code").GetInt32());
        Assert.DoesNotContain(host.Receiver.Requests, r => r.Path == "/elsewhere");
    }

    [Fact]
    public async Task A_redelivery_of_the_same_bytes_forwards_nothing_more()
    {
        await using var host = await ForwardingHost.StartAsync();
        var body = Deliveries.Transcription("fwd-dup");
        await host.DeliverAsync(body);
        await host.ForwardsAsync("fwd-dup", f => ForwardingHost.AllHaveStatus(f, "delivered"));

        var again = await host.DeliverAsync(body);

        Assert.True(again.Data.GetProperty("duplicate").GetBoolean());
        await Task.Delay(1000, Cancel);
        Assert.Single((await host.GetAsync("/api/forwards?conversation=fwd-dup")).Data.GetProperty("forwards").EnumerateArray());
        Assert.Single(host.Receiver.Requests);
    }

    [Fact]
    public async Task Two_copies_of_a_new_call_arriving_at_once_are_forwarded_once()
    {
        await using var host = await ForwardingHost.StartAsync();
        var ids = Enumerable.Range(0, 20).Select(i => $"fwd-twice-{i}").ToArray();

        var answers = await Task.WhenAll(ids.SelectMany(id => new[] { id, id }).Select(id => Task.Run(() => host.DeliverAsync(Deliveries.Transcription(id)))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(ids.Length, answers.Count(a => !a.Data.GetProperty("duplicate").GetBoolean()));
        foreach (var id in ids)
        {
            await host.ForwardsAsync(id, f => ForwardingHost.AllHaveStatus(f, "delivered"));
        }

        await host.Receiver.WaitForAsync(_ => true, ids.Length);
        await Task.Delay(1000, Cancel);
        Assert.Equal(ids.Length, host.Receiver.Requests.Count);
    }

    [Fact]
    public async Task A_payload_stored_before_a_crash_that_kept_its_forwards_from_being_recorded_is_forwarded_when_ElevenLabs_retries()
    {
        await using var host = await ForwardingHost.StartAsync();
        var body = Deliveries.Transcription("fwd-crashed");
        // The crash window: the payload reached the disk, the process died before its forwards were recorded.
        Directory.CreateDirectory(Path.Combine(host.Factory.PayloadRoot, "fwd-crashed"));
        await File.WriteAllTextAsync(Path.Combine(host.Factory.PayloadRoot, "fwd-crashed", "fwd-crashed_transcription.json"), body, Cancel);

        var retry = await host.DeliverAsync(body);

        Assert.True(retry.Data.GetProperty("duplicate").GetBoolean());
        await host.ForwardsAsync("fwd-crashed", f => ForwardingHost.AllHaveStatus(f, "delivered"));
        Assert.Equal(Encoding.UTF8.GetBytes(body), Assert.Single(host.Receiver.Requests).ReadBody());
    }

    [Fact]
    public async Task A_paused_destination_receives_nothing_until_it_is_resumed()
    {
        await using var host = await ForwardingHost.StartAsync(fromEnvironment: false,
            settings: new() { [ForwardSettings.AllowPrivateVariable] = "true" });
        var created = await host.PostAsync("/api/destinations", new { url = host.Receiver.Url.AbsoluteUri, enabled = false });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = created.Data.GetProperty("id").GetString();

        await host.DeliverAsync(Deliveries.Transcription("fwd-paused"));
        await Task.Delay(1500, Cancel);
        Assert.Empty(host.Receiver.Requests);
        var waiting = await host.ForwardsAsync("fwd-paused", f => ForwardingHost.AllHaveStatus(f, "pending"));
        Assert.Equal(0, waiting[0].GetProperty("attempts").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await host.PatchAsync($"/api/destinations/{id}", new { enabled = true })).Status);

        await host.ForwardsAsync("fwd-paused", f => ForwardingHost.AllHaveStatus(f, "delivered"));
        Assert.True(SignatureChecks(Assert.Single(host.Receiver.Requests), created.Data.GetProperty("secret").GetString()!));
    }

    [Fact]
    public async Task Destinations_receive_only_the_kinds_and_agents_they_name_with_their_own_headers()
    {
        await using var host = await ForwardingHost.StartAsync(fromEnvironment: false,
            settings: new() { [ForwardSettings.AllowPrivateVariable] = "true" });
        var created = await host.PostAsync("/api/destinations", new
        {
            url = host.Receiver.Url.AbsoluteUri,
            kinds = new[] { "failure" },
            agent_ids = new[] { "xyz" },
            headers = new Dictionary<string, string> { ["Authorization"] = "Bearer downstream-token" },
        });
        Assert.Equal(HttpStatusCode.Created, created.Status);

        await host.DeliverAsync(Deliveries.Transcription("fwd-kind"));
        await host.DeliverAsync(Deliveries.Failure("fwd-kind"));
        await host.DeliverAsync(Deliveries.Failure("fwd-other-agent").Replace("\"xyz\"", "\"another\"", StringComparison.Ordinal));

        var request = (await host.Receiver.WaitForAsync(_ => true))[0];
        await Task.Delay(1000, Cancel);
        Assert.Single(host.Receiver.Requests);
        Assert.Equal("call_initiation_failure", request.Header(ForwardSender.EventTypeHeader));
        Assert.Equal("Bearer downstream-token", request.Header("authorization"));

        // A reader sees the destination but neither its secret nor its header values.
        var read = (await host.GetAsync("/api/destinations")).Data.GetProperty("destinations")[0];
        Assert.Equal(JsonValueKind.Null, read.GetProperty("secret").ValueKind);
        Assert.Equal(DestinationView.Hidden, read.GetProperty("headers").GetProperty("Authorization").GetString());
    }

    [Theory]
    [InlineData("/hook?token=s3cret-token&x=1", "/hook?(hidden)")]
    [InlineData("/hook", "/hook")]
    public async Task Read_keys_see_a_destination_url_without_its_query_string(string pathAndQuery, string shownPath)
    {
        await using var host = await ForwardingHost.StartAsync(fromEnvironment: false,
            settings: new() { [ForwardSettings.AllowPrivateVariable] = "true" });
        var url = $"http://{host.Receiver.Url.Authority}{pathAndQuery}";
        var created = await host.PostAsync("/api/destinations", new { url });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = created.Data.GetProperty("id").GetString();

        foreach (var read in new[] { (await host.GetAsync("/api/destinations")).Data.GetProperty("destinations")[0], (await host.GetAsync($"/api/destinations/{id}")).Data })
        {
            var shown = read.GetProperty("url").GetString()!;
            Assert.Equal($"http://{host.Receiver.Url.Authority}{shownPath}", shown);
            Assert.DoesNotContain("s3cret", shown, StringComparison.Ordinal);
        }

        // An admin key holder, who may change it, sees it whole.
        var admin = (await host.GetAsync($"/api/destinations/{id}", ForwardingHost.AdminKey)).Data;
        Assert.Equal(new Uri(url).AbsoluteUri, admin.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Destinations_made_through_the_API_must_be_public_even_when_the_address_changes_after_they_are_made()
    {
        await using var host = await ForwardingHost.StartAsync(fromEnvironment: false);

        foreach (var url in new[] { host.Receiver.Url.AbsoluteUri, "http://10.1.2.3/hook", "http://[::1]:8080/", "http://169.254.169.254/latest/meta-data",
            "http://[64:ff9b::7f00:1]:9100/", "http://[64:ff9b::a9fe:a9fe]/latest/meta-data", "http://[2002:a9fe:a9fe::1]/", "http://[::ffff:0:127.0.0.1]/",
            "http://[fec0::1]/", "http://192.0.2.1/", "http://[2001:db8::1]/" })
        {
            var refused = await host.PostAsync("/api/destinations", new { url });
            Assert.Equal("destination_not_public", refused.AssertError(HttpStatusCode.BadRequest));
        }

        // As if its name had resolved to a public address when it was made and to the receiver's loopback now.
        var outbox = host.Factory.Services.GetRequiredService<IForwardOutbox>();
        await outbox.SaveDestinationAsync(new Destination
        {
            Id = "dst_rebound",
            Url = new UriBuilder(host.Receiver.Url) { Host = "localhost" }.Uri,
            Secret = WebhookSigner.NewSecret(),
            Source = DestinationSource.Api,
            CreatedAt = DateTimeOffset.UtcNow,
        }, Cancel);
        await host.DeliverAsync(Deliveries.Transcription("fwd-rebound"));

        var forwards = await host.ForwardsAsync("fwd-rebound", f => f.Length == 1 && f[0].GetProperty("attempts").GetInt32() >= 1);
        var error = forwards[0].GetProperty("last_error").GetString()!;
        Assert.Contains("not a public address", error, StringComparison.Ordinal);
        // What an internal name resolves to is not told to whoever reads the forward (a read key): no DNS oracle.
        Assert.DoesNotContain("127.0.0.1", error, StringComparison.Ordinal);
        Assert.DoesNotContain("::1", error, StringComparison.Ordinal);
        Assert.Empty(host.Receiver.Requests);
    }

    [Fact]
    public async Task Changing_destinations_and_replaying_need_the_admin_key()
    {
        await using var host = await ForwardingHost.StartAsync();
        var destination = (await host.GetAsync("/api/destinations")).Data.GetProperty("destinations")[0].GetProperty("id").GetString();

        Assert.Equal("admin_key_required", (await host.PostAsync("/api/destinations", new { url = "https://example.com/" }, ForwardingHost.ReadKey))
            .AssertError(HttpStatusCode.Forbidden));
        Assert.Equal("admin_key_required", (await host.PatchAsync($"/api/destinations/{destination}", new { enabled = false }, ForwardingHost.ReadKey))
            .AssertError(HttpStatusCode.Forbidden));
        Assert.Equal("admin_key_required", (await host.PostAsync("/api/forwards/fwd_x/retry", key: ForwardingHost.ReadKey)).AssertError(HttpStatusCode.Forbidden));
        Assert.Equal("admin_key_required", (await host.PostAsync("/api/conversations/c1/forward", key: ForwardingHost.ReadKey)).AssertError(HttpStatusCode.Forbidden));
        Assert.Equal("api_key_invalid", (await host.PostAsync("/api/destinations", new { url = "https://example.com/" }, "wrong-key-0000000000")).AssertError(HttpStatusCode.Unauthorized));
        Assert.Equal("api_key_missing", (await host.GetAsync("/api/forwards", key: null!)).AssertError(HttpStatusCode.Unauthorized));

        // The admin key reads too; a destination from the environment is changed only there, but can be paused here.
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/api/forwards", ForwardingHost.AdminKey)).Status);
        Assert.Equal("destination_from_environment", (await host.PatchAsync($"/api/destinations/{destination}", new { url = "https://example.com/" })).AssertError(HttpStatusCode.Conflict));
        Assert.Equal("destination_from_environment", (await host.DeleteAsync($"/api/destinations/{destination}")).AssertError(HttpStatusCode.Conflict));
        Assert.False((await host.PatchAsync($"/api/destinations/{destination}", new { enabled = false })).Data.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Bad_destinations_are_refused_with_the_field_named()
    {
        await using var host = await ForwardingHost.StartAsync(fromEnvironment: false, settings: new() { [ForwardSettings.AllowPrivateVariable] = "true" });
        object[] bad =
        [
            new { },
            new { url = "ftp://example.com/" },
            new { url = "https://user:pass@example.com/" },
            new { url = "https://example.com/", kinds = new[] { "video" } },
            new { url = "https://example.com/", headers = new Dictionary<string, string> { ["Content-Type"] = "text/plain" } },
            new { url = "https://example.com/", headers = new Dictionary<string, string> { ["X-Evil"] = "a\r\nb" } },
            new { url = "https://example.com/", timeout_seconds = 0 },
            new { url = "https://example.com/", concurrency = 1000 },
            new { url = "https://example.com/", audio_as_link = true },
            new { url = "https://example.com/", agent_ids = new[] { "../x" } },
        ];
        foreach (var body in bad)
        {
            Assert.Equal("invalid_destination", (await host.PostAsync("/api/destinations", body)).AssertError(HttpStatusCode.BadRequest));
        }

        Assert.Empty((await host.GetAsync("/api/destinations")).Data.GetProperty("destinations").EnumerateArray());
    }

    [Fact]
    public async Task A_conversation_is_forwarded_again_on_request_with_new_webhook_ids()
    {
        await using var host = await ForwardingHost.StartAsync();
        await host.DeliverAsync(Deliveries.Transcription("fwd-again"));
        await host.DeliverAsync(Deliveries.Audio("fwd-again", Fixtures.Bytes("sample_call.mp3")));
        await host.ForwardsAsync("fwd-again", f => ForwardingHost.AllHaveStatus(f, "delivered", count: 2));

        var made = await host.PostAsync("/api/conversations/fwd-again/forward");

        Assert.Equal(2, made.Data.GetProperty("forwards").GetArrayLength());
        await host.ForwardsAsync("fwd-again", f => ForwardingHost.AllHaveStatus(f, "delivered", count: 4));
        Assert.Equal(4, host.Receiver.Requests.Select(r => r.WebhookId).Distinct().Count());
        Assert.Equal("conversation_not_found", (await host.PostAsync("/api/conversations/nobody/forward")).AssertError(HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Deleting_a_conversation_removes_its_forwards_and_their_attempts()
    {
        await using var host = await ForwardingHost.StartAsync(schedule: "0s,1h");
        host.Receiver.Respond = (_, _) => new(500, "answer that quotes the call");
        await host.DeliverAsync(Deliveries.Transcription("fwd-erase"));
        var pending = await host.ForwardsAsync("fwd-erase", f => f.Length == 1 && f[0].GetProperty("attempts").GetInt32() == 1);
        var id = pending[0].GetProperty("id").GetString();

        var deleted = await host.DeleteAsync("/api/conversations/fwd-erase", ForwardingHost.ReadKey);

        Assert.Equal(1, deleted.Data.GetProperty("deleted_forwards").GetInt32());
        Assert.Empty((await host.GetAsync("/api/forwards?conversation=fwd-erase")).Data.GetProperty("forwards").EnumerateArray());
        Assert.Equal("forward_not_found", (await host.GetAsync($"/api/forwards/{id}")).AssertError(HttpStatusCode.NotFound));
        var outbox = host.Factory.Services.GetRequiredService<IForwardOutbox>();
        Assert.Empty(await outbox.AttemptsAsync(id!, Cancel));
    }

    [Fact]
    public async Task Audio_goes_as_a_signed_link_when_a_destination_asks_and_the_link_plays()
    {
        await using var host = await ForwardingHost.StartAsync(fromEnvironment: false, settings: new()
        {
            [ForwardSettings.AllowPrivateVariable] = "true",
            [ForwardSettings.PublicUrlVariable] = "https://calls.example.com",
        });
        Assert.Equal(HttpStatusCode.Created, (await host.PostAsync("/api/destinations", new { url = host.Receiver.Url.AbsoluteUri, audio_as_link = true })).Status);
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        await host.DeliverAsync(Deliveries.Audio("fwd-link", mp3));

        var request = (await host.Receiver.WaitForAsync(_ => true))[0];
        using var body = JsonDocument.Parse(request.ReadBody());
        var data = body.RootElement.GetProperty("data");
        var link = new Uri(data.GetProperty("audio_url").GetString()!);
        Assert.Equal("calls.example.com", link.Host);
        Assert.True(DateTimeOffset.FromUnixTimeSeconds(data.GetProperty("audio_url_expires_at").GetInt64()) >= DateTimeOffset.UtcNow.AddMinutes(59));
        Assert.Equal(mp3.Length, data.GetProperty("audio_bytes").GetInt64());

        // Fetched without any key, the link gives the recording.
        using var audio = await host.Client.GetAsync(new Uri(link.PathAndQuery, UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Equal(mp3, await audio.Content.ReadAsByteArrayAsync(Cancel));
    }

    [Fact]
    public async Task A_slow_destination_does_not_hold_up_another()
    {
        await using var host = await ForwardingHost.StartAsync(fromEnvironment: false, settings: new() { [ForwardSettings.AllowPrivateVariable] = "true" });
        await using var slow = await ForwardReceiver.StartAsync();
        slow.Respond = (_, _) => new(200, Delay: TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.Created, (await host.PostAsync("/api/destinations", new { url = slow.Url.AbsoluteUri, concurrency = 1 })).Status);
        Assert.Equal(HttpStatusCode.Created, (await host.PostAsync("/api/destinations", new { url = host.Receiver.Url.AbsoluteUri })).Status);

        for (var i = 0; i < 5; i++)
        {
            await host.DeliverAsync(Deliveries.Transcription($"fwd-slow-{i}"));
        }

        // All five reach the fast one while the slow one is still on its first.
        await host.Receiver.WaitForAsync(_ => true, count: 5, timeout: TimeSpan.FromSeconds(15));
        Assert.Single(slow.Requests);
    }

    [Fact]
    public async Task The_environment_secret_signs_and_a_generated_one_is_kept_across_restarts()
    {
        var secret = WebhookSigner.NewSecret();
        await using (var host = await ForwardingHost.StartAsync(settings: new() { [ForwardSettings.SecretVariable] = secret }))
        {
            await host.DeliverAsync(Deliveries.Transcription("fwd-env-secret"));
            Assert.True(SignatureChecks((await host.Receiver.WaitForAsync(_ => true))[0], secret));
            Assert.Equal(secret, await host.SecretAsync());
        }

        var root = Directory.CreateTempSubdirectory("postcall-secret-").FullName;
        try
        {
            string first;
            await using (var host = await ForwardingHost.StartAsync(settings: new() { [PostcallSettings.PayloadPathVariable] = root }))
            {
                first = await host.SecretAsync();
                Assert.True(WebhookSigner.IsValidSecret(first));
            }

            await using (var host = await ForwardingHost.StartAsync(settings: new() { [PostcallSettings.PayloadPathVariable] = root }))
            {
                Assert.Equal(first, await host.SecretAsync());
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Forwards_are_counted_in_the_metrics()
    {
        await using var host = await ForwardingHost.StartAsync();
        await host.DeliverAsync(Deliveries.Transcription("fwd-metrics"));
        await host.ForwardsAsync("fwd-metrics", f => ForwardingHost.AllHaveStatus(f, "delivered"));

        var metrics = await host.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancel);

        Assert.Contains("postcall_forwards_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("outcome=\"delivered\"", metrics, StringComparison.Ordinal);
        Assert.Contains("postcall_forward_attempts_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("postcall_forwards_pending", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Receiver.Url.AbsoluteUri, metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_outbox_fails_readiness_and_deliveries_are_answered_503_yet_stored()
    {
        await using var factory = new PostcallFactory();
        var outbox = Postcall.Sqlite.SqliteForwardOutbox.PathUnder(factory.PayloadRoot);
        Directory.CreateDirectory(Path.GetDirectoryName(outbox)!);
        var garbage = new byte[8192];
        new Random(5).NextBytes(garbage);
        await File.WriteAllBytesAsync(outbox, garbage, Cancel);
        using var client = factory.CreateClient();

        var ready = await Envelope.SendAsync(client, new HttpRequestMessage(HttpMethod.Get, "/health/ready"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Contains("outbox", ready.Body.GetRawText(), StringComparison.Ordinal);

        var delivered = await Envelope.SendAsync(client, Deliveries.SignedRequest(Deliveries.Transcription("fwd-no-outbox")));
        Assert.Equal("storage_unavailable", delivered.AssertError(HttpStatusCode.ServiceUnavailable));
        Assert.True(File.Exists(Path.Combine(factory.PayloadRoot, "fwd-no-outbox", "fwd-no-outbox_transcription.json")));
        Assert.Equal(garbage, await File.ReadAllBytesAsync(outbox, Cancel));
    }
}
