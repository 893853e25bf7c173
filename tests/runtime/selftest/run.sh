#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Self-test of tests/runtime/runner.py: runs it with fake-ktap on the .test files here and checks verdicts, TAP, exit status, errors, timeouts and clean-up; prints TAP.
#
# Usage: run.sh   (RUNNER=path/to/runner.py and PYTHON=python3 override the defaults)
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
runner_py=${RUNNER:-$here/../runner.py}
python=${PYTHON:-/usr/bin/python3}
fake=$here/fake-ktap
tmp=$(mktemp -d "${TMPDIR:-/tmp}/runner-selftest.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
export SELFTEST_TMP=$tmp/scratch SELFTEST_BUILDDIR=$tmp/build
mkdir -p "$SELFTEST_TMP" "$SELFTEST_BUILDDIR" "$tmp/bin"
unset KTAP

count=0 failures=0 status=0 elapsed_ms=0

# raw ARGS...: runs the runner as is; sets status and elapsed_ms.  The
# outer timeout only keeps a broken runner from hanging the self-test.
raw() {
	local start end
	start=$(date +%s%N)
	timeout -k 5 300 "$python" "$runner_py" "$@" \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
	end=$(date +%s%N)
	elapsed_ms=$(((end - start) / 1000000))
}

# run ARGS...: the runner with fake-ktap and the scratch build directory.
run() {
	raw --ktap "$fake" --builddir "$SELFTEST_BUILDDIR" "$@"
}

# check DESCRIPTION COMMAND...: one TAP line; a failure shows the last run.
check() {
	local desc=$1
	shift
	count=$((count + 1))
	if "$@"; then
		echo "ok $count - $desc"
		return
	fi
	echo "not ok $count - $desc"
	failures=$((failures + 1))
	echo "# runner: exit status $status after $elapsed_ms ms"
	head -n 60 "$tmp/out" | sed 's/^/# stdout: /'
	head -n 20 "$tmp/err" | sed 's/^/# stderr: /'
}

status_is() { [ "$status" -eq "$1" ]; }
out_line() { grep -qxF -- "$1" "$tmp/out"; }
out_has() { grep -qF -- "$1" "$tmp/out"; }
err_has() { grep -qF -- "$1" "$tmp/err"; }
err_empty() { [ ! -s "$tmp/err" ]; }
no_results() { ! grep -qE '^(not )?ok ' "$tmp/out"; }
absent() { [ ! -e "$SELFTEST_TMP/$1" ]; }
names_in() { grep -c '^NAME ' "$1"; }
count_lines() { [ "$(grep -cE -- "$1" "$tmp/out")" -eq "$2" ]; }
elapsed_between() { [ "$elapsed_ms" -ge "$1" ] && [ "$elapsed_ms" -lt "$2" ]; }

# tap_valid: a plan first, results numbered from 1 up to the plan,
# nothing but comments besides.
tap_valid() {
	awk '
	NR == 1 {
		if ($0 !~ /^1\.\.[0-9]+( # SKIP .*)?$/) bad = 1
		plan = substr($1, 4) + 0
		next
	}
	/^ok [0-9]+ - / { if ($2 != ++n) bad = 1; next }
	/^not ok [0-9]+ - / { if ($3 != ++n) bad = 1; next }
	/^#/ { next }
	{ bad = 1 }
	END { exit bad || n != plan || NR == 0 }' "$tmp/out"
}

# alive PID: the process exists and is not a zombie.
alive() {
	local state
	state=$(sed -n 's/.*) \(.\) .*/\1/p' "/proc/$1/stat" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# none_alive PID...: none of them survives; at least one pid was given.
none_alive() {
	local pid
	[ $# -gt 0 ] || return 1
	for pid; do
		[ -n "$pid" ] && ! alive "$pid" || return 1
	done
}

# shown_pids: the pids a test printed, read back from the diagnostics.
shown_pids() { sed -n 's/^#   | pid=\([0-9]*\)$/\1/p' "$tmp/out"; }

# diag_of TITLE: the diagnostics printed under one result line.
diag_of() {
	awk -v title="$1" '
	/^(ok|not ok) [0-9]+ - / { inside = (substr($0, index($0, " - ") + 3) == title); next }
	/^# [0-9]+ passed/ { inside = 0 }
	inside { print substr($0, 3) }' "$tmp/out"
}

# wants_met TITLE WANT...: each text appears in the test's diagnostics.
wants_met() {
	local title=$1 want diag
	shift
	diag=$(diag_of "$title")
	[ -n "$diag" ] || return 1
	for want; do
		grep -qF -- "$want" <<<"$diag" || return 1
	done
}

# errors_met FILE: the runner reported exactly the file's "# error:" lines.
errors_met() {
	local file=$1 line text n=0
	while IFS= read -r line; do
		text=${line#*: }
		grep -qF -- "$file:${line%%:*}: error: $text" "$tmp/err" || return 1
		n=$((n + 1))
	done < <(sed -n 's/^# error: //p' "$file")
	[ "$n" -gt 0 ] && [ "$(wc -l <"$tmp/err")" -eq "$n" ]
}

# --- tests that must pass --------------------------------------------------
pass=$here/pass.test
n=$(names_in "$pass")
run "$pass"
check "pass.test: exit status 0" status_is 0
check "pass.test: valid TAP" tap_valid
check "pass.test: all $n tests pass" count_lines '^ok [0-9]+ - pass: ' "$n"
check "pass.test: summary" out_line "# $n passed, 0 failed, 0 skipped"
check "pass.test: nothing on stderr" err_empty
check "pass.test: BEFORE process killed after its test" \
	none_alive "$(cat "$SELFTEST_TMP/before.pid" 2>/dev/null)"

# --- tests that must fail, each with its diagnostics ------------------------
fail=$here/fail.test
n=$(names_in "$fail")
run "$fail"
check "fail.test: exit status 1" status_is 1
check "fail.test: valid TAP" tap_valid
check "fail.test: all $n tests fail" count_lines '^not ok [0-9]+ - fail: ' "$n"
check "fail.test: summary" out_line "# 0 passed, $n failed, 0 skipped"
wants=()
while IFS= read -r line; do
	case $line in
	'# want: '*) wants+=("${line#\# want: }") ;;
	'NAME '*)
		check "fail.test: diagnostics of '${line#NAME }'" \
			wants_met "fail: ${line#NAME }" "${wants[@]}"
		wants=() ;;
	esac
done <"$fail"
check "fail.test: a REQUIRES that times out stops the test" \
	absent requires-hang-ran

# --- requirements ---------------------------------------------------------
skip=$here/skip.test
if [ "$(id -u)" -eq 0 ]; then root_verdict=''; else root_verdict=' # SKIP needs root'; fi
if [ -e /dev/ktap ]; then module_verdict=''
else module_verdict=' # SKIP needs the ktapvm module (run inside tests/vm/ktap-vm)'; fi
run "$skip"
check "skip.test: exit status 0" status_is 0
check "skip.test: valid TAP" tap_valid
check "skip.test: REQUIRES false skips" \
	out_line "ok 1 - skip: requires false skips # SKIP requires: false"
check "skip.test: a skipped test does not run" absent skipped-ran
check "skip.test: REQUIRES_ROOT" out_line "ok 2 - skip: requires root$root_verdict"
check "skip.test: REQUIRES_MODULE" \
	out_line "ok 3 - skip: requires module$module_verdict"
run --require-all "$skip"
check "--require-all: exit status 1" status_is 1
check "--require-all: valid TAP" tap_valid
check "--require-all: a skip becomes a failure" \
	out_line "not ok 1 - skip: requires false skips"
check "--require-all: says why" \
	wants_met "skip: requires false skips" "would skip (--require-all): requires: false"

# --- timeouts: time taken, nothing left behind ----------------------------
timeout_test=$here/timeout.test
run --filter '^timeout:program that ignores SIGTERM$' "$timeout_test"
check "timeout: exit status 1" status_is 1
check "timeout: reported" wants_met "timeout: program that ignores SIGTERM" "timed out after 1 s"
# TIMEOUT 1 s, then 1 s of grace before SIGKILL
check "timeout: SIGKILL after the grace period (took $elapsed_ms ms)" elapsed_between 2000 3500
check "timeout: the test showed its two pids" \
	[ "$(shown_pids | wc -l)" -eq 2 ]
# shellcheck disable=SC2046 # one argument per pid
check "timeout: the whole group is killed" none_alive $(shown_pids)
run --filter '^timeout:prog that sleeps$' "$timeout_test"
check "timeout of PROG: exit status 1" status_is 1
check "timeout of PROG: reported" wants_met "timeout: prog that sleeps" "timed out after 1 s"
check "timeout of PROG: in about 1 s (took $elapsed_ms ms)" elapsed_between 1000 2500
# shellcheck disable=SC2046 # one argument per pid
check "timeout of PROG: ktap killed" none_alive $(shown_pids)
check "timeout of PROG: BEFORE killed" \
	none_alive "$(cat "$SELFTEST_TMP/timeout-before.pid" 2>/dev/null)"

# --- errors in test files: exit 2, FILE:LINE, nothing run ------------------
for bad in "$here"/bad/*.test; do
	name=bad/${bad##*/}
	rm -f "$SELFTEST_TMP/ran"
	run "$bad"
	check "$name: exit status 2" status_is 2
	check "$name: every error reported as FILE:LINE, no others" errors_met "$bad"
	check "$name: nothing run" no_results
	check "$name: no test started" absent ran
done
rm -f "$SELFTEST_TMP/after"
run "$pass" "$here/bad/directives.test"
check "an error in one file stops all files" status_is 2
check "an error in one file stops all files: no result" no_results
check "an error in one file stops all files: no test started" absent after

# --- command line ---------------------------------------------------------
run --list "$pass"
check "--list: exit status 0" status_is 0
check "--list: one id per test" count_lines '^pass:' "$(names_in "$pass")"
check "--list: ids are stem:NAME" out_line "pass:prog passes the script as one argument"
run --filter '^pass:exit_code$' "$pass"
check "--filter: exit status 0" status_is 0
check "--filter: keeps only matching tests" out_line "1..1"
check "--filter: result" out_line "ok 1 - pass: exit_code"
run --filter 'no such test' "$pass"
check "--filter matching nothing: exit status 0" status_is 0
check "--filter matching nothing: empty plan" out_line "1..0 # SKIP no tests selected"
run --require-all --filter 'no such test' "$pass"
check "--filter matching nothing with --require-all: exit status 1" status_is 1
run --filter '^pass:' "$here"
check "directory: its *.test files, not those of bad/" status_is 0
check "directory: runs the selected tests" out_line "1..$(names_in "$pass")"
run "$tmp/no-such.test"
check "missing file: exit status 2" status_is 2
check "missing file: reported" err_has "no-such.test: error: no such file or directory"
ln -s "$fake" "$tmp/bin/ktap"
PATH=$tmp/bin:$PATH raw --filter '^pass:exit_code$' "$pass"
check "ktap found in PATH by default" out_line "# ktap: $tmp/bin/ktap"
check "ktap found in PATH by default: test passes" status_is 0
run --ktap "$tmp/nowhere/ktap" --filter '^pass:exit_code$' "$pass"
check "missing ktap: exit status 1" status_is 1
check "missing ktap: reported" wants_met "pass: exit_code" "cannot run $tmp/nowhere/ktap"
run -v --filter '^pass:exit_code$' "$pass"
check "-v: shows the command of a passing test" \
	wants_met "pass: exit_code" "command: $fake -e anything"

echo "1..$count"
echo "# $((count - failures)) of $count runner checks passed"
[ "$failures" -eq 0 ]
