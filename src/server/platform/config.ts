import { z } from 'zod';
import path from 'node:path';

// Configuration comes from the environment only; invalid values stop the
// process with a message naming the variable.
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  DATA_ENCRYPTION_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64').optional(),
  DEMO_MODE: z.enum(['auto', 'on', 'off']).default('auto'),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JOBS_ENABLED: z.enum(['true', 'false']).default('true'),
  FILE_MAX_BYTES: z.coerce.number().int().positive().default(20 * 1024 * 1024),
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  ADMIN_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(15),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(12),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  PASSWORD_REQUIRE_CLASSES: z.coerce.number().int().min(1).max(4).default(3),
  ADMIN_TOTP: z.enum(['auto', 'required', 'optional']).default('auto'),
  LOGIN_RATE_PER_MINUTE: z.coerce.number().int().positive().default(30),
  AUDIT_HMAC_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64').optional(),
  AUDIT_ANCHOR_DIR: z.string().optional(),
  AUDIT_PROBES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
});

export type AppConfig = ReturnType<typeof loadConfig>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction && !e.DATA_ENCRYPTION_KEY) {
    throw new ConfigError('Invalid configuration:\n  DATA_ENCRYPTION_KEY: required in production (32 random bytes, base64)');
  }
  if (isProduction && !e.AUDIT_HMAC_KEY) {
    throw new ConfigError('Invalid configuration:\n  AUDIT_HMAC_KEY: required in production (32 random bytes, base64; not the DATA_ENCRYPTION_KEY)');
  }
  return {
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    encryptionKey: e.DATA_ENCRYPTION_KEY,
    demoMode: e.DEMO_MODE,
    cookieSecure: e.COOKIE_SECURE,
    logLevel: e.LOG_LEVEL,
    jobsEnabled: e.JOBS_ENABLED === 'true',
    fileMaxBytes: e.FILE_MAX_BYTES,
    session: {
      idleSeconds: e.SESSION_IDLE_MINUTES * 60,
      adminIdleSeconds: e.ADMIN_SESSION_IDLE_MINUTES * 60,
      absoluteSeconds: e.SESSION_ABSOLUTE_HOURS * 3600,
    },
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    passwordRequireClasses: e.PASSWORD_REQUIRE_CLASSES,
    // the three administrators need a second factor; `auto` requires it in production
    loginRatePerMinute: e.LOGIN_RATE_PER_MINUTE,
    adminTotpRequired: e.ADMIN_TOTP === 'required' || (e.ADMIN_TOTP === 'auto' && isProduction),
    // the audit chain's key (not held by the database) and the directory of its signed checkpoints
    auditHmacKey: e.AUDIT_HMAC_KEY,
    auditAnchorDir: path.resolve(e.AUDIT_ANCHOR_DIR ?? path.join(e.DATA_DIR, 'audit-anchors')),
    // access.denied / access.not_found rows per account and minute (the rest are counted, not written)
    auditProbesPerMinute: e.AUDIT_PROBES_PER_MINUTE,
  };
}
