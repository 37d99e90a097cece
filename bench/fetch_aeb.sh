#!/usr/bin/env bash
# Fetch the Article Extraction Benchmark (scrapinghub/article-extraction-benchmark, 181 English
# news pages: ground-truth.json + html/*.html.gz) OUTSIDE the repo, for bench/generic_fallback.py:
#
#     bash bench/fetch_aeb.sh ../bench-data/aeb
#     .venv/bin/python bench/generic_fallback.py --aeb ../bench-data/aeb
#
# Needs access to github.com. Third-party data: never copy it into this repository.
set -euo pipefail
dest="${1:-../bench-data/aeb}"
if [ -f "$dest/ground-truth.json" ]; then
    echo "already present: $dest"
    exit 0
fi
mkdir -p "$(dirname "$dest")"
git clone --depth 1 https://github.com/scrapinghub/article-extraction-benchmark.git "$dest"
echo "fetched: $(ls "$dest"/html | wc -l) pages in $dest"
