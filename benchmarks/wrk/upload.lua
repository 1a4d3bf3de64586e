-- wrk script for POST /v1/captures: the body file (the fleet's JSON with base64) is read once; each request rewrites
-- 64 base64 characters of the JPEG's comment segment (right after SOI, at a 3-byte boundary), so every upload is a
-- different image and a different blob. Device key and body path come from the environment (upload.sh sets them).
local path = os.getenv("BODY")
local key = os.getenv("DEVICE_KEY")
local f = io.open(path, "rb"); local body = f:read("*a"); f:close()
local start = string.find(body, '"image_base64":"', 1, true) + 16 + 8
local prefix = string.sub(body, 1, start - 1)
local suffix = string.sub(body, start + 64)
local counter = 0
function setup(thread) counter = counter + 1; thread:set("tid", counter) end
local n = 0
request = function()
  n = n + 1
  local id = string.format("T%dN%dS%d", tid, n, os.time())
  return wrk.format("POST", "/v1/captures", {["Content-Type"] = "application/json", ["X-Device-Key"] = key,
    ["Idempotency-Key"] = id}, prefix .. id .. string.rep("A", 64 - #id) .. suffix)
end
