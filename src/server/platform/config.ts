import { z } from 'zod';
import net from 'node:net';
import crypto from 'node:crypto';
import fs from 'node:fs';
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
  // resolved sessions kept in process, invalidated by LISTEN/NOTIFY (needs a session-level connection: not through a transaction pooler)
  SESSION_CACHE: z.enum(['on', 'off']).default('on'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  PASSWORD_REQUIRE_CLASSES: z.coerce.number().int().min(1).max(4).default(3),
  ADMIN_TOTP: z.enum(['auto', 'required', 'optional']).default('auto'),
  LOGIN_RATE_PER_MINUTE: z.coerce.number().int().positive().default(30),
  // addresses (or CIDR ranges) of the reverse proxies whose X-Forwarded-* headers are believed; empty: none
  TRUST_PROXY: z.string().default('').refine((v) => v.split(',').map((x) => x.trim()).filter(Boolean).every(isAddressOrRange), 'must be a comma-separated list of IP addresses or CIDR ranges of the reverse proxies (e.g. 127.0.0.1,10.0.0.0/8)'),
  // online dues payment (docs/OPERATIONS.md): `auto` = the simulated provider in demo mode, none otherwise
  PAYMENT_PROVIDER: z.enum(['auto', 'none', 'simulated', 'wechatpay', 'alipay']).default('auto'),
  PAYMENT_NOTIFY_URL_BASE: z.string().url().optional(),
  PAYMENT_NOTIFY_MAX_AGE_SECONDS: z.coerce.number().int().min(30).max(86400).default(300),
  PAYMENT_NOTIFY_RATE_PER_MINUTE: z.coerce.number().int().positive().default(120),
  WECHATPAY_MCHID: z.string().regex(/^\d{6,32}$/, 'the merchant id (商户号) is digits').optional(),
  WECHATPAY_APPID: z.string().regex(/^\w{6,40}$/, 'must be the app id bound to the merchant').optional(),
  WECHATPAY_MERCHANT_SERIAL: z.string().regex(/^[0-9A-Fa-f]{8,64}$/, 'the merchant certificate serial number (hex)').optional(),
  WECHATPAY_MERCHANT_PRIVATE_KEY: z.string().optional(),
  WECHATPAY_APIV3_KEY: z.string().refine((v) => Buffer.byteLength(v) === 32, 'the API v3 key is 32 characters').optional(),
  WECHATPAY_PLATFORM_SERIAL: z.string().regex(/^[0-9A-Za-z_]{8,80}$/, 'the platform certificate serial, or the WeChat Pay public key id (PUB_KEY_ID_…)').optional(),
  WECHATPAY_PLATFORM_PUBLIC_KEY: z.string().optional(),
  WECHATPAY_GATEWAY: z.string().url().default('https://api.mch.weixin.qq.com/'),
  ALIPAY_APP_ID: z.string().regex(/^\d{8,32}$/, 'the app id (APPID) is digits').optional(),
  ALIPAY_APP_PRIVATE_KEY: z.string().optional(),
  ALIPAY_PUBLIC_KEY: z.string().optional(),
  ALIPAY_GATEWAY: z.string().url().default('https://openapi.alipay.com/gateway.do'),
  AUDIT_HMAC_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64').optional(),
  AUDIT_ANCHOR_DIR: z.string().optional(),
  // scheduled backups (docs/OPERATIONS.md): where, how often (0: never), how many complete ones are kept
  BACKUP_DIR: z.string().optional(),
  BACKUP_EVERY_HOURS: z.coerce.number().int().min(0).max(24 * 31).default(24),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
  AUDIT_PROBES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  // speech to text of meeting recordings (platform/asr): a whisper.cpp ggml model file (multilingual, e.g. ggml-small.bin),
  // the CPU threads it may use; ASR_ENGINE=tone-test is a fake engine for tests and demos
  ASR_MODEL_PATH: z.string().optional(),
  ASR_ENGINE: z.enum(['whisper', 'tone-test']).optional(),
  ASR_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  // meeting recordings: the largest upload and the longest recording transcribed
  MEETING_AUDIO_MAX_BYTES: z.coerce.number().int().positive().default(300 * 1024 * 1024),
  MEETING_AUDIO_MAX_SECONDS: z.coerce.number().int().positive().default(4 * 3600),
  // the meeting video room (WebRTC): STUN and TURN servers for deployments behind NAT, comma-separated
  // (e.g. stun:stun.example.org:3478, turn:turn.example.org:3478?transport=udp); a TURN server takes either
  // the shared secret of coturn's use-auth-secret (short-lived credentials per user) or a fixed username and password
  WEBRTC_STUN_URLS: z.string().default('').refine((v) => urlList(v).every((u) => /^stuns?:/.test(u)), 'must be a comma-separated list of stun: or stuns: URLs'),
  WEBRTC_TURN_URLS: z.string().default('').refine((v) => urlList(v).every((u) => /^turns?:/.test(u)), 'must be a comma-separated list of turn: or turns: URLs'),
  WEBRTC_TURN_SECRET: z.string().min(16).optional(),
  WEBRTC_TURN_USERNAME: z.string().optional(),
  WEBRTC_TURN_CREDENTIAL: z.string().optional(),
  // RULES §8: whether members see their own branch's index (band and score) on the phone
  INDEX_SHOWN_TO_MEMBERS: z.enum(['true', 'false']).default('true'),
  // the warning centre's scan: a warning appears within one interval of its fact and clears within one of its fix
  WARNING_SCAN_SECONDS: z.coerce.number().int().min(60).max(86400).default(300),
  // the big screen's figures are kept this long per org and viewer's grants (QUALITY B1: at most 60 s stale after a write); 0: always read
  DASHBOARD_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(10),
  // the party-building map's basemap: a tile URL template ({z}/{x}/{y}, e.g. 天地图 with its key, or an intranet
  // tile server); without it the map draws its vector layers on a plain background (offline). MAP_TILE_CRS: the
  // tiles' coordinate system (gcj02 for the Chinese commercial maps: points are shifted in the browser only)
  MAP_TILE_URL: z.string().optional().refine((v) => !v || (/^https?:\/\//.test(v) && v.includes('{z}') && v.includes('{x}') && v.includes('{y}')), 'must be an http(s) URL template with {z}, {x} and {y}'),
  MAP_TILE_CRS: z.enum(['wgs84', 'gcj02']).default('wgs84'),
  MAP_TILE_ATTRIBUTION: z.string().max(200).optional(),
  WEBRTC_TURN_TTL_SECONDS: z.coerce.number().int().min(600).max(7 * 86400).default(12 * 3600),
});

function urlList(v: string): string[] {
  return v.split(',').map((x) => x.trim()).filter(Boolean);
}

function isAddressOrRange(v: string): boolean {
  const [addr, bits, ...rest] = v.split('/');
  if (rest.length) return false;
  const kind = net.isIP(addr);
  if (!kind) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (kind === 4 ? 32 : 128);
}

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
  const demoAllowed = e.DEMO_MODE === 'on' || (e.DEMO_MODE === 'auto' && !isProduction);
  const payments = paymentConfig(e, demoAllowed);
  if (e.ASR_ENGINE === 'tone-test' && !demoAllowed) {
    throw new ConfigError('Invalid configuration:\n  ASR_ENGINE: the tone-test engine writes a fixed script, not what was said, and exists only in demo mode (DEMO_MODE=on, or auto outside production)');
  }
  if (urlList(e.WEBRTC_TURN_URLS).length && !e.WEBRTC_TURN_SECRET && !(e.WEBRTC_TURN_USERNAME && e.WEBRTC_TURN_CREDENTIAL)) {
    throw new ConfigError('Invalid configuration:\n  WEBRTC_TURN_URLS: a TURN server needs WEBRTC_TURN_SECRET (coturn use-auth-secret) or WEBRTC_TURN_USERNAME and WEBRTC_TURN_CREDENTIAL');
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
    // demo data and demo conveniences (the activation code shown on screen) are allowed: never in production unless DEMO_MODE=on
    demoAllowed,
    cookieSecure: e.COOKIE_SECURE,
    logLevel: e.LOG_LEVEL,
    jobsEnabled: e.JOBS_ENABLED === 'true',
    fileMaxBytes: e.FILE_MAX_BYTES,
    session: {
      idleSeconds: e.SESSION_IDLE_MINUTES * 60,
      adminIdleSeconds: e.ADMIN_SESSION_IDLE_MINUTES * 60,
      absoluteSeconds: e.SESSION_ABSOLUTE_HOURS * 3600,
    },
    sessionCache: e.SESSION_CACHE === 'on',
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    passwordRequireClasses: e.PASSWORD_REQUIRE_CLASSES,
    // the three administrators need a second factor; `auto` requires it in production
    loginRatePerMinute: e.LOGIN_RATE_PER_MINUTE,
    // forwarding headers (client address, protocol) count only from these proxies
    trustProxy: e.TRUST_PROXY.split(',').map((x) => x.trim()).filter(Boolean),
    adminTotpRequired: e.ADMIN_TOTP === 'required' || (e.ADMIN_TOTP === 'auto' && isProduction),
    payments,
    // the audit chain's key (not held by the database) and the directory of its signed checkpoints
    auditHmacKey: e.AUDIT_HMAC_KEY,
    auditAnchorDir: path.resolve(e.AUDIT_ANCHOR_DIR ?? path.join(e.DATA_DIR, 'audit-anchors')),
    // access.denied / access.not_found rows per account and minute (the rest are counted, not written)
    auditProbesPerMinute: e.AUDIT_PROBES_PER_MINUTE,
    backup: { dir: path.resolve(e.BACKUP_DIR ?? path.join(e.DATA_DIR, 'backups')), everyHours: e.BACKUP_EVERY_HOURS, keep: e.BACKUP_KEEP },
    // for createAsrEngineFromConfig (platform/asr): no model and no engine named means no speech recognition
    meetingAudio: { maxBytes: e.MEETING_AUDIO_MAX_BYTES, maxSeconds: e.MEETING_AUDIO_MAX_SECONDS },
    asr: { modelPath: e.ASR_MODEL_PATH ? path.resolve(e.ASR_MODEL_PATH) : undefined, engine: e.ASR_ENGINE, threads: e.ASR_THREADS },
    index: { shownToMembers: e.INDEX_SHOWN_TO_MEMBERS === 'true' },
    warningScanSeconds: e.WARNING_SCAN_SECONDS,
    dashboardCacheSeconds: e.DASHBOARD_CACHE_SECONDS,
    map: { tileUrl: e.MAP_TILE_URL || null, tileCrs: e.MAP_TILE_CRS, attribution: e.MAP_TILE_ATTRIBUTION || null },
    webrtc: {
      stunUrls: urlList(e.WEBRTC_STUN_URLS),
      turnUrls: urlList(e.WEBRTC_TURN_URLS),
      turnSecret: e.WEBRTC_TURN_SECRET,
      turnUsername: e.WEBRTC_TURN_USERNAME,
      turnCredential: e.WEBRTC_TURN_CREDENTIAL,
      turnTtlSeconds: e.WEBRTC_TURN_TTL_SECONDS,
    },
  };
}

