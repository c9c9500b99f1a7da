import crypto from 'node:crypto';

// Signalling for WebRTC mesh rooms: who is in which room, and relaying
// offers, answers and ICE candidates between two of them. The media never
// passes through the server. State lives in this process (one app instance;
// several instances need a shared channel, see docs/OPERATIONS.md).

export interface RoomMember<M> {
  /** one person is one peer: joining again replaces the earlier connection */
  key: string;
  name: string;
  audio: boolean;
  video: boolean;
  send(message: M): void;
  close(code: number, reason: string): void;
}

interface Entry<M> extends RoomMember<M> {
  peerId: string;
}

export type JoinResult<M> =
  | { ok: true; peerId: string; others: Array<{ peerId: string; name: string; audio: boolean; video: boolean }>; replaced: (RoomMember<M> & { peerId: string }) | null }
  | { ok: false; reason: 'full' };

export class SignallingHub<M> {
  private readonly rooms = new Map<string, Map<string, Entry<M>>>();

  /** The people in a room now. */
  members(room: string): Array<{ peerId: string; name: string }> {
    return [...(this.rooms.get(room)?.values() ?? [])].map((e) => ({ peerId: e.peerId, name: e.name }));
  }

  /**
   * Admits a member unless the room already holds `max` other people. The same
   * key joining again takes the place of its earlier connection (a member who
   * moves from the desk to the phone), which the caller closes.
   */
  join(room: string, member: RoomMember<M>, max: number): JoinResult<M> {
    let peers = this.rooms.get(room);
    if (!peers) this.rooms.set(room, (peers = new Map()));
    const earlier = [...peers.values()].find((e) => e.key === member.key) ?? null;
    if (!earlier && peers.size >= max) {
      if (peers.size === 0) this.rooms.delete(room);
      return { ok: false, reason: 'full' };
    }
    if (earlier) this.leave(room, earlier.peerId);
    const peerId = crypto.randomUUID();
    const others = [...peers.values()].map((e) => ({ peerId: e.peerId, name: e.name, audio: e.audio, video: e.video }));
    peers.set(peerId, { ...member, peerId });
    return { ok: true, peerId, others, replaced: earlier };
  }

  /** Removes a peer; answers whether it was there (a replaced connection closing later is not). */
  leave(room: string, peerId: string): boolean {
    const peers = this.rooms.get(room);
    if (!peers?.delete(peerId)) return false;
    if (peers.size === 0) this.rooms.delete(room);
    return true;
  }

  /** Sends to one peer of the room; false when it is not there (it left meanwhile). */
  sendTo(room: string, peerId: string, message: M): boolean {
    const e = this.rooms.get(room)?.get(peerId);
    if (!e) return false;
    e.send(message);
    return true;
  }

  /** Sends to everyone in the room but one. */
  broadcast(room: string, exceptPeerId: string, message: M) {
    for (const e of this.rooms.get(room)?.values() ?? []) if (e.peerId !== exceptPeerId) e.send(message);
  }

  setMedia(room: string, peerId: string, audio: boolean, video: boolean) {
    const e = this.rooms.get(room)?.get(peerId);
    if (e) Object.assign(e, { audio, video });
  }

  /** Closes every connection of a room (the meeting was cancelled or its minutes locked). */
  closeRoom(room: string, code: number, reason: string) {
    const peers = this.rooms.get(room);
    if (!peers) return;
    this.rooms.delete(room);
    for (const e of peers.values()) e.close(code, reason);
  }
}
