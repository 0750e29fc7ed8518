import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** No body of this API nests deeper than 6 (a rule's condition values); 32 leaves room and stops abuse. */
export const MAX_JSON_DEPTH = 32;

/**
 * Names that reach Object.prototype when a library copies a parsed body with
 * `target[key] = value`, and that class-transformer silently drops (so they
 * were ignored, not rejected as the contract wants for unknown fields).
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

/** The first problem with a parsed JSON body, or undefined. Iterative: a hostile depth cannot overflow the stack here. */
export function jsonBodyProblem(body: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value: body, depth: 0, path: 'body' }];
  while (stack.length) {
    const { value, depth, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) return `${path}: nested deeper than ${maxDepth} levels`;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, depth: depth + 1, path: `${path}[${i}]` }));
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return `${path}.${key} should not exist`;
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, path: `${path}.${key}` });
    }
  }
  return undefined;
}

/**
 * Refuses, with a 400 in the error shape, JSON bodies nested deeper than
 * MAX_JSON_DEPTH (the ValidationPipe's class-transformer recursed once per
 * level and overflowed the stack: a 500) and bodies with a key named
 * __proto__, constructor, prototype or another Object.prototype member.
 *
 * Mount it right after the JSON body parser: `app.use(new JsonBodyLimitsMiddleware().use)`.
 */
@Injectable()
export class JsonBodyLimitsMiddleware implements NestMiddleware {
  readonly use = (req: Request, res: Response, next: NextFunction): void => {
    const problem = req.body !== undefined && req.is('application/json') ? jsonBodyProblem(req.body) : undefined;
    if (!problem) return next();
    res.status(400).json({ statusCode: 400, error: 'Bad Request', message: [problem] });
  };
}
