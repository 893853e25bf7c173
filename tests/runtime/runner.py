#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Runs the end-to-end tests written in *.test files and reports them as TAP.
"""Run ktap end-to-end tests written as *.test data files; print TAP.

The file format is described in tests/runtime/README.md.  In short: blocks
separated by blank lines, one `DIRECTIVE value` per line, `#` in column 0 is
a comment, an indented line continues the previous value.

Standard library only: this runs inside a chroot that has nothing but
Debian's python3.  Keep it working on Python 3.6.
"""

import argparse
import collections
import difflib
import io
import math
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time

DEFAULT_TIMEOUT = 10.0
DEFAULT_AFTER_DELAY = 1.0
KILL_GRACE = 1.0        # seconds between SIGTERM and SIGKILL to a group
REAP_PATIENCE = 2.0     # seconds a SIGKILLed group may take to disappear
SHOW_LINES = 40         # lines of each output shown for a failed test
SHOW_WIDTH = 300        # characters of one output line shown
MODULE_DEVICE = '/dev/ktap'
MODULE_HINT = 'needs the ktapvm module (run inside tests/vm/ktap-vm)'
PLACEHOLDER = re.compile(r'\{\{([A-Z_]+)\}\}')
PLACEHOLDERS = ('KTAP', 'TESTDIR', 'BUILDDIR')


class BadValue(Exception):
    """A directive's value is malformed; the message says what was expected."""


# -- value converters, one per kind of directive value ----------------------

def conv_text(value):
    value = value.strip()
    if not value:
        raise BadValue('needs a value')
    return value


def conv_script(value):
    conv_text(value)
    return value        # handed to ktap exactly as written


def conv_name(value):
    value = conv_text(value)
    if '#' in value:
        raise BadValue("must not contain '#' (it starts a TAP directive)")
    return value


def conv_line(value):
    return value        # EXPECT matches exactly, spaces included


def conv_regex(value):
    try:
        return re.compile(value)
    except re.error as err:
        raise BadValue('bad regular expression: %s' % err)


def check_placeholders(text):
    for name in PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS:
            raise BadValue('unknown placeholder {{%s}} (known: %s)' % (
                name, ', '.join('{{%s}}' % p for p in PLACEHOLDERS)))
    return text


def conv_command(value):
    return check_placeholders(conv_text(value))


