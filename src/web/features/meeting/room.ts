import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ROOM_CLOSE, type MeetingRoomInfo, type RoomClientMessage, type RoomServerMessage } from '../../../contracts/meeting';
import { api } from '../../shared/api';

// The meeting's video room in the browser: a WebRTC mesh (each participant
// connects to each other one; the media never passes through our server),
// with offers, answers and candidates relayed over the room's WebSocket
// (src/server/domains/meeting/meeting.room.routes.ts). The newcomer offers to
// everyone already in; the others answer.

export type { MeetingRoomInfo };

export function useMeetingRoomInfo(id: string | undefined) {
  return useQuery({ queryKey: ['meetings', 'room', id], queryFn: () => api.get<MeetingRoomInfo>(`/api/v1/meetings/${id}/room`), enabled: !!id, retry: false });
}

export interface RemotePeer {
  peerId: string;
  name: string;
  stream: MediaStream | null;
  state: RTCPeerConnectionState;
  audio: boolean;
  video: boolean;
}

export type RoomPhase = 'idle' | 'media' | 'connecting' | 'joined' | 'closed';

export interface RoomState {
  phase: RoomPhase;
  local: MediaStream | null;
  /** why the camera or microphone is not used, when it is not */
  mediaNote: string | null;
  peers: RemotePeer[];
  audio: boolean;
  video: boolean;
  countsAttendance: boolean;
  signedAt: string | null;
  /** why the room closed or refused, in Chinese */
  error: string | null;
}

const INITIAL: RoomState = { phase: 'idle', local: null, mediaNote: null, peers: [], audio: true, video: true, countsAttendance: false, signedAt: null, error: null };

const CLOSE_TEXT: Record<number, string> = {
  [ROOM_CLOSE.replaced]: '您已在另一台设备上进入会议室，本页面已退出',
  [ROOM_CLOSE.ended]: '会议已取消，会议室已关闭',
  [ROOM_CLOSE.badMessage]: '连接出现异常，请重新进入会议室',
};

function mediaProblem(e: unknown): string {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'NotAllowedError') return '未获得摄像头和麦克风的使用权限：可以在浏览器地址栏中允许后重新进入；现在只能听和看';
  if (name === 'NotFoundError') return '没有找到摄像头或麦克风：现在只能听和看';
  if (name === 'NotReadableError') return '摄像头或麦克风正被其他程序占用：现在只能听和看';
  return '无法使用摄像头和麦克风：现在只能听和看';
}

/** Camera and microphone if possible, the microphone alone if not, else nothing (receive only). */
async function openMedia(): Promise<{ stream: MediaStream | null; note: string | null }> {
  if (!navigator.mediaDevices?.getUserMedia) return { stream: null, note: '此浏览器不支持音视频（或页面不是通过 HTTPS 打开的）：现在只能听和看' };
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 15 } } }), note: null };
  } catch (first) {
    try {
      return { stream: await navigator.mediaDevices.getUserMedia({ audio: true }), note: '摄像头不可用，仅使用麦克风' };
    } catch {
      return { stream: null, note: mediaProblem(first) };
    }
  }
}

interface Link {
  pc: RTCPeerConnection;
  /** candidates that arrived before the remote description */
  pending: RTCIceCandidateInit[];
}

