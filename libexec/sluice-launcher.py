#!/usr/bin/env python3
# sluice's process launcher: one small long-lived helper that starts task processes with
# posix_spawn (vfork-based, so cheap) instead of forking the large Node process for each task.
#
# Standard library only, Python 3.8+ (checked below). Single-threaded: one epoll loop over stdin (requests)
# and a SIGCHLD wakeup pipe. A task that ends, however it ends, takes its whole process group
# down with it (SIGKILL). On Linux the launcher is a child subreaper: a task's descendant that
# left its group (setsid) and lost its parent is adopted by us, and ended once its task ended
# (the task is named by SLUICE_COOKIE=<launcher pid>:<task id>, which every task that inherits
# sluice's environment gets; without it, once it started before every task still running), or
# at shutdown; adopted processes are reaped. When stdin reaches EOF (sluice closed it, or sluice
# died, even by SIGKILL), or sluice dies (PR_SET_PDEATHSIG sends us SIGTERM), every task still
# running and every adopted process is sent SIGTERM, then SIGKILL, and we exit.
# A bare program name is looked up on PATH once per launcher (that is, per sluice run) and
# remembered: posix_spawnp would retry every PATH directory on every task.
# With `--ledger DIR`, every task's process group is appended to DIR/<launcher pid> as
# `<pgid> <start> <id>` right after it is spawned, before it is reported, so that a run that takes
# over after sluice and this helper were both killed (SIGKILL) finds it; a held task's start is
# preceded by `- - <id>`, so that sluice, if we die, knows which held tasks may have started
# (their `p` may wait, see REPORT_DELAY, and be lost with us); the file is rewritten
# with the groups still running every LEDGER_COMPACT_EVERY spawns, and removed when we exit after
# every task ended. sluice then records no group of ours itself (the ready line says `ledger`).
#
# Requests, one per line on stdin (op letter, space, payload):
#   e {"env": {...}, "graceMs": 1000}        base environment and shutdown grace; first line
#   s [id, argv, cwd, env|null, stdin|null, stdout, stderr, drop, outputs, quiet]  start a task;
#                                            `drop` (optional, default 0): 1 = the stdout file is a
#                                            capture, 2 = the stderr file is: its size is reported
#                                            at the end, and it is removed when the task left it
#                                            empty; `outputs` (optional, or null): paths an exit
#                                            status 0 must leave, else it counts as a failure
#                                            (below); `quiet` (optional): [ms, [path, ...]], its
#                                            no-output limit: once neither its stdout and stderr
#                                            files nor those paths changed (size, mtime) for ms,
#                                            we say so (`q`), once
#   h [id, argv, ...]                        hold a task (same fields as `s`): it starts, in the
#                                            order held, in place of a task that exits with
#                                            status 0 (whose slot it takes over: its `p` comes
#                                            before that task's `x`), or on `g`. Not while a
#                                            failure (an `x` of another status, a `k`, an `f`) is
#                                            not acknowledged (`o`: sluice has acted on it, and
#                                            dropped what it will not run), nor once SIGINT
#                                            (Ctrl-C) reached us: then only `g` starts it
#   g id                                     start a held task now (sluice found a free slot)
#   o                                        one failure more is acknowledged
#   t id                                     SIGTERM the task's process group (a kill follows
#                                            when its leader exits, whatever its status); a
#                                            held task is dropped unstarted (`c`)
#   k id                                     SIGKILL the task's process group (or drop, as `t`)
# Replies, one per line on stdout:
#   r <launcher pid> [ledger]                 ready (`ledger`: the ledger file is kept)
#   p <id> <pid> <start>                      started: <pid> leads the task's process group;
#                                             <start> is its start time in clock ticks since
#                                             boot (/proc/<pid>/stat), or - where unknown. Not
#                                             sent while the ledger is kept (it has the group)
#   x <id> <pid> <exit code> <user> <sys> <rss> [<out> <err> [<flags>]]  exited; <flags>, a sum:
#                                                 1: exit status 0, but an output is missing (a
#                                                 failure, as below); 2: a `t` or `k` reached it
#                                                 while it ran (sluice's time-out or cancel: a
#                                                 task that exited before the launcher read that
#                                                 request ran to its own end, and is not flagged)
#   k <id> <pid> <signal number> <user> <sys> <rss> [<out> <err> [<flags>]]  ended by a signal
#   f <id> <ERRNO NAME> <message>                    could not start
#   n                                         the ledger could not be written: from now on
#                                             sluice records the groups; a `p` follows for
#                                             every task running, and one for each new task
#   c <id>                                    a held task was dropped, never started
#   q <id>                                    its files were silent for its no-output limit:
#                                             sluice ends it (`t`, then `k`) as at a timeout.
#                                             Looked at on our timer (every tenth of the limit,
#                                             at most every second): it was silent at least that
#                                             long, and at most a tenth longer
# A held task's `p` is sent even while the ledger is kept: its timeout starts then.
# Replies are written as soon as they are known, but for two kinds: the `x` of a task that exited
# 0 and the `p` of a held task may wait up to REPORT_DELAY (5 ms) while every running task has a
# held task behind it (and no failure is unacknowledged, no Ctrl-C came): sluice is woken once for
# a few ends instead of once for each. Any other reply, or a `t`/`k` request, sends all at once,
# in order.
# where <user> and <sys> are the user and system CPU time in microseconds of the task's leader
# and of the descendants it waited for, and <rss> the peak resident memory in KiB of the largest
# of them (wait4's rusage). A descendant nobody waited for (one left running when the leader
# exited, which the launcher kills, or a zombie the leader never reaped) is reaped by the
# launcher after the reply: its time is not counted. sluice reads the three as optional.
# <out> and <err>, for a task whose request had a `drop`: the size in bytes of its stdout and
# stderr captures once it ended (0: it was empty and is removed now), -1 for a file that is no
# capture or that could not be looked at.
import errno
import json
import os
import select
import selectors
import shutil
import signal
import sys
from stat import S_ISREG
import time