def conv_number(value, lowest, strict):
    try:
        number = float(value.strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < lowest or \
            (strict and number == lowest):
        raise BadValue('bad number %r: expected seconds %s %g' % (
            value.strip(), '>' if strict else '>=', lowest))
    return number


def conv_timeout(value):
    return conv_number(value, 0, True)


def conv_delay(value):
    return conv_number(value, 0, False)


def conv_status(value):
    text = value.strip()
    if not re.fullmatch(r'[0-9]+', text) or int(text) > 255:
        raise BadValue('bad number %r: expected an exit status 0..255' % text)
    return int(text)


def conv_flag(value):
    if value.strip():
        raise BadValue('takes no value')
    return True


def conv_env(value):
    text = value.strip()
    match = re.fullmatch(r'([A-Za-z_][A-Za-z0-9_]*)=(.*)', text, re.S)
    if not match:
        raise BadValue('expected NAME=value, got %r' % text)
    check_placeholders(match.group(2))
    return (match.group(1), match.group(2))


# The one list of directives: how the value is read, whether the directive
# may appear more than once in a block, whether its value may continue on
# indented lines.
Directive = collections.namedtuple('Directive', 'convert repeat multiline')
DIRECTIVES = {
    'NAME':                Directive(conv_name, False, False),
    'PROG':                Directive(conv_script, False, True),
    'RUN':                 Directive(conv_command, False, True),
    'EXPECT':              Directive(conv_line, True, False),
    'EXPECT_REGEX':        Directive(conv_regex, True, False),
    'EXPECT_NONE':         Directive(conv_text, True, False),
    'EXPECT_STDERR':       Directive(conv_line, True, False),
    'EXPECT_STDERR_REGEX': Directive(conv_regex, True, False),
    'EXIT_CODE':           Directive(conv_status, False, False),
    'WILL_FAIL':           Directive(conv_flag, False, False),
    'TIMEOUT':             Directive(conv_timeout, False, False),
    'REQUIRES':            Directive(conv_command, True, True),
    'REQUIRES_ROOT':       Directive(conv_flag, False, False),
    'REQUIRES_MODULE':     Directive(conv_flag, False, False),
    'BEFORE':              Directive(conv_command, True, True),
    'AFTER':               Directive(conv_command, True, True),
    'AFTER_DELAY':         Directive(conv_delay, False, False),
    'ENV':                 Directive(conv_env, True, False),
}


# -- parsing ----------------------------------------------------------------

class Entry:
    """One directive as written: its name, line number and value lines."""

    def __init__(self, name, line, first):
        self.name, self.line, self.parts = name, line, [first]

    def value(self):
        parts = self.parts
        if len(parts) > 1 and not parts[0].strip():
            parts = parts[1:]       # `PROG` alone, the script below it
        return '\n'.join(parts)


class TestCase:
    """One block of a test file, its directives converted and checked."""

    def __init__(self, path, line, name):
        self.path, self.line, self.name = path, line, name
        self.stem = os.path.splitext(os.path.basename(path))[0]
        self.dir = os.path.dirname(os.path.abspath(path))
        self.values = {}        # directive -> [(line, value), ...]

    @property
    def ident(self):
        return '%s:%s' % (self.stem, self.name)

    def all(self, directive):
        return self.values.get(directive, [])

    def get(self, directive, default=None):
        found = self.values.get(directive)
        return found[0][1] if found else default

    def where(self, line):
        return '%s:%d' % (os.path.basename(self.path), line)


class FileErrors:
    """Collects the errors of one test file, to print them in line order."""

    def __init__(self, path):
        self.path, self.found = path, []

    def __call__(self, line, text):
        self.found.append((line, text))

    def messages(self):
        return ['%s:%d: error: %s' % (self.path, line, text)
                for line, text in sorted(self.found, key=lambda e: e[0])]


def unknown_directive(word):
    text = 'unknown directive %r' % word
    near = difflib.get_close_matches(word.upper(), DIRECTIVES, 1)
    return text + ("; did you mean '%s'?" % near[0] if near else '')


UNKNOWN = Entry('?', 0, '')      # stands for a directive already reported


def read_blocks(lines, error):
    """Splits a file into blocks (lists of Entry); blank lines end a block."""
    blocks, block, last = [], None, None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            block = last = None
        elif line.startswith('#'):
            continue                # a comment, even inside a value
        elif line[0] in ' \t':
            if last is None:
                error(number, 'indented line continues no directive (a '
                      'blank line ends a block, even inside a value)')
            elif last is UNKNOWN:
                pass
            elif not DIRECTIVES[last.name].multiline:
                error(number, '%s takes a one-line value (only PROG, RUN, '
                      'REQUIRES, BEFORE and AFTER continue on indented '
                      'lines)' % last.name)
                last = UNKNOWN
            else:
                last.parts.append(line)
        else:
            if block is None:
                block = []
                blocks.append(block)
            word = re.match(r'[^ \t]+', line).group()
            if word in DIRECTIVES:
                last = Entry(word, number, line[len(word) + 1:])
                block.append(last)
            else:
                error(number, unknown_directive(word))
                last = UNKNOWN
    return blocks


def convert_entries(test, entries, error):
    """Converts each entry's value into test.values; reports bad values.
    Returns whether all went well."""
    first_seen, clean = {}, True
    for entry in entries[1:]:
        spec = DIRECTIVES[entry.name]
        if entry.name == 'NAME':
            error(entry.line, 'NAME inside a block; separate tests with a '
                  'blank line')
            return False    # the rest belongs to another test
        if entry.name in first_seen and not spec.repeat:
            error(entry.line, 'duplicate %s (first at line %d)' % (
                entry.name, first_seen[entry.name]))
            clean = False
            continue
        first_seen.setdefault(entry.name, entry.line)
        try:
            value = spec.convert(entry.value())
        except BadValue as err:
            error(entry.line, '%s: %s' % (entry.name, err))
            clean = False
            continue
        test.values.setdefault(entry.name, []).append((entry.line, value))
    return clean


def check_combination(test, error):
    """Reports directives that make no sense together."""
    if not test.all('PROG') and not test.all('RUN'):
        error(test.line, 'test %r has neither PROG nor RUN' % test.name)
    if test.all('PROG') and test.all('RUN'):
        error(test.all('RUN')[0][0], 'test %r has both PROG and RUN'
              % test.name)
    if test.all('WILL_FAIL') and test.all('EXIT_CODE'):
        error(test.all('EXIT_CODE')[0][0],
              'EXIT_CODE and WILL_FAIL are mutually exclusive')
    if test.all('AFTER_DELAY') and not test.all('AFTER'):
        error(test.all('AFTER_DELAY')[0][0], 'AFTER_DELAY without AFTER')


def build_test(path, entries, error):
    head = entries[0]
    if head.name != 'NAME':
        error(head.line, 'a test block must start with NAME, not %s'
              % head.name)
        return None
    try:
        name = conv_name(head.value())
    except BadValue as err:
        error(head.line, 'NAME: %s' % err)
        return None
    test = TestCase(path, head.line, name)
    if convert_entries(test, entries, error):
        check_combination(test, error)     # not after a bad value: noise
    return test


def parse_file(path, sink):
    """Returns the tests of one file; appends its errors to sink."""
    error = FileErrors(path)
    try:
        with open(path, encoding='utf-8') as stream:
            lines = [line.rstrip('\r') for line in stream.read().split('\n')]
    except (OSError, UnicodeDecodeError) as err:
        sink.append('%s: error: cannot read: %s' % (path, err))
        return []
    tests, names = [], {}
    for entries in read_blocks(lines, error):
        test = build_test(path, entries, error) if entries else None
        if test is None:
            continue
        if test.name in names:
            error(test.line, 'duplicate NAME %r (first at line %d)'
                  % (test.name, names[test.name]))
            continue
        names[test.name] = test.line
        tests.append(test)
    if not tests and not error.found:
        error(1, 'no tests in file')
    sink += error.messages()
    return tests


def collect_files(paths, sink):
    """Expands directories (their *.test, sorted, not recursive)."""
    files, seen = [], set()
    for path in paths:
        if os.path.isdir(path):
            found = sorted(os.path.join(path, f) for f in os.listdir(path)
                           if f.endswith('.test'))
        elif os.path.isfile(path):
            found = [path]
        else:
            sink.append('%s: error: no such file or directory' % path)
            continue
        for name in found:
            if os.path.realpath(name) not in seen:
                seen.add(os.path.realpath(name))
                files.append(name)
    return files


# -- process groups ---------------------------------------------------------
#
# Every command runs as the leader of its own session, hence of its own
# process group, so that it and anything it forks can be killed together.
# The leader is left unreaped (WNOWAIT) until the group has been signalled:
# while it is a zombie its pid, which is also the group id, cannot be reused.

def leader_exited(proc):
    if proc.returncode is not None:
        return True
    try:
        info = os.waitid(os.P_PID, proc.pid,
                         os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return info is not None


def wait_leader(proc, deadline):
    """Waits until the leader exits or deadline passes; True if it exited."""
    pause = 0.005
    while not leader_exited(proc):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(pause, left))
        pause = min(pause * 2, 0.05)
    return True


def signal_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def group_members(pgid):
    """Live processes of a group, as 'PID (STATE)', read from /proc."""
    found = []
    try:
        names = os.listdir('/proc')
    except OSError:
        return found
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % name) as stream:
                stat = stream.read()
        except OSError:
            continue
        # after "pid (comm) ": state ppid pgrp ...
        fields = stat[stat.rfind(')') + 2:].split()
        if len(fields) > 2 and fields[2] == str(pgid) and \
                fields[0] not in ('Z', 'X'):
            found.append('%s (%s)' % (name, fields[0]))
    return found


