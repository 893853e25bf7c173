# SPDX-License-Identifier: GPL-2.0
# Sourced by tools.test: runs tools in the background, each returning
# only once its probes are live, so a workload started next is surely
# seen (under TCG a tool takes a second or more to compile and attach);
# tool_stop then ends them all with SIGINT (trace_end runs), so no run
# depends on guessing how long the others took.
#
#   K=ktap-binary; . tools.sh
#   tool_bg OUT [KTAP-OPTIONS] SCRIPT [ARGS]; ...; WORKLOAD; tool_stop
#
# A tool's stdout goes to OUT, its -v messages and errors to OUT.err.

tool_pids=

tool_bg() {
	_out=$1
	shift
	"$K" -v "$@" >"$_out" 2>"$_out.err" &
	tool_pids="$tool_pids $!"
	_i=0
	until grep -q '^ktap: tracing [0-9]* events' "$_out.err"; do
		_i=$((_i + 1))
		if [ $_i -gt 300 ] || ! kill -0 $! 2>/dev/null; then
			echo "tool_bg: $* did not start:" >&2
			cat "$_out.err" >&2
			return 1
		fi
		sleep 0.1
	done
}

tool_stop() {
	# shellcheck disable=SC2086
	kill -INT $tool_pids
	wait $tool_pids
	tool_pids=
}