if sys.version_info < (3, 8) or not hasattr(os, 'posix_spawn'):
    sys.exit('sluice-launcher: needs Python 3.8+ with os.posix_spawn, got Python %s' % sys.version.split()[0])

DEBUG = bool(os.environ.get('SLUICE_DEBUG'))
# Set by main(): whether orphaned descendants of our tasks are re-parented to us.
SUBREAPER = False
# Set by main(): our pid (os.getpid() is a system call each time).
MY_PID = 0
# A task that inherits sluice's environment gets SLUICE_COOKIE=<launcher pid>:<task id> in it,
# as Jenkins marks a build's processes.
COOKIE = b'SLUICE_COOKIE'
OUT_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
SPAWN_OPEN = os.POSIX_SPAWN_OPEN
SPAWN_DUP2 = os.POSIX_SPAWN_DUP2
# Python ignores SIGPIPE and SIGXFSZ and we ignore SIGINT; children must not inherit that, nor any
# handler of ours. Every signal, named: glibc's posix_spawn then sets each to its default in one
# system call, where for a signal not named it first asks for the disposition (two calls, some 54
# more per task, made in the vfork child while we wait for it).
RESET_SIGNALS = tuple(sorted(set(signal.valid_signals()) - {signal.SIGKILL, signal.SIGSTOP}))
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
# How many spawns between two rewrites of the ledger (only the groups still running are kept).
LEDGER_COMPACT_EVERY = 1024
# How long the end of a task that exited 0 (and the start of a held task) may wait to be reported
# while held tasks keep every slot busy: sluice is then woken once for a few ends, not for each.
REPORT_DELAY = 0.005
# How often the files of tasks with a no-output limit are looked at: a tenth of the limit,
# within these bounds (seconds).
QUIET_EVERY_MIN = 0.02
QUIET_EVERY_MAX = 1.0
# ru_maxrss is in KiB on Linux, in bytes on macOS.
RSS_UNIT = 1024 if sys.platform == 'darwin' else 1


def debug(message):
    if DEBUG:
        try:
            sys.stderr.write(f'[sluice-launcher {os.getpid()}] {message}\n')
        except OSError:
            pass  # sluice is gone (its end of the pipe closed): our tasks must still be ended


class Task:
    __slots__ = ('id', 'pid', 'start', 'captures', 'outputs', 'signalled', 'quiet')

    def __init__(self, task_id, pid, start, captures, outputs):
        self.id = task_id
        self.pid = pid
        self.start = start  # clock ticks since boot, or None
        self.captures = captures  # (stdout capture or None, stderr capture or None), or None
        self.outputs = outputs  # paths an exit status 0 must leave, or None
        self.signalled = False  # a `t` or `k` of sluice's reached it while it ran
        # Its no-output limit, while watched: [limit (s), paths, their marks, when they last changed].
        self.quiet = None


