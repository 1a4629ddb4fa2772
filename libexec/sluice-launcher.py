#!/usr/bin/env python3
# sluice's process launcher: one small long-lived helper that starts task processes with
# posix_spawn (vfork-based, so cheap) instead of forking the large Node process for each task.
#
# Standard library only, Python 3.11+. Single-threaded: one epoll loop over stdin (requests)
# and a SIGCHLD wakeup pipe. A task that fails or is terminated takes its whole process group
# down with it (SIGKILL). When stdin reaches EOF (sluice closed it, or sluice died, even by
# SIGKILL), every process group we started that is still alive (running tasks, and what finished
# tasks left running in the background) is sent SIGTERM, then SIGKILL, and we exit.
# A bare program name is looked up on PATH once per launcher (that is, per sluice run) and
# remembered: posix_spawnp would retry every PATH directory on every task.
#
# Requests, one per line on stdin (op letter, space, payload):
#   e {"env": {...}, "graceMs": 1000}        base environment and shutdown grace; first line
#   s [id, argv, cwd, env|null, stdin|null, stdout, stderr]       start a task
#   t id                                     SIGTERM the task's process group (a kill follows
#                                            when its leader exits, whatever its status)
#   k id                                     SIGKILL the task's process group
# Replies, one per line on stdout:
#   r <launcher pid>                          ready
#   x <id> <pid> <exit code> <cpu> <rss>      exited
#   k <id> <pid> <signal number> <cpu> <rss>  ended by a signal
#   f <id> <ERRNO NAME> <message>             could not start
# where <cpu> is the user + system time in microseconds of the task's leader and of the
# descendants it waited for, and <rss> the peak resident memory in KiB of the largest of them
# (wait4's rusage). sluice reads both as optional.
import errno
import json
import os
import select
import selectors
import shutil
import signal
import sys
import time

if sys.version_info < (3, 8) or not hasattr(os, 'posix_spawn'):
    sys.exit('sluice-launcher: needs Python 3.8+ with os.posix_spawn; sluice falls back to spawn')

DEBUG = bool(os.environ.get('SLUICE_DEBUG'))
OUT_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
SPAWN_OPEN = os.POSIX_SPAWN_OPEN
SPAWN_DUP2 = os.POSIX_SPAWN_DUP2
# Python ignores SIGPIPE and SIGXFSZ and we ignore SIGINT; children must not inherit that.
RESET_SIGNALS = (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGTERM,
                 signal.SIGHUP, signal.SIGCHLD)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
# ru_maxrss is in KiB on Linux, in bytes on macOS.
RSS_UNIT = 1024 if sys.platform == 'darwin' else 1


def debug(message):
    if DEBUG:
        sys.stderr.write(f'[sluice-launcher {os.getpid()}] {message}\n')


class Task:
    __slots__ = ('id', 'pid', 'doomed')

    def __init__(self, task_id, pid):
        self.id = task_id
        self.pid = pid
        # Set once we signalled the group: its leader's exit is followed by SIGKILL to the group.
        self.doomed = False


