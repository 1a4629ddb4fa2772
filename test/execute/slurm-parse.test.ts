import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { buildSbatchArgv, parseSbatchOutput, timeLimitMinutes, toSlurmMemory } from '../../src/execute/slurm/build-sbatch-argv.ts';
import { judgeAttempt, type Evidence } from '../../src/execute/slurm/judge-attempt.ts';
import { TERMINAL_STATES, type JobReport } from '../../src/execute/slurm/job-state.ts';
import { expandJobId, splitJobId } from '../../src/execute/slurm/parse-job-id.ts';
import { isAccountingDisabled, parseSacct } from '../../src/execute/slurm/parse-sacct.ts';
import { buildSqueueArgv, isUnknownJobsError, parseSqueue } from '../../src/execute/slurm/parse-squeue.ts';
import type { Marker } from '../../src/execute/slurm/task-files.ts';

const fixture = (name: string): string => fs.readFileSync(new URL(`fixtures/slurm/${name}`, import.meta.url), 'utf8');
const brief = (reports: JobReport[]): string[] => reports.map((r) => `${r.id} ${r.state} ${r.exitCode ?? '-'}:${r.signal ?? '-'}`);

describe('job ids', () => {
  it('expands plain ids, array tasks and folded ranges with steps and a limit', () => {
    assert.deepEqual(expandJobId('1234'), ['1234']);
    assert.deepEqual(expandJobId('1234_7'), ['1234_7']);
    assert.deepEqual(expandJobId('1234_[8-11]'), ['1234_8', '1234_9', '1234_10', '1234_11']);
    assert.deepEqual(expandJobId('1234_[1,3,5-7%2]'), ['1234_1', '1234_3', '1234_5', '1234_6', '1234_7']);
    assert.deepEqual(expandJobId('1234_[0-6:3]'), ['1234_0', '1234_3', '1234_6']);
    assert.deepEqual(expandJobId('77+1'), ['77']);
    assert.throws(() => expandJobId('abc'), /Expected a Slurm job id like 1234/);
  });

  it('splits an array task id into job and index', () => {
    assert.deepEqual(splitJobId('1234_7'), { job: '1234', index: 7 });
    assert.deepEqual(splitJobId('1234'), { job: '1234' });
  });
});

describe('squeue', () => {
  it('asks once for all jobs, every state, one field per column', () => {
    assert.deepEqual(buildSqueueArgv(['9', '12']), [
      'squeue', '--noheader', '--states=all', '--jobs=9,12', '--Format=JobArrayID:|,State:|,exit_code:|,Reason:',
    ]);
  });

  it('expands pending array tasks folded into one line (captured)', () => {
    const reports = parseSqueue(fixture('squeue-pending-ranges.txt'));
    assert.equal(reports.filter((r) => r.id.startsWith('9_')).length, 21);
    assert.deepEqual(brief(reports.filter((r) => ['9_0', '9_1', '9_20', '11', '8'].includes(r.id))), [
      '9_1 PENDING -:-', '9_20 PENDING -:-', '11 PENDING -:-', '8 RUNNING -:-', '9_0 RUNNING -:-',
    ]);
    assert.equal(reports.find((r) => r.id === '11')?.reason, 'BeginTime');
  });

  it('reads finished, running and pending tasks of one array (captured)', () => {
    const reports = parseSqueue(fixture('squeue-mixed.txt'));
    assert.deepEqual(brief(reports.filter((r) => r.id === '9_3' || r.id === '9_4' || r.id === '9_5')), [
      '9_3 COMPLETED 0:0', '9_5 PENDING -:-', '9_4 RUNNING -:-',
    ]);
    assert.equal(reports.length, 4 + 16 + 4 + 1);
  });

  it('decodes the raw wait status of ended jobs: exit code, signal, cancels (captured)', () => {
    assert.deepEqual(brief(parseSqueue(fixture('squeue-ended.txt'))), [
      '635 CANCELLED 0:15', '636 CANCELLED 0:0', '634_1 COMPLETED 0:0', '634_0 COMPLETED 0:0',
      '634_3 FAILED 0:9', '634_2 FAILED 3:0', '633 RUNNING -:-',
    ]);
    assert.deepEqual(brief(parseSqueue(fixture('squeue-timeout.txt'))), ['633 TIMEOUT 0:15']);
  });

  it('reads every terminal state and skips lines it cannot read', () => {
    const text = [...TERMINAL_STATES].map((state, index) => `500_${index}|${state}|${index === 1 ? 512 : 0}|Reason with spaces`).join('\n');
    const reports = parseSqueue(`${text}\nslurm_load_jobs error: something\n\n`);
    assert.deepEqual(reports.map((r) => r.state), [...TERMINAL_STATES]);
    assert.equal(reports[1]?.exitCode, 2);
    assert.equal(reports[0]?.reason, 'Reason with spaces');
  });

  it('knows the error of a query about jobs that all left memory', () => {
    assert.ok(isUnknownJobsError('slurm_load_jobs error: Invalid job id specified\n'));
    assert.ok(!isUnknownJobsError('slurm_load_jobs error: Socket timed out on send/recv operation'));
  });
});

