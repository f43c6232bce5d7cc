import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

/** A pino logger writing JSON lines into memory, for asserting on log output. */
export function memoryLogger(level: pino.Level = 'debug'): { logger: Logger; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level }, stream), lines: () => chunks.join('').split('\n').filter(Boolean) };
}

export const silentLogger: Logger = pino({ level: 'silent' });
