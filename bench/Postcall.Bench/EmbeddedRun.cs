using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Postcall.ElevenLabs;
using Postcall.Handlers;

namespace Postcall.Bench;

/// <summary>
/// An app that embeds Postcall.AspNetCore as a user's would, with no handler or with one that does nothing but note
/// how long after the commit it was called. On SIGTERM it prints how many calls the handler got and that lag's
/// percentiles, as key=value lines for bench/handlers.
/// </summary>
internal static class EmbeddedRun
{
    public static async Task<int> RunAsync(int port, string secret, string folder, bool withHandler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddPostcall(o =>
        {
            o.WebhookSecrets.Add(secret);
            o.PayloadPath = folder;
        });
        var lags = new LagLog();
        builder.Services.AddSingleton(lags);
        if (withHandler)
        {
            builder.Services.AddPostCallHandler<NoOpHandler>("no-op", o => o.Concurrency = 16);
        }

        await using var app = builder.Build();
        app.MapPostcall();
        await app.RunAsync();
        if (withHandler)
        {
            Console.Out.Write(lags.Summary());
        }

        return 0;
    }

    private sealed class NoOpHandler(LagLog lags) : PostCallHandler
    {
        public override Task HandleTranscriptionAsync(TranscriptionEvent transcription, PostCallHandlerContext context, CancellationToken cancellationToken)
        {
            lags.Add(DateTimeOffset.UtcNow - context.RecordedAt);
            return Task.CompletedTask;
        }
    }

    private sealed class LagLog
    {
        private readonly ConcurrentBag<double> _milliseconds = [];

        public void Add(TimeSpan lag) => _milliseconds.Add(lag.TotalMilliseconds);

        public string Summary()
        {
            var sorted = _milliseconds.Order().ToArray();
            double At(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
            return string.Create(CultureInfo.InvariantCulture,
                $"handler_calls={sorted.Length}\nhandler_lag_p50_ms={At(0.50):0.0}\nhandler_lag_p99_ms={At(0.99):0.0}\nhandler_lag_max_ms={At(1.0):0.0}\n");
        }
    }
}
