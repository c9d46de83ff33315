#!/usr/bin/env bash
# Checks the wheel as a user without Rust would meet it:
# 1. builds the wheel once with maturin from PyPI (pyproject.toml, `bin`
#    bindings);
# 2. installs it into a fresh virtual environment with `pip --no-index`
#    (nothing but the wheel) and, with no Rust toolchain on PATH, runs the
#    binary on testdata/examples;
# 3. runs the pre-commit mirror's `language: python` hook
#    (pre-commit-mirror/) with `pre-commit try-repo`, then installs it and
#    checks that a commit holding a broken `.tf` and a broken ROS `.yaml` is
#    blocked and their fix committed. pip finds the wheel through
#    PIP_FIND_LINKS with the index off, so the hook gets this build.
#
# WHEEL_PROFILE picks the cargo profile (default `dev`: CI checks the
# packaging, not the optimiser, and shares the test build's compiled
# dependencies; `release` builds what the release workflow ships).
# Needs python3 (with venv), git and cargo; reaches PyPI for maturin,
# pre-commit and setuptools. Run by .ci/run.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
profile=${WHEEL_PROFILE:-dev}
work=$(mktemp -d "${TMPDIR:-/tmp}/policy-check-wheel.XXXXXX")
trap '[ -n "${KEEP_WORK:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
started=$(date +%s)
step() { echo "== $* ($(( $(date +%s) - started )) s)"; }

fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { # expect TEXT FILE: fail unless FILE holds TEXT
  grep -qF -- "$1" "$2" || { cat "$2"; fail "expected '$1' in the output"; }
}

step "build the wheel (maturin, profile $profile)"
python3 -m venv "$work/tools"
"$work/tools/bin/pip" install --quiet --disable-pip-version-check 'maturin>=1.7,<2' 'pre-commit>=3.2'
"$work/tools/bin/maturin" build --quiet --manifest-path "$here/Cargo.toml" --profile "$profile" --out "$work/dist"
wheels=("$work/dist"/policy_check-*.whl)
[ "${#wheels[@]}" -eq 1 ] && [ -f "${wheels[0]}" ] || fail "expected one wheel, found: ${wheels[*]}"
echo "built $(basename "${wheels[0]}")"

# From here on no Rust toolchain is reachable: a step that needed one fails.
bare_path="/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin"
if PATH="$bare_path" command -v cargo > /dev/null; then
  fail "cargo is on $bare_path; the no-toolchain steps would prove nothing"
fi

step "install it into a fresh virtual environment, with nothing but the wheel"
python3 -m venv "$work/user"
"$work/user/bin/pip" install --quiet --disable-pip-version-check --no-index "${wheels[0]}"
user_path="$work/user/bin:$bare_path"
(cd "$here" && PATH="$user_path" policy-check --version) > "$work/version.txt"
expect "policy-check $(sed -n 's/^version = "\(.*\)"/\1/p' "$here/Cargo.toml" | head -1)" "$work/version.txt"
status=0
(cd "$here" && PATH="$user_path" policy-check --format short testdata/examples) > "$work/examples.txt" || status=$?
[ "$status" -eq 1 ] || { cat "$work/examples.txt"; fail "expected exit 1 on testdata/examples, got $status"; }
expect "testdata/examples/bad/terraform/main.tf:16:25: error[invalid-principal]" "$work/examples.txt"
expect "testdata/examples/bad/hand-edited.json:5:17: error[invalid-effect]" "$work/examples.txt"
(cd "$here" && PATH="$user_path" policy-check testdata/examples/good) > "$work/good.txt" \
  || { cat "$work/good.txt"; fail "the good examples did not pass"; }

step "pre-commit: the mirror's language: python hook, installed from the wheel"
cp -R "$here/pre-commit-mirror" "$work/mirror"
git -C "$work/mirror" init --quiet
git -C "$work/mirror" add -A
git -C "$work/mirror" -c user.email=check@example.invalid -c user.name=check commit --quiet -m mirror
rev=$(git -C "$work/mirror" rev-parse HEAD)
# The mirror's build backend comes from PyPI once; then the index is off,
# so `policy-check==VERSION` can only be the wheel built above.
"$work/tools/bin/pip" download --quiet --disable-pip-version-check --only-binary=:all: \
  -d "$work/links" 'setuptools>=61'
export PIP_NO_INDEX=1 PIP_FIND_LINKS="$work/dist $work/links" PIP_DISABLE_PIP_VERSION_CHECK=1
export PRE_COMMIT_HOME="$work/cache"
hook_path="$work/tools/bin:$bare_path"

mkdir "$work/consumer"
cd "$work/consumer"
git init --quiet
git config user.email check@example.invalid
git config user.name check
cat > main.tf <<'HCL'
resource "alicloud_ram_policy" "builders" {
  policy_name = "builders"
  policy_document = jsonencode({
    Version   = "1"
    Statement = [{ Effect = "allow", Action = "ecs:DescribeInstances", Resource = "*" }]
  })
}
HCL
cat > stack.yaml <<'YAML'
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
# Files the hook is given but must skip: not policies.
echo '{"name": "web", "version": "1.0.0"}' > package.json
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n' > configmap.yaml
printf 'region = "cn-hangzhou"\n' > terraform.tfvars
git add -A

step "pre-commit try-repo (expect Failed on main.tf and stack.yaml)"
if PATH="$hook_path" pre-commit try-repo "$work/mirror" policy-check --ref "$rev" --all-files > "$work/out.txt" 2>&1; then
  cat "$work/out.txt"; fail "try-repo passed on a broken .tf and a broken ROS .yaml"
fi
cat "$work/out.txt"
expect "main.tf:5:29" "$work/out.txt"      # invalid-effect in the jsonencode() policy
expect "stack.yaml:10:21" "$work/out.txt"  # invalid-effect in the ROS template
for quiet in package.json configmap.yaml terraform.tfvars; do
  if grep -q "$quiet:" "$work/out.txt"; then fail "$quiet is not a policy and was reported"; fi
done

step "pre-commit install; a commit of the broken files (expect it blocked)"
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $work/mirror
    rev: $rev
    hooks:
      - id: policy-check
YAML
git add -A
PATH="$hook_path" pre-commit install > /dev/null
if PATH="$hook_path" git commit -m "broken policies" > "$work/out.txt" 2>&1; then
  cat "$work/out.txt"; fail "the commit with a broken .tf and a broken ROS .yaml was not blocked"
fi
expect "main.tf:5:29" "$work/out.txt"
expect "stack.yaml:10:21" "$work/out.txt"
echo "blocked as expected"

step "fix them; the commit goes through"
sed -i 's/"allow"/"Allow"/' main.tf
sed -i 's/Effect: allow/Effect: Allow/' stack.yaml
git add -A
PATH="$hook_path" git commit --quiet -m "fixed policies" > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; fail "the fixed commit was blocked"; }
echo "OK: wheel installed and ran without Rust; the python hook blocked a broken .tf and ROS .yaml and passed their fix ($(( $(date +%s) - started )) s)"