describe('sacct', () => {
  // Accounting needs slurmdbd, which the test cluster does not run: the lines follow the format
  // sacct -n -X -P -o JobID,State,ExitCode prints (Slurm 22.05 documentation and the figures in
  // ../shared/slurm/README.md), not a capture.
  it('reads state, who cancelled, exit code and signal, and array ranges', () => {
    const text = [
      '1234|COMPLETED|0:0',
      '1234_7|FAILED|3:0',
      '1234_8|CANCELLED by 0|0:15',
      '1234_[9-10]|PENDING|0:0',
      '1300|TIMEOUT|0:0',
      '1301|OUT_OF_MEMORY|0:125',
      '1302|NODE_FAIL|1:0',
      '1303|PREEMPTED|0:0',
      '1304|BOOT_FAIL|0:0',
      '1305|DEADLINE|0:0',
    ].join('\n');
    assert.deepEqual(brief(parseSacct(text)), [
      '1234 COMPLETED 0:0', '1234_7 FAILED 3:0', '1234_8 CANCELLED 0:15', '1234_9 PENDING -:-', '1234_10 PENDING -:-',
      '1300 TIMEOUT 0:0', '1301 OUT_OF_MEMORY 0:125', '1302 NODE_FAIL 1:0', '1303 PREEMPTED 0:0', '1304 BOOT_FAIL 0:0',
      '1305 DEADLINE 0:0',
    ]);
    assert.equal(parseSacct('1234_8|CANCELLED by 0|0:15')[0]?.reason, 'by 0');
  });

  it('tells a cluster without accounting from a transient failure', () => {
    assert.ok(isAccountingDisabled('Slurm accounting storage is disabled\n'));
    assert.ok(!isAccountingDisabled('sacct: error: Unable to contact slurmdbd'));
  });
});

describe('sbatch', () => {
  it('builds an argv: resources, options, array, then the script and its arguments', () => {
    assert.deepEqual(
      buildSbatchArgv({
        jobName: 'sluice-align',
        script: '/p/.sluice/slurm/r/job.sh',
        scriptArgs: ['--batch', '/p/.sluice/slurm/r/batch-1.json'],
        chdir: '/p',
        output: '/p/.sluice/slurm/r/job-%A_%a.out',
        arraySize: 250,
        cpus: 4,
        memory: '8G',
        timeLimitMinutes: 11,
        partition: 'short',
        account: 'lab',
        extraArgs: ['--qos=high', '--constraint=avx2 & ib'],
      }),
      [
        'sbatch', '--parsable', '--job-name=sluice-align', '--chdir=/p', '--output=/p/.sluice/slurm/r/job-%A_%a.out',
        '--ntasks=1', '--cpus-per-task=4', '--mem=8G', '--time=11', '--partition=short', '--account=lab',
        '--qos=high', '--constraint=avx2 & ib', '--array=0-249',
        '/p/.sluice/slurm/r/job.sh', '--batch', '/p/.sluice/slurm/r/batch-1.json',
      ],
    );
  });

  it('leaves out what a task does not ask for; one task is a plain job', () => {
    const argv = buildSbatchArgv({ jobName: 'j', script: 's', scriptArgs: [], chdir: '/', output: 'o-%j', cpus: 1 });
    assert.deepEqual(argv, ['sbatch', '--parsable', '--job-name=j', '--chdir=/', '--output=o-%j', '--ntasks=1', '--cpus-per-task=1', 's']);
  });

  it('reads the job id --parsable prints (captured), with or without a cluster name', () => {
    assert.equal(parseSbatchOutput(fixture('sbatch-plain.txt')), '640');
    assert.equal(parseSbatchOutput(fixture('sbatch-array.txt')), '641');
    assert.equal(parseSbatchOutput('1234;cluster2\n'), '1234');
    assert.throws(() => parseSbatchOutput('sbatch: error: nope'), /Expected sbatch --parsable to print a job id/);
  });

  it('turns a timeout into whole minutes plus a margin for sluice on the node', () => {
    assert.equal(timeLimitMinutes(undefined, 1), undefined);
    assert.equal(timeLimitMinutes(2000, 1), 2);
    assert.equal(timeLimitMinutes(60_000, 1), 2);
    assert.equal(timeLimitMinutes(61_000, 1), 3);
    assert.equal(timeLimitMinutes(2 * 3600_000, 0), 120);
  });

  it('turns memory into what --mem takes', () => {
    assert.equal(toSlurmMemory('4G'), '4G');
    assert.equal(toSlurmMemory('4GB'), '4G');
    assert.equal(toSlurmMemory('512MiB'), '512M');
    assert.equal(toSlurmMemory('1.5G'), '1536M');
    assert.equal(toSlurmMemory('2048'), '2048');
    assert.equal(toSlurmMemory('lots'), undefined);
    assert.equal(toSlurmMemory('0G'), undefined);
  });
});

