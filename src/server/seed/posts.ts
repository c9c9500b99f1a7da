import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Db } from '../platform/db';
import type { FileStore } from '../platform/files';
import { sql } from '../platform/sql';
import { addDays } from '../platform/dates';
import { ffmpegPath } from '../platform/asr/audio';
import { transcodeVideo } from '../domains/post';
import type { Rng } from './random';

// Demo posts (短视频与动态, issue 17): over the past year the residents of
// every community (and member1 in theirs) posted one or two texts a month,
// mostly to their community, some to the town or the county, reviewed by the
// community within hours (a few not approved, with the reason); a handful of
// short videos — three 2–3 s clips made once by ffmpeg's test sources,
// transcoded as uploads are, shared by the posts that show them; today two
// posts of each community and a video of the demo community wait for review,
// and a post of the demo community was reported. resident1 has posted nothing
// (the tour starts from an empty 我发布的). Written in bulk.

const TEXTS = [
  '今天社区组织义诊，测血压、量血糖，老人们都说方便。',
  '楼道里的杂物清理干净了，感谢网格员和志愿者！',
  '周末带孩子参加了社区读书会，收获很大。',
  '小区新装了充电桩，电动车再也不用飞线充电了。',
  '党员志愿者帮独居的王奶奶修好了水管，点赞！',
  '社区广场舞队又添了新成员，欢迎大家晚上一起来跳。',
  '垃圾分类宣传进小区，大家学会了怎么分干垃圾湿垃圾。',
  '重阳节社区为八十岁以上老人送去了慰问品。',
  '新修的健身步道开放了，早上散步的人可多了。',
  '社区食堂推出了老年助餐，每餐只要几块钱。',
  '暑假托管班开课了，孩子们学书法、下象棋，很开心。',
  '雨后路面积水，社区连夜组织清理，出行方便多了。',
] as const;
const VIDEO_TEXTS = ['社区文艺汇演精彩片段', '志愿者清理河道的一天', '邻里节包饺子比赛'] as const;
const REJECT_REASONS = ['含商业广告，请删除联系方式后重新发布', '内容与社区生活无关', '涉及他人隐私，请处理后重新发布'] as const;
const CLIPS = [
  ['testsrc2=size=640x360:rate=15', 2, 440],
  ['smptebars=size=640x360:rate=15', 3, 523],
  ['rgbtestsrc=size=640x360:rate=15', 2, 659],
] as const;

const at = (day: string, hour: number, minute = 0) => new Date(Date.parse(`${day}T00:00:00Z`) + ((hour - 8) * 60 + minute) * 60_000);

/** Three short clips, made by ffmpeg's test sources and transcoded as an upload is; stored once. */
async function makeClips(files: FileStore) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'seed-posts-'));
  try {
    const out = [];
    for (const [i, [src, seconds, hz]] of CLIPS.entries()) {
      const file = path.join(dir, `clip${i}.mp4`);
      await promisify(execFile)(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `${src}:duration=${seconds}`, '-f', 'lavfi', '-i', `sine=frequency=${hz}:duration=${seconds}`,
        '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', file]);
      const original = await fsp.readFile(file);
      const t = await transcodeVideo(original, { maxSeconds: 60 });
      out.push({ original: await files.put(original), size: original.length, video: await files.put(t.video), videoBytes: t.video.length, thumbnail: await files.put(t.thumbnail), durationMs: t.durationMs });
    }
    return out;
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