export function useMeetingRoom(info: MeetingRoomInfo | undefined) {
  const [state, setState] = useState<RoomState>(INITIAL);
  const ws = useRef<WebSocket | null>(null);
  const links = useRef(new Map<string, Link>());
  const local = useRef<MediaStream | null>(null);
  const flags = useRef({ audio: true, video: true });

  const patchPeer = useCallback((peerId: string, patch: Partial<RemotePeer>) => {
    setState((s) => ({ ...s, peers: s.peers.map((p) => (p.peerId === peerId ? { ...p, ...patch } : p)) }));
  }, []);

  const teardown = useCallback(() => {
    for (const l of links.current.values()) l.pc.close();
    links.current.clear();
    local.current?.getTracks().forEach((t) => t.stop());
    local.current = null;
    const socket = ws.current;
    ws.current = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
  }, []);

  useEffect(() => teardown, [teardown]);

  const leave = useCallback(() => {
    teardown();
    setState((s) => ({ ...INITIAL, phase: 'closed', countsAttendance: s.countsAttendance, signedAt: s.signedAt }));
  }, [teardown]);

  const join = useCallback(async () => {
    if (!info) return;
    setState({ ...INITIAL, phase: 'media' });
    const { stream, note } = await openMedia();
    local.current = stream;
    flags.current = { audio: !!stream?.getAudioTracks().length, video: !!stream?.getVideoTracks().length };
    setState((s) => ({ ...s, phase: 'connecting', local: stream, mediaNote: note, ...flags.current }));

    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${info.socketPath}`);
    ws.current = socket;
    const send = (m: RoomClientMessage) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(m));
    };

    const link = (peerId: string): Link => {
      const known = links.current.get(peerId);
      if (known) return known;
      const pc = new RTCPeerConnection({ iceServers: info.iceServers });
      const l: Link = { pc, pending: [] };
      links.current.set(peerId, l);
      const tracks = local.current?.getTracks() ?? [];
      for (const t of tracks) pc.addTrack(t, local.current!);
      // receive what we do not send
      for (const kind of ['audio', 'video'] as const) if (!tracks.some((t) => t.kind === kind)) pc.addTransceiver(kind, { direction: 'recvonly' });
      pc.onicecandidate = (e) => {
        const c = e.candidate;
        send({ type: 'signal', to: peerId, candidate: c ? { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex, usernameFragment: c.usernameFragment } : null });
      };
      pc.ontrack = (e) => patchPeer(peerId, { stream: e.streams[0] ?? new MediaStream([e.track]) });
      pc.onconnectionstatechange = () => patchPeer(peerId, { state: pc.connectionState });
      return l;
    };
    const addPeer = (p: { peerId: string; name: string; audio: boolean; video: boolean }) =>
      setState((s) => ({ ...s, peers: [...s.peers.filter((x) => x.peerId !== p.peerId), { ...p, stream: null, state: 'new' }] }));
    const drop = (peerId: string) => {
      links.current.get(peerId)?.pc.close();
      links.current.delete(peerId);
      setState((s) => ({ ...s, peers: s.peers.filter((p) => p.peerId !== peerId) }));
    };
    const flush = async (l: Link) => {
      for (const c of l.pending.splice(0)) await l.pc.addIceCandidate(c);
    };

    const onMessage = async (m: RoomServerMessage) => {
      switch (m.type) {
        case 'welcome':
          setState((s) => ({ ...s, phase: 'joined', countsAttendance: m.countsAttendance, signedAt: m.signedAt }));
          // what we send, for the others' tiles (the server assumes both on)
          if (!flags.current.audio || !flags.current.video) send({ type: 'media', ...flags.current });
          for (const p of m.peers) {
            addPeer(p);
            const l = link(p.peerId);
            await l.pc.setLocalDescription(await l.pc.createOffer());
            send({ type: 'signal', to: p.peerId, description: { type: 'offer', sdp: l.pc.localDescription!.sdp } });
          }
          break;
        case 'peer-joined':
          addPeer(m.peer);
          link(m.peer.peerId);
          break;
        case 'peer-left':
          drop(m.peerId);
          break;
        case 'media':
          patchPeer(m.peerId, { audio: m.audio, video: m.video });
          break;
        case 'signal': {
          const l = link(m.from);
          if (m.description) {
            await l.pc.setRemoteDescription(m.description);
            await flush(l);
            if (m.description.type === 'offer') {
              await l.pc.setLocalDescription(await l.pc.createAnswer());
              send({ type: 'signal', to: m.from, description: { type: 'answer', sdp: l.pc.localDescription!.sdp } });
            }
          }
          if (m.candidate) {
            if (l.pc.remoteDescription) await l.pc.addIceCandidate(m.candidate);
            else l.pending.push(m.candidate);
          }
          break;
        }
        case 'error':
          setState((s) => ({ ...s, error: m.message }));
          break;
      }
    };
    // one message at a time: an answer must not overtake the offer it answers
    let chain = Promise.resolve();
    socket.onmessage = (e) => {
      chain = chain.then(() => onMessage(JSON.parse(String(e.data)) as RoomServerMessage)).catch(() => setState((s) => ({ ...s, error: s.error ?? '建立音视频连接失败，请退出后重新进入' })));
    };
    socket.onclose = (e) => {
      if (ws.current !== socket) return; // left on purpose
      teardown();
      setState((s) => ({ ...s, phase: 'closed', peers: [], local: null, error: s.error ?? CLOSE_TEXT[e.code] ?? '与服务器的连接已断开，请重新进入会议室' }));
    };
  }, [info, patchPeer, teardown]);

  const toggle = useCallback((kind: 'audio' | 'video') => {
    const stream = local.current;
    if (!stream) return;
    const tracks = kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks();
    if (!tracks.length) return;
    const on = !tracks[0].enabled;
    for (const t of tracks) t.enabled = on;
    flags.current = { ...flags.current, [kind]: on };
    const socket = ws.current;
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'media', ...flags.current } satisfies RoomClientMessage));
    setState((s) => ({ ...s, [kind]: on }));
  }, []);

  return { state, join, leave, toggle };
}
