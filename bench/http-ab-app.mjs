#!/usr/bin/env node
// `HTTP_AB_SECRET=… node bench/http-ab-app.mjs <express|fastify> [port]`: the HTTP layer of the server's hot
// path without a database, for scenario 12 (bench/scenarios/http.mjs). One Nest app, the same under both
// adapters except for what the adapter itself brings:
//
//   PATCH /api/v1/cases/:id   global guard (HS256 bearer JWT through @nestjs/jwt with the secret as a KeyObject,
//                             claims checked as TokenService does, the user looked up in a Map, @Roles checked
//                             through the Reflector), ParseUUIDPipe on :id, @CurrentUser, the body validated by
//                             the global ValidationPipe({ whitelist, forbidNonWhitelisted, transform }) against a
//                             copy of UpdateCaseDto, the case changed in a Map and answered as a ~1 KB case view
//   GET /api/v1/bench-stats   public: requests in flight and requests the access log observed (for the checks)
//
// Per request, like server/src/bootstrap.ts configureApp(): a request id (client's or a UUID, X-Request-Id, run
// inside an AsyncLocalStorage context), an access log (pino at `warn`, the bench server's LOG_LEVEL, so the info
// line is not written; a prom-client histogram observation per request), the in-flight counter of Lifecycle, the
// client address in its own AsyncLocalStorage, security headers with the server's CSP, CORS with origin false,
// JSON bodies up to 1 MB, the JSON depth/forbidden-key check, urlencoded bodies, trust proxy = loopback, no
// X-Powered-By. Express: these as app.use() middleware in the server's order (bodyParser: false, express.json).
// Fastify: the same work as Fastify hooks (onRequest, preValidation, onResponse, onRequestAbort), which is how a
// port would write them; body parsing and the 415 for other content types are Fastify's own.
//
// Security headers: the server uses the `helmet` package; @fastify/helmet is not installed, so both variants use
// Nest's own app.useSecurityHeaders() ("the same headers and defaults as helmet 8") with the server's options.
//
// Decorators are applied by hand (plain .mjs has no decorator syntax). Prints `LISTENING <port>` once listening;
// exits when its stdin closes (the load process that started it went away).
import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createSecretKey, randomUUID } from 'node:crypto';
import {
  Body, Controller, createParamDecorator, ForbiddenException, Get, Injectable, Module, NotFoundException, Param,
  ParseUUIDPipe, Patch, SetMetadata, UnauthorizedException, ValidationPipe,
} from '@nestjs/common';
import { APP_GUARD, NestFactory, Reflector } from '@nestjs/core';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import pino from 'pino';
import { Histogram, Registry } from 'prom-client';
import { AB_CASES, AB_USER_ID, abCaseId } from './lib/http-ab.mjs';

const adapterName = process.argv[2];
const port = Number(process.argv[3] ?? 0);
const secret = process.env.HTTP_AB_SECRET;
if (!['express', 'fastify'].includes(adapterName) || !secret) {
  console.error('usage: HTTP_AB_SECRET=… node bench/http-ab-app.mjs <express|fastify> [port]');
  process.exit(2);
}

const CASE_STATUSES = ['OPEN', 'IN_PROGRESS', 'UNDER_REVIEW', 'CLOSED', 'ARCHIVED'];
const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const IS_PUBLIC = 'isPublic';
const ROLES_KEY = 'roles';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---------------------------------------------------------------- per-request plumbing (both adapters)
const requestContext = new AsyncLocalStorage();
const clientAddressContext = new AsyncLocalStorage();
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:@+=\-/]{0,127}$/;
const requestIdFrom = (v) => (typeof v === 'string' && SANE_REQUEST_ID.test(v) ? v : randomUUID());
const accessLogger = pino({ level: 'warn' }, pino.destination(2));
const registry = new Registry();
const httpDurations = new Histogram({
  name: 'acos_http_request_duration_seconds', help: 'HTTP requests by route pattern, method and status',
  labelNames: ['method', 'route', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
});
const stats = { inFlight: 0, observed: 0 };
function access(method, route, status, started, requestId, userId) {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  httpDurations.observe({ method, route, status: String(status) }, seconds);
  stats.observed++;
  accessLogger.info({ access: true, requestId, userId: userId ?? null, method, route, status, durationMs: Math.round(seconds * 1e5) / 100 }, 'request');
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)]);
function jsonBodyProblem(body, maxDepth = 32) {
  const stack = [{ value: body, depth: 0, path: 'body' }];
  while (stack.length) {
    const { value, depth, path } = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) return `${path}: nested deeper than ${maxDepth} levels`;
    if (Array.isArray(value)) { value.forEach((item, i) => stack.push({ value: item, depth: depth + 1, path: `${path}[${i}]` })); continue; }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return `${path}.${key} should not exist`;
      stack.push({ value: value[key], depth: depth + 1, path: `${path}.${key}` });
    }
  }
  return undefined;
}

