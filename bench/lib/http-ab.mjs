// What the HTTP-layer A/B app (bench/http-ab-app.mjs) and its scenario (bench/scenarios/http.mjs) share:
// the in-memory cases' ids, the one user the tokens name, and the statuses a PATCH cycles through.

export const AB_CASES = 1000;
export const AB_USER_ID = '6f1b5c2e-8a4d-4c1e-9b7a-3d2e1f0a9b8c';
export const AB_STATUSES = ['OPEN', 'IN_PROGRESS', 'UNDER_REVIEW', 'CLOSED'];

/** The id of in-memory case `i` (a valid v4-shaped UUID, so ParseUUIDPipe accepts it). */
export function abCaseId(i) {
  return `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}
