-- String building: 1M short concatenations and comparisons.
local n = 0
for i = 1, 1000000 do
	local s = "item-" .. i .. "-" .. (i % 7)
	if s ~= "item-0-0" then n = n + 1 end
end
print(n)
