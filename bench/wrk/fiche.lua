-- "Get one fiche with its indicators": the two requests a client sends, in turn, for a fiche of
-- any synthetic convention (small and large):
--   GET /api/v1/actions/{id}, then GET /api/v1/actions/{id}/indicators (5 indicators).
-- An operation is two requests: bench/run halves the request rate.
local c = dofile("bench/wrk/common.lua")

local fiche_id = nil

request = function()
    if fiche_id == nil then
        fiche_id = c.id("40000000", math.random(1, c.all_fiches))
        return wrk.format("GET", "/api/v1/actions/" .. fiche_id, c.headers)
    end
    local path = "/api/v1/actions/" .. fiche_id .. "/indicators"
    fiche_id = nil
    return wrk.format("GET", path, c.headers)
end
