-- "Get one fiche with its indicators": the one request a client sends for a fiche page, for a
-- fiche of any synthetic convention (small and large):
--   GET /api/v1/actions/{id}?include=indicators (5 indicators).
local c = dofile("bench/wrk/common.lua")

request = function()
    local fiche_id = c.id("40000000", math.random(1, c.all_fiches))
    return wrk.format("GET", "/api/v1/actions/" .. fiche_id .. "?include=indicators", c.headers)
end
