// The state database's schema as an ordered list of migrations. Append, never edit: a database
// records which versions it has, and `openStore` applies the rest in order.

export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      -- Content hashes keyed like git's index. Integers that can pass 2^53 (mtime in ns, inode)
      -- are read with safeIntegers. hashed_at_ns tells racily clean entries apart (hash-cache.ts).
      CREATE TABLE file_hashes (
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        inode INTEGER NOT NULL,
        hash TEXT NOT NULL,
        hashed_at_ns INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        pid INTEGER NOT NULL,
        hostname TEXT NOT NULL,
        command TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        status TEXT NOT NULL
          CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted', 'crashed'))
      );

      -- The last success of each task. The component hashes let check-up-to-date name the reason.
      CREATE TABLE task_successes (
        task_key TEXT PRIMARY KEY,
        step TEXT NOT NULL,
        signature TEXT NOT NULL,
        inputs_hash TEXT NOT NULL,
        action_hash TEXT NOT NULL,
        params_hash TEXT NOT NULL,
        env_hash TEXT NOT NULL,
        input_hashes TEXT NOT NULL,   -- JSON [[path, hash], ...] in task order
        outputs TEXT NOT NULL,        -- JSON [path, ...] as the task names them
        outputs_stamp TEXT NOT NULL,  -- 'size:mtimeNs:inode' of each output after success, '|'-joined
        run_id TEXT NOT NULL,
        finished_at INTEGER NOT NULL, -- epoch ms
        duration_ms INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE task_attempts (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        task_key TEXT NOT NULL,
        task_id INTEGER NOT NULL,
        step TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        state TEXT NOT NULL
          CHECK (state IN ('running', 'succeeded', 'failed', 'timed out', 'cancelled', 'interrupted')),
        exit_code INTEGER,
        signal TEXT,
        log_path TEXT,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        PRIMARY KEY (run_id, task_key, attempt)
      ) WITHOUT ROWID;
      CREATE INDEX task_attempts_by_key ON task_attempts (task_key, run_id);
    `,
  },
  {
    // Intermediates deleted once their consumers succeeded: their content hash stands in for
    // the missing file in the consumers' signatures, so deleting them causes no re-run.
    version: 2,
    sql: `
      CREATE TABLE deleted_temporaries (
        path TEXT PRIMARY KEY,
        hash TEXT NOT NULL,
        deleted_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    // What `sluice report` shows of a past run: each attempt's command, failure reason and
    // resource use, and per step how many tasks the run planned and found up to date (those
    // leave no attempt).
    version: 3,
    sql: `
      ALTER TABLE task_attempts ADD COLUMN command TEXT;     -- quoted for pasting into sh
      ALTER TABLE task_attempts ADD COLUMN error TEXT;       -- why, beyond the exit status
      ALTER TABLE task_attempts ADD COLUMN cpu_ms INTEGER;   -- user + system, when measured
      ALTER TABLE task_attempts ADD COLUMN max_rss_kb INTEGER;

      CREATE TABLE run_steps (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step TEXT NOT NULL,
        position INTEGER NOT NULL,    -- order of the step's first task in the plan
        tasks INTEGER NOT NULL,
        up_to_date INTEGER NOT NULL,
        PRIMARY KEY (run_id, step)
      ) WITHOUT ROWID;
    `,
  },
  {
    // The process groups of the tasks running now, and the launcher helper, of the run that
    // holds the lock. A run that takes over the lock of a killed run ends those still alive
    // before it starts a task, so no late write of the dead run reaches its outputs.
    version: 4,
    sql: `
      CREATE TABLE running_processes (
        kind TEXT NOT NULL CHECK (kind IN ('group', 'helper')),
        pid INTEGER NOT NULL,       -- the group's id (its leader's pid), or the helper's pid
        start TEXT NOT NULL,        -- its start in clock ticks since boot; '' when unknown
        machine TEXT NOT NULL,      -- boot id, else host name: where pid and start mean that
        owner TEXT NOT NULL,        -- the lock token of the run that started it
        PRIMARY KEY (kind, pid, start)
      ) WITHOUT ROWID;
    `,
  },
  {
    // A run whose function steps start processes records itself ('spawner'): they carry its pid
    // in SLUICE_SPAWNED_BY, and the run that takes over its lock after a kill -9 ends them.
    version: 5,
    sql: `
      CREATE TABLE running_processes_5 (
        kind TEXT NOT NULL CHECK (kind IN ('group', 'helper', 'spawner')),
        pid INTEGER NOT NULL,       -- the group's id (its leader's pid), the helper's or sluice's pid
        start TEXT NOT NULL,        -- its start in clock ticks since boot; '' when unknown
        machine TEXT NOT NULL,      -- boot id, else host name: where pid and start mean that
        owner TEXT NOT NULL,        -- the lock token of the run that started it
        PRIMARY KEY (kind, pid, start)
      ) WITHOUT ROWID;
      INSERT INTO running_processes_5 SELECT kind, pid, start, machine, owner FROM running_processes;
      DROP TABLE running_processes;
      ALTER TABLE running_processes_5 RENAME TO running_processes;
    `,
  },
  {
    // The task's name as users read it, step and wildcards (`bwa_map[sample=A]`, plan/name-task.ts),
    // for the report: the task key keeps outputs, not wildcards. NULL in attempts recorded before.
    version: 6,
    sql: `
      ALTER TABLE task_attempts ADD COLUMN task_name TEXT;
    `,
  },
  {
    // Per-task records (`sluice report --tasks`): CPU time split into user and system, the heap
    // of a function task's worker thread, and the task's wildcards. cpu_ms (their sum) and
    // max_rss_kb are still written, for the step statistics.
    version: 7,
    sql: `
      ALTER TABLE task_attempts ADD COLUMN cpu_user_us INTEGER;
      ALTER TABLE task_attempts ADD COLUMN cpu_system_us INTEGER;
      ALTER TABLE task_attempts ADD COLUMN heap_kb INTEGER;       -- function tasks: V8 heap held at the end
      ALTER TABLE task_attempts ADD COLUMN wildcards TEXT;       -- JSON {"name": "value"}; NULL: none
    `,
  },
  {
    // A file's ctime joins its cached stat: a rewrite whose old mtime was set back (touch -d)
    // keeps size, mtime and inode but not ctime. Rows of older versions (NULL) are not trusted:
    // each file is hashed once more. And what a full check learned of an up-to-date task
    // (state/freshness/task-stamps.ts): a digest of its definition and the stamps of its inputs
    // and outputs, so the next full check compares them instead of hashing and signing. NULL
    // (a success recorded since, or by an older version): not known, the task is signed.
    version: 8,
    sql: `
      ALTER TABLE file_hashes ADD COLUMN ctime_ns INTEGER;
      ALTER TABLE task_successes ADD COLUMN definition TEXT;
      ALTER TABLE task_successes ADD COLUMN stamps BLOB;
    `,
  },
  {
    // The stamp check of a full check reads key, definition and stamps of every success
    // (readLearnedStamps): from this index it reads them without the rest of each row (the
    // inputs' hashes, the outputs), half the pages. Nothing else changes: a database of version
    // 8 only gains the index.
    version: 9,
    sql: `
      CREATE INDEX task_successes_learned ON task_successes (task_key, definition, stamps);
    `,
  },
];

export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