class Launcher:
    def __init__(self):
        self.by_id = {}   # task id -> Task, only while the leader is not reaped
        self.by_pid = {}  # pid -> Task, same tasks
        self.found = {}   # (program, PATH) -> absolute path
        self.out = []     # reply lines waiting for the next flush
        # Of those, how many may wait (a success's end, a held task's start), since when; any
        # other line, or a signal request (`urgent`), is sent at once.
        self.deferrable = 0
        self.since = None
        self.urgent = False
        self.base_env = {k.encode(): v.encode() for k, v in os.environ.items()}
        self.base_path = os.environ.get('PATH', '')
        self.cwd = os.getcwd()
        self.pid = os.getpid()
        self.owners = {}  # adopted pid -> (its start, the id of the task it comes from, or None)
        self.grace = 1.0
        self.stopping = False
        self.ledger = None       # the ledger file's path, when kept
        self.ledger_fd = -1
        self.ledger_spawns = 0   # spawns since the ledger was last rewritten
        # Tasks held (`h`), by id, oldest first: each starts in place of a task that exits 0.
        self.held = {}
        # Ctrl-C reached us: sluice stops; held tasks start only when it says so (`g`).
        self.halted = False
        # Failures reported, and how many of them sluice acknowledged (`o`): until it has
        # acted on each (stopped the run, say), no held task starts in place of another.
        self.failures = 0
        self.acknowledged = 0
        # Tasks with a no-output limit, by id, and when their files are looked at next.
        self.quiet = {}
        self.quiet_next = 0.0

    # ---- requests ----

    def handle(self, line):
        try:
            self.dispatch(line)
        except Exception as error:  # a malformed request must not take running tasks down
            sys.stderr.write(f'sluice-launcher: bad request {line[:200]!r}: {error!r}'
                             ' (this is a bug in sluice)\n')

    def dispatch(self, line):
        op = line[:1]
        if op == b's':
            self.start(json.loads(line[2:]))
        elif op == b'h':
            request = json.loads(line[2:])
            self.held[request[0]] = request
        elif op == b'g':
            request = self.held.pop(int(line[2:]), None)
            if request is not None:  # else already started (in place of one that ended) or dropped
                self.start(request, True)
        elif op == b'o':
            self.acknowledged += 1
        elif op == b't':
            self.signal_task(line[2:], signal.SIGTERM)
        elif op == b'k':
            self.signal_task(line[2:], signal.SIGKILL)
        elif op == b'e':
            self.configure(json.loads(line[2:]))
        elif line:
            debug(f'ignoring unknown request {line[:80]!r}')

    def configure(self, options):
        env = options.get('env')
        if env is not None:
            # Children inherit sluice's environment, not ours (a pyenv shim may have edited PATH).
            os.environ.clear()
            os.environ.update(env)
            self.base_env = {k.encode(): v.encode() for k, v in env.items()}
            self.base_path = env.get('PATH', '')
        if options.get('graceMs') is not None:
            self.grace = options['graceMs'] / 1000

    def start(self, request, held=False):
        self.spawn_task(request, held)
        # A spawn may block us for a while (the vfork child waits for a CPU): report whatever
        # ended meanwhile before the next one.
        self.reap()
        self.flush()

    def start_held(self):
        """Starts the oldest held task in place of one that ended (if it cannot start, that is a failure)."""
        task_id = next(iter(self.held))
        self.spawn_task(self.held.pop(task_id), True)

    def spawn_task(self, request, held):
        """Starts a task; False when it could not (its `f` is queued)."""
        try:
            return self.spawn_checked(request, held)
        except ValueError as error:
            # A NUL byte in an argument, a path or the environment, a string that is no text
            # (a lone surrogate), an `=` in a variable's name: the task cannot start, and says why.
            self.fail(request[0], OSError(errno.EINVAL, str(error)),
                      f'{error} (in the command, a file name or the environment of `{request[1][0]}`)')
            return False

    def spawn_checked(self, request, held):
        task_id, argv, cwd, env, stdin_path, stdout_path, stderr_path = request[:7]
        drop = request[7] if len(request) > 7 else 0
        outputs = request[8] if len(request) > 8 else None
        quiet = request[9] if len(request) > 9 else None
        try:
            if cwd != self.cwd:
                # posix_spawn has no cwd option before Python 3.13; we are single-threaded, so
                # changing our own directory just before spawning is safe.
                os.chdir(cwd)
                self.cwd = cwd
        except OSError as error:
            self.fail(task_id, error, f'working directory {cwd}')
            return False
        if env is None:
            env = self.base_env
            # Inherited by the task's descendants (unless one clears its environment): tells
            # whose a process is once it left the task's group and lost its parent. A task
            # given an environment gets it exactly.
            env[COOKIE] = f'{self.pid}:{task_id}'.encode()
            search = self.base_path
        else:
            search = env.get('PATH', self.base_path)
        actions = [
            (SPAWN_OPEN, 0, stdin_path or '/dev/null', os.O_RDONLY, 0),
            (SPAWN_OPEN, 1, stdout_path, OUT_FLAGS, 0o644),
            (SPAWN_DUP2, 1, 2) if stderr_path == stdout_path
            else (SPAWN_OPEN, 2, stderr_path, OUT_FLAGS, 0o644),
        ]
        program = argv[0]
        found = self.find_program(program, search)
        if held and self.ledger_fd >= 0:
            # Written before the spawn: if we die before sluice hears of the start, it knows that
            # this held task may have started (and is no task that never ran).
            self.note_group(f'- - {task_id}\n'.encode(), False)
        try:
            try:
                pid = spawn(found or program, argv, env, actions, found is not None)
            except OSError:
                if found is None:
                    raise
                # The program we found moved or went away: forget it and search again.
                self.found.pop((program, search), None)
                pid = spawn(program, argv, env, actions, False)
        except OSError as error:
            self.fail(task_id, error, blame(program, cwd, stdin_path, stdout_path, stderr_path, error.errno))
            return False
        # Read before any reap: the leader is at worst a zombie, so its /proc entry is there.
        start = read_start(pid)
        captures = None
        if drop:
            # Absolute, as sluice sends them: our working directory changes between tasks.
            captures = (stdout_path if drop & 1 else None,
                        stderr_path if drop & 2 and stderr_path != stdout_path else None)
        task = Task(task_id, pid, start, captures, outputs)
        self.by_id[task_id] = task
        self.by_pid[pid] = task
        if quiet is not None:
            self.watch_quiet(task, quiet, [stdout_path] if stderr_path == stdout_path else [stdout_path, stderr_path])
        if self.ledger_fd >= 0:
            # The ledger has it: sluice needs no `p`, and is not woken for one.
            self.note_group(f'{pid} {"-" if start is None else start} {task_id}\n'.encode())
            if held and self.ledger_fd >= 0:  # (given up, the ledger sent every `p` already)
                self.out.append(started_line(task))  # sluice starts its timeout now
                self.deferrable += 1
        else:
            self.out.append(started_line(task))
        return True

    def watch_quiet(self, task, quiet, streams):
        """Starts counting the task's silence: its files as they are now (just truncated)."""
        paths = streams + list(quiet[1])
        now = time.monotonic()
        limit = quiet[0] / 1000
        task.quiet = [limit, paths, [mark_file(path) for path in paths], now]
        if not self.quiet or now + quiet_every(limit) < self.quiet_next:
            self.quiet_next = now + quiet_every(limit)
        self.quiet[task.id] = task

    def check_quiet(self):
        """Says `q` for each task whose files did not change for its no-output limit.

        A change is dated when we see it, not when it was made: a task is never said to be silent
        for less than its limit.
        """
        now = time.monotonic()
        if now < self.quiet_next:
            return
        every = QUIET_EVERY_MAX
        for task in list(self.quiet.values()):
            watch = task.quiet
            marks = [mark_file(path) for path in watch[1]]
            if marks != watch[2]:
                watch[2] = marks
                watch[3] = now
            elif now - watch[3] >= watch[0]:
                del self.quiet[task.id]
                task.quiet = None
                self.out.append(f'q {task.id}\n'.encode())
                continue
            every = min(every, quiet_every(watch[0]))
        self.quiet_next = now + every

    def quiet_wait(self):
        """Seconds until the files of tasks with a no-output limit are looked at next."""
        return max(0.0, self.quiet_next - time.monotonic())

    def find_program(self, program, search):
        """Absolute path of a bare program name on `search`, remembered for the launcher's life.

        posix_spawnp would try every PATH directory before the right one, in the vfork child,
        on every task, while we wait for it. A launcher lives for one sluice run.
        """
        if '/' in program:
            return None
        key = (program, search)
        found = self.found.get(key)
        if found is None:
            found = shutil.which(program, path=search)
            if found is None or not found.startswith('/'):
                return None  # let posix_spawnp say why (ENOENT, EACCES)
            self.found[key] = found
        return found

    # ---- the ledger of process groups ----

    def open_ledger(self, folder):
        """Starts the ledger file (truncating one a former process of our pid left); False if it cannot."""
        path = os.path.join(folder, str(self.pid))
        try:
            os.makedirs(folder, exist_ok=True)
            self.ledger_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
        except OSError as error:
            debug(f'no ledger at {path}: {error}')
            return False
        self.ledger = path
        return True

    def note_group(self, line, spawned=True):
        if self.ledger_fd < 0:
            return  # given up meanwhile
        try:
            os.write(self.ledger_fd, line)
        except OSError as error:
            # A full disk, say: sluice records the groups from now on (`n`, before this `p`).
            debug(f'ledger {self.ledger} given up: {error}')
            os.close(self.ledger_fd)
            self.ledger_fd = -1
            self.out.append(b'n\n')
            self.out.extend(started_line(task) for task in self.by_id.values())
            return
        if not spawned:
            return
        self.ledger_spawns += 1
        if self.ledger_spawns >= LEDGER_COMPACT_EVERY:
            self.compact_ledger()

    def compact_ledger(self):
        """Rewrites the ledger with the groups still running (a rename: it is whole at any time)."""
        self.ledger_spawns = 0
        # Every task that ended is reported first: the ledger keeps naming a held task that
        # started until sluice heard of it (its `p`, or its end).
        self.flush()
        lines = ''.join(f'{t.pid} {"-" if t.start is None else t.start} {t.id}\n' for t in self.by_id.values())
        temporary = f'{self.ledger}.tmp'
        fd = -1
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
            os.write(fd, lines.encode())
            os.replace(temporary, self.ledger)
        except OSError as error:
            debug(f'ledger not rewritten: {error}')  # the longer one stays: nothing is lost
            if fd >= 0:
                os.close(fd)
            return
        os.close(self.ledger_fd)
        self.ledger_fd = fd

    def close_ledger(self):
        """Every task ended: nothing of ours is left to find."""
        if self.ledger_fd < 0 or self.by_id:
            return
        os.close(self.ledger_fd)
        self.ledger_fd = -1
        try:
            os.unlink(self.ledger)
        except OSError:
            pass

    def fail(self, task_id, error, what):
        self.failures += 1
        code = errno.errorcode.get(error.errno or 0, 'EUNKNOWN')
        reason = os.strerror(error.errno) if error.errno else str(error)
        message = f'{reason}: {what}'.replace('\n', ' ')
        self.out.append(f'f {task_id} {code} {message}\n'.encode('utf-8', 'backslashreplace'))

    def signal_task(self, raw_id, signum):
        task_id = int(raw_id)
        self.urgent = True  # its end, if it ended meanwhile, must not wait
        if self.held.pop(task_id, None) is not None:
            self.out.append(f'c {task_id}\n'.encode())  # never started
            return
        task = self.by_id.get(task_id)
        if task is None:
            return  # already reaped: its pid may belong to someone else by now
        try:
            exited = os.waitid(os.P_PID, task.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            exited = True
        if exited:
            # It exited before the signal came (a time-out that fired as it ended, its end not
            # reported yet): it ran to its exit status, which stands; the reap ends its group.
            return
        task.signalled = True
        kill_group(task.pid, signum)

    # ---- children ----

    def reap(self):
        adopted = False
        ended = False
        while True:
            try:
                # Peek without reaping: while the leader is a zombie its pid cannot be reused,
                # so signalling its group is safe.
                info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                break
            if info is None:
                break
            pid = info.si_pid
            task = self.by_pid.pop(pid, None)
            # A task ended: nothing left in its group outlives it. So for a process we adopted,
            # unless its group may be a running task's (a daemon's session leader that exits
            # while the daemon, in its group, works on for its task); the sweep ends the rest.
            if task is not None or self.stopping or not self.may_be_running(pid, self.oldest_start(), {}):
                kill_group(pid, signal.SIGKILL)
            usage = os.wait4(pid, 0)[2]
            if task is None:
                adopted = True  # not a task's leader: never reported
                continue
            ended = True
            del self.by_id[task.id]
            if task.quiet is not None:
                del self.quiet[task.id]
            exited = info.si_code == os.CLD_EXITED
            # Exit status 0 without an output is a failure to sluice: nothing starts in its place.
            missing = exited and info.si_status == 0 and task.outputs is not None and not all(
                os.path.lexists(output) for output in task.outputs)
            if exited and info.si_status == 0 and not missing:
                if self.held and self.acknowledged >= self.failures and not (self.stopping or self.halted):
                    # Its slot passes to the oldest held task: the start is reported before this end.
                    self.start_held()
            else:
                self.failures += 1
            kind = 'x' if exited else 'k'
            user_us = round(usage.ru_utime * 1e6)
            sys_us = round(usage.ru_stime * 1e6)
            max_rss_kb = usage.ru_maxrss // RSS_UNIT
            sizes = '' if task.captures is None else f' {settle_capture(task.captures[0])} {settle_capture(task.captures[1])}'
            flags = (1 if missing else 0) | (2 if task.signalled else 0)
            if flags:
                sizes = f'{sizes or " -1 -1"} {flags}'
            self.out.append(f'{kind} {task.id} {pid} {info.si_status} {user_us} {sys_us} {max_rss_kb}{sizes}\n'.encode())
            if exited and info.si_status == 0 and not missing:
                self.deferrable += 1
        # The descendants of what ended that left its group were adopted by us meanwhile.
        if (adopted or ended) and SUBREAPER:
            self.sweep(signal.SIGTERM if self.stopping else signal.SIGKILL, self.stopping)

    def sweep(self, signum, everything):
        """Signals the processes we adopted (with their groups) that belong to no running task.

        An adopted process belongs to the task its SLUICE_COOKIE names; one without a cookie of
        ours started after its task's leader, so one that started before every running task's
        leader belongs to a task that ended. The others wait for the next sweep.
        """
        adopted = [pid for pid in list_children() if pid not in self.by_pid]
        if not adopted:
            self.owners.clear()
            return
        oldest = None if everything else self.oldest_start()
        owners = {}
        for pid in adopted:
            if not everything and self.may_be_running(pid, oldest, owners):
                continue
            debug(f'ending adopted process {pid}')
            kill_group(pid, signum)  # it may lead a group of its own (setsid)
            try:
                os.kill(pid, signum)
            except (ProcessLookupError, PermissionError):
                pass
        self.owners = owners

    def oldest_start(self):
        """The earliest start of a running task's leader (-1 when one is unknown), or None."""
        starts = [task.start for task in self.by_id.values()]
        return -1 if None in starts else min(starts, default=None)

    def may_be_running(self, pid, oldest, owners):
        """Whether adopted `pid` may belong to a task still running: the task its cookie names
        runs, or it has none and started after `oldest` (see sweep). Notes its owner in `owners`."""
        start = read_start(pid)
        known = self.owners.get(pid)
        if known is None or known[0] != start:
            known = (start, self.read_owner(pid))
        owners[pid] = known
        owner = known[1]
        if owner is not None:
            return owner in self.by_id
        return oldest is not None and (start is None or start >= oldest)

    def read_owner(self, pid):
        """The id of the task whose SLUICE_COOKIE `pid` carries, if one of ours."""
        try:
            with open(f'/proc/{pid}/environ', 'rb') as environ:
                variables = environ.read().split(b'\0')
        except OSError:
            return None
        prefix = COOKIE + f'={self.pid}:'.encode()
        for variable in variables:
            if variable.startswith(prefix):
                try:
                    return int(variable[len(prefix):])
                except ValueError:
                    return None
        return None

    def report_delay(self):
        """0 when the replies waiting must go now; else how long (seconds) they may still wait.

        Only ends of tasks that exited 0 and starts of held tasks wait, only while there are at
        least as many held tasks as running ones (every slot has its next task), and at most
        REPORT_DELAY: sluice needs to hear of a failure at once, and of ends in time to hold more.
        """
        if (len(self.out) > self.deferrable or self.urgent or self.stopping or self.halted
                or self.failures > self.acknowledged or len(self.held) < max(1, len(self.by_id))):
            return 0
        now = time.monotonic()
        if self.since is None:
            self.since = now
        return max(0, self.since + REPORT_DELAY - now)

    def flush(self):
        self.deferrable = 0
        self.since = None
        self.urgent = False
        if not self.out:
            return
        data = b''.join(self.out)
        self.out.clear()
        view = memoryview(data)
        while view:
            try:
                written = os.write(1, view)
            except BrokenPipeError:
                self.stopping = True  # sluice is gone
                return
            view = view[written:]

    def shutdown(self, wakeup_fd):
        self.stopping = True
        debug(f'stopping {len(self.by_id)} task(s), dropping {len(self.held)} held')
        self.out.extend(f'c {task_id}\n'.encode() for task_id in self.held)
        self.held.clear()
        for task in self.by_id.values():
            kill_group(task.pid, signal.SIGTERM)
        self.sweep(signal.SIGTERM, True)
        deadline = time.monotonic() + self.grace
        self.reap()
        while time.monotonic() < deadline:
            if not self.by_id and not (SUBREAPER and list_children()):
                break
            # No SIGCHLD tells us that an adopted process's own children were adopted: poll.
            timeout = min(0.05, deadline - time.monotonic()) if SUBREAPER else deadline - time.monotonic()
            select.select([wakeup_fd], [], [], max(0.0, timeout))
            drain(wakeup_fd)
            self.reap()
            if SUBREAPER:
                self.sweep(signal.SIGTERM, True)
        for task in self.by_id.values():
            kill_group(task.pid, signal.SIGKILL)
        self.sweep(signal.SIGKILL, True)
        # Tasks' leaders are waited for as long as it takes (their exit is reported); what we
        # adopted, for a few seconds more (a process stuck in the kernel cannot be killed).
        adopted_deadline = time.monotonic() + 5
        while self.by_id or (SUBREAPER and time.monotonic() < adopted_deadline and list_children()):
            select.select([wakeup_fd], [], [], 0.05)
            drain(wakeup_fd)
            self.reap()
            self.sweep(signal.SIGKILL, True)
        self.close_ledger()
        self.flush()


def spawn(program, argv, env, actions, absolute):
    start = os.posix_spawn if absolute else os.posix_spawnp
    return start(program, argv, env, file_actions=actions, setpgroup=0, setsigdef=RESET_SIGNALS)


def quiet_every(limit):
    return max(QUIET_EVERY_MIN, min(QUIET_EVERY_MAX, limit / 10))


def mark_file(path):
    """What changes when a file is written to: its size and modification time (None: missing)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


def started_line(task):
    return f'p {task.id} {task.pid} {"-" if task.start is None else task.start}\n'.encode()


def settle_capture(path):
    """The size of a task's capture once it ended, the file removed when empty; -1: none, or unknown."""
    if path is None:
        return -1
    try:
        info = os.stat(path)
        if not S_ISREG(info.st_mode):
            return -1  # a device, say: never removed
        if info.st_size == 0:
            os.unlink(path)
        return info.st_size
    except OSError:
        return -1


def kill_group(pid, signum):
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def read_start(pid):
    """The start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat)."""
    try:
        return int(read_small(f'/proc/{pid}/stat').rsplit(b')', 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def read_small(path, whole=False):
    """A small file's bytes in three system calls (open() takes nine: fstat, ioctl, lseek...);
    `whole`: read on to the end (a /proc/<pid>/stat line always fits in the first read). A /proc
    file (seq_file) gives a read every line that fits in its page-sized buffer: a first read that
    left room there for one more line (64 bytes) got them all, and no read for EOF is needed."""
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.read(fd, 8192)
        while whole and len(data) > 4096 - 64:
            more = os.read(fd, 65536)
            if not more:
                break
            data += more
        return data
    finally:
        os.close(fd)


def list_children():
    """Our children's pids: on Linux from /proc (one file, or a scan of every process)."""
    me = MY_PID or os.getpid()
    try:
        return [int(pid) for pid in read_small(f'/proc/{me}/task/{me}/children', True).split()]
    except FileNotFoundError:
        pass  # a kernel built without CONFIG_PROC_CHILDREN
    except OSError:
        return []
    found = []
    try:
        names = os.listdir('/proc')
    except OSError:
        return []
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f'/proc/{name}/stat', 'rb') as stat:
                fields = stat.read().rsplit(b')', 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[1]) == me:
            found.append(int(name))
    return found


def become_subreaper():
    """Linux: orphaned descendants of our tasks are re-parented to us, not to init; and we get
    SIGTERM when sluice dies. Elsewhere (or without ctypes) neither, silently."""
    if not sys.platform.startswith('linux'):
        return False
    try:
        import ctypes
        prctl = ctypes.CDLL(None, use_errno=True).prctl
        prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
        return prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except Exception:
        return False


def drain(fd):
    """What the (non-blocking) wake-up pipe holds. A read shorter than asked for emptied it: no
    further read to hear EAGAIN (a byte written meanwhile wakes the next poll)."""
    data = b''
    try:
        while True:
            chunk = os.read(fd, 4096)
            data += chunk
            if len(chunk) < 4096:
                break
    except BlockingIOError:
        pass
    return data


def blame(program, cwd, stdin_path, stdout_path, stderr_path, code=None):
    """Says which of the things posix_spawn touched is at fault (only on the error path)."""
    if stdin_path and not os.access(stdin_path, os.R_OK):
        return f'standard input file {stdin_path}'
    # No room for a new file (space or inodes): running a program makes none but the captures.
    if code in (errno.ENOSPC, errno.EDQUOT):
        both = '' if stderr_path == stdout_path else f' or standard error file {stderr_path}'
        return f'standard output file {stdout_path}{both}'
    for label, path in (('standard output', stdout_path), ('standard error', stderr_path)):
        parent = os.path.dirname(path) or cwd
        if not os.path.isdir(parent) or not os.access(parent, os.W_OK | os.X_OK):
            return f'{label} file {path}'
    return f'cannot run `{program}`'


def main():
    global MY_PID
    MY_PID = os.getpid()
    parent = os.getppid()
    launcher = Launcher()
    wake_r, wake_w = os.pipe()  # close-on-exec by default since Python 3.4
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
    noop = lambda signum, frame: None
    signal.signal(signal.SIGCHLD, noop)
    for signum in STOP_SIGNALS:
        signal.signal(signum, noop)
    # Ctrl-C reaches the whole foreground group; sluice decides what to do, then closes us.
    # Meanwhile no held task starts in place of one that ends (only on sluice's `g`).
    signal.signal(signal.SIGINT, noop)

    poller = make_poller(0, wake_r)
    ledger = len(sys.argv) > 2 and sys.argv[1] == '--ledger' and launcher.open_ledger(sys.argv[2])
    os.write(1, f'r {os.getpid()}{" ledger" if ledger else ""}\n'.encode())
    # After the ready line (sluice reads it meanwhile), before any request is read.
    global SUBREAPER
    SUBREAPER = become_subreaper()
    if os.getppid() != parent:
        launcher.stopping = True  # sluice died before PR_SET_PDEATHSIG took effect
    try:
        serve(launcher, poller, wake_r)
    finally:
        # Whatever ended the loop (EOF, a signal, a bug), no task of ours may survive us.
        launcher.shutdown(wake_r)


class SelectorPoller:
    """epoll's poll() on systems without epoll."""

    def __init__(self, fds):
        self.selector = selectors.DefaultSelector()
        for fd in fds:
            self.selector.register(fd, selectors.EVENT_READ)

    def poll(self, timeout=-1):
        return [(key.fd, events) for key, events in self.selector.select(None if timeout < 0 else timeout)]


def make_poller(*fds):
    if not hasattr(select, 'epoll'):
        return SelectorPoller(fds)
    # epoll directly: the selectors wrapper costs a few microseconds more per wake-up.
    poller = select.epoll()
    for fd in fds:
        poller.register(fd, select.EPOLLIN)
    return poller


def serve(launcher, poller, wake_r):
    pending = b''
    delay = -1
    while not launcher.stopping:
        requests = False
        for fd, _ in poller.poll(delay):
            if fd == wake_r:
                woken = drain(wake_r)
                if any(signum in woken for signum in STOP_SIGNALS):
                    launcher.stopping = True
                if signal.SIGINT in woken:
                    launcher.halted = True
            else:
                requests = True
        if requests:
            # Requests first: a task held meanwhile can start in place of one that ended (the
            # starts they ask for report what ended meanwhile, as the reap below does).
            data = os.read(0, 1 << 16)
            if not data:
                launcher.stopping = True
                break
            lines = (pending + data).split(b'\n')
            pending = lines.pop()
            for line in lines:
                launcher.handle(line)
        launcher.reap()
        if launcher.quiet:
            launcher.check_quiet()  # after the reap: no `q` for a task whose end was seen
        delay = launcher.report_delay() if launcher.out else -1
        if delay == 0:
            launcher.flush()
            delay = -1
        if launcher.quiet:
            quiet = launcher.quiet_wait()
            delay = quiet if delay < 0 else min(delay, quiet)


if __name__ == '__main__':
    main()
