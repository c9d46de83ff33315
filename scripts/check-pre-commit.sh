#!/usr/bin/env bash
# Checks the pre-commit hook manifest with real pre-commit, as a user would:
# a copy of testdata/workflow/example-repo as the consumer, whose generated
# .pre-commit-config.yaml points at a local
# clone of this repository (at its HEAD commit), then `pre-commit run` and a
# blocked and an allowed `git commit`. Needs git, cargo and pre-commit
# (`pip install pre-commit`); the first run builds the hook in release mode.
# Not part of `cargo test` because it needs pip and takes minutes.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/policy-check-pre-commit.XXXXXX")
export PRE_COMMIT_HOME="$work/cache"
trap 'echo "scratch folder: $work"' EXIT

git clone --quiet "$here" "$work/hook-repo"
rev=$(git -C "$here" rev-parse HEAD)
git -C "$work/hook-repo" checkout --quiet "$rev"

# The consumer is the example repository: a config file, nested policy
# folders (one excluded), a ROS template and a package.json.
cp -R "$here/testdata/workflow/example-repo" "$work/consumer"
cd "$work/consumer"
git init --quiet
git config user.email check@example.invalid
git config user.name check
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $work/hook-repo
    rev: $rev
    hooks:
      - id: policy-check
YAML
git add -A
echo "== pre-commit run --all-files on the example (expect Failed: viewer.json has an empty Resource)"
if pre-commit run --all-files; then
  echo "FAIL: the example's empty Resource was not reported" >&2
  exit 1
fi
sed 's/"Resource": \[\]/"Resource": "*"/' policies/readonly/viewer.json > viewer.tmp
mv viewer.tmp policies/readonly/viewer.json
git add -A
echo "== after fixing it: pre-commit run --all-files (expect Passed)"
pre-commit run --all-files
git commit --quiet -m "clean policies"
pre-commit install

echo "== commit a policy with a lowercase effect (expect the hook to block it)"
mkdir -p vendor
sed 's/"Allow"/"allow"/' policies/readonly/viewer.json > policies/bad.json
cp policies/bad.json vendor/ignored.json
git add -A
if git commit --quiet -m "bad policy"; then
  echo "FAIL: the commit with a bad policy was not blocked" >&2
  exit 1
fi
echo "== blocked as expected; fix it and commit again"
cp policies/readonly/viewer.json policies/bad.json
git add -A
git commit --quiet -m "fixed policy"
echo "OK: pre-commit installed and ran the hook; a bad policy was blocked, a fixed one committed"
