import { isIPv4 } from 'node:net';
import type { AppConfig } from '../config/app-config';

/** Why demo data (users with published passwords) must not load here, or null when it may. */
export function demoRefusal(config: Pick<AppConfig, 'host' | 'nodeEnv'>): string | null {
  if (config.nodeEnv === 'production') return 'NODE_ENV=production';
  if (!isLoopback(config.host)) return `HOST ${config.host} is not a loopback address`;
  return null;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const v4 = host.replace(/^::ffff:/i, '');
  if (isIPv4(v4)) return v4.startsWith('127.');
  return host === '::1' || host === '[::1]';
}
