/**
 * A lost database connection never ends the process. node-postgres emits 'error' on a pool (idle clients) and on
 * each client (checked out ones too, like the socket.io adapter's LISTEN client); an 'error' event nobody listens to
 * throws and kills the process. knex's pg client listens on each of its connections and drops a broken one; the
 * adapter's pool gets listeners in src/realtime/server.ts; this process-level guard keeps any lost-connection error
 * that still escapes from being fatal. Requests meanwhile answer 503 database_unavailable (src/error-mapper.ts).
 */
import { accessSync, constants, existsSync, mkdirSync, openSync, readFileSync, rmSync, statfsSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { isDatabaseUnavailable } from '../errors';

export interface FaultLog {
  warn(fields: object, message: string): void;
  fatal(fields: object, message: string): void;
}

/**
 * Process level: an uncaught exception or unhandled rejection that says the database is unreachable is logged and
 * survived; anything else is still fatal, as without the guard. Returns the function that removes the guard.
 */
export function installFaultGuard(log: FaultLog): () => void {
  const onError = processErrorHandler(log, (code) => process.exit(code));
  const onException = (error: Error) => onError(error, 'uncaughtException');
  const onRejection = (reason: unknown) => onError(reason, 'unhandledRejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

/** What the guard does with an error that reached the process: survive a lost connection, exit on anything else. */
export function processErrorHandler(log: FaultLog, exit: (code: number) => void): (error: unknown, origin: string) => void {
  return (error, origin) => {
    if (isDatabaseUnavailable(error)) {
      log.warn({ err: error, origin }, 'database unavailable; the process keeps running');
      return;
    }
    log.fatal({ err: error, origin }, 'uncaught error; exiting');
    exit(1);
  };
}

/** The embedded database could not open its files: the message names the directory and why. */
export class DatabaseStartError extends Error {
  constructor(
    readonly directory: string,
    readonly reason: 'read-only' | 'full' | 'locked' | 'unreadable' | 'failed',
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`The embedded database cannot start in ${directory}: ${detail}`, options);
    this.name = 'DatabaseStartError';
  }
}

const lockFileName = 'lastmile.lock';
/** Below this much free space PostgreSQL cannot write its next WAL segment. */
const minimumFreeBytes = 32 * 1024 * 1024;

/**
 * Checks, before PGlite starts, what it would otherwise report as "failed to initialize properly": the directory
 * must be writable, have room, and not be open by another process (a lock file with that process's pid).
 * Returns the function that releases the lock.
 */
export function claimDataDirectory(directory: string): () => void {
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    throw fileError(directory, error);
  }
  try {
    accessSync(directory, constants.R_OK | constants.W_OK);
    const probe = join(directory, '.write-probe');
    writeFileSync(probe, 'ok');
    rmSync(probe);
  } catch (error) {
    throw fileError(directory, error);
  }
  const { bavail, bsize } = statfsSync(directory);
  if (bavail * bsize < minimumFreeBytes) {
    throw new DatabaseStartError(directory, 'full', `the disk is full (${Math.round((bavail * bsize) / 1024)} kB free; at least ${minimumFreeBytes / 1024 / 1024} MB needed)`);
  }
  const lockFile = join(directory, lockFileName);
  const holder = lockHolder(lockFile);
  if (holder !== null) {
    throw new DatabaseStartError(directory, 'locked', `it is locked by another process (pid ${holder}, see ${lockFile}); stop that process or use another DATA_DIR`);
  }
  try {
    const fd = openSync(lockFile, 'w');
    writeFileSync(fd, String(process.pid));
    closeSync(fd);
  } catch (error) {
    throw fileError(directory, error);
  }
  return () => rmSync(lockFile, { force: true });
}

/** The pid of a live other process holding the lock; null when free or stale (its process is gone). */
function lockHolder(lockFile: string): number | null {
  if (!existsSync(lockFile)) return null;
  const pid = Number(readFileSync(lockFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

export function fileError(directory: string, error: unknown): DatabaseStartError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new DatabaseStartError(directory, 'read-only', `the directory is read-only or not writable by this user (${code})`, { cause: error });
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') return new DatabaseStartError(directory, 'full', `the disk is full (${code})`, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new DatabaseStartError(directory, code ? 'unreadable' : 'failed', message, { cause: error });
}
