-- Shared by the operations' scripts (loaded with dofile from the repository's root; see
-- bench/run). Sets up per-thread numbering and deterministic random ids, and prints one
-- machine-readable line at the end, which bench/run parses:
--   BENCH requests=… duration_us=… p50_us=… p99_us=… non2xx=… socket_errors=… next_slot=…
--
-- The data set's ids are counters written as UUIDs (see bench/data.sql), so scripts compute
-- them rather than fetch them.

local M = {}

local token = os.getenv("BENCH_TOKEN")
M.headers = { ["Accept"] = "application/json" }
if token and token ~= "" then
    M.headers["Authorization"] = "Bearer " .. token
end

-- "<prefix>-0000-7000-8000-<n as 12 hex digits>"
function M.id(prefix, n)
    return string.format("%s-0000-7000-8000-%012x", prefix, n)
end

M.small_fiches = tonumber(os.getenv("BENCH_SMALL_FICHES") or "4455")
M.all_fiches = tonumber(os.getenv("BENCH_ALL_FICHES") or "8955")
M.small_conventions = tonumber(os.getenv("BENCH_SMALL_CONVENTIONS") or "99")

local threads = {}
local thread_count = 0

-- Runs in the main Lua state, once per thread, before the thread's init.
function setup(thread)
    thread:set("tid", thread_count)
    thread_count = thread_count + 1
    table.insert(threads, thread)
end

function init(args)
    -- Same sequence of ids on every run; each thread its own.
    math.randomseed(4242 + tid)
    slot_count = 0
end

-- A slot number unique across threads and runs: base + k * threads + thread id.
function M.next_slot()
    local n = M.slot_base + slot_count * M.threads + tid
    slot_count = slot_count + 1
    return n
end
M.slot_base = tonumber(os.getenv("BENCH_SLOT_BASE") or "0")
M.threads = tonumber(os.getenv("BENCH_THREADS") or "2")

function done(summary, latency, requests)
    local max_count = 0
    for _, thread in ipairs(threads) do
        local used = thread:get("slot_count") or 0
        if used > max_count then
            max_count = used
        end
    end
    local errors = summary.errors
    io.write(string.format(
        "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d socket_errors=%d next_slot=%d\n",
        summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
        errors.status, errors.connect + errors.read + errors.write + errors.timeout,
        M.slot_base + (max_count + 1) * M.threads))
end

return M
