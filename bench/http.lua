-- wrk script for bench/run.sh. MODE (env): version | get | login | patch |
-- delete. IDS (env): a file of user ids, one a line; TOKEN (env): an admin
-- token. A delete takes each id once (thread k of THREADS the k-th, then
-- every THREADS-th), with `?purge=true` when PURGE is set. MODE=path GETs
-- URL_PATH (env).
local mode = os.getenv("MODE") or "version"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("first", #threads)
end

local step = tonumber(os.getenv("THREADS") or "2")
local purge = os.getenv("PURGE") and "?purge=true" or ""

function init(args)
  ids = {}
  local file = os.getenv("IDS")
  if file then
    for line in io.lines(file) do ids[#ids + 1] = line end
  end
  token = os.getenv("TOKEN") or ""
  ok, busy, bad, n = 0, 0, 0, 0
  math.randomseed(os.time() + #threads * 7919)
end

-- DELAY_MS (env): a pause before each request, for a probe at a modest rate.
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")
if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

local function pick()
  return ids[math.random(#ids)]
end

function request()
  n = n + 1
  if mode == "get" then
    return wrk.format("GET", "/users/" .. pick(), { ["Authorization"] = "Bearer " .. token })
  elseif mode == "login" then
    local body = '{"username":"' .. pick() .. '","password":"bench password"}'
    return wrk.format("POST", "/authenticate", { ["Content-Type"] = "application/json" }, body)
  elseif mode == "path" then
    return wrk.format("GET", os.getenv("URL_PATH"), { ["Authorization"] = "Bearer " .. token })
  elseif mode == "delete" then
    local id = ids[first + (n - 1) * step] or "exhausted"
    return wrk.format("DELETE", "/users/" .. id .. purge, { ["Authorization"] = "Bearer " .. token })
  elseif mode == "patch" then
    local body = '{"name":"bench ' .. n .. '"}'
    return wrk.format("PATCH", "/users/" .. pick(),
      { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
  end
  return wrk.format("GET", "/version")
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  elseif status == 429 or status == 503 then
    busy = busy + 1
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local good, refused, failed = 0, 0, 0
  for _, t in ipairs(threads) do
    good = good + t:get("ok")
    refused = refused + t:get("busy")
    failed = failed + t:get("bad")
  end
  local secs = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f ok_rps=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d ok=%d busy=%d failed=%d socket_errors=%d\n",
    summary.requests / secs, good / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, good, refused, failed, errors))
end
