/** Failures the tests switch on at runtime. Each matches by method and entity and fires `times` times. */
export type SimFault = (
  | { kind: 'lock' } // 500 PXLockViolationException, nothing written
  | { kind: 'status'; status: number; html?: boolean; message?: string } // any status, JSON or an IIS HTML page
  | { kind: 'latency'; ms: number } // added before processing (does not consume a licence slot less)
  | { kind: 'timeoutAfterWrite'; mode?: 'reset' | 'hang' } // write applied, then the answer is lost
  | { kind: 'unauthorized' } // 401 as if the token or session had just expired
) & {
  /** HTTP method to match, e.g. `PUT`. Default any. */
  method?: string;
  /** Entity to match, e.g. `Activity`. Default any. */
  entity?: string;
  /** How many requests it affects. Default 1; `Infinity` for always. */
  times?: number;
};

export class FaultTable {
  #faults: SimFault[] = [];

  add(fault: SimFault): void {
    this.#faults.push({ times: 1, ...fault });
  }

  clear(): void {
    this.#faults = [];
  }

  /** The first matching fault of one of `kinds`, consuming one of its `times`. */
  take<K extends SimFault['kind']>(
    method: string,
    entity: string,
    kinds: K[],
  ): Extract<SimFault, { kind: K }> | undefined {
    const i = this.#faults.findIndex(
      (f) =>
        (kinds as string[]).includes(f.kind) &&
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.entity === undefined || f.entity === entity),
    );
    if (i < 0) return undefined;
    const fault = this.#faults[i]!;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.#faults.splice(i, 1);
    return fault as Extract<SimFault, { kind: K }>;
  }
}
