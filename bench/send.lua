-- wrk script: POST a valid messages:send body with a bearer token, as an SDK would. The app
-- id comes from SINCH_BENCH_APP (bench/floor.sh and bench/prism.sh create the app first, so
-- that the emulator answers 200 and does the whole send).
local app = os.getenv("SINCH_BENCH_APP") or "01BENCHAPP0000000000000000"
wrk.method = "POST"
wrk.path = "/v1/projects/bench-project/messages:send"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token"
wrk.body = [[{"app_id":"]] .. app .. [[","recipient":{"identified_by":{"channel_identities":[{"channel":"SMS","identity":"+15551230001"}]}},"message":{"text_message":{"text":"Your code is 123456"}},"channel_properties":{"SMS_SENDER":"+15559876543"}}]]

-- No response() callback: wrk then hands no response to Lua (a callback costs wrk CPU that the
-- server under test shares on a small machine), and a callback's counter would live in its
-- thread's Lua state, not in the one done() runs in. wrk counts answers with status >= 400 in
-- summary.errors.status.
done = function(summary, latency, requests)
  io.write(string.format("requests/s: %.0f  p50: %.2f ms  p99: %.2f ms  status>=400: %d  errors: %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
