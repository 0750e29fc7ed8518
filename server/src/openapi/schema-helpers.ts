/** Small builders for OpenAPI 3.0 schema objects, so the shapes below read like the types they describe. */
export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
export const uuid: Schema = { type: 'string', format: 'uuid' };
export const dateTime: Schema = { type: 'string', format: 'date-time' };
export const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
export const num: Schema = { type: 'number' };
export const bool: Schema = { type: 'boolean' };
export const nullable = (schema: Schema): Schema => {
  if ('$ref' in schema) return { allOf: [schema], nullable: true };
  // An enum lists its allowed values exhaustively, so null must be one of them too.
  return Array.isArray(schema.enum) ? { ...schema, enum: [...schema.enum, null], nullable: true } : { ...schema, nullable: true };
};
export const arrayOf = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });
export const enumOf = (values: readonly string[]): Schema => ({ type: 'string', enum: [...values] });
export const freeObject: Schema = { type: 'object', additionalProperties: true };

/**
 * A closed object: every listed property, `optional` ones may be absent, nothing else. Closed on
 * purpose — a field the server starts sending without documenting it fails the drift test.
 */
export function object(properties: Record<string, Schema>, optional: string[] = [], extra: Schema = {}): Schema {
  const required = Object.keys(properties).filter((k) => !optional.includes(k));
  // OpenAPI 3.0 (JSON Schema draft 4) does not allow an empty `required`.
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false, ...extra };
}

/** `{items, total}` of one item schema (CONTRACT lists). */
export const listOf = (item: Schema, description?: string): Schema => object(
  { items: arrayOf(item), total: int({ minimum: 0 }), totalIsLowerBound: bool, nextCursor: nullable(str()) },
  ['totalIsLowerBound', 'nextCursor'],
  description ? { description } : {},
);
