#!/usr/bin/env bash
# The action's install step (action.yml): downloads the release archive for
# this runner with the GitHub CLI, checks it against the release's .sha256
# file, and puts the binary on PATH. VERSION (an input) wins; else the tag
# the action is used at (ACTION_REF, when it looks like one); else the
# latest release of ACTION_REPOSITORY.
set -euo pipefail

case "$RUNNER_OS/$RUNNER_ARCH" in
  Linux/X64) target=x86_64-unknown-linux-gnu; ext=tar.gz ;;
  Linux/ARM64) target=aarch64-unknown-linux-gnu; ext=tar.gz ;;
  macOS/ARM64) target=aarch64-apple-darwin; ext=tar.gz ;;
  macOS/X64) target=x86_64-apple-darwin; ext=tar.gz ;;
  Windows/X64) target=x86_64-pc-windows-msvc; ext=zip ;;
  *) echo "policy-check has no release binary for $RUNNER_OS/$RUNNER_ARCH; install the wheel (pip install policy-check) instead" >&2; exit 1 ;;
esac

version=${VERSION:-}
if [ -z "$version" ] && [[ "${ACTION_REF:-}" =~ ^v[0-9]+\.[0-9]+\.[0-9]+ ]]; then
  version=$ACTION_REF
fi
if [ -z "$version" ]; then
  version=$(gh release view --repo "$ACTION_REPOSITORY" --json tagName --jq .tagName)
fi

asset="policy-check-$target.$ext"
dir="$RUNNER_TEMP/policy-check-$version"
mkdir -p "$dir"
gh release download "$version" --repo "$ACTION_REPOSITORY" --dir "$dir" --clobber \
  --pattern "$asset" --pattern "$asset.sha256"
(cd "$dir" && if command -v sha256sum > /dev/null; then sha256sum -c "$asset.sha256"; else shasum -a 256 -c "$asset.sha256"; fi)
if [ "$ext" = zip ]; then
  unzip -o -q "$dir/$asset" -d "$dir"
else
  tar -xzf "$dir/$asset" -C "$dir"
fi
echo "$dir" >> "$GITHUB_PATH"
"$dir/policy-check" --version
