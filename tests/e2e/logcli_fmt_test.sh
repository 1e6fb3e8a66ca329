# logcli fmt: canonical form for valid queries, positioned errors for invalid ones.
out=$(logcli fmt '{app="x",env=~"prod|staging"}|="err"|json|status>=500')
# Loki's String() form prints numeric label filters without spaces.
expect_eq "fmt prints the canonical form" '{app="x", env=~"prod|staging"} |= "err" | json | status>=500' "$out"
out=$(echo 'sum by(level)(count_over_time({app="x"}[5m]))' | logcli fmt)
expect_eq "fmt reads stdin" 'sum by (level)(count_over_time({app="x"}[5m]))' "$out"
for bad in '{}' '{a=~".*"}' 'foo_over_time({a="b"}[5m])' '{a="b"} | unwrap x' '{a=~"("}'; do
  expect_status "fmt rejects $bad" 1 logcli fmt "$bad"
done
err=$(logcli fmt '{a="b"} |= ' 2>&1)
expect_contains "fmt error has a position" "line 1, col" "$err"
