/**
 * The name to try for the n-th attempt at creating a rule from a template: the template's own name first,
 * then "Name (2)", "Name (3)"… when a rule already has it (the API answers 409 on a taken name).
 */
export function templateRuleName(name: string, attempt: number): string {
  return attempt <= 1 ? name : `${name} (${attempt})`;
}

/** How often a taken name is retried with the next number before the gallery gives up and says so. */
export const MAX_NAME_ATTEMPTS = 10;
