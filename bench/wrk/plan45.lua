-- GET /api/v1/conventions/{id}/plan: the whole plan tree of a 45-fiche convention.
local c = dofile("bench/wrk/common.lua")

request = function()
    local convention = math.random(1, c.small_conventions)
    return wrk.format("GET", "/api/v1/conventions/" .. c.id("10000000", convention) .. "/plan",
        c.headers)
end
