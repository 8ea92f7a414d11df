#!/usr/bin/env bash
# The two photo sets side-by-side.sh is run on (benchmarks, not tests), made the same way on any machine:
#   OUT/bench-mix    339 symlinks: every 15th LFW photo (200), the first 100 WIDER FACE photos, the 39 sample photos
#   OUT/bench-phone  30 phone-sized JPEGs: the first 30 sample photos scaled to 4032x3024 (or 3024x4032), quality 90
# Usage: make-sets.sh [DATA [OUT]] (defaults ../shared/data and /tmp). Needs a Python with OpenCV
# (PEER_PYTHON, default /tmp/peer-venv/bin/python). The photos stay outside the repository.
set -euo pipefail
data=$(cd "${1:-$(dirname "$0")/../../../shared/data}" && pwd); out=${2:-/tmp}
py=${PEER_PYTHON:-/tmp/peer-venv/bin/python}
mix=$out/bench-mix phone=$out/bench-phone
rm -rf "$mix" "$phone"; mkdir -p "$mix" "$phone"
i=0
find "$data/lfw" -name '*.jpg' | LC_ALL=C sort | awk 'NR % 15 == 1 && n++ < 200' | while read -r f; do
  i=$((i + 1)); ln -s "$f" "$mix/lfw-$(printf %03d $i)-$(basename "$f")"; done
find "$data/wider" -name '*.jpg' | LC_ALL=C sort | awk 'NR <= 100' | while read -r f; do ln -s "$f" "$mix/wider-$(basename "$f")"; done
find "$data/seed" -maxdepth 1 -type f | grep -iE '\.(jpe?g|png)$' | LC_ALL=C sort | while read -r f; do ln -s "$f" "$mix/seed-$(basename "$f")"; done
"$py" - "$data/seed" "$phone" <<'EOF'
import os, sys, cv2
seed, out = sys.argv[1:]
names = sorted(n for n in os.listdir(seed) if n.lower().endswith((".jpg", ".jpeg", ".png")))[:30]
for n in names:
    image = cv2.imread(os.path.join(seed, n), cv2.IMREAD_COLOR)
    h, w = image.shape[:2]
    size = (4032, 3024) if w >= h else (3024, 4032)
    cv2.imwrite(os.path.join(out, os.path.splitext(n)[0] + ".jpg"), cv2.resize(image, size, interpolation=cv2.INTER_CUBIC), [cv2.IMWRITE_JPEG_QUALITY, 90])
EOF
echo "$mix: $(ls "$mix" | wc -l) photos; $phone: $(ls "$phone" | wc -l) photos"
