using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Postcall.Hosting;

namespace Postcall.Cli;

/// <summary>
/// <c>postcall reconcile --since 2026-11-01</c>: asks a running service to compare its archive with ElevenLabs'
/// Conversations API over a range and fetch what never arrived (<c>POST /api/reconcile</c>), follows the sweep, and
/// ends with its report.
/// </summary>
internal static class ReconcileCommand
{
    public const string DefaultUrl = "http://localhost:8000";

    public const string AdminKeyWarning =
        $"warning: --admin-key is visible to every user of this machine in the process list and stays in your shell history; prefer {PostcallSettings.AdminKeyVariable} in the environment or .env.";

    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(500);

    public static Command Create(CliEnvironment environment, bool interactive)
    {
        var since = new Option<string>("--since") { Description = "Calls that started after this: an ISO date (2026-11-01), date-time or Unix seconds.", Required = true };
        var until = new Option<string?>("--until") { Description = "Calls that started before this (default: now)." };
        var agents = new Option<string[]>("--agent") { Description = "Only this agent's calls (repeat for several; default: every agent the key sees).", AllowMultipleArgumentsPerToken = false };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would be fetched; fetch nothing." };
        var url = new Option<string>("--url") { Description = "The running service.", DefaultValueFactory = _ => DefaultUrl };
        url.Validators.Add(r =>
        {
            if (!Uri.TryCreate(r.GetValueOrDefault<string>(), UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps))
            {
                r.AddError("--url must be an absolute http:// or https:// URL.");
            }
        });
        var adminKey = new Option<string?>("--admin-key")
        {
            Description = $"An admin key (default: the first of {PostcallSettings.AdminKeyVariable}). Prefer the environment or .env: a key on the command line is visible to other local users.",
        };
        var command = new Command("reconcile", "Fetch from ElevenLabs' Conversations API the calls a running service never received, over a range (after an outage, for example).")
        {
            since, until, agents, dryRun, url, adminKey,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var key = result.GetValue(adminKey);
            if (!string.IsNullOrEmpty(key))
            {
                await error.WriteLineAsync(AdminKeyWarning);
            }
            else
            {
                key = PostcallSettings.ParseList(environment.Get(PostcallSettings.AdminKeyVariable)).FirstOrDefault()
                    ?? throw new CliException($"No admin key: set {PostcallSettings.AdminKeyVariable} in the environment or .env (or pass --admin-key).");
            }

            var body = new JsonObject
            {
                ["since"] = result.GetRequiredValue(since),
                ["until"] = result.GetValue(until),
                ["agent_ids"] = new JsonArray([.. (result.GetValue(agents) ?? []).Select(a => (JsonNode)a)]),
                ["dry_run"] = result.GetValue(dryRun),
            };
            using var client = new HttpClient { BaseAddress = new Uri(result.GetRequiredValue(url)), Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var started = await SendAsync(client, HttpMethod.Post, "/api/reconcile", body, cancellationToken);
            var id = started["id"]!.GetValue<string>();
            await output.WriteLineAsync($"Sweep {id} started{(result.GetValue(dryRun) ? " (dry run: nothing is fetched)" : string.Empty)}.");

            JsonNode sweep;
            while (true)
            {
                await Task.Delay(PollEvery, cancellationToken);
                sweep = await SendAsync(client, HttpMethod.Get, $"/api/reconcile/{id}", null, cancellationToken);
                var report = sweep["report"]!;
                if (interactive)
                {
                    await error.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                        $"\r{Count(report, "listed")} listed, {Count(report, "backfilled_transcriptions") + Count(report, "backfilled_recordings")} fetched, {Count(report, "pages")} pages"));
                }

                if (sweep["status"]!.GetValue<string>() != "running")
                {
                    break;
                }
            }

            if (interactive)
            {
                await error.WriteLineAsync();
            }

            await output.WriteAsync(Table(sweep));
            return sweep["status"]!.GetValue<string>() == "completed" && Count(sweep["report"]!, "api_errors") == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static async Task<JsonNode> SendAsync(HttpClient client, HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"Could not reach the service at {client.BaseAddress}: {e.Message}");
        }

        using (response)
        {
            JsonNode? answer;
            try
            {
                answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            }
            catch (JsonException)
            {
                throw new CliException($"{client.BaseAddress} answered {(int)response.StatusCode}, not Postcall's JSON.");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new CliException($"{(int)response.StatusCode} {answer?["error_code"]?.GetValue<string>()}: {answer?["message"]?.GetValue<string>()}");
            }

            return answer?["data"] ?? throw new CliException("The answer has no data.");
        }
    }

    private static int Count(JsonNode report, string name) => report[name]?.GetValue<int>() ?? 0;

    /// <summary>The closing table: what was listed, found, fetched, and could not be.</summary>
    public static string Table(JsonNode sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var report = sweep["report"]!;
        var dry = sweep["dry_run"]?.GetValue<bool>() == true;
        var fetched = dry ? "would fetch" : "backfilled";
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Sweep {sweep["id"]} {sweep["status"]}");
        void Row(string name, int value) => text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-28} {value,8}");
        Row("listed", Count(report, "listed"));
        Row("not final yet", Count(report, "not_final"));
        Row("within the grace", Count(report, "waiting"));
        Row("already stored", Count(report, "already_stored"));
        Row($"{fetched}: transcriptions", Count(report, "backfilled_transcriptions"));
        Row($"{fetched}: recordings", Count(report, "backfilled_recordings"));
        Row("unfillable", Count(report, "unfillable"));
        Row("API errors", Count(report, "api_errors"));
        foreach (var item in report["unfillable_items"]?.AsArray() ?? [])
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  unfillable {item!["conversation_id"]} {item["kind"]}: {item["reason"]}");
        }

        foreach (var item in report["errors"]?.AsArray() ?? [])
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  error {item!["conversation_id"] ?? "(list)"} {item["kind"]}: {item["reason"]}");
        }

        return text.ToString();
    }
}
