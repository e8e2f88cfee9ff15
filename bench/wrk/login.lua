-- POST /api/v1/auth/login: signs the member in (argon2id verification of the password).
local c = dofile("bench/wrk/common.lua")

local body = string.format('{"email":"%s","password":"%s"}',
    os.getenv("BENCH_LOGIN_EMAIL"), os.getenv("BENCH_LOGIN_PASSWORD"))
local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }

request = function()
    return wrk.format("POST", "/api/v1/auth/login", headers, body)
end
