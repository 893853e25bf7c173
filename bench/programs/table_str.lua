-- 1M inserts then 1M lookups with string keys (100k distinct keys).
local t = {}
for i = 1, 1000000 do t["k" .. (i % 100000)] = i end
local sum = 0
for i = 1, 1000000 do sum = sum + t["k" .. (i % 100000)] end
print(sum)
