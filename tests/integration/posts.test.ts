import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { fixedClock } from '../../src/server/platform/clock';
import { ffmpegPath } from '../../src/server/platform/asr/audio';
import { parseRange } from '../../src/server/domains/post/post.routes';
import type { ModerationPage, MyPosts, PostFeed } from '../../src/contracts/post';
import { createHarness, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeCommunity, makeMember, makeOrg, makeResident, makeRoot, randomPhone } from '../helpers/factory';
import { multipartFile, PNG_1PX, sessionClient } from './security/support';

// Short videos and posts (短视频与动态, issue 17): upload refused by type and
// size with nothing stored, a real video transcoded and thumbnailed by the job
// (read back by ffmpeg), moderation before publishing, reports taking a post
// back to review, the audience's scope, and playback by byte ranges.

const clock = fixedClock('2026-12-07T02:00:00Z');
let h: Harness;
let tmp: string;
let clip: Buffer;
beforeAll(async () => {
  h = await createHarness({}, { clock });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'posts-test-'));
  // a 2-second 1080p test picture with a 440 Hz tone, made by ffmpeg's own sources
  const file = path.join(tmp, 'clip.mp4');
  execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=1920x1080:rate=15:duration=2', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', file]);
  clip = fs.readFileSync(file);
});
afterAll(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  await h.close();
});

/** What ffmpeg (a reader other than the transcoder's code) says of a file: its streams and duration. */
function probe(data: Buffer, name: string) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, data);
  let out = '';
  try {
    execFileSync(ffmpegPath(), ['-hide_banner', '-i', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    out = String((e as { stderr: Buffer }).stderr); // ffmpeg without an output exits 1 after describing the input
  }
  return out;
}

function filesStored(): number {
  const root = path.join(h.dataDir, 'files');
  if (!fs.existsSync(root)) return 0;
  return fs.readdirSync(root).reduce((n, d) => n + fs.readdirSync(path.join(root, d)).length, 0);
}

async function world() {
  const root = await makeRoot(h.deps);
  const town = await makeOrg(h.deps, root, 'committee');
  const community = await makeCommunity(h.deps, town);
  const other = await makeCommunity(h.deps, town);
  const elsewhere = await makeCommunity(h.deps, root);
  const sec = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'secretary', orgId: community.id, scope: 'subtree' }])).id);
  const otherSec = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'secretary', orgId: other.id, scope: 'subtree' }])).id);
  const resident = async (orgId: string, name: string) => {
    const r = await makeResident(h.deps, orgId, { name });
    return { ...r, client: await sessionClient(h, r.accountId) };
  };
  const author = await resident(community.id, '李阿姨');
  const neighbour = await resident(community.id, '张大爷');
  const townsman = await resident(other.id, '赵师傅');
  const stranger = await resident(elsewhere.id, '钱先生');
  const m = await makeMember(h.deps, community.id, { name: '孙党员', phone: randomPhone() });
  const member = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'member', orgId: community.id, scope: 'self' }], m.id)).id);
  return { root, town, community, other, elsewhere, sec, otherSec, author, neighbour, townsman, stranger, member };
}

