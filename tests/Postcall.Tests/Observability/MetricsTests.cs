using System.Net;
using Postcall.Tests.Support;

namespace Postcall.Tests.Observability;

[CollectionDefinition(nameof(MeteredTestsRunAlone), DisableParallelization = true)]
public sealed class MeteredTestsRunAlone;

/// <summary>
/// Meters are matched by name across the process, so these run alone: no other test's deliveries move the counters.
/// </summary>
[Collection(nameof(MeteredTestsRunAlone))]
public sealed class MetricsTests : ServiceTests
{
    private async Task<PrometheusText> ScrapeAsync()
    {
        using var response = await Factory.CreateClient().GetAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new PrometheusText(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private async Task<HttpStatusCode> SendAsync(HttpRequestMessage request)
    {
        using var response = await Factory.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    [Fact]
    public async Task Counters_move_with_each_kind_of_outcome()
    {
        var transcription = System.Text.Encoding.UTF8.GetBytes(Deliveries.Transcription("m1"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(Deliveries.SignedRequest(transcription)));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(Deliveries.SignedRequest(transcription)));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(Deliveries.SignedRequest(Fixtures.Bytes("post_call_audio.json"))));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(Deliveries.SignedRequest(Deliveries.Failure("m1"))));
        const string Video = "{\"type\":\"post_call_video\",\"data\":{\"conversation_id\":\"m1\"}}";
        Assert.Equal(HttpStatusCode.OK, await SendAsync(Deliveries.SignedRequest(Video)));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(Deliveries.SignedRequest("{\"type\":\"NOPE\"}")));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(Deliveries.WithHeader(transcription, null)));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(Deliveries.WithHeader(transcription, "t=1,v0=xyz")));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(Deliveries.SignedRequest(transcription, timestamp: Deliveries.Now - 7200)));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(Deliveries.SignedRequest(transcription, secret: "wsec_wrong")));
        await File.WriteAllTextAsync(Path.Combine(Factory.PayloadRoot, "full-disk"), "in the way", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await SendAsync(Deliveries.SignedRequest(Deliveries.Transcription("full-disk"))));

        var metrics = await ScrapeAsync();

        Assert.Equal(1, metrics.Sum("postcall_deliveries_total", ("webhook_type", "transcription"), ("outcome", "stored")));
        Assert.Equal(1, metrics.Sum("postcall_deliveries_total", ("webhook_type", "transcription"), ("outcome", "duplicate")));
        Assert.Equal(1, metrics.Sum("postcall_deliveries_total", ("webhook_type", "audio"), ("outcome", "stored")));
        Assert.Equal(1, metrics.Sum("postcall_deliveries_total", ("webhook_type", "failure"), ("outcome", "stored")));
        // A type this version does not know counts as other: its name never becomes a label.
        Assert.Equal(1, metrics.Sum("postcall_deliveries_total", ("webhook_type", "other"), ("outcome", "stored")));
        Assert.Equal(1, metrics.Sum("postcall_deliveries_total", ("outcome", "rejected"), ("error_code", "unknown_webhook_type")));
        // Refused before classification: the unknown type and the four signature failures.
        Assert.Equal(5, metrics.Sum("postcall_deliveries_total", ("outcome", "rejected"), ("webhook_type", "unknown")));
        Assert.Equal(1, metrics.Sum("postcall_deliveries_total", ("webhook_type", "transcription"), ("outcome", "storage_failure"), ("error_code", "storage_unavailable")));
        foreach (var reason in new[] { "missing", "malformed", "timestamp_out_of_tolerance", "mismatch" })
        {
            Assert.Equal(1, metrics.Sum("postcall_signature_failures_total", ("reason", reason)));
        }

        var mp3 = Fixtures.Bytes("sample_call.mp3").Length;
        var failure = System.Text.Encoding.UTF8.GetByteCount(Deliveries.Failure("m1"));
        Assert.Equal(transcription.Length, metrics.Sum("postcall_stored_bytes_total", ("webhook_type", "transcription")));
        Assert.Equal(mp3, metrics.Sum("postcall_stored_bytes_total", ("webhook_type", "audio")));
        Assert.Equal(Video.Length, metrics.Sum("postcall_stored_bytes_total", ("webhook_type", "other")));
        Assert.Equal(transcription.Length + mp3 + failure + Video.Length, metrics.Sum("postcall_stored_bytes_total"));
        Assert.Equal(mp3, metrics.Sum("postcall_audio_decoded_bytes_total"));
        Assert.Equal(4, metrics.Sum("postcall_storage_write_duration_seconds_count"));
        Assert.Equal(1, metrics.Sum("postcall_audio_decode_throughput_bytes_per_second_count"));
        Assert.Equal(0, metrics.Sum("postcall_deliveries_in_flight"));
        Assert.InRange(metrics.Sum("postcall_delivery_last_success_age_seconds"), 0, 60);
    }

    [Fact]
    public async Task Asp_net_core_http_and_kestrel_metrics_are_exported_too()
    {
        using (await Factory.CreateClient().GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken))
        {
        }

        var metrics = await ScrapeAsync();
        Assert.True(metrics.Has("http_server_request_duration_seconds_count"), metrics.Text[..Math.Min(2000, metrics.Text.Length)]);
    }
}
