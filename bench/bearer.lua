-- SPDX-License-Identifier: AGPL-3.0-or-later
-- bearer.lua - wrk script (bench tooling): send every request with
-- "Authorization: Bearer $BENCH_TOKEN". bench/run sets BENCH_TOKEN to a fresh API token.
local token = os.getenv("BENCH_TOKEN")
if not token or token == "" then
    error("bearer.lua: BENCH_TOKEN is not set")
end
wrk.headers["Authorization"] = "Bearer " .. token