const upload = (c: Client, data: Buffer, fields: Record<string, string>, name = 'clip.mp4', type = 'video/mp4') => {
  const mp = multipartFile(name, data, type, fields);
  return h.app.inject({ method: 'POST', url: '/api/v1/me/posts/video', headers: { cookie: c.cookie, ...mp.headers }, payload: mp.payload });
};
const getRaw = (c: Client, url: string, range?: string) => h.app.inject({ method: 'GET', url, headers: { cookie: c.cookie, ...(range ? { range } : {}) } });
const postsOf = async (accountId: string) => (await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM post WHERE author_account_id = ${accountId}`)).n;

describe('parseRange', () => {
  it('reads one byte range, answers 416 where none lies in the file and ignores what it may ignore', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=9-3', 100)).toBe('unsatisfiable');
    // overlapping ranges are one; several are served as the whole file, as is a malformed header or another unit
    expect(parseRange('bytes=0-9,5-19', 100)).toEqual({ start: 0, end: 19 });
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseRange('bytes=abc', 100)).toBeNull();
    expect(parseRange('items=0-1', 100)).toBeNull();
  });
});

describe('short videos', () => {
  it('refuses a file that is not a video, and one over the size limit, with a stable code and nothing stored', async () => {
    const w = await world();
    const before = filesStored();
    const png = await upload(w.author.client, PNG_1PX, { body: '看看', audienceOrgId: w.community.id }, 'clip.mp4', 'video/mp4');
    expect(png.statusCode, png.body).toBe(415);
    expect(png.json().error.code).toBe('VIDEO_TYPE_NOT_ALLOWED');
    expect(png.json().error.message).toMatch(/MP4、MOV 或 WebM/);
    // a script with a video's name
    const text = await upload(w.author.client, Buffer.from('#!/bin/sh\necho hi\n'), { audienceOrgId: w.community.id });
    expect(text.json().error.code).toBe('VIDEO_TYPE_NOT_ALLOWED');
    // over the limit of the rule (narrowed to 1 MB for this county): the real clip's header padded past a megabyte
    await h.db.exec(sql`INSERT INTO rule_version (domain, key, scope_org_id, effective_from, source, body) VALUES ('post', 'limits', ${w.root.id}, '2025-01-01', '测试：1MB', '{"maxVideoMB":1,"maxSeconds":60,"hideAfterReports":3}')`);
    const big = await upload(w.author.client, Buffer.concat([clip, Buffer.alloc(1024 * 1024 + 1 - clip.length > 0 ? 1024 * 1024 + 1 - clip.length : 1)]), { audienceOrgId: w.community.id });
    expect(big.statusCode, big.body).toBe(413);
    expect(big.json().error).toMatchObject({ code: 'VIDEO_TOO_LARGE' });
    expect(big.json().error.message).toContain('1 MB');
    // an audience above the county: refused, nothing stored
    const far = await upload(w.author.client, clip, { audienceOrgId: w.elsewhere.id });
    expect(far.statusCode).toBe(422);
    expect(far.json().error.code).toBe('POST_AUDIENCE');
    expect(await postsOf(w.author.accountId)).toBe(0);
    expect(filesStored()).toBe(before);
    // the Party side's staff without a resident or member record: not found
    const noone = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'party_worker', orgId: w.community.id, scope: 'subtree' }])).id);
    expect((await upload(noone, clip, { audienceOrgId: w.community.id })).statusCode).toBe(404);
  });

  it('transcodes a real video in the job (H.264/AAC mp4 at 720p, a JPEG thumbnail), then the community approves it and the audience plays it by ranges', async () => {
    const w = await world();
    const up = await upload(w.author.client, clip, { body: '社区广场舞比赛', audienceOrgId: w.town.id });
    expect(up.statusCode, up.body).toBe(201);
    const id = up.json().id as string;
    const mine = (await w.author.client.get('/api/v1/me/posts')).json() as MyPosts;
    expect(mine.items[0]).toMatchObject({ id, status: 'processing', kind: 'video', hasVideo: false });
    expect(mine.audiences.map((a) => a.orgId)).toEqual([w.community.id, w.town.id, w.root.id]);
    // nothing to moderate or play yet
    expect((await w.sec.post(`/api/v1/posts/${id}/moderate`, { action: 'approve' })).json().error.code).toBe('POST_STATE');

    await h.deps.jobs.runDue();
    const row = await h.db.one<{ status: string; video_key: string; thumbnail_key: string; duration_ms: number; created_at: Date }>(sql`SELECT status, video_key, thumbnail_key, duration_ms, created_at FROM post WHERE id = ${id}`);
    expect(row.status).toBe('pending_review');
    expect(new Date(row.created_at).toISOString()).toBe('2026-12-07T02:00:00.000Z');
    expect(Math.abs(row.duration_ms - 2000)).toBeLessThanOrEqual(100);
    const video = await h.deps.files.get(row.video_key);
    const described = probe(video, 'out.mp4');
    expect(described).toMatch(/Video: h264/);
    expect(described).toMatch(/1280x720/);
    expect(described).toMatch(/Audio: aac/);
    expect(described).toMatch(/Duration: 00:00:0[12]\./);
    const thumb = await h.deps.files.get(row.thumbnail_key);
    expect(thumb.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(probe(thumb, 'thumb.jpg')).toMatch(/Video: mjpeg.*480x270/);

    // before review: the author and the community's staff see it; the neighbour does not
    expect((await getRaw(w.author.client, `/api/v1/posts/${id}/thumbnail`)).statusCode).toBe(200);
    expect((await getRaw(w.sec, `/api/v1/posts/${id}/video`)).statusCode).toBe(200);
    expect((await getRaw(w.neighbour.client, `/api/v1/posts/${id}/video`)).statusCode).toBe(404);
    expect(((await w.neighbour.client.get('/api/v1/posts/feed')).json() as PostFeed).items.map((p) => p.id)).not.toContain(id);
    // the queue of the community: pending first; another community's staff see nothing of it
    const queue = (await w.sec.get('/api/v1/posts/moderation?status=pending_review')).json() as ModerationPage;
    expect(queue.items.map((p) => p.id)).toEqual([id]);
    expect(queue.items[0]).toMatchObject({ authorName: '李阿姨', authorKind: 'resident', audienceName: w.town.name, hasVideo: true, sizeBytes: clip.length });
    expect(((await w.otherSec.get('/api/v1/posts/moderation')).json() as ModerationPage).items).toEqual([]);
    expect((await w.otherSec.post(`/api/v1/posts/${id}/moderate`, { action: 'approve' })).statusCode).toBe(404);
    // the member may not moderate (no permission): 403
    expect((await w.member.post(`/api/v1/posts/${id}/moderate`, { action: 'approve' })).statusCode).toBe(403);

    clock.set('2026-12-07T03:00:00Z');
    const ok = await w.sec.post(`/api/v1/posts/${id}/moderate`, { action: 'approve' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'published', publishedAt: '2026-12-07T03:00:00.000Z' });
    const told = await h.db.query<{ title: string; kind: string }>(sql`SELECT title, kind FROM notification WHERE account_id = ${w.author.accountId}`);
    expect(told).toContainEqual({ title: '您的短视频已通过审核并发布', kind: 'post' });

    // the audience (the town): the neighbour, the member of the community, a resident of another community in the town
    for (const c of [w.neighbour.client, w.member, w.townsman.client]) {
      const feed = (await c.get('/api/v1/posts/feed')).json() as PostFeed;
      expect(feed.items.map((p) => p.id)).toContain(id);
    }
    // outside the audience: not in the feed, and the video is not found (never 403)
    expect(((await w.stranger.client.get('/api/v1/posts/feed')).json() as PostFeed).items.map((p) => p.id)).not.toContain(id);
    expect((await getRaw(w.stranger.client, `/api/v1/posts/${id}/video`)).statusCode).toBe(404);
    expect((await getRaw(w.stranger.client, `/api/v1/posts/${id}/thumbnail`)).statusCode).toBe(404);
    expect((await w.stranger.client.post(`/api/v1/posts/${id}/report`, { reason: '看不到也举报' })).statusCode).toBe(404);

    // playback: the whole file, then exact byte ranges, then a range outside the file
    const whole = await getRaw(w.townsman.client, `/api/v1/posts/${id}/video`);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.rawPayload.equals(video)).toBe(true);
    const part = await getRaw(w.townsman.client, `/api/v1/posts/${id}/video`, 'bytes=100-1099');
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-1099/${video.length}`);
    expect(part.headers['content-length']).toBe('1000');
    expect(part.rawPayload.equals(video.subarray(100, 1100))).toBe(true);
    const tail = await getRaw(w.townsman.client, `/api/v1/posts/${id}/video`, 'bytes=-16');
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.equals(video.subarray(video.length - 16))).toBe(true);
    const open = await getRaw(w.townsman.client, `/api/v1/posts/${id}/video`, `bytes=${video.length - 5}-`);
    expect(open.rawPayload.equals(video.subarray(video.length - 5))).toBe(true);
    const bad = await getRaw(w.townsman.client, `/api/v1/posts/${id}/video`, `bytes=${video.length}-`);
    expect(bad.statusCode).toBe(416);
    expect(bad.headers['content-range']).toBe(`bytes */${video.length}`);
    expect(bad.json().error.code).toBe('RANGE_NOT_SATISFIABLE');
  });

  it('fails a file that only looks like a video: the post is failed with a Chinese reason and the author told', async () => {
    const w = await world();
    // an mp4 header (detected as video/mp4) followed by garbage
    const fake = Buffer.concat([clip.subarray(0, 64), Buffer.alloc(4096, 7)]);
    const up = await upload(w.author.client, fake, { audienceOrgId: w.community.id });
    expect(up.statusCode, up.body).toBe(201);
    await h.deps.jobs.runDue();
    const mine = (await w.author.client.get('/api/v1/me/posts')).json() as MyPosts;
    expect(mine.items[0]).toMatchObject({ status: 'failed' });
    expect(mine.items[0].failure).toMatch(/[\u4e00-\u9fa5]/);
    const told = await h.db.query<{ title: string }>(sql`SELECT title FROM notification WHERE account_id = ${w.author.accountId}`);
    expect(told.map((n) => n.title)).toContain('您上传的短视频未能处理');
  });
});

