import { ValidateIf } from 'class-validator';

/**
 * Optional, but not nullable: the field may be left out, and when present it
 * is validated, null included (so `{"title": null}` is a 400 naming the field
 * instead of reaching a NOT NULL column or a `for…of`). `@IsOptional()` skips
 * validation for null as well as undefined; use it only where the contract
 * says a field is nullable (e.g. `assigneeId`, `dueDate`).
 */
export const IsOmittable = (): PropertyDecorator => ValidateIf((_object: unknown, value: unknown) => value !== undefined);