def end_group(proc):
    """Stops a group (SIGTERM, then SIGKILL), reaps its leader; returns
    the members still alive after REAP_PATIENCE, normally none."""
    if not leader_exited(proc):
        signal_group(proc.pid, signal.SIGTERM)
        wait_leader(proc, time.monotonic() + KILL_GRACE)
    signal_group(proc.pid, signal.SIGKILL)     # also stray background jobs
    proc.wait()
    deadline = time.monotonic() + REAP_PATIENCE
    while True:
        alive = group_members(proc.pid)
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.02)


def spawn(argv, cwd, env, stdout, stderr):
    return subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=stdout, stderr=stderr,
                            start_new_session=True)


def describe_status(status):
    if status is not None and status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = 'unknown'
        return 'killed by signal %d (%s)' % (-status, name)
    return 'exit status %s' % status


# -- running one test -------------------------------------------------------

class Config:
    def __init__(self, ktap, builddir, require_all, verbose):
        self.ktap, self.builddir = ktap, builddir
        self.require_all, self.verbose = require_all, verbose


class Run:
    """One execution of a test: BEFORE commands, the program, AFTER
    commands; collects problems (failed expectations) and outputs."""

    def __init__(self, test, cfg, tmpdir):
        self.test, self.cfg, self.tmpdir = test, cfg, tmpdir
        self.timeout = test.get('TIMEOUT', DEFAULT_TIMEOUT)
        self.env = dict(os.environ)
        # A scratch directory of this test alone: tests that write files
        # use "$TMPDIR/name", so suites running side by side (make -j,
        # distcheck, other trees on the machine) never share a file.
        self.env['TMPDIR'] = os.path.join(tmpdir, 'scratch')
        os.mkdir(self.env['TMPDIR'])
        self.env.update((k, self.expand(v)) for _, (k, v) in test.all('ENV'))
        self.problems, self.outputs = [], []
        self.status, self.timed_out, self.argv = None, False, None

    def expand(self, text):
        values = {'KTAP': self.cfg.ktap, 'TESTDIR': self.test.dir,
                  'BUILDDIR': self.cfg.builddir}
        return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)

    def shell(self, command):
        return ['/bin/sh', '-c', self.expand(command)]

    def output_file(self, label):
        path = os.path.join(self.tmpdir, '%d.out' % len(self.outputs))
        self.outputs.append((label, path))
        return open(path, 'wb')

    def start(self, argv, label, stderr_label=None):
        """Spawns argv in its own group; stdout and stderr go to files."""
        with self.output_file(label) as out:
            if stderr_label is None:
                return spawn(argv, self.test.dir, self.env, out,
                             subprocess.STDOUT)
            with self.output_file(stderr_label) as err:
                return spawn(argv, self.test.dir, self.env, out, err)

    def finish(self, proc, label):
        for pid in end_group(proc):
            self.problems.append('%s left process %s behind, alive after '
                                 'SIGKILL' % (label, pid))

    def run_waited(self, argv, label):
        """Runs a command to completion within the timeout; returns its
        status, or None if it timed out."""
        proc = self.start(argv, label)
        try:
            done = wait_leader(proc, time.monotonic() + self.timeout)
        finally:
            self.finish(proc, label)
        return proc.returncode if done else None

    def requirements(self):
        """Returns why the test must be skipped, or None."""
        test = self.test
        if test.all('REQUIRES_ROOT') and os.geteuid() != 0:
            return 'needs root'
        if test.all('REQUIRES_MODULE') and not os.path.exists(MODULE_DEVICE):
            return MODULE_HINT
        for line, command in test.all('REQUIRES'):
            label = 'REQUIRES (%s)' % test.where(line)
            status = self.run_waited(self.shell(command), label)
            if status is None:
                self.problems.append('%s timed out after %g s'
                                     % (label, self.timeout))
                return None
            if status != 0:
                return 'requires: %s' % ' '.join(command.split())
        return None

    def execute(self):
        test = self.test
        procs = []
        try:
            for line, command in test.all('BEFORE'):
                label = 'BEFORE (%s)' % test.where(line)
                procs.append((self.start(self.shell(command), label), label))
            self.run_program()
        finally:
            for proc, label in procs:
                self.stop_before(proc, label)

    def run_program(self):
        test = self.test
        if test.get('PROG') is not None:
            self.argv = [self.cfg.ktap, '-e', test.get('PROG')]
        else:
            self.argv = self.shell(test.get('RUN'))
        start = time.monotonic()
        try:
            proc = self.start(self.argv, 'stdout', 'stderr')
        except OSError as err:
            self.problems.append('cannot run %s: %s' % (self.argv[0], err))
            return
        deadline = start + self.timeout
        try:
            if test.all('AFTER'):
                delay = test.get('AFTER_DELAY', DEFAULT_AFTER_DELAY)
                wait_leader(proc, min(deadline, start + delay))
                self.run_after()
            self.timed_out = not wait_leader(proc, deadline)
        finally:
            self.finish(proc, 'the test program')
            self.status = proc.returncode

    def run_after(self):
        for line, command in self.test.all('AFTER'):
            label = 'AFTER (%s)' % self.test.where(line)
            if self.run_waited(self.shell(command), label) is None:
                self.problems.append('%s timed out after %g s'
                                     % (label, self.timeout))

    def stop_before(self, proc, label):
        exited = leader_exited(proc)
        self.finish(proc, label)
        if exited and proc.returncode != 0:
            self.problems.append('%s exited early, %s' % (
                label, describe_status(proc.returncode)))

    def read_output(self, label):
        for name, path in self.outputs:
            if name == label:
                with open(path, 'rb') as stream:
                    text = stream.read().decode('utf-8', 'replace')
                lines = text.split('\n')
                return lines[:-1] if lines[-1] == '' else lines
        return []