const SECURITY_HEADERS = {
  contentSecurityPolicy: {
    directives: {
      'default-src': ["'self'"], 'script-src': ["'self'"], 'style-src': ["'self'", "'unsafe-inline'"], 'font-src': ["'self'", 'data:'],
      'img-src': ["'self'", 'data:'], 'connect-src': ["'self'"],
    },
  },
  crossOriginEmbedderPolicy: false,
};

// ---------------------------------------------------------------- the in-memory "database"
const user = { id: AB_USER_ID, email: 'investigator@bench.local', name: 'Bench Investigator', role: 'INVESTIGATOR', scopeCodes: ['FIN'] };
const tokenStates = new Map([[AB_USER_ID, { user, tokenVersion: 0, keptTokenId: null, revoked: false, mustChangePassword: false }]]);
const cases = new Map();
for (let i = 0; i < AB_CASES; i++) {
  const created = new Date(Date.UTC(2026, 0, 1) + i * 60_000);
  cases.set(abCaseId(i), {
    id: abCaseId(i), caseNumber: `FIN-2026-${String(i + 1).padStart(5, '0')}`, title: `Duplicate vendor payments, batch ${i + 1}`,
    description: 'Two payments of the same amount to the same vendor within 48 hours were flagged by the quarterly review; '
      + 'the finance team asked for the invoices, the approvals and the bank statements of both payments before closing. '
      + 'Vendor master data was changed three days before the second payment; the change request and its approver are to be '
      + 'checked against the segregation-of-duties matrix. Both payments were released in the same payment run by the same '
      + 'clerk.',
    status: 'OPEN', caseType: 'INVESTIGATION', scopeCode: 'FIN', severity: 'HIGH', assigneeId: AB_USER_ID,
    ownerId: '2a7c9e41-5b3d-4f6a-8e2c-1d0b9a8f7e6d', tags: ['vendor-payments', 'q3', 'duplicate', 'master-data', 'sod'], evidenceCount: 0,
    dueDate: new Date(created.getTime() + 14 * 86_400_000), createdAt: created, updatedAt: created, closedAt: null,
  });
}
const iso = (d) => (d ? d.toISOString() : null);
const toCaseView = (c) => ({
  id: c.id, caseNumber: c.caseNumber, title: c.title, description: c.description, status: c.status, caseType: c.caseType,
  scopeCode: c.scopeCode, severity: c.severity, assigneeId: c.assigneeId, ownerId: c.ownerId, tags: c.tags, dueDate: iso(c.dueDate),
  createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(), closedAt: iso(c.closedAt),
});

// ---------------------------------------------------------------- the DTO (UpdateCaseDto: PartialType of the create fields + status)
class UpdateCaseDto {}
{
  const omittable = () => ValidateIf((_o, v) => v !== undefined);
  const notNull = () => ValidateIf((_o, v) => v !== null);
  const trim = ({ value }) => (typeof value === 'string' ? value.trim() : value);
  const fields = {
    title: [Transform(trim), omittable(), IsString(), Length(1, 300)],
    description: [omittable(), IsString(), Length(0, 20000)],
    severity: [omittable(), IsIn(SEVERITIES)],
    assigneeId: [IsOptional(), notNull(), IsUUID()],
    tags: [omittable(), IsArray(), ArrayMaxSize(50), IsString({ each: true })],
    dueDate: [IsOptional(), notNull(), IsISO8601({ strict: true })],
    status: [omittable(), IsIn(CASE_STATUSES)],
  };
  // TypeScript applies a property's decorators bottom-up.
  for (const [name, decorators] of Object.entries(fields)) for (const d of [...decorators].reverse()) d(UpdateCaseDto.prototype, name);
}

