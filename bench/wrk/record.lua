-- POST /api/v1/indicators/{id}/measurements: records one value of a monthly indicator without
-- any (position 5 of the fiches of the 45-fiche conventions). Every request takes the next
-- free slot: slot n is indicator n mod 4455, month n div 4455 from 2015-01, so that requests
-- never repeat an (indicator, period) pair, which the API refuses (409). bench/run passes the
-- first free slot (BENCH_SLOT_BASE) and reads the next one from the BENCH line. Slots 0 to
-- 320,759 (2015-01 to 2020-12) are the API's; pgbench uses 2021-01 onwards.
local c = dofile("bench/wrk/common.lua")

local api_slots = c.small_fiches * 72

local headers = {}
for name, value in pairs(c.headers) do
    headers[name] = value
end
headers["Content-Type"] = "application/json"

request = function()
    local n = c.next_slot()
    if n >= api_slots then
        error("record: no free (indicator, month) slot left for the API; recreate the data set")
    end
    local fiche = n % c.small_fiches + 1
    local month = math.floor(n / c.small_fiches)
    local body = string.format('{"period":"%04d-%02d","value":%d}',
        2015 + math.floor(month / 12), month % 12 + 1, 300 + n % 200)
    return wrk.format("POST", "/api/v1/indicators/" .. c.id("50000000", (fiche - 1) * 5 + 5)
        .. "/measurements", headers, body)
end
