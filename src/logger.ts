/** Structured JSON logs (pino); one root logger, children per subsystem. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = 'info'): Logger {
  return pino({ level, base: { service: 'lastmile' } });
}