# -- judging ----------------------------------------------------------------

def match_in_order(test, lines, directive, stream):
    """EXPECT lines must each be found, in order, on distinct lines."""
    problems, pos = [], 0
    for line, want in test.all(directive):
        try:
            pos = lines.index(want, pos) + 1
            continue
        except ValueError:
            pass
        where = '%s: %s %r' % (test.where(line), directive, want)
        if want in lines[:pos]:
            problems.append('%s is out of order: it appears in %s only '
                            'before line %d, which matched an earlier '
                            'EXPECT' % (where, stream, pos))
        else:
            problems.append('%s not found in %s' % (where, stream))
    return problems


def judge_stream(test, lines, stream, exact, regex, none):
    problems = match_in_order(test, lines, exact, stream)
    for line, pattern in test.all(regex):
        if not any(pattern.search(text) for text in lines):
            problems.append('%s: %s %r matches no line of %s' % (
                test.where(line), regex, pattern.pattern, stream))
    for line, text in test.all(none) if none else ():
        hits = [n for n, out in enumerate(lines, 1) if text in out]
        if hits:
            problems.append('%s: %s %r found in %s line %d' % (
                test.where(line), none, text, stream, hits[0]))
    return problems


def judge(run):
    test, status = run.test, run.status
    problems = list(run.problems)
    if run.timed_out:
        return problems + ['timed out after %g s' % run.timeout]
    if status is None:
        return problems
    if status < 0:
        problems.append('expected the test program to exit, not to be '
                        'killed by a signal')
    elif test.all('WILL_FAIL'):
        if status == 0:
            problems.append('expected a non-zero exit status (WILL_FAIL)')
    elif status != test.get('EXIT_CODE', 0):
        problems.append('expected exit status %d' % test.get('EXIT_CODE', 0))
    problems += judge_stream(test, run.read_output('stdout'), 'stdout',
                             'EXPECT', 'EXPECT_REGEX', 'EXPECT_NONE')
    problems += judge_stream(test, run.read_output('stderr'), 'stderr',
                             'EXPECT_STDERR', 'EXPECT_STDERR_REGEX', None)
    return problems