type Env = z.infer<typeof EnvSchema>;

/** A key given as PEM text, bare base64 (as the Alipay tools print it) or the path of a PEM file; checked here. */
function readKey(name: string, value: string, kind: 'private' | 'public'): string {
  let text = value.trim();
  if (!text.includes('-----BEGIN') && !/^[A-Za-z0-9+/=\s]{200,}$/.test(text)) {
    try {
      text = fs.readFileSync(text, 'utf8').trim();
    } catch {
      throw new ConfigError(`Invalid configuration:\n  ${name}: not a PEM key and no readable file at ${value}`);
    }
  }
  const candidates = text.includes('-----BEGIN') ? [text]
    : kind === 'private'
      ? [`-----BEGIN PRIVATE KEY-----\n${text}\n-----END PRIVATE KEY-----`, `-----BEGIN RSA PRIVATE KEY-----\n${text}\n-----END RSA PRIVATE KEY-----`]
      : [`-----BEGIN PUBLIC KEY-----\n${text}\n-----END PUBLIC KEY-----`];
  for (const pem of candidates) {
    try {
      const key = kind === 'private' ? crypto.createPrivateKey(pem) : crypto.createPublicKey(pem);
      if (key.asymmetricKeyType !== 'rsa') break;
      return pem;
    } catch {
      // try the next form
    }
  }
  throw new ConfigError(`Invalid configuration:\n  ${name}: not a readable RSA ${kind} key (PEM text, base64 or a file path)`);
}

