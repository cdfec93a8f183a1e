#!/usr/bin/env bash
# Install the pinned grammar test tool (npm ci), run the grammar tests, then prove that a
# deliberately wrong scope assertion (tests-negative/) makes the tool fail.
set -euo pipefail
cd "$(dirname "$0")"

# Concurrent runs (parallel test sessions) must not reinstall under each other's feet.
exec 9<"$0"
flock 9

# Reinstall only when the lock file changed since the last install.
stamp=node_modules/.installed-package-lock.json
if ! cmp -s package-lock.json "$stamp"; then
    npm ci --no-audit --no-fund --loglevel=error --prefer-offline
    cp package-lock.json "$stamp"
fi

# The Markdown host grammar embeds many languages we do not load; drop those warnings.
grammar_test() {
    node_modules/.bin/vscode-tmgrammar-test --compact --config tests/config.json "$@" \
        2> >(grep -v '^grammar not found for' >&2)
}

grammar_test 'tests/*.spell' 'tests/markdown/*.md'

# Each negative file holds exactly one wrong assertion: expect one reported mismatch per file.
expected=$(ls tests-negative/*.spell | wc -l)
if output=$(grammar_test 'tests-negative/*.spell'); then
    echo "FAIL: the negative grammar tests passed; wrong scopes go undetected" >&2
    exit 1
fi
found=$(grep -c 'Missing required scopes' <<<"$output" || true)
if [ "$found" -ne "$expected" ]; then
    echo "FAIL: expected $expected scope mismatch(es) from tests-negative/, got $found:" >&2
    echo "$output" >&2
    exit 1
fi
echo "negative grammar tests: $found wrong scope(s) rejected, as required"
