import { Ajv, type ValidateFunction } from 'ajv';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Validates real responses against the schema the OpenAPI document gives for their route and status. */
export class OpenApiValidator {
  private readonly ajv = new Ajv({
    strict: false, allErrors: true, discriminator: true,
    formats: {
      uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
      'date-time': (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
      email: /^[^@\s]+@[^@\s]+$/,
      binary: true,
    },
  });
  private readonly compiled = new Map<string, ValidateFunction>();
  /** "METHOD /path status" of every response checked, for the coverage assertions. */
  readonly seen = new Set<string>();

  /** The document's components as Ajv takes them: it implements `discriminator` but not its optional `mapping`. */
  private readonly components: Doc;

  constructor(readonly doc: Doc) {
    this.components = JSON.parse(JSON.stringify(doc.components), (key, value) =>
      key === 'discriminator' && value && typeof value === 'object' ? { propertyName: value.propertyName } : value);
  }

  /** Problems with one response; empty when it matches its documented status and schema. */
  check(method: string, template: string, status: number, contentType: string | undefined, body: unknown): string[] {
    const where = `${method} ${template} → ${status}`;
    this.seen.add(`${method} ${template} ${status}`);
    const op = this.doc.paths[template]?.[method.toLowerCase()];
    if (!op) return [`${where}: the route is not in the document`];
    const response = op.responses?.[String(status)];
    if (!response) return [`${where}: undocumented status (documented: ${Object.keys(op.responses ?? {}).join(', ')})`];
    const media = Object.keys(response.content ?? {});
    if (!media.length) return body === undefined || body === '' || (typeof body === 'object' && body !== null && !Object.keys(body).length) ? [] : [`${where}: documented without a body`];
    const type = (contentType ?? '').split(';')[0].trim();
    if (!media.includes(type) && !media.includes('*/*')) return [`${where}: answered ${type || 'no content type'}, documented ${media.join(', ')}`];
    if (type !== 'application/json') return [];
    const key = `${method} ${template} ${status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile({ ...response.content[type].schema, components: this.components });
      this.compiled.set(key, validate);
    }
    return validate(body) ? [] : [`${where}: ${this.ajv.errorsText(validate.errors, { separator: '; ' })} in ${JSON.stringify(body).slice(0, 400)}`];
  }
}
