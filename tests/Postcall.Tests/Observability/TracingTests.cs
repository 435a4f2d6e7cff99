using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Postcall.Tests.Support;

namespace Postcall.Tests.Observability;

public sealed class TracingTests
{
    [Fact]
    public async Task Each_delivery_is_a_span_with_its_type_conversation_and_outcome_but_no_content()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Postcall",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var factory = new PostcallFactory();
        var cid = $"traced-{Guid.NewGuid():N}";

        using var response = await factory.CreateClient().SendAsync(Deliveries.SignedRequest(Deliveries.Transcription(cid)), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var span = Assert.Single(spans, s => (s.GetTagItem("conversation.id") as string) == cid);
        Assert.Equal("postcall.delivery", span.OperationName);
        Assert.Equal("transcription", span.GetTagItem("webhook.type"));
        Assert.Equal("stored", span.GetTagItem("postcall.outcome"));
        Assert.DoesNotContain(span.TagObjects, t => t.Value is string v && v.Contains("Hello", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Otlp_export_is_on_only_when_its_endpoint_is_set()
    {
        await using (var plain = new PostcallFactory())
        {
            _ = plain.CreateClient();
            Assert.Null(plain.Services.GetService<TracerProvider>());
        }

        // Nothing listens there: export fails in the background and deliveries are unaffected.
        await using var exporting = new PostcallFactory(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9" });
        using var response = await exporting.CreateClient().SendAsync(Deliveries.SignedRequest(Deliveries.Transcription("otlp")), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(exporting.Services.GetService<TracerProvider>());
    }
}