export async function generatePosts(db: Db, files: FileStore, rng: Rng, opts: { rootId: string; today: string; accountId: string; demoCommunityId: string }) {
  const communities = await db.query<{ id: string; path: string; parent_id: string | null }>(sql`
    SELECT o.id, o.path::text AS path, o.parent_id FROM org o JOIN org r ON r.id = ${opts.rootId}::uuid
    WHERE o.path <@ r.path AND o.unit_kind = 'community' AND o.dissolved_on IS NULL AND o.type = 'branch' ORDER BY o.seq`);
  const clips = await makeClips(files);
  const member1 = await db.maybeOne<{ account_id: string; person_id: string; name: string; org_id: string }>(sql`
    SELECT a.id AS account_id, p.id AS person_id, p.name, p.org_id FROM account a JOIN person p ON p.id = a.person_id WHERE a.username = 'member1'`);
  const posts: Array<Record<string, unknown>> = [];
  const reports: Array<{ post: string; reporter: string; reason: string; at: string }> = [];
  for (const c of communities) {
    const residents = await db.query<{ id: string; account_id: string; name: string }>(sql`SELECT r.id, r.account_id, r.name FROM resident r JOIN account a ON a.id = r.account_id
      WHERE r.community_org_id = ${c.id}::uuid AND a.username <> 'resident1' ORDER BY r.id`);
    if (!residents.length) continue;
    const demo = c.id === opts.demoCommunityId;
    const authors = [
      ...residents.map((r) => ({ account: r.account_id, person: null as string | null, resident: r.id as string | null, name: r.name })),
      ...(demo && member1 && member1.org_id === c.id ? [{ account: member1.account_id, person: member1.person_id, resident: null, name: member1.name }] : []),
    ];
    const add = (p: { kind: 'text' | 'video'; body: string; status: string; day: string; hour: number; clip?: (typeof clips)[number]; reason?: string | null }) => {
      const a = rng.pick(authors);
      const created = at(p.day, p.hour, rng.int(0, 59));
      const reviewed = p.status === 'pending_review' ? null : new Date(created.getTime() + rng.int(1, 20) * 3_600_000);
      const audience = rng.chance(0.75) || !c.parent_id ? c.id : rng.chance(0.7) ? c.parent_id : opts.rootId;
      const id = crypto.randomUUID();
      posts.push({
        id, account: a.account, person: a.person, resident: a.resident, name: a.name, audience, moderating: c.id, kind: p.kind, body: p.body, status: p.status,
        original: p.clip?.original ?? null, mime: p.clip ? 'video/mp4' : null, video: p.clip?.video ?? null, thumbnail: p.clip?.thumbnail ?? null, duration: p.clip?.durationMs ?? null,
        size: p.clip?.size ?? null, videoBytes: p.clip?.videoBytes ?? null, reason: p.reason ?? null, reviewedBy: reviewed ? opts.accountId : null, reviewedAt: reviewed?.toISOString() ?? null,
        publishedAt: p.status === 'published' ? reviewed!.toISOString() : null, created: created.toISOString(),
      });
      return { id, account: a.account };
    };
    // a year of texts, one or two a month
    for (let d = 365; d >= 3; d -= rng.int(12, 30)) {
      const rejected = rng.chance(0.08);
      add({ kind: 'text', body: rng.pick(TEXTS), status: rejected ? 'rejected' : 'published', day: addDays(opts.today, -d), hour: rng.int(8, 21), reason: rejected ? rng.pick(REJECT_REASONS) : null });
    }
    // short videos: a few in the demo community, now and then elsewhere
    const videos = demo ? 4 : rng.chance(0.25) ? 1 : 0;
    for (let i = 0; i < videos; i++) add({ kind: 'video', body: rng.pick(VIDEO_TEXTS), status: 'published', day: addDays(opts.today, -rng.int(5, 300)), hour: rng.int(9, 20), clip: demo ? clips[i % clips.length] : rng.pick(clips) });
    // waiting for review today
    for (let i = 0; i < 2; i++) add({ kind: 'text', body: rng.pick(TEXTS), status: 'pending_review', day: addDays(opts.today, -rng.int(0, 1)), hour: rng.int(8, 11) });
    if (demo) {
      add({ kind: 'video', body: '小区消防演练现场', status: 'pending_review', day: opts.today, hour: 9, clip: clips[0] });
      // a published post a neighbour reported
      const reported = add({ kind: 'text', body: '出售自家土鸡蛋，需要的加我微信', status: 'published', day: addDays(opts.today, -4), hour: 10 });
      const reporter = residents.find((r) => r.account_id !== reported.account);
      if (reporter) reports.push({ post: reported.id, reporter: reporter.account_id, reason: '发布商业广告', at: at(addDays(opts.today, -2), 19).toISOString() });
    }
  }
  if (!posts.length) return { posts: 0 };
  const col = (k: string) => posts.map((p) => p[k]);
  await db.exec(sql`INSERT INTO post (id, author_account_id, person_id, resident_id, author_name, audience_org_id, moderating_org_id, kind, body, status, original_key, original_mime, video_key, thumbnail_key,
      duration_ms, size_bytes, video_bytes, reason, reviewed_by, reviewed_at, published_at, created_at, updated_at)
    SELECT x.id, x.account, x.person, x.resident, x.name, x.audience, x.moderating, x.kind, x.body, x.status, x.original, x.mime, x.video, x.thumbnail, x.duration, x.size, x.video_bytes, x.reason,
      x.reviewed_by, x.reviewed_at, x.published_at, x.created, coalesce(x.reviewed_at, x.created)
    FROM unnest(${col('id')}::uuid[], ${col('account')}::uuid[], ${col('person')}::uuid[], ${col('resident')}::uuid[], ${col('name')}::text[], ${col('audience')}::uuid[], ${col('moderating')}::uuid[],
      ${col('kind')}::text[], ${col('body')}::text[], ${col('status')}::text[], ${col('original')}::text[], ${col('mime')}::text[], ${col('video')}::text[], ${col('thumbnail')}::text[],
      ${col('duration')}::int[], ${col('size')}::bigint[], ${col('videoBytes')}::bigint[], ${col('reason')}::text[], ${col('reviewedBy')}::uuid[], ${col('reviewedAt')}::timestamptz[],
      ${col('publishedAt')}::timestamptz[], ${col('created')}::timestamptz[])
      AS x(id, account, person, resident, name, audience, moderating, kind, body, status, original, mime, video, thumbnail, duration, size, video_bytes, reason, reviewed_by, reviewed_at, published_at, created)`);
  for (const r of reports) {
    await db.exec(sql`INSERT INTO post_report (post_id, reporter_account_id, reason, created_at) VALUES (${r.post}::uuid, ${r.reporter}::uuid, ${r.reason}, ${r.at}::timestamptz)`);
    await db.exec(sql`UPDATE post SET report_count = report_count + 1 WHERE id = ${r.post}::uuid`);
  }
  return { posts: posts.length, reports: reports.length };
}
