-- 1M inserts then 1M lookups with integer keys.
local t = {}
for i = 1, 1000000 do t[i] = i * 2 end
local sum = 0
for i = 1, 1000000 do sum = sum + t[i] end
print(sum)
