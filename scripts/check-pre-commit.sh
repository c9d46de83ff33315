#!/usr/bin/env bash
# Checks the pre-commit hook manifest with real pre-commit, as a user would.
# The consumer is a copy of testdata/workflow/example-repo (a config file,
# nested policy folders with an excluded one, a ROS template, a package.json)
# with a generated .pre-commit-config.yaml that points at a local clone of
# this repository at its HEAD commit (the example's config lints the ROS
# template's documents through a `jsonpath` override). Then:
# `pre-commit run --all-files` must fail
# on the example's findings, pass once they are fixed, and after
# `pre-commit install` a commit of a bad policy must be blocked and its fix
# committed; then a commit of a broken `.tf` and a broken ROS `.yaml` must
# be blocked too (the hook's `types_or`). Needs git, cargo and pre-commit
# (`pip install pre-commit`); the
# first run builds the hook in release mode, so it is not part of
# `cargo test`.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/policy-check-pre-commit.XXXXXX")
export PRE_COMMIT_HOME="$work/cache"
trap 'echo "scratch folder: $work"' EXIT

git clone --quiet "$here" "$work/hook-repo"
rev=$(git -C "$here" rev-parse HEAD)
git -C "$work/hook-repo" checkout --quiet "$rev"

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

expect() { # expect WORD IN-FILE: fail unless the output holds WORD
  grep -qF -- "$1" "$2" || { echo "FAIL: expected '$1' in the hook output" >&2; exit 1; }
}

echo "== pre-commit run --all-files on the example (expect Failed)"
if pre-commit run --all-files > out.txt 2>&1; then
  cat out.txt; echo "FAIL: the example's findings were not reported" >&2; exit 1
fi
cat out.txt
expect "policies/readonly/viewer.json:6:65" out.txt   # access-level-exceeded
expect "policies/readonly/viewer.json:7:19" out.txt   # empty-value
expect "templates/ros-stack.json:13:25" out.txt       # invalid-effect in a template
expect "templates/ros-stack.json:57:84" out.txt       # empty-value in an inline policy
if grep -q "legacy/old.json\|package.json" out.txt; then
  echo "FAIL: an excluded file or a non-policy was reported" >&2; exit 1
fi
rm out.txt

echo "== fix the findings; pre-commit run --all-files (expect Passed)"
for f in policies/readonly/viewer.json templates/ros-stack.json; do
  sed -e 's/"Resource": \[\]/"Resource": "*"/' -e 's/, "ens:CreateImage"//' -e 's/"allow"/"Allow"/' "$f" > fixed.tmp
  mv fixed.tmp "$f"
done
git add -A
pre-commit run --all-files
git commit --quiet -m "example policies"
pre-commit install

echo "== commit a policy with a lowercase effect (expect the hook to block it)"
mkdir -p vendor
sed 's/"Allow"/"allow"/' policies/readonly/viewer.json > policies/bad.json
cp policies/bad.json vendor/not-included.json
git add -A
if git commit --quiet -m "bad policy"; then
  echo "FAIL: the commit with a bad policy was not blocked" >&2
  exit 1
fi
echo "== blocked as expected; fix it and commit again"
cp policies/readonly/viewer.json policies/bad.json
git add -A
git commit --quiet -m "fixed policy"

echo "== commit a broken .tf and a broken ROS .yaml (types_or hands both over; expect blocked)"
# The example's configuration lints only policies/ and templates/ JSON:
# take infra/ in, as a project with Terraform and ROS would.
sed -i 's|^include = \[|include = ["infra/**", |' policy-check.toml
git add policy-check.toml
git commit --quiet -m "lint infra/"
mkdir -p infra
cat > infra/main.tf <<'HCL'
resource "alicloud_ram_policy" "builders" {
  policy_name = "builders"
  policy_document = jsonencode({
    Version   = "1"
    Statement = [{ Effect = "allow", Action = "ecs:DescribeInstances", Resource = "*" }]
  })
}
HCL
cat > infra/stack.yaml <<'YAML'
ROSTemplateFormatVersion: '2015-09-01'
Resources:
  Builders:
    Type: ALIYUN::RAM::ManagedPolicy
    Properties:
      PolicyName: builders
      PolicyDocument:
        Version: '1'
        Statement:
          - Effect: allow
            Action: ecs:DescribeInstances
            Resource: '*'
YAML
git add -A
if git commit -m "broken infra" > "$work/out.txt" 2>&1; then
  cat "$work/out.txt"; echo "FAIL: the commit with a broken .tf and ROS .yaml was not blocked" >&2; exit 1
fi
expect "infra/main.tf:5:29" "$work/out.txt"
expect "infra/stack.yaml:10:21" "$work/out.txt"
sed -i 's/"allow"/"Allow"/' infra/main.tf
sed -i 's/Effect: allow/Effect: Allow/' infra/stack.yaml
git add -A
git commit --quiet -m "fixed infra"
echo "OK: pre-commit installed and ran the hook; findings reported, a bad policy, a broken .tf and a broken ROS .yaml blocked, their fixes committed"
