/** One line of `acusms doctor`: what was checked, whether it passed, and how to fix it if not. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}
