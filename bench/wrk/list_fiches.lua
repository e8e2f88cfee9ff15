-- GET /api/v1/conventions/{id}/actions?limit=20&offset=…: one of the three pages of 20 fiches
-- of a 45-fiche convention.
local c = dofile("bench/wrk/common.lua")

request = function()
    local convention = math.random(1, c.small_conventions)
    local offset = 20 * math.random(0, 2)
    return wrk.format("GET", "/api/v1/conventions/" .. c.id("10000000", convention)
        .. "/actions?limit=20&offset=" .. offset, c.headers)
end
