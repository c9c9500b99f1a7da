import crypto from 'node:crypto';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { fixedClock } from '../../src/server/platform/clock';
import { loadConfig } from '../../src/server/platform/config';
import { iceServersFor } from '../../src/server/domains/meeting/meeting.room';
import { createHarness, login, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { ROOM_CLOSE, type MeetingRoomInfo, type RoomServerMessage } from '../../src/contracts/meeting';

// The meeting's video room (remote participation): who may enter and when,
// attendance recorded on entering, and the signalling relay between peers —
// driven through the real WebSocket route on a listening server (the upgrade
// passes the same hooks as any request).

const clock = fixedClock('2026-12-04T04:00:00Z');
let h: Harness;
let origin: string;
beforeAll(async () => {
  h = await createHarness({}, { clock });
  origin = await h.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => h.close());

type Msg<T extends RoomServerMessage['type']> = Extract<RoomServerMessage, { type: T }>;

/** A connected socket whose messages are waited for by type (never by time). */
function peer(ws: WebSocket) {
  const inbox: RoomServerMessage[] = [];
  let wake: Array<() => void> = [];
  let closed: { code: number; reason: string } | null = null;
  const notify = () => {
    const w = wake;
    wake = [];
    for (const f of w) f();
  };
  ws.on('message', (d) => {
    inbox.push(JSON.parse(String(d)) as RoomServerMessage);
    notify();
  });
  ws.on('close', (code, reason) => {
    closed = { code, reason: String(reason) };
    notify();
  });
  const waitForChange = () => new Promise<void>((r) => wake.push(r));
  return {
    async next<T extends RoomServerMessage['type']>(type: T): Promise<Msg<T>> {
      for (;;) {
        const i = inbox.findIndex((m) => m.type === type);
        if (i >= 0) return inbox.splice(i, 1)[0] as Msg<T>;
        if (closed) throw new Error(`closed (${closed.code} ${closed.reason}) while waiting for ${type}; inbox: ${JSON.stringify(inbox)}`);
        await waitForChange();
      }
    },
    async closed() {
      while (!closed) await waitForChange();
      return closed;
    },
    pending: () => inbox.map((m) => m.type),
    send: (m: unknown) => ws.send(JSON.stringify(m)),
    close: () => ws.close(),
  };
}

async function connect(c: Client | null, id: string, opts: { origin?: string } = {}) {
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/api/v1/meetings/${id}/room/socket`, { headers: c ? { cookie: c.cookie } : {}, origin: opts.origin ?? origin });
  const p = peer(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return p;
}

async function setup() {
  clock.set('2026-12-04T04:00:00Z');
  const county = await makeRoot(h.deps, '会议室测试县委');
  const branch = await makeOrg(h.deps, county, 'branch', '第一党支部');
  const other = await makeOrg(h.deps, county, 'branch', '第二党支部');
  const people = [await makeMember(h.deps, branch.id, { name: '远程甲' }), await makeMember(h.deps, branch.id, { name: '远程乙' }), await makeMember(h.deps, branch.id, { name: '远程丙' })];
  const stranger = await makeMember(h.deps, other.id, { name: '外支部党员' });
  const member = async (personId: string, orgId = branch.id) => login(h.app, (await makeAccount(h.deps, [{ role: 'member', orgId, scope: 'self' }], personId)).username, PASSWORD);
  const sec = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'subtree' }])).username, PASSWORD);
  return {
    branch, people, sec,
    clients: await Promise.all(people.map((p) => member(p.id))),
    stranger: await member(stranger.id, other.id),
    meeting: async (body: Record<string, unknown> = {}) => {
      const res = await sec.post('/api/v1/meetings', { orgId: branch.id, type: 'branch_assembly', plannedDate: '2026-12-04', startsAt: '2026-12-04T03:50:00Z', endsAt: '2026-12-04T05:30:00Z', ...body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    },
  };
}

async function roomInfo(c: Client, id: string): Promise<MeetingRoomInfo> {
  const res = await c.get(`/api/v1/meetings/${id}/room`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as MeetingRoomInfo;
}

describe('the meeting video room', () => {
  it('admits the people on the roll during the meeting, records them present, and relays offers, answers and candidates between them', async () => {
    const s = await setup();
    const id = await s.meeting();
    const [a, b] = s.clients;
    const before = await roomInfo(a, id);
    expect(before).toMatchObject({ canJoin: true, reason: null, countsAttendance: true, maxParticipants: 6, participants: [], iceServers: [], socketPath: `/api/v1/meetings/${id}/room/socket` });

    const pa = await connect(a, id);
    const wa = await pa.next('welcome');
    expect(wa.peers).toEqual([]);
    expect(wa.countsAttendance).toBe(true);
    expect(wa.signedAt).toBe('2026-12-04T04:00:00.000Z');
    const row = await h.db.one<{ attendance: string; method: string; status: string }>(sql`
      SELECT a.attendance, a.method, m.status FROM meeting_attendee a JOIN meeting m ON m.id = a.meeting_id WHERE a.meeting_id = ${id} AND a.person_id = ${s.people[0].id}`);
    expect(row).toEqual({ attendance: 'present', method: 'room', status: 'held' });

    const pb = await connect(b, id);
    const wb = await pb.next('welcome');
    expect(wb.peers).toEqual([{ peerId: wa.peerId, name: '远程甲', audio: true, video: true }]);
    expect((await pa.next('peer-joined')).peer).toEqual({ peerId: wb.peerId, name: '远程乙', audio: true, video: true });
    // the host's view: who is in, without counting the secretary (not on the roll) as present
    const hostView = await roomInfo(s.sec, id);
    expect(hostView.participants.map((p) => p.name).sort()).toEqual(['远程乙', '远程甲']);
    expect(hostView).toMatchObject({ canJoin: true, countsAttendance: false });

    // the newcomer offers, the other answers; candidates both ways; each reaches only its addressee, marked with the sender
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n' };
    pb.send({ type: 'signal', to: wa.peerId, description: offer });
    expect(await pa.next('signal')).toEqual({ type: 'signal', from: wb.peerId, description: offer });
    const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    pa.send({ type: 'signal', to: wb.peerId, description: { type: 'answer', sdp: 'v=0\r\n' }, candidate });
    expect(await pb.next('signal')).toEqual({ type: 'signal', from: wa.peerId, description: { type: 'answer', sdp: 'v=0\r\n' }, candidate });
    pa.send({ type: 'media', audio: false, video: true });
    expect(await pb.next('media')).toEqual({ type: 'media', peerId: wa.peerId, audio: false, video: true });

    pb.close();
    expect(await pa.next('peer-left')).toEqual({ type: 'peer-left', peerId: wb.peerId });
    expect((await roomInfo(s.sec, id)).participants.map((p) => p.name)).toEqual(['远程甲']);
    const audits = await h.db.query<{ action: string }>(sql`SELECT action FROM audit_log WHERE object_id = ${id} AND action = 'meeting.join_room'`);
    expect(audits).toHaveLength(2);
    pa.close();
    expect(pa.pending()).toEqual([]);
    expect(pb.pending()).toEqual([]);
  });

  it('lets the same person in once: entering from a second device takes the place of the first', async () => {
    const s = await setup();
    const id = await s.meeting();
    const [a, b] = s.clients;
    const pb = await connect(b, id);
    await pb.next('welcome');
    const desk = await connect(a, id);
    const first = await desk.next('welcome');
    await pb.next('peer-joined');
    const phone = await connect(a, id);
    const second = await phone.next('welcome');
    expect(second.peers.map((p) => p.name)).toEqual(['远程乙']);
    expect(await desk.next('error')).toMatchObject({ code: 'ROOM_REPLACED', message: '您已在另一台设备上进入会议室' });
    expect((await desk.closed()).code).toBe(ROOM_CLOSE.replaced);
    expect(await pb.next('peer-left')).toEqual({ type: 'peer-left', peerId: first.peerId });
    expect((await pb.next('peer-joined')).peer.peerId).toBe(second.peerId);
    expect((await roomInfo(b, id)).participants).toHaveLength(2);
    phone.close();
    pb.close();
  });

  it('refuses, with a code and a Chinese message, someone not on the roll, outside the window, a full room, a cancelled meeting and a malformed message', async () => {
    const s = await setup();
    const id = await s.meeting();
    // another branch's member: the meeting does not exist for them
    expect((await s.stranger.get(`/api/v1/meetings/${id}/room`)).statusCode).toBe(404);
    const out = await connect(s.stranger, id);
    expect(await out.next('error')).toMatchObject({ code: 'NOT_FOUND' });
    expect((await out.closed()).code).toBe(ROOM_CLOSE.refused);

    // before the window opens (30 minutes before the start, rule meetings.attendance)
    const later = await s.meeting({ startsAt: '2026-12-04T06:00:00Z', endsAt: '2026-12-04T07:00:00Z' });
    const info = await roomInfo(s.clients[0], later);
    expect(info.canJoin).toBe(false);
    expect(info.reason).toBe('会议室开放时间为12月4日 13:30至12月4日 15:30');
    const early = await connect(s.clients[0], later);
    expect(await early.next('error')).toMatchObject({ code: 'ROOM_CLOSED', message: info.reason });
    await early.closed();
    expect((await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM meeting_attendee WHERE meeting_id = ${later} AND attendance = 'present'`)).n).toBe(0);

    // a malformed message closes the sender's connection
    const pa = await connect(s.clients[0], id);
    await pa.next('welcome');
    pa.send({ type: 'signal', to: 'x', description: { type: 'rollback', sdp: '' } });
    expect(await pa.next('error')).toMatchObject({ code: 'BAD_REQUEST', message: '信令消息格式不正确' });
    expect((await pa.closed()).code).toBe(ROOM_CLOSE.badMessage);

    // the secretary (not on the roll) opens a planned meeting's room; cancelling the meeting closes it
    const planned = await s.meeting({ type: 'theme_day' });
    const host = await connect(s.sec, planned);
    expect(await host.next('welcome')).toMatchObject({ countsAttendance: false, signedAt: null });
    const version = (await h.db.one<{ version: number }>(sql`SELECT version FROM meeting WHERE id = ${planned}`)).version;
    expect((await s.sec.post(`/api/v1/meetings/${planned}/cancel`, { version, reason: '改为线下召开' })).statusCode).toBe(200);
    expect((await host.closed()).code).toBe(ROOM_CLOSE.ended);
    expect((await roomInfo(s.sec, planned)).reason).toBe('会议已取消');
  });

  it('holds no more than the rule in force at the meeting date allows', async () => {
    const s = await setup();
    await h.db.exec(sql`INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES ('meetings', 'attendance', '2027-03-01', '测试：会议室人数上限两人',
      '{"signInOpensMinutesBefore":30,"signInClosesMinutesAfter":30,"qrTokenSeconds":60,"defaultDurationMinutes":120,"roomMaxParticipants":2}')`);
    const id = await s.meeting({ plannedDate: '2027-03-02', startsAt: '2027-03-02T02:00:00Z', endsAt: '2027-03-02T03:00:00Z' });
    clock.set('2027-03-02T02:10:00Z');
    const [a, b, c] = s.clients;
    const pa = await connect(a, id);
    await pa.next('welcome');
    const pb = await connect(b, id);
    await pb.next('welcome');
    const info = await roomInfo(c, id);
    expect(info).toMatchObject({ maxParticipants: 2, canJoin: false, reason: '会议室已满（最多2人），请到会场参会' });
    const pc = await connect(c, id);
    expect(await pc.next('error')).toMatchObject({ code: 'ROOM_FULL' });
    expect((await pc.closed()).code).toBe(ROOM_CLOSE.refused);
    // the refused one is not recorded present; the two inside are
    const rows = await h.db.query<{ person_id: string; attendance: string }>(sql`SELECT person_id, attendance FROM meeting_attendee WHERE meeting_id = ${id}`);
    expect(Object.fromEntries(rows.map((r) => [r.person_id, r.attendance]))).toEqual({ [s.people[0].id]: 'present', [s.people[1].id]: 'present', [s.people[2].id]: 'expected' });
    pa.close();
    pb.close();
  });

  it('refuses the upgrade without a session, from another site, and answers a plain request 426', async () => {
    const s = await setup();
    const id = await s.meeting();
    await expect(connect(null, id)).rejects.toThrow('Unexpected server response: 401');
    await expect(connect(s.clients[0], id, { origin: 'https://evil.example' })).rejects.toThrow('Unexpected server response: 403');
    const plain = await s.clients[0].get(`/api/v1/meetings/${id}/room/socket`);
    expect(plain.statusCode).toBe(426);
    expect(plain.json().error.code).toBe('UPGRADE_REQUIRED');
  });
});

describe('STUN and TURN servers from the configuration', () => {
  it('gives short-lived TURN credentials from a shared secret as coturn checks them (username expiry:user, HMAC-SHA1, base64)', () => {
    const config = loadConfig({ WEBRTC_STUN_URLS: 'stun:stun.example.org:3478', WEBRTC_TURN_URLS: 'turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349', WEBRTC_TURN_SECRET: 'a-shared-secret-of-coturn', WEBRTC_TURN_TTL_SECONDS: '3600' }).webrtc;
    const servers = iceServersFor(config, 'acc-1', new Date('2026-12-04T04:00:00Z'));
    const username = `${Date.parse('2026-12-04T05:00:00Z') / 1000}:acc-1`;
    expect(servers).toEqual([
      { urls: ['stun:stun.example.org:3478'] },
      { urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'], username, credential: crypto.createHmac('sha1', 'a-shared-secret-of-coturn').update(username).digest('base64') },
    ]);
    expect(() => loadConfig({ WEBRTC_TURN_URLS: 'turn:turn.example.org' })).toThrow(/WEBRTC_TURN_SECRET/);
    expect(() => loadConfig({ WEBRTC_STUN_URLS: 'http://stun.example.org' })).toThrow(/stun: or stuns:/);
  });
});