describe('judging an attempt', () => {
  const limits = { markerGraceMs: 1000, lostGraceMs: 5000, cancelGraceMs: 3000 };
  const marker = (fields: Partial<Marker>): Marker => ({
    status: 'succeeded', exitCode: 0, signal: null, startedAt: 1, endedAt: 2, stderrLog: '/l/1.1.err', stderrTail: [], ...fields,
  });
  const report = (state: string, exitCode: number | null = 0, signal: number | null = 0): JobReport => ({ id: '9_1', state, exitCode, signal, reason: '' });
  const judge = (evidence: Evidence, now = 10_000) => judgeAttempt(evidence, limits, now);

  it('takes the marker of an attempt that ran its course, whatever the job state says', () => {
    assert.deepEqual(judge({ marker: marker({}), report: report('RUNNING', null, null) }), {
      done: true, status: 'succeeded', exitCode: 0, signal: null, reason: undefined, fromMarker: true,
    });
    const failed = judge({ marker: marker({ status: 'failed', exitCode: 3 }), report: report('FAILED', 3) });
    assert.equal(failed.done && `${failed.status} ${failed.exitCode}`, 'failed 3');
    const timedOut = judge({ marker: marker({ status: 'timed out', exitCode: null, signal: 'SIGTERM' }) });
    assert.equal(timedOut.done && timedOut.status, 'timed out');
  });

  it('waits while the job is queued or running', () => {
    assert.deepEqual(judge({ report: report('PENDING', null, null) }), { done: false });
    assert.deepEqual(judge({ report: report('RUNNING', null, null) }), { done: false });
  });

  it('maps every terminal state of a job that left no marker, after the marker grace', () => {
    const expected: Record<string, [string, RegExp]> = {
      COMPLETED: ['failed', /wrote no exit-status file/],
      FAILED: ['failed', /did not finish \(job FAILED, exit code 1\)/],
      CANCELLED: ['failed', /cancelled outside sluice/],
      TIMEOUT: ['timed out', /time limit/],
      OUT_OF_MEMORY: ['failed', /^out of memory/],
      NODE_FAIL: ['failed', /^node failure/],
      PREEMPTED: ['failed', /^preempted/],
      BOOT_FAIL: ['failed', /^boot failure/],
      DEADLINE: ['failed', /^deadline/],
      SPECIAL_EXIT: ['failed', /job SPECIAL_EXIT/],
      REVOKED: ['failed', /job REVOKED/],
    };
    assert.deepEqual(Object.keys(expected).sort(), [...TERMINAL_STATES].sort());
    for (const [state, [status, reason]] of Object.entries(expected)) {
      const evidence = { report: report(state, 1, 0), endedWithoutMarkerSince: 9_500 };
      assert.deepEqual(judge(evidence), { done: false }, `${state} waits for its marker`);
      const verdict = judge(evidence, 10_600);
      assert.ok(verdict.done, state);
      assert.equal(verdict.status, status, state);
      assert.match(verdict.reason ?? '', reason, state);
    }
  });

  it('names the signal that ended a job without a marker', () => {
    const verdict = judge({ report: report('FAILED', 0, 9), endedWithoutMarkerSince: 0 });
    assert.ok(verdict.done);
    assert.equal(verdict.signal, 'SIGKILL');
    assert.match(verdict.reason ?? '', /killed by SIGKILL/);
  });

  it('asks the job state why Slurm signalled sluice on the node', () => {
    const signalled = marker({ status: 'cancelled', exitCode: null, signal: 'SIGTERM', signalledBySlurm: true });
    assert.deepEqual(judge({ marker: signalled, markerSeenAt: 9_000, report: report('RUNNING', null, null) }), { done: false });
    const timeout = judge({ marker: signalled, report: report('TIMEOUT', 0, 15) });
    assert.ok(timeout.done && timeout.status === 'timed out' && timeout.fromMarker);
    const cancelled = judge({ marker: signalled, report: report('CANCELLED', 0, 15) });
    assert.ok(cancelled.done && cancelled.status === 'failed');
    const unexplained = judge({ marker: signalled, markerSeenAt: 1_000 });
    assert.ok(unexplained.done && /signal from Slurm/.test(unexplained.reason ?? ''));
  });

  it('reports a cancel it asked for as cancelled, once Slurm or the node confirms it or time is up', () => {
    assert.deepEqual(judge({ cancelRequestedAt: 9_000, report: report('RUNNING', null, null) }), { done: false });
    assert.equal(judge({ cancelRequestedAt: 9_000, report: report('CANCELLED', 0, 15) }).done, true);
    const byMarker = judge({ cancelRequestedAt: 9_000, marker: marker({ status: 'failed', signal: 'SIGTERM', signalledBySlurm: true }) });
    assert.ok(byMarker.done && byMarker.status === 'cancelled');
    const late = judge({ cancelRequestedAt: 6_000, report: report('RUNNING', null, null) });
    assert.ok(late.done && late.status === 'cancelled' && /did not confirm/.test(late.reason ?? ''));
    const succeeded = judge({ cancelRequestedAt: 9_000, marker: marker({}) });
    assert.ok(succeeded.done && succeeded.status === 'succeeded');
  });

  it('calls a job lost only after it was missing from every answer for the grace period', () => {
    assert.deepEqual(judge({ missingSince: 6_000 }), { done: false });
    const lost = judge({ missingSince: 5_000, report: report('RUNNING', null, null) });
    assert.ok(lost.done && lost.status === 'failed' && /^lost: .*last seen RUNNING/.test(lost.reason ?? ''));
    assert.deepEqual(judge({}), { done: false }, 'no answer yet is no news');
  });

  it('sends again an attempt its packed element ended before its turn, a few times, then reports it as not started', () => {
    const ended = { endedWithoutMarkerSince: 1000, notStarted: true, requeues: 0 };
    const judgeMax = (evidence: Evidence) => judgeAttempt(evidence, { ...limits, maxRequeues: 2 }, 10_000);
    for (const state of ['TIMEOUT', 'PREEMPTED', 'NODE_FAIL']) assert.deepEqual(judgeMax({ ...ended, report: report(state, 0, 15) }), { done: false, requeue: true });
    const often = judgeMax({ ...ended, requeues: 2, report: report('TIMEOUT', 0, 15) });
    assert.equal(often.done && `${often.status}: ${often.reason}`, "failed: not started: its array element ended (TIMEOUT) before this task's turn, 3 times");
    // A user who cancelled the element meant it: nothing goes out again.
    const cancelled = judgeMax({ ...ended, report: report('CANCELLED', 0, 15) });
    assert.equal(cancelled.done && `${cancelled.status}: ${cancelled.reason}`, 'failed: not started: its array element was cancelled outside sluice (scancel by a user or an administrator)');
    // Only after the marker grace, and never when sluice asked for the cancel.
    assert.deepEqual(judgeMax({ ...ended, endedWithoutMarkerSince: 9500, report: report('TIMEOUT') }), { done: false });
    const asked = judgeMax({ ...ended, cancelRequestedAt: 9000, report: report('CANCELLED') });
    assert.equal(asked.done && asked.status, 'cancelled');
  });
});
