/** DESIGN.md's alert types; each sink receives `{type, tenant, message, details, at}`. */
export type AlertType = 'reconcile_mismatch' | 'error_rate_spike' | 'dead_letter' | 'auth_failure';

export interface Alert {
  type: AlertType;
  tenant: string | null;
  message: string;
  details: Record<string, unknown>;
  /** ISO 8601. */
  at: string;
}

export interface Alerter {
  /** Delivers to every configured sink; never throws (a failing sink is logged and retried). */
  send(alert: Omit<Alert, 'at'>): Promise<void>;
}