class Launcher:
    def __init__(self):
        self.by_id = {}   # task id -> Task, only while the leader is not reaped
        self.by_pid = {}  # pid -> Task, same tasks
        self.found = {}   # (program, PATH) -> absolute path
        self.leftovers = set()  # groups of finished tasks that still had members
        self.out = []     # reply lines waiting for the next flush
        self.base_env = {k.encode(): v.encode() for k, v in os.environ.items()}
        self.base_path = os.environ.get('PATH', '')
        self.cwd = os.getcwd()
        self.grace = 1.0
        self.stopping = False

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

    def start(self, request):
        task_id, argv, cwd, env, stdin_path, stdout_path, stderr_path = request
        try:
            if cwd != self.cwd:
                # posix_spawn has no cwd option before Python 3.13; we are single-threaded, so
                # changing our own directory just before spawning is safe.
                os.chdir(cwd)
                self.cwd = cwd
        except OSError as error:
            self.fail(task_id, error, f'working directory {cwd}')
            return
        if env is None:
            env = self.base_env
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
            self.fail(task_id, error, blame(program, cwd, stdin_path, stdout_path, stderr_path))
            return
        task = Task(task_id, pid)
        self.by_id[task_id] = task
        self.by_pid[pid] = task
        # A spawn may block us for a while (the vfork child waits for a CPU): report whatever
        # ended meanwhile before the next one.
        self.reap()
        self.flush()

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

    def fail(self, task_id, error, what):
        code = errno.errorcode.get(error.errno or 0, 'EUNKNOWN')
        reason = os.strerror(error.errno) if error.errno else str(error)
        message = f'{reason}: {what}'.replace('\n', ' ')
        self.out.append(f'f {task_id} {code} {message}\n'.encode())

    def signal_task(self, raw_id, signum):
        task = self.by_id.get(int(raw_id))
        if task is None:
            return  # already reaped: its pid may belong to someone else by now
        task.doomed = True
        kill_group(task.pid, signum)

    # ---- children ----

    def reap(self):
        while True:
            try:
                # Peek without reaping: while the leader is a zombie its pid cannot be reused,
                # so signalling its group is safe.
                info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return
            if info is None:
                return
            pid = info.si_pid
            exited = info.si_code == os.CLD_EXITED
            task = self.by_pid.pop(pid, None)
            ended_badly = not exited or info.si_status != 0 or (task is not None and task.doomed)
            if ended_badly:
                # Failure or termination: no grandchild of this task may outlive it.
                kill_group(pid, signal.SIGKILL)
            usage = os.wait4(pid, 0)[2]
            if not ended_badly and group_exists(pid):
                # A successful task left something running in its group: end it at shutdown.
                # The group's id stays reserved for as long as the group has members.
                self.leftovers.add(pid)
                if len(self.leftovers) > 1024:
                    self.leftovers = {pgid for pgid in self.leftovers if is_our_group(pgid)}
            if task is None:
                continue
            del self.by_id[task.id]
            kind = 'x' if exited else 'k'
            cpu_us = round((usage.ru_utime + usage.ru_stime) * 1e6)
            max_rss_kb = usage.ru_maxrss // RSS_UNIT
            self.out.append(f'{kind} {task.id} {pid} {info.si_status} {cpu_us} {max_rss_kb}\n'.encode())

    def flush(self):
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
        debug(f'stopping {len(self.by_id)} task(s), {len(self.leftovers)} leftover group(s)')
        for task in self.by_id.values():
            task.doomed = True
            kill_group(task.pid, signal.SIGTERM)
        leftovers = [pgid for pgid in self.leftovers if is_our_group(pgid)]
        for pgid in leftovers:
            kill_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        self.reap()
        while time.monotonic() < deadline:
            leftovers = living_groups(leftovers)
            if not self.by_id and not leftovers:
                break
            # No SIGCHLD tells us about leftovers (not our children): poll for them.
            timeout = 0.02 if leftovers else deadline - time.monotonic()
            select.select([wakeup_fd], [], [], max(0.0, timeout))
            drain(wakeup_fd)
            self.reap()
        for task in self.by_id.values():
            kill_group(task.pid, signal.SIGKILL)
        for pgid in leftovers:
            if is_our_group(pgid):
                kill_group(pgid, signal.SIGKILL)
        while self.by_id:
            select.select([wakeup_fd], [], [], 0.05)
            drain(wakeup_fd)
            self.reap()
        self.flush()


def spawn(program, argv, env, actions, absolute):
    start = os.posix_spawn if absolute else os.posix_spawnp
    return start(program, argv, env, file_actions=actions, setpgroup=0, setsigdef=RESET_SIGNALS)


def kill_group(pid, signum):
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def group_exists(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def is_our_group(pgid):
    """A finished task's group, still there, and its id not taken by a new process since."""
    try:
        os.kill(pgid, 0)
        return False  # a process with that pid exists: not our leader, who was reaped
    except ProcessLookupError:
        return group_exists(pgid)
    except PermissionError:
        return False


def living_groups(pgids):
    """The groups that still have a member that is not a zombie (a zombie does nothing, and
    an init that never reaps orphans would otherwise keep us waiting for the whole grace)."""
    if not pgids:
        return []
    wanted = set(pgids)
    living = set()
    try:
        names = os.listdir('/proc')
    except OSError:
        return [pgid for pgid in pgids if group_exists(pgid)]
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f'/proc/{name}/stat', 'rb') as stat:
                fields = stat.read().rsplit(b')', 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if fields[0] != b'Z' and int(fields[2]) in wanted:
            living.add(int(fields[2]))
    return [pgid for pgid in pgids if pgid in living]


def drain(fd):
    data = b''
    try:
        while True:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            data += chunk
    except BlockingIOError:
        pass
    return data


def blame(program, cwd, stdin_path, stdout_path, stderr_path):
    """Says which of the things posix_spawn touched is at fault (only on the error path)."""
    if stdin_path and not os.access(stdin_path, os.R_OK):
        return f'standard input file {stdin_path}'
    for label, path in (('standard output', stdout_path), ('standard error', stderr_path)):
        parent = os.path.dirname(path) or cwd
        if not os.path.isdir(parent) or not os.access(parent, os.W_OK | os.X_OK):
            return f'{label} file {path}'
    return f'cannot run `{program}`'


def main():
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
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    poller = make_poller(0, wake_r)
    os.write(1, f'r {os.getpid()}\n'.encode())
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

    def poll(self):
        return [(key.fd, events) for key, events in self.selector.select()]


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
    while not launcher.stopping:
        requests = False
        for fd, _ in poller.poll():
            if fd == wake_r:
                woken = drain(wake_r)
                if any(signum in woken for signum in STOP_SIGNALS):
                    launcher.stopping = True
            else:
                requests = True
        # Results first: sluice is waiting on them to hand out the freed slots.
        launcher.reap()
        launcher.flush()
        if not requests:
            continue
        data = os.read(0, 1 << 16)
        if not data:
            launcher.stopping = True
            break
        lines = (pending + data).split(b'\n')
        pending = lines.pop()
        for line in lines:
            launcher.handle(line)
        launcher.flush()


if __name__ == '__main__':
    main()