/**
 * The online payment provider. The simulated one exists only in demo mode;
 * outside it, without a configured provider, there is no online payment.
 */
function paymentConfig(e: Env, demoAllowed: boolean) {
  const provider = e.PAYMENT_PROVIDER === 'auto' ? (demoAllowed ? 'simulated' : 'none') : e.PAYMENT_PROVIDER;
  const common = { notifyMaxAgeSeconds: e.PAYMENT_NOTIFY_MAX_AGE_SECONDS, notifyRatePerMinute: e.PAYMENT_NOTIFY_RATE_PER_MINUTE };
  const missing = (names: Array<keyof Env>) => {
    const absent = names.filter((n) => !e[n]);
    if (absent.length) throw new ConfigError(`Invalid configuration:\n${absent.map((n) => `  ${n}: required when PAYMENT_PROVIDER=${provider}`).join('\n')}`);
  };
  if (provider === 'none') return { ...common, provider: 'none' as const };
  if (provider === 'simulated') {
    if (!demoAllowed) throw new ConfigError('Invalid configuration:\n  PAYMENT_PROVIDER: the simulated provider takes no money and exists only in demo mode (DEMO_MODE=on, or auto outside production)');
    return { ...common, provider: 'simulated' as const };
  }
  if (provider === 'wechatpay') {
    missing(['PAYMENT_NOTIFY_URL_BASE', 'WECHATPAY_MCHID', 'WECHATPAY_APPID', 'WECHATPAY_MERCHANT_SERIAL', 'WECHATPAY_MERCHANT_PRIVATE_KEY', 'WECHATPAY_APIV3_KEY', 'WECHATPAY_PLATFORM_SERIAL', 'WECHATPAY_PLATFORM_PUBLIC_KEY']);
    return {
      ...common,
      provider: 'wechatpay' as const,
      notifyUrlBase: e.PAYMENT_NOTIFY_URL_BASE!,
      wechatpay: {
        mchid: e.WECHATPAY_MCHID!, appid: e.WECHATPAY_APPID!, merchantSerial: e.WECHATPAY_MERCHANT_SERIAL!,
        merchantPrivateKey: readKey('WECHATPAY_MERCHANT_PRIVATE_KEY', e.WECHATPAY_MERCHANT_PRIVATE_KEY!, 'private'),
        apiV3Key: e.WECHATPAY_APIV3_KEY!, platformSerial: e.WECHATPAY_PLATFORM_SERIAL!,
        platformPublicKey: readKey('WECHATPAY_PLATFORM_PUBLIC_KEY', e.WECHATPAY_PLATFORM_PUBLIC_KEY!, 'public'),
        gateway: e.WECHATPAY_GATEWAY,
      },
    };
  }
  missing(['PAYMENT_NOTIFY_URL_BASE', 'ALIPAY_APP_ID', 'ALIPAY_APP_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY']);
  return {
    ...common,
    provider: 'alipay' as const,
    notifyUrlBase: e.PAYMENT_NOTIFY_URL_BASE!,
    alipay: {
      appId: e.ALIPAY_APP_ID!,
      appPrivateKey: readKey('ALIPAY_APP_PRIVATE_KEY', e.ALIPAY_APP_PRIVATE_KEY!, 'private'),
      alipayPublicKey: readKey('ALIPAY_PUBLIC_KEY', e.ALIPAY_PUBLIC_KEY!, 'public'),
      gateway: e.ALIPAY_GATEWAY,
    },
  };
}

export type PaymentConfig = ReturnType<typeof paymentConfig>;