def show_lines(label, lines):
    if not lines:
        return ['%s: (empty)' % label]
    shown = ['%s (%d line%s):' % (label, len(lines),
                                  '' if len(lines) == 1 else 's')]
    for text in lines[:SHOW_LINES]:
        if len(text) > SHOW_WIDTH:
            text = text[:SHOW_WIDTH] + '...'
        shown.append('  | ' + text)
    if len(lines) > SHOW_LINES:
        shown.append('  ... %d more lines' % (len(lines) - SHOW_LINES))
    return shown


def diagnostics(run, problems, elapsed):
    test = run.test
    diag = ['test: %s (%.2f s)' % (test.where(test.line), elapsed)]
    if run.argv:
        diag.append('command: ' + ' '.join(shlex.quote(a) for a in run.argv))
    for _, (name, value) in test.all('ENV'):
        diag.append('env: %s=%s' % (name, run.expand(value)))
    if run.argv and not run.timed_out and run.status is not None:
        diag.append(describe_status(run.status))
    diag += problems
    for label, _ in run.outputs:
        lines = run.read_output(label)
        if label in ('stdout', 'stderr') or lines:
            diag += show_lines(label, lines)
    return diag


def run_test(test, cfg):
    """Returns (verdict, text, diagnostics); verdict is ok, fail or skip."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix='ktap-runner.') as tmpdir:
        run = Run(test, cfg, tmpdir)
        reason = run.requirements()
        if reason is None and not run.problems:
            run.execute()
        problems = judge(run) if reason is None else []
        diag = []
        if problems or cfg.verbose:
            diag = diagnostics(run, problems, time.monotonic() - started)
    if reason is not None:
        if cfg.require_all:
            return 'fail', None, ['would skip (--require-all): ' + reason]
        return 'skip', reason, []
    return ('fail' if problems else 'ok'), None, diag


# -- driver -----------------------------------------------------------------

def report(number, test, verdict, reason, diag):
    title = '%s: %s' % (test.stem, test.name)
    if verdict == 'skip':
        print('ok %d - %s # SKIP %s' % (number, title, reason))
    else:
        print('%s %d - %s' % ('ok' if verdict == 'ok' else 'not ok',
                              number, title))
    for text in diag:
        for line in text.split('\n'):
            print('# ' + line)
    sys.stdout.flush()


def run_all(tests, cfg):
    counts = collections.Counter()
    print('1..%d' % len(tests))
    print('# ktap: %s' % cfg.ktap)
    sys.stdout.flush()
    for number, test in enumerate(tests, 1):
        verdict, reason, diag = run_test(test, cfg)
        counts[verdict] += 1
        report(number, test, verdict, reason, diag)
    print('# %d passed, %d failed, %d skipped'
          % (counts['ok'], counts['fail'], counts['skip']))
    return 1 if counts['fail'] else 0


def find_ktap(given):
    given = given or os.environ.get('KTAP') or 'ktap'
    if os.sep in given:
        return os.path.abspath(given)
    for directory in os.environ.get('PATH', '').split(os.pathsep):
        path = os.path.join(directory or '.', given)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return os.path.abspath(path)
    return given        # not found: each test will say so


def regex_argument(text):
    try:
        return re.compile(text)
    except re.error as err:
        raise argparse.ArgumentTypeError('bad regular expression %r: %s'
                                         % (text, err))


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description='Run ktap end-to-end tests (*.test files); print TAP.')
    parser.add_argument('--ktap', metavar='PATH',
                        help='ktap binary (default: $KTAP, else ktap in PATH)')
    parser.add_argument('--builddir', metavar='DIR', default='.',
                        help='value of {{BUILDDIR}} (default: .)')
    parser.add_argument('--filter', metavar='REGEX', type=regex_argument,
                        help='run only tests whose FILE-STEM:NAME matches')
    parser.add_argument('--require-all', action='store_true',
                        help='a test that would be skipped fails instead')
    parser.add_argument('--list', action='store_true',
                        help='print the ids of the tests and exit')
    parser.add_argument('-v', '--verbose', action='store_true',
                        help='print command and output of every test')
    parser.add_argument('paths', nargs='+', metavar='FILE_OR_DIR')
    return parser.parse_args(argv)


def interrupted(signum, frame):
    # Unwinds through the finally blocks that kill running process groups.
    raise KeyboardInterrupt


def robust_stdout():
    """A test's output may hold any bytes and the locale may be C (ASCII
    on Python 3.6): escape what cannot be encoded instead of dying."""
    encoding = sys.stdout.encoding
    sys.stdout = io.TextIOWrapper(sys.stdout.detach(), encoding=encoding,
                                  errors='backslashreplace')


def main(argv=None):
    args = parse_args(argv)
    robust_stdout()
    errors = []
    tests = []
    for path in collect_files(args.paths, errors):
        tests += parse_file(path, errors)
    if errors:
        for text in errors:
            print(text, file=sys.stderr)
        if not args.list:
            print('Bail out! %d error(s) in test files' % len(errors))
        return 2
    if args.filter:
        tests = [t for t in tests if args.filter.search(t.ident)]
    if args.list:
        for test in tests:
            print(test.ident)
        return 0
    if not tests:
        print('1..0 # SKIP no tests selected')
        return 1 if args.require_all else 0
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    cfg = Config(find_ktap(args.ktap), os.path.abspath(args.builddir),
                 args.require_all, args.verbose)
    try:
        return run_all(tests, cfg)
    except KeyboardInterrupt:
        print('Bail out! interrupted')
        return 130


if __name__ == '__main__':
    sys.exit(main())
