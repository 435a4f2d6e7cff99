-- Replays distinct, pre-signed post_call_transcription deliveries ("signature<TAB>body" lines). Each wrk thread takes
-- every n-th line and stops when its share runs out, so no delivery is ever sent twice.
local threads = {}
local thread_count = tonumber(os.getenv("BENCH_THREADS") or "2")

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  local n = 0
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    if n % thread_count == id then
      local tab = line:find("\t", 1, true)
      local headers = { ["Content-Type"] = "application/json", ["elevenlabs-signature"] = line:sub(1, tab - 1) }
      table.insert(requests, wrk.format("POST", "/webhook/post-call", headers, line:sub(tab + 1)))
    end
    n = n + 1
  end
  next_request = 0
end

function request()
  next_request = next_request + 1
  if next_request > #requests then
    wrk.thread:stop()
    return requests[#requests]
  end
  return requests[next_request]
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("ingest_requests=%d\n", summary.requests))
  io.write(string.format("ingest_ok=%d\n", summary.requests - non2xx - failed))
  io.write(string.format("ingest_errors=%d\n", non2xx + failed))
  io.write(string.format("ingest_rps=%.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("ingest_p50_ms=%.1f\n", latency:percentile(50) / 1000))
  io.write(string.format("ingest_p99_ms=%.1f\n", latency:percentile(99) / 1000))
end
