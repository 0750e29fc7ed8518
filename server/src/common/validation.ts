import { buildMessage, isEmail, ValidateBy, ValidateIf } from 'class-validator';

/**
 * Optional, but not nullable: the field may be left out, and when present it
 * is validated, null included (so `{"title": null}` is a 400 naming the field
 * instead of reaching a NOT NULL column or a `for…of`). `@IsOptional()` skips
 * validation for null as well as undefined; use it only where the contract
 * says a field is nullable (e.g. `assigneeId`, `dueDate`).
 */
export const IsOmittable = (): PropertyDecorator => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * `@IsEmail()` that cannot throw: validator.js's isEmail runs encodeURI on
 * the address, which throws URIError for a lone surrogate ("\ud800") and
 * turned that input into a 500. Text that is not well-formed UTF-16 is simply
 * not an email address.
 */
export const IsEmailAddress = (): PropertyDecorator => ValidateBy({
  name: 'isEmailAddress',
  validator: {
    validate: (value: unknown) => typeof value === 'string' && !LONE_SURROGATE.test(value) && isEmail(value),
    defaultMessage: buildMessage((each) => `${each}$property must be an email`),
  },
});
