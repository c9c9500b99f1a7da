import crypto from 'node:crypto';

// Field encryption for sensitive personal data (RULES §9, PIPL): AES-256-GCM
// with a random 96-bit nonce; lookups use an HMAC-SHA256 keyed hash with a
// separate key derived by HKDF, so the ciphertext never needs decrypting to search.
const VERSION = 1;

export interface FieldCipher {
  encrypt(plain: string): Buffer;
  decrypt(blob: Buffer): string;
  hash(value: string): Buffer;
}

export function createFieldCipher(base64Key: string): FieldCipher {
  const master = Buffer.from(base64Key, 'base64');
  if (master.length !== 32) throw new Error('data encryption key must be 32 bytes');
  const encKey = Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), 'dangjian/field-encryption/v1', 32));
  const macKey = Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), 'dangjian/blind-index/v1', 32));
  return {
    encrypt(plain) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    decrypt(blob) {
      if (blob[0] !== VERSION) throw new Error('unknown ciphertext version');
      const iv = blob.subarray(1, 13);
      const tag = blob.subarray(13, 29);
      const decipher = crypto.createDecipheriv('aes-256-gcm', encKey, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]).toString('utf8');
    },
    hash(value) {
      return crypto.createHmac('sha256', macKey).update(value).digest();
    },
  };
}

export function randomToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

export function sha256(value: string | Buffer): Buffer {
  return crypto.createHash('sha256').update(value).digest();
}
