-- Cycle through the search pages listed in $BENCH_URLS, one per line.
local urls = {}
for line in io.lines(os.getenv("BENCH_URLS")) do
  urls[#urls + 1] = line
end
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", urls[(counter % #urls) + 1])
end
