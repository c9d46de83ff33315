#!/usr/bin/env bash
# Installs the one wheel in dist/ into a fresh virtual environment made by
# PYTHON (the first argument) with nothing else (`--no-index`) and runs it on
# the shipped examples: exit 1 with the known findings, exit 0 on the good
# ones. The release workflow runs it on each platform's own runner (or
# emulator) before anything is published.
set -euo pipefail
python=${1:-python3}
venv=$(mktemp -d "${TMPDIR:-/tmp}/policy-check-venv.XXXXXX")
"$python" -m venv "$venv"
bin="$venv/bin"
[ -d "$bin" ] || bin="$venv/Scripts"   # Windows
"$bin/python" -m pip install --quiet --no-index dist/*.whl
"$bin/policy-check" --version
status=0
"$bin/policy-check" --format short testdata/examples > "$venv/out.txt" || status=$?
cat "$venv/out.txt"
if [ "$status" -ne 1 ]; then
  echo "FAIL: expected exit 1 on testdata/examples, got $status" >&2
  exit 1
fi
grep -qF "testdata/examples/bad/hand-edited.json:5:17: error[invalid-effect]" "$venv/out.txt" \
  || { echo "FAIL: a known finding is missing" >&2; exit 1; }
"$bin/policy-check" testdata/examples/good
