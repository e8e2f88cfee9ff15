-- GET /api/v1/indicators/{id}/measurements?from=2025-11&limit=12: the last 12 values of a
-- monthly indicator (2025-11 to 2026-10; the list is in period order).
local c = dofile("bench/wrk/common.lua")

request = function()
    local fiche = math.random(1, c.all_fiches)
    local indicator = (fiche - 1) * 5 + 4
    return wrk.format("GET", "/api/v1/indicators/" .. c.id("50000000", indicator)
        .. "/measurements?from=2025-11&limit=12", c.headers)
end
