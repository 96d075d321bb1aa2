-- wrk script for benchmarks/serve.py --wrk: every request a determination never asked before.
--
--   wrk -t2 -c8 -d10s -s benchmarks/serve_unique.lua http://127.0.0.1:8000 -- OFFSET PACE_MS
--
-- Each request varies the service (its employee count is the request's index, so no two
-- services are the same), the user's age and place, and the date, as determine_body(unique)
-- in serve.py does. OFFSET keeps the indexes of two runs against one server apart (the
-- warm-up and the measurement); PACE_MS, when above 0, makes each connection wait that long
-- before each request (a paced load, for latency below the maximum throughput). The last
-- line printed is machine-readable: "RESULT requests=… seconds=… p50_ms=… p99_ms=… …".

local services = {
  '"types":["social_media","video_sharing"],"features":["user_generated_content",'
    .. '"direct_messaging","public_profiles","recommender_system","targeted_advertising"],'
    .. '"established_in":"IE","monthly_active_users":{"EU":60000000,"GB":9000000,'
    .. '"US":120000000},"directed_at_children":false,"likely_accessed_by_children":true',
  '"types":["game"],"features":["in_app_purchases","direct_messaging"],"established_in":"US"',
  '"types":["messaging"],"features":["end_to_end_encryption"]',
}
local places = { "DE", "FR", "IE", "GB", "US-CA", "US-TX", "AU", "BR", "IN", "JP", "KR", "SG" }

local threads = {}
local counter = 0
local offset = 0
local pace_ms = 0
local stride = 1

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  offset = tonumber(args[1] or "0")
  pace_ms = tonumber(args[2] or "0")
  stride = 1000000
  wrk.headers["content-type"] = "application/json"
end

function delay()
  return pace_ms
end

function request()
  counter = counter + 1
  local index = offset + thread_index * stride + counter
  local service = services[index % #services + 1]
  local body = string.format(
    '{"service":{%s,"employees":%d},"user":{"age":%d,"location":"%s"},'
      .. '"date":"2026-%02d-%02d"}',
    service, 10 + index, index % 18, places[math.floor(index / 18) % #places + 1],
    1 + index % 12, 1 + index % 28)
  return wrk.format("POST", "/v1/determine", nil, body)
end

function done(summary, latency, requests)
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f "
      .. "errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000, failed))
end
