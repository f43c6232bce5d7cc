import type { SyncProgress, SyncReporter } from '../flows/sync.js';

export interface ProgressOutput {
  write(chunk: string): boolean;
  /** Set by Node on a terminal stream. */
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Milliseconds between two plain lines (not a terminal). Default 5,000: a log, not a flood. */
  lineEveryMs?: number;
  /** Milliseconds between two redraws of the bar. Default 100. */
  redrawEveryMs?: number;
  now?: () => number;
}

/**
 * Sync progress on stderr: a bar redrawn in place with `\r` on a terminal, plain lines
 * otherwise (CI logs, `2> file`). No dependency: the bar is 30 characters of `#` and `-`.
 */
export function createProgress(
  out: ProgressOutput,
  options: ProgressOptions = {},
): SyncReporter & { done(): void } {
  const now = options.now ?? Date.now;
  const tty = out.isTTY === true;
  const every = tty ? (options.redrawEveryMs ?? 100) : (options.lineEveryMs ?? 5000);
  let last: SyncProgress | undefined;
  let shownAt = Number.NEGATIVE_INFINITY;
  let drawn = false;
  const show = (p: SyncProgress) => {
    const line = formatProgress(p, tty);
    if (tty) {
      const width = Math.max(20, (out.columns ?? 100) - 1);
      out.write(`\r${line.slice(0, width).padEnd(width)}`);
      drawn = true;
    } else {
      out.write(`${line}\n`);
    }
    shownAt = now();
  };
  return {
    onProgress(p) {
      last = p;
      if (now() - shownAt >= every) show(p);
    },
    done() {
      if (last) show(last);
      if (tty && drawn) out.write('\n');
    },
  };
}

export function formatProgress(p: SyncProgress, bar: boolean): string {
  const counts = `pulled ${p.pulled}  pushed ${p.pushed}  skipped ${p.skipped}  unmatched ${p.unmatched}  failed ${p.failed}`;
  const rate = `${p.rate.toFixed(p.rate < 10 ? 1 : 0)}/s`;
  const eta = p.etaSeconds === null ? 'ETA ?' : `ETA ${formatSeconds(p.etaSeconds)}`;
  if (!bar) return `sync: ${counts}  ${rate}  ${eta}`;
  const done = p.etaSeconds === null ? null : etaFraction(p);
  const cells = done === null ? '' : `[${'#'.repeat(Math.round(done * 30)).padEnd(30, '-')}] `;
  return `${cells}${counts}  ${rate}  ${eta}`;
}

/** Fraction done implied by rate and ETA: elapsed ÷ (elapsed + remaining). */
function etaFraction(p: SyncProgress): number {
  const elapsed = p.rate > 0 ? p.pulled / p.rate : 0;
  const total = elapsed + (p.etaSeconds ?? 0);
  return total > 0 ? Math.min(1, elapsed / total) : 0;
}

export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
