import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { startTestApp, type TestApp } from '../harness';

/**
 * The deployment files are not run in CI (no container engine), so this reads them the way the tools
 * would and checks that they agree with each other and with the server: ports, probe paths that a real
 * server answers, the shared evidence folder, the WebSocket upgrade in nginx.
 */
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = resolve('.');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const K8S = 'deploy/kubernetes';

function manifests(): Doc[] {
  const docs: Doc[] = [];
  for (const file of readdirSync(join(ROOT, K8S)).filter((f) => /\.ya?ml$/.test(f))) {
    for (const doc of parseAllDocuments(read(join(K8S, file)))) {
      expect({ file, errors: doc.errors.map((e) => e.message) }).toEqual({ file, errors: [] });
      if (doc.contents) docs.push({ ...(doc.toJS() as Doc), __file: file });
    }
  }
  return docs;
}

const byKind = (docs: Doc[], kind: string) => {
  const found = docs.filter((d) => d.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
};

const envOf = (container: Doc) => Object.fromEntries((container.env ?? []).map((e: Doc) => [e.name, e.value]));

describe('deployment files', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(async () => { await app?.close(); });

  it('Kubernetes: every manifest parses; Deployment, Service, Ingress, PDB, PVC and Secret agree', () => {
    const docs = manifests();
    const deployment = byKind(docs, 'Deployment');
    const service = byKind(docs, 'Service');
    const ingress = byKind(docs, 'Ingress');
    const pdb = byKind(docs, 'PodDisruptionBudget');
    const pvc = byKind(docs, 'PersistentVolumeClaim');
    const secret = byKind(docs, 'Secret');

    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    const env = envOf(container);
    const port = container.ports.find((p: Doc) => p.name === 'http');
    expect(port.containerPort).toBe(Number(env.PORT));
    expect(env.HOST).toBe('0.0.0.0');
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);

    // Probes: liveness must not depend on the database, readiness must.
    expect(container.livenessProbe.httpGet).toEqual({ path: '/api/v1/health/live', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/api/v1/health/ready', port: 'http' });
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      expect([port.name, port.containerPort]).toContain(container[probe].httpGet.port);
    }

    // Labels tie the Service and the PDB to the pods.
    const labels = deployment.spec.template.metadata.labels;
    expect(labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(labels).toMatchObject(service.spec.selector);
    expect(labels).toMatchObject(pdb.spec.selector.matchLabels);
    expect(service.spec.ports[0].targetPort).toBe('http');

    // The Ingress routes to that Service and port.
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    expect(backend.name).toBe(service.metadata.name);
    expect(service.spec.ports.map((p: Doc) => p.name)).toContain(backend.port.name);
    expect(Number(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(60);

    // Evidence: one ReadWriteMany volume mounted at DATA_DIR/evidence by every pod.
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    const volume = pod.volumes.find((v: Doc) => v.persistentVolumeClaim?.claimName === pvc.metadata.name);
    expect(container.volumeMounts).toContainEqual({ name: volume.name, mountPath: `${env.DATA_DIR}/evidence` });

    // Secrets come from the Secret the example describes, and JWT_SECRET is long enough to be accepted.
    expect(container.envFrom).toContainEqual({ secretRef: { name: secret.metadata.name } });
    expect(secret.stringData.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(secret.stringData.DATABASE_URL).toMatch(/^postgres(ql)?:\/\//);
  });

  it('compose: PostgreSQL 18, two app replicas behind nginx, a shared evidence volume, ready checks, JWT_SECRET required', () => {
    const compose = parse(read('docker-compose.yml')) as Doc;
    const { postgres, app: appService, nginx } = compose.services;
    expect(postgres.image).toBe('postgres:18');
    expect(appService.deploy.replicas).toBe(2);
    expect(appService.ports).toBeUndefined(); // only the balancer is published
    expect(appService.environment.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?.+\}$/);
    expect(appService.environment.DATABASE_URL).toContain('@postgres:5432/');
    // The app connects as a role of its own, not as the container's superuser: the image's init script makes it.
    expect(appService.environment.DATABASE_URL).toMatch(/^postgres:\/\/auditcaseos:/);
    expect(postgres.environment.POSTGRES_USER ?? 'postgres').not.toBe('auditcaseos');
    const init = postgres.volumes.find((v: string) => v.includes('/docker-entrypoint-initdb.d/'));
    expect(init).toBe('./deploy/postgres/init-app-role.sh:/docker-entrypoint-initdb.d/10-app-role.sh:ro');
    const script = read('deploy/postgres/init-app-role.sh');
    expect(script).toMatch(/CREATE ROLE auditcaseos LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE/);
    expect(script).toMatch(/CREATE DATABASE auditcaseos OWNER auditcaseos/);
    expect(script).toContain('"$APP_DB_PASSWORD"');
    expect(postgres.environment.APP_DB_PASSWORD).toBe('${POSTGRES_PASSWORD:-auditcaseos}');
    expect(appService.environment.SOCKET_ADAPTER).toBe('postgres');
    expect(appService.volumes).toContain(`evidence:${appService.environment.DATA_DIR}/evidence`);
    expect(Object.keys(compose.volumes)).toContain('evidence');

    const check = appService.healthcheck.test.join(' ');
    const checked = /http:\/\/127\.0\.0\.1:(\d+)(\/[^'"\s)]+)/.exec(check)!;
    expect(checked[1]).toBe(appService.environment.PORT);
    expect(checked[2]).toBe('/api/v1/health/ready');

    expect(nginx.image).toMatch(/^nginx(:|$)/);
    expect(nginx.volumes).toContain('./deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro');
    expect(nginx.depends_on.app.condition).toBe('service_healthy');
  });

  it('nginx: balances to the app port, upgrades /socket.io/ to WebSocket, keeps long-polling clients on one replica', () => {
    const conf = read('deploy/nginx/nginx.conf').replace(/#.*$/gm, '');
    const compose = parse(read('docker-compose.yml')) as Doc;
    const upstream = /upstream\s+(\S+)\s*\{([^}]*)\}/.exec(conf)!;
    expect(upstream[2]).toMatch(new RegExp(`server\\s+app:${compose.services.app.environment.PORT}\\b`));
    expect(upstream[2]).toMatch(/\bip_hash;/);

    const socketBlock = /location\s+\/socket\.io\/\s*\{([^}]*)\}/.exec(conf)![1];
    expect(socketBlock).toContain(`proxy_pass http://${upstream[1]};`);
    expect(socketBlock).toMatch(/proxy_set_header\s+Upgrade\s+\$http_upgrade;/);
    expect(socketBlock).toMatch(/proxy_set_header\s+Connection\s+\$connection_upgrade;/);
    expect(conf).toMatch(/proxy_http_version\s+1\.1;/);
    expect(conf).toMatch(/map\s+\$http_upgrade\s+\$connection_upgrade/);
    expect(/location\s+\/\s*\{([^}]*)\}/.exec(conf)![1]).toContain(`proxy_pass http://${upstream[1]};`);
    // Evidence uploads must get through: the body limit is above the default EVIDENCE_MAX_BYTES (25 MiB).
    expect(Number(/client_max_body_size\s+(\d+)m;/.exec(conf)![1])).toBeGreaterThan(25);
  });

  it('Dockerfile: Node 22 LTS, runtime without dev dependencies, a health check on a real route', () => {
    const dockerfile = read('Dockerfile');
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of froms) expect(image).toBe('node:22-bookworm-slim');
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(/HEALTHCHECK[\s\S]*?(\/api\/v1\/health\/\w+)/.exec(dockerfile)![1]).toBe('/api/v1/health/live');
  });

  it('package.json: the runtime dependencies hold no build-only package (Angular, Nest CLI, TypeScript, test tools)', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const buildOnly = /^(@angular\/|@angular-devkit\/|@nestjs\/cli$|@nestjs\/testing$|typescript$|jest$|@swc\/|vitest$|playwright|supertest$|@types\/|socket\.io-client$)/;
    expect(Object.keys(pkg.dependencies).filter((n) => buildOnly.test(n))).toEqual([]);
    expect(Object.keys(pkg.devDependencies)).toEqual(expect.arrayContaining(['@angular/core', '@angular/cli', '@nestjs/cli', 'typescript', 'jest']));
  });

  it('every health path named in the deployment files answers 200 on a real server', async () => {
    const files = ['Dockerfile', 'docker-compose.yml', 'deploy/nginx/nginx.conf', ...readdirSync(join(ROOT, K8S)).map((f) => join(K8S, f))];
    const probedPaths = new Set(files.flatMap((f) => [...read(f).matchAll(/\/api\/v1\/health(?:\/\w+)?/g)].map((m) => m[0])));
    expect([...probedPaths].sort()).toEqual(['/api/v1/health/live', '/api/v1/health/ready']);
    for (const path of probedPaths) {
      const res = await app.http().get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
  });
});