describe('text posts, moderation and reports', () => {
  it('reviews before publishing, rejects with a reason, hides at the rule\'s number of distinct reports and tells the moderators', async () => {
    const w = await world();
    const create = await w.author.client.post('/api/v1/me/posts', { body: '今天社区义诊，大家都来了', audienceOrgId: w.community.id });
    expect(create.statusCode, create.body).toBe(201);
    const id = create.json().id as string;
    const bad = await w.author.client.post('/api/v1/me/posts', { body: '发给外县', audienceOrgId: w.elsewhere.id });
    expect(bad.json().error.code).toBe('POST_AUDIENCE');
    expect((await w.author.client.post('/api/v1/me/posts', { body: 'x'.repeat(501), audienceOrgId: w.community.id })).statusCode).toBe(400);

    // reject needs a reason
    expect((await w.sec.post(`/api/v1/posts/${id}/moderate`, { action: 'reject' })).statusCode).toBe(400);
    const second = (await w.author.client.post('/api/v1/me/posts', { body: '卖保健品，加微信', audienceOrgId: w.community.id })).json().id as string;
    const rej = await w.sec.post(`/api/v1/posts/${second}/moderate`, { action: 'reject', reason: '含广告' });
    expect(rej.json()).toMatchObject({ status: 'rejected', reason: '含广告' });
    expect(((await w.author.client.get('/api/v1/me/posts')).json() as MyPosts).items.find((p) => p.id === second)).toMatchObject({ status: 'rejected', reason: '含广告' });

    expect((await w.sec.post(`/api/v1/posts/${id}/moderate`, { action: 'approve' })).json().status).toBe('published');
    const mf = await w.member.get('/api/v1/posts/feed');
    expect(mf.statusCode, mf.body).toBe(200);
    // the member of the community (audience: the community) sees it; the townsman in another community does not
    expect(((await w.member.get('/api/v1/posts/feed')).json() as PostFeed).items.map((p) => p.id)).toContain(id);
    expect(((await w.townsman.client.get('/api/v1/posts/feed')).json() as PostFeed).items.map((p) => p.id)).not.toContain(id);

    // reports: the author may not report their own; one report per person; the third distinct report hides it
    expect((await w.author.client.post(`/api/v1/posts/${id}/report`, { reason: '自己举报' })).json().error.code).toBe('POST_STATE');
    expect((await w.neighbour.client.post(`/api/v1/posts/${id}/report`, { reason: '内容不实' })).json()).toEqual({ reportCount: 1, hidden: false });
    expect((await w.neighbour.client.post(`/api/v1/posts/${id}/report`, { reason: '再举报' })).json().error.code).toBe('POST_ALREADY_REPORTED');
    expect((await w.member.post(`/api/v1/posts/${id}/report`, { reason: '内容不实' })).json()).toEqual({ reportCount: 2, hidden: false });
    const third = await resident(w, '周奶奶');
    expect((await third.post(`/api/v1/posts/${id}/report`, { reason: '引起误会' })).json()).toEqual({ reportCount: 3, hidden: true });
    expect(((await w.neighbour.client.get('/api/v1/posts/feed')).json() as PostFeed).items.map((p) => p.id)).not.toContain(id);
    const secAccount = (await h.db.query<{ account_id: string }>(sql`SELECT DISTINCT g.account_id FROM role_grant g WHERE g.org_id = ${w.community.id} AND g.role = 'secretary'`)).map((r) => r.account_id);
    const told = await h.db.query<{ title: string }>(sql`SELECT title FROM notification WHERE account_id = ANY(${secAccount}::uuid[]) AND kind = 'post'`);
    expect(told.some((n) => n.title.includes('被3人举报'))).toBe(true);
    const reported = (await w.sec.get('/api/v1/posts/moderation?reported=true')).json() as ModerationPage;
    expect(reported.items.map((p) => p.id)).toEqual([id]);
    expect(reported.items[0].status).toBe('hidden');
    expect(reported.items[0].reports.map((r) => r.reason).sort()).toEqual(['内容不实', '内容不实', '引起误会'].sort());
    // re-review: restored, then hidden by hand, then withdrawn by the author
    expect((await w.sec.post(`/api/v1/posts/${id}/moderate`, { action: 'restore' })).json().status).toBe('published');
    expect((await w.sec.post(`/api/v1/posts/${id}/moderate`, { action: 'hide', reason: '核实后暂停' })).json()).toMatchObject({ status: 'hidden', reason: '核实后暂停' });
    expect((await w.author.client.post(`/api/v1/me/posts/${id}/withdraw`)).json().status).toBe('withdrawn');
    expect((await w.neighbour.client.post(`/api/v1/me/posts/${second}/withdraw`)).statusCode).toBe(404);
    // every write audited
    const actions = await h.db.query<{ action: string }>(sql`SELECT action FROM audit_log WHERE object_id = ${id} AND action LIKE 'post.%' ORDER BY id`);
    expect(actions.map((a) => a.action)).toEqual(['post.create', 'post.moderate', 'post.report', 'post.report', 'post.report', 'post.moderate', 'post.moderate', 'post.withdraw']);
  });
});

async function resident(w: { community: { id: string } }, name: string) {
  const r = await makeResident(h.deps, w.community.id, { name });
  return sessionClient(h, r.accountId);
}
