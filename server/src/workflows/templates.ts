/** The only names a template may use (CONTRACT §6). */
export const TEMPLATE_VARIABLES = [
  'case.caseNumber', 'case.title', 'case.status', 'case.previousStatus', 'case.severity', 'case.caseType', 'case.scopeCode',
  'case.dueDate', 'case.assignee.name', 'rule.name', 'event.name', 'actor.name', 'evidence.filename',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Problems with a template: unknown variables, unbalanced or nested braces. Empty when fine. */
export function templateProblems(template: string): string[] {
  const problems: string[] = [];
  const stripped = template.replace(PLACEHOLDER, (_, name: string) => {
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name)) {
      problems.push(`unknown template variable {{${name}}} (allowed: ${TEMPLATE_VARIABLES.join(', ')})`);
    }
    return '';
  });
  if (stripped.includes('{{') || stripped.includes('}}')) problems.push('unbalanced braces: every {{ needs a matching }}');
  return problems;
}

/**
 * Substitutes whitelisted variables as plain text. Values are never parsed
 * again, so a title containing "{{rule.name}}" stays exactly that.
 */
export function renderTemplate(template: string, values: Partial<Record<TemplateVariable, string | null | undefined>>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => values[name as TemplateVariable] ?? '');
}
