# scripts/check_layers.py: the tree passes; an include pointing up, an unlisted module and a
# module listed twice each fail with the place named.
trap 'rm -rf "$TMPDIR_E2E"' EXIT
cl_root=$(cd "$here/../.." && pwd)
cl_copy=$TMPDIR_E2E/layers
mkdir -p "$cl_copy"
cp -r "$cl_root/lib" "$cl_root/docs" "$cl_copy/"

expect_status "check_layers: the tree's includes point only down" 0 python3 "$cl_root/scripts/check_layers.py" "$cl_root"
expect_status "check_layers: the copy passes before it is changed" 0 python3 "$cl_root/scripts/check_layers.py" "$cl_copy"

echo '#include "logd/config.h"' >>"$cl_copy/lib/model/labels.h"
cl_out=$(python3 "$cl_root/scripts/check_layers.py" "$cl_copy" 2>&1)
expect_eq "check_layers: an upward include fails" 1 "$?"
expect_contains "check_layers: names the file, line and both layers" \
  "lib/model/labels.h:$(wc -l <"$cl_copy/lib/model/labels.h"): model (layer" "$cl_out"

mkdir "$cl_copy/lib/unlisted"
cl_out=$(python3 "$cl_root/scripts/check_layers.py" "$cl_copy" 2>&1)
expect_contains "check_layers: a module without a layer fails" "lib/unlisted: not in the layer table" "$cl_out"
