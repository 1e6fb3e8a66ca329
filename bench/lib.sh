# Shared by the bench/*.sh scripts (sourced; each sets `here` to bench/ first).

# bench_corpus MB: the path of the MB-MiB generated corpus under bench/out, generated once and then
# reused by every script. Prefers the project's shared generator when there is one.
bench_corpus() {
  local gen=$here/gen-logs corpus=$here/out/corpus-$1mb.log
  [ -x "$here/../../shared/bench/gen-logs" ] && gen=$here/../../shared/bench/gen-logs
  mkdir -p "$here/out"
  [ -s "$corpus" ] || "$gen" --mb "$1" > "$corpus"
  echo "$corpus"
}

# median: the median of the numbers on standard input, one per line.
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
