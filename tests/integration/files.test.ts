import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { createHarness, login, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';

// Attachments: type detected from the bytes, a size limit (FILE_MAX_BYTES),
// download as an attachment, and the owner's scope on every route.

const MAX_BYTES = 1000;
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ FILE_MAX_BYTES: String(MAX_BYTES) });
});
afterAll(async () => h.close());

/** A valid 2×2 RGB PNG built by hand (signature, IHDR, IDAT, IEND with CRC-32). */
function tinyPng(): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type, 'ascii'), body])));
    return Buffer.concat([len, Buffer.from(type, 'ascii'), body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0); // width
  ihdr.writeUInt32BE(2, 4); // height
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter, no interlace
  const scanlines = Buffer.from([0, 200, 30, 30, 255, 255, 255, 0, 255, 255, 255, 200, 30, 30]); // filter byte + 2 pixels per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(scanlines)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function upload(c: Client, query: string, data: Buffer, filename: string, contentType: string) {
  const boundary = `----djtest${crypto.randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return h.app.inject({ method: 'POST', url: `/api/v1/files?${query}`, payload, headers: { cookie: c.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` } });
}

async function setup() {
  const root = await makeRoot(h.deps);
  const branch = await makeOrg(h.deps, root, 'branch');
  const other = await makeOrg(h.deps, root, 'branch');
  const person = await makeMember(h.deps, branch.id, { name: '附件党员' });
  const acc = await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'subtree' }]);
  const outsider = await makeAccount(h.deps, [{ role: 'secretary', orgId: other.id, scope: 'subtree' }]);
  const [c, o] = await Promise.all([login(h.app, acc.username, PASSWORD), login(h.app, outsider.username, PASSWORD)]);
  return { root, branch, other, person, acc, c, o };
}

const filesOf = (ownerId: string) => h.db.query<{ id: string; mime: string; size_bytes: number; sha256: string; file_name: string }>(sql`
  SELECT id, mime, size_bytes, sha256, file_name FROM stored_file WHERE owner_id = ${ownerId}`);

describe('file attachments', () => {
  it('uploads a real PNG for a person and downloads it as an attachment with the detected type', async () => {
    const { person, acc, c } = await setup();
    const png = tinyPng();
    expect(png.length).toBeLessThan(MAX_BYTES);
    const name = '证件照.png';
    const r = await upload(c, `ownerType=person&ownerId=${person.id}`, png, name, 'application/octet-stream');
    expect(r.statusCode, r.body).toBe(201);
    const file = r.json();
    expect(file).toMatchObject({ fileName: name, mime: 'image/png', sizeBytes: png.length });
    const rows = await filesOf(person.id);
    expect(rows).toEqual([{ id: file.id, mime: 'image/png', size_bytes: png.length, sha256: crypto.createHash('sha256').update(png).digest('hex'), file_name: name }]);
    const audit = await h.db.query<{ username: string; detail: Record<string, unknown> }>(sql`SELECT username, detail FROM audit_log WHERE action = 'file.upload' AND object_id = ${file.id}`);
    expect(audit).toEqual([{ username: acc.username, detail: { ownerType: 'person', ownerId: person.id, size: png.length, mime: 'image/png' } }]);

    const list = await c.get(`/api/v1/files?ownerType=person&ownerId=${person.id}`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([expect.objectContaining({ id: file.id, fileName: name, mime: 'image/png', sizeBytes: png.length })]);

    const dl = await c.get(`/api/v1/files/${file.id}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('image/png');
    expect(dl.headers['content-disposition']).toBe(`attachment; filename="file"; filename*=UTF-8''${encodeURIComponent(name)}`);
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(dl.rawPayload, png)).toBe(0);
  });

  it('refuses a text file renamed .png with 415 and stores nothing', async () => {
    const { person, c } = await setup();
    const r = await upload(c, `ownerType=person&ownerId=${person.id}`, Buffer.from('这不是图片，只是一段文字。\n'), 'fake.png', 'image/png');
    expect(r.statusCode).toBe(415);
    expect(r.json().error.code).toBe('FILE_TYPE_NOT_ALLOWED');
    expect(await filesOf(person.id)).toEqual([]);
  });

  it('refuses a file over FILE_MAX_BYTES with 413 FILE_TOO_LARGE and stores nothing', async () => {
    const { person, c } = await setup();
    const png = tinyPng();
    const big = Buffer.concat([png, crypto.randomBytes(MAX_BYTES + 500 - png.length)]);
    const r = await upload(c, `ownerType=person&ownerId=${person.id}`, big, 'big.png', 'image/png');
    expect(r.statusCode).toBe(413);
    expect(r.json().error.code).toBe('FILE_TOO_LARGE');
    expect(await filesOf(person.id)).toEqual([]);
  });

  it('a user whose scope does not cover the person gets 404 on upload, list and download', async () => {
    const { branch, person, c, o } = await setup();
    const png = tinyPng();
    const mine = (await upload(c, `ownerType=person&ownerId=${person.id}`, png, 'a.png', 'image/png')).json();

    const up = await upload(o, `ownerType=person&ownerId=${person.id}`, png, 'b.png', 'image/png');
    expect(up.statusCode).toBe(404);
    expect(up.json().error.code).toBe('NOT_FOUND');
    expect((await o.get(`/api/v1/files?ownerType=person&ownerId=${person.id}`)).statusCode).toBe(404);
    expect((await o.get(`/api/v1/files/${mine.id}`)).statusCode).toBe(404);
    expect((await o.get(`/api/v1/files/${crypto.randomUUID()}`)).statusCode).toBe(404);
    expect((await filesOf(person.id)).map((f) => f.id)).toEqual([mine.id]);

    // the owning org as owner: in scope for the secretary, not for the outsider
    expect((await upload(c, `ownerType=org&ownerId=${branch.id}`, png, 'org.png', 'image/png')).statusCode).toBe(201);
    expect((await upload(o, `ownerType=org&ownerId=${branch.id}`, png, 'org.png', 'image/png')).statusCode).toBe(404);

    // a member (no file permissions) is refused outright
    const selfAcc = await makeAccount(h.deps, [{ role: 'member', orgId: branch.id, scope: 'self' }], person.id);
    const m = await login(h.app, selfAcc.username, PASSWORD);
    expect((await m.get(`/api/v1/files/${mine.id}`)).statusCode).toBe(403);
    expect((await upload(m, `ownerType=person&ownerId=${person.id}`, png, 'c.png', 'image/png')).statusCode).toBe(403);
  });
});
