/** A due date picked in the browser, sent as an ISO date at UTC midnight of that calendar day. */
export function toDateOnly(date: Date): string {
  return new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate())).toISOString();
}

/** The calendar day of an ISO due date, as a local Date for the datepicker. */
export function fromIsoDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const parsed = new Date(iso);
  if (Number.isNaN(parsed.getTime())) return null;
  return new Date(parsed.getUTCFullYear(), parsed.getUTCMonth(), parsed.getUTCDate());
}
