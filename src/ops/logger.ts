import pino, { type DestinationStream, type Logger } from 'pino';
import { pinoRedactOptions } from '../config/redact.js';
import type { Config } from '../config/schema.js';

export interface LoggerOptions {
  level?: string;
  /** Adds the config's own secret locations (e.g. each tenant's push header) to the redact list. */
  config?: Config;
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.ACUSMS_LOG_LEVEL ?? 'info',
      redact: pinoRedactOptions(options.config),
      base: { service: 'acusms' },
    },
    options.destination ?? pino.destination(1),
  );
}
