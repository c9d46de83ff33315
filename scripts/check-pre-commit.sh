#!/usr/bin/env bash
# Checks the pre-commit hook manifest with real pre-commit, as a user would:
# a scratch consumer repo whose .pre-commit-config.yaml points at a local
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

mkdir -p "$work/consumer/policies/readonly"
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
cat > policy-check.toml <<'TOML'
exclude = ["vendor/**"]
[rules]
undocumented-element = "off"
TOML
printf '{"name": "not-a-policy"}\n' > package.json
cat > policies/readonly/viewer.json <<'JSON'
{
  "Version": "1",
  "Statement": [{"Sid": "View", "Effect": "Allow", "Action": "ens:DescribeImages", "Resource": "*"}]
}
JSON
git add -A
echo "== pre-commit run --all-files (clean files: expect Passed)"
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