// ---------------------------------------------------------------- guard (AuthGuard + TokenService.authenticate)
const bearerToken = (header) => /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
class AuthGuard {
  constructor(reflector, jwt) { this.reflector = reflector; this.jwt = jwt; }

  async authenticate(token) {
    if (!token) return null;
    let claims;
    try { claims = this.jwt.verify(token, { algorithms: ['HS256'] }); } catch { return null; }
    if (typeof claims.sub !== 'string' || !UUID.test(claims.sub)) return null;
    if (typeof claims.jti !== 'string' || !UUID.test(claims.jti) || !Number.isInteger(claims.ver)) return null;
    const state = await Promise.resolve(tokenStates.get(claims.sub)); // the server reads it from PostgreSQL
    if (!state || state.revoked) return null;
    if (claims.ver !== state.tokenVersion && claims.jti !== state.keptTokenId) return null;
    return { user: state.user, expiresAt: claims.exp * 1000, tokenId: claims.jti, mustChangePassword: state.mustChangePassword };
  }

  async canActivate(context) {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest();
    const session = await this.authenticate(bearerToken(req.headers.authorization));
    if (!session) throw new UnauthorizedException('missing, invalid or expired token');
    req.user = session.user;
    req.session = session;
    if (session.mustChangePassword) throw new ForbiddenException('your password was reset: change it first');
    const roles = this.reflector.getAllAndOverride(ROLES_KEY, targets);
    if (roles && !roles.includes(session.user.role)) throw new ForbiddenException(`requires role ${roles.join(' or ')}`);
    return true;
  }
}
Injectable()(AuthGuard);
Reflect.defineMetadata('design:paramtypes', [Reflector, JwtService], AuthGuard);

// ---------------------------------------------------------------- controllers
const CurrentUser = createParamDecorator((_data, ctx) => ctx.switchToHttp().getRequest().user);
/** `Reflect.decorate` of method decorators, as TypeScript's emitted __decorate does. */
function decorateMethod(cls, name, decorators, paramTypes) {
  const proto = cls.prototype;
  Object.defineProperty(proto, name, Reflect.decorate(decorators, proto, name, Object.getOwnPropertyDescriptor(proto, name)));
  Reflect.defineMetadata('design:paramtypes', paramTypes, proto, name);
}

class CasesController {
  update(_user, id, dto) {
    const c = cases.get(id);
    if (!c) throw new NotFoundException(`case ${id} not found`);
    for (const k of ['title', 'description', 'severity', 'assigneeId', 'tags', 'status']) if (dto[k] !== undefined) c[k] = dto[k];
    if (dto.dueDate !== undefined) c.dueDate = dto.dueDate === null ? null : new Date(dto.dueDate);
    c.updatedAt = new Date();
    c.closedAt = c.status === 'CLOSED' ? c.updatedAt : null;
    return toCaseView(c);
  }
}
Controller('cases')(CasesController);
decorateMethod(CasesController, 'update', [Patch(':id'), SetMetadata(ROLES_KEY, ['ADMIN', 'INVESTIGATOR'])], [Object, String, UpdateCaseDto]);
CurrentUser()(CasesController.prototype, 'update', 0);
Param('id', new ParseUUIDPipe())(CasesController.prototype, 'update', 1);
Body()(CasesController.prototype, 'update', 2);

class StatsController {
  stats() { return { adapter: adapterName, inFlight: stats.inFlight, observed: stats.observed }; }
}
Controller('bench-stats')(StatsController);
decorateMethod(StatsController, 'stats', [Get(), SetMetadata(IS_PUBLIC, true)], []);

class AppModule {}
Module({
  imports: [JwtModule.register({ secret: createSecretKey(Buffer.from(secret, 'utf8')) })],
  controllers: [CasesController, StatsController],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})(AppModule);

