import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Deps } from '../../deps';
import { AppError } from '../../platform/errors';
import { contextOf, defineRoute } from '../../platform/http';
import { SignallingHub } from '../../platform/signalling';
import { MeetingRoomInfo, ROOM_CLOSE, RoomClientMessage, type RoomServerMessage } from '../../../contracts/meeting';
import * as room from './meeting.room';
import { IdParams } from '../../../contracts/common';

const socketPath = (id: string) => `/api/v1/meetings/${id}/room/socket`;
/** keeps idle connections open through proxies that drop silent ones (nginx: 60 s) */
const PING_MS = 25_000;

/** The video room's two routes: what the page needs first, and the signalling socket. Answers the hub (a cancelled meeting closes its room). */
export function registerMeetingRoomRoutes(app: FastifyInstance, deps: Deps): SignallingHub<RoomServerMessage> {
  const hub = new SignallingHub<RoomServerMessage>();

  defineRoute(app, deps.db, {
    method: 'GET', url: '/api/v1/meetings/:id/room', operationId: 'getMeetingRoom', summary: '远程参会：视频会议室能否进入、在场人员、STUN/TURN 服务器', tags: ['meeting'], access: 'self.read',
    schema: { params: IdParams, response: { 200: MeetingRoomInfo } },
    handler: async (req) => room.getMeetingRoom(deps, contextOf(req), req.params.id, hub.members(req.params.id), socketPath(req.params.id)),
  });

  defineRoute(app, deps.db, {
    method: 'GET', url: '/api/v1/meetings/:id/room/socket', operationId: 'joinMeetingRoom',
    summary: '进入视频会议室（WebSocket 信令：offer、answer、ICE 候选在参会人之间转发，音视频点对点传输，不经服务器）；在名单上的参会人进入即记为出席', tags: ['meeting'], access: 'self.read',
    schema: { params: IdParams },
    handler: async () => {
      throw new AppError('UPGRADE_REQUIRED');
    },
    websocket: (socket, req) => {
      const ctx = contextOf(req);
      const id = req.params.id;
      const send = (m: RoomServerMessage) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
      };
      const refuse = (err: unknown) => {
        const e = err instanceof AppError ? err : new AppError('INTERNAL');
        if (!(err instanceof AppError)) req.log.error({ err }, 'meeting room');
        send({ type: 'error', code: e.code, message: e.message });
        socket.close(ROOM_CLOSE.refused, e.code);
      };
      let peerId: string | null = null;
      let closed = false;
      const ping = setInterval(() => socket.ping(), PING_MS);
      socket.on('close', () => {
        closed = true;
        clearInterval(ping);
        if (peerId && hub.leave(id, peerId)) hub.broadcast(id, peerId, { type: 'peer-left', peerId });
      });
      socket.on('message', (data, isBinary) => {
        if (!peerId) return; // nothing is relayed before the welcome
        const parsed = isBinary ? null : RoomClientMessage.safeParse(safeJson(data.toString()));
        if (!parsed?.success) {
          send({ type: 'error', code: 'BAD_REQUEST', message: '信令消息格式不正确' });
          socket.close(ROOM_CLOSE.badMessage, 'BAD_REQUEST');
          return;
        }
        const m = parsed.data;
        if (m.type === 'signal') hub.sendTo(id, m.to, { type: 'signal', from: peerId, description: m.description, candidate: m.candidate });
        else {
          hub.setMedia(id, peerId, m.audio, m.video);
          hub.broadcast(id, peerId, { type: 'media', peerId, audio: m.audio, video: m.video });
        }
      });

      void admit(socket);
      async function admit(s: WebSocket) {
        try {
          const entry = await room.roomEntry(deps, ctx, id);
          if (closed) return;
          const key = ctx.actor.personId ?? ctx.actor.accountId;
          const joined = hub.join(id, { key, name: entry.name, audio: true, video: true, send, close: (code, reason) => s.close(code, reason) }, entry.max);
          if (!joined.ok) throw new AppError('ROOM_FULL', `会议室已满（最多${entry.max}人），请到会场参会，或联系主持人使用外部会议系统`);
          const mine = joined.peerId;
          let signedAt: string | null;
          try {
            ({ signedAt } = await room.enterMeetingRoom(deps, ctx, id));
          } catch (err) {
            hub.leave(id, mine);
            throw err;
          }
          if (joined.replaced) {
            hub.broadcast(id, mine, { type: 'peer-left', peerId: joined.replaced.peerId });
            joined.replaced.send({ type: 'error', code: 'ROOM_REPLACED', message: '您已在另一台设备上进入会议室' });
            joined.replaced.close(ROOM_CLOSE.replaced, 'ROOM_REPLACED');
          }
          if (closed) {
            hub.leave(id, mine);
            return;
          }
          peerId = mine;
          send({ type: 'welcome', peerId: mine, peers: joined.others, countsAttendance: entry.countsAttendance, signedAt });
          hub.broadcast(id, mine, { type: 'peer-joined', peer: { peerId: mine, name: entry.name, audio: true, video: true } });
        } catch (err) {
          refuse(err);
        }
      }
    },
  });

  return hub;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
