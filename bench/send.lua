-- wrk script: POST a valid messages:send body with a bearer token, as an SDK would. The app
-- id comes from SINCH_BENCH_APP (bench/floor.sh and bench/prism.sh create the app first, so
-- that the emulator answers 200 and does the whole send).
local app = os.getenv("SINCH_BENCH_APP") or "01BENCHAPP0000000000000000"
wrk.method = "POST"
wrk.path = "/v1/projects/bench-project/messages:send"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token"
wrk.body = [[{"app_id":"]] .. app .. [[","recipient":{"identified_by":{"channel_identities":[{"channel":"SMS","identity":"+15551230001"}]}},"message":{"text_message":{"text":"Your code is 123456"}},"channel_properties":{"SMS_SENDER":"+15559876543"}}]]

local non2xx = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("requests/s: %.0f  p50: %.2f ms  p99: %.2f ms  non-2xx: %d  errors: %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