// ---------------------------------------------------------------- the app under one adapter
const validation = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, validationError: { target: false, value: false } });
let app;
if (adapterName === 'express') {
  const { default: express } = await import('express');
  app = await NestFactory.create(AppModule, { bodyParser: false, logger: ['error', 'warn'] });
  app.use((req, res, next) => { // RequestIdMiddleware
    const id = requestIdFrom(req.headers['x-request-id']);
    req.requestId = id;
    res.setHeader('x-request-id', id);
    requestContext.run({ requestId: id, get userId() { return req.user?.id; } }, next);
  });
  app.use((req, res, next) => { // accessLog
    const started = process.hrtime.bigint();
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      const route = typeof req.route?.path === 'string' ? (req.baseUrl ?? '') + req.route.path : 'unmatched';
      access(req.method, route, res.headersSent ? res.statusCode : 499, started, req.requestId, req.user?.id);
    };
    res.once('finish', write);
    res.once('close', write);
    next();
  });
  app.use((req, res, next) => { // Lifecycle.middleware
    stats.inFlight++;
    let done = false;
    const finish = () => { if (!done) { done = true; stats.inFlight--; } };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  });
  app.use((req, _res, next) => clientAddressContext.run({ clientAddress: req.ip ?? null }, next)); // rememberClientAddress
  app.setGlobalPrefix('api/v1');
  app.useGlobalPipes(validation);
  app.useSecurityHeaders(SECURITY_HEADERS); // where the server mounts helmet
  app.enableCors({ origin: false, credentials: false });
  app.use((req, res, next) => { // requireJsonBodies
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || !['POST', 'PUT', 'PATCH'].includes(req.method) || !req.path.startsWith('/api/')) return next();
    if (req.is('application/json') || req.is('multipart/form-data')) return next();
    res.status(415).json({ statusCode: 415, error: 'Unsupported Media Type', message: 'send application/json' });
  });
  app.use(express.json({ limit: '1mb' }));
  app.use((req, res, next) => { // JsonBodyLimitsMiddleware
    const problem = req.body !== undefined && req.is('application/json') ? jsonBodyProblem(req.body) : undefined;
    if (!problem) return next();
    res.status(400).json({ statusCode: 400, error: 'Bad Request', message: [problem] });
  });
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.set('trust proxy', ['loopback']);
  app.disable('x-powered-by');
} else {
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  const adapter = new FastifyAdapter({ bodyLimit: 1_048_576, trustProxy: ['loopback'], logger: false });
  const fastify = adapter.getInstance();
  // Declared up front, as Fastify wants request properties (no shape change per request).
  for (const [name, initial] of [['requestId', ''], ['startedAt', 0n], ['abDone', false], ['user', null], ['session', null]]) fastify.decorateRequest(name, initial);
  // requireJsonBodies: Fastify answers 415 for a content type it has no parser for; it has one for text/plain built in.
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('onRequest', (req, reply, done) => { // RequestIdMiddleware + accessLog start + Lifecycle + rememberClientAddress
    const id = requestIdFrom(req.headers['x-request-id']);
    req.requestId = id;
    req.startedAt = process.hrtime.bigint();
    reply.header('x-request-id', id);
    stats.inFlight++;
    requestContext.run({ requestId: id, get userId() { return req.user?.id; } }, () => clientAddressContext.run({ clientAddress: req.ip ?? null }, done));
  });
  fastify.addHook('preValidation', (req, reply, done) => { // JsonBodyLimitsMiddleware (after the body is parsed)
    const problem = req.body !== undefined && /^application\/json/.test(req.headers['content-type'] ?? '') ? jsonBodyProblem(req.body) : undefined;
    if (!problem) return done();
    reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: [problem] });
  });
  const finish = (status) => function (req, reply, done) {
    if (!req.abDone) {
      req.abDone = true;
      stats.inFlight--;
      access(req.method, req.routeOptions?.url ?? 'unmatched', status ?? reply.statusCode, req.startedAt, req.requestId, req.user?.id);
    }
    done();
  };
  fastify.addHook('onResponse', finish());
  fastify.addHook('onRequestAbort', finish(499));
  app = await NestFactory.create(AppModule, adapter, { logger: ['error', 'warn'] });
  app.setGlobalPrefix('api/v1');
  app.useGlobalPipes(validation);
  app.useSecurityHeaders(SECURITY_HEADERS);
  app.enableCors({ origin: false, credentials: false });
}
await app.listen(port, '127.0.0.1');
process.stdout.write(`LISTENING ${app.getHttpServer().address().port}\n`);
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
