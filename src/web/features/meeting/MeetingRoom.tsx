import { useEffect, useRef } from 'react';
import { Alert, Button, Space, Tag } from 'antd';
import { AudioMutedOutlined, AudioOutlined, LinkOutlined, LogoutOutlined, VideoCameraOutlined, VideoCameraAddOutlined } from '@ant-design/icons';
import { formatDateTime } from '../../shared/dates';
import { useMeetingRoom, type MeetingRoomInfo, type RemotePeer } from './room';
import './room.css';

// The video room's page body, the same in the console and on the phone: before
// entering, whether one may and who is in; inside, a tile per participant with
// the state of the connection, the microphone and camera switches, and leave.
// Entering counts as attendance for someone on the roll (said once, plainly);
// nothing measures time in the room (RULES §8).

const STATE_TEXT: Record<RTCPeerConnectionState, string> = {
  new: '连接中',
  connecting: '连接中',
  connected: '已连接',
  disconnected: '连接中断，正在恢复',
  failed: '连接失败',
  closed: '已断开',
};
const STATE_COLOR: Partial<Record<RTCPeerConnectionState, string>> = { connected: 'green', failed: 'red', disconnected: 'orange' };

function Video({ stream, muted, label }: { stream: MediaStream | null; muted: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} autoPlay playsInline muted={muted} aria-label={label} />;
}

function Tile({ name, stream, self, audio, video, state }: { name: string; stream: MediaStream | null; self?: boolean; audio: boolean; video: boolean; state?: RTCPeerConnectionState }) {
  return (
    <figure className="room-tile" data-testid={self ? 'room-self' : 'room-peer'} data-state={state ?? 'self'} data-name={name}>
      {stream && video ? <Video stream={stream} muted={!!self} label={self ? '我的画面' : `${name}的画面`} /> : <div className="room-avatar" aria-hidden>{name.slice(-2)}</div>}
      {/* audio of a peer whose camera is off still plays */}
      {stream && !video && !self && <Video stream={stream} muted={false} label={`${name}的声音`} />}
      <figcaption>
        <span className="room-name">{self ? `${name}（我）` : name}</span>
        {!audio && <AudioMutedOutlined aria-label="已静音" />}
        {state && <Tag color={STATE_COLOR[state]}>{STATE_TEXT[state]}</Tag>}
      </figcaption>
    </figure>
  );
}

export function MeetingRoom({ info, myName, onLeft }: { info: MeetingRoomInfo; myName: string; onLeft: () => void }) {
  const { state, join, leave, toggle } = useMeetingRoom(info);
  const inside = state.phase === 'media' || state.phase === 'connecting' || state.phase === 'joined';
  const openHours = info.opensAt && info.closesAt ? `${formatDateTime(info.opensAt)} 至 ${formatDateTime(info.closesAt)}` : null;

  if (!inside) {
    return (
      <div className="room-lobby" data-testid="room-lobby">
        {state.error && <Alert type="warning" showIcon message={state.error} className="room-gap" />}
        {state.phase === 'closed' && !state.error && <Alert type="info" showIcon message="您已离开会议室" className="room-gap" />}
        {state.phase === 'closed' && state.signedAt && <Alert type="success" showIcon message={`已记为出席（远程参会，${formatDateTime(state.signedAt)}）`} className="room-gap" />}
        <p className="room-line">{openHours ? `开放时间：${openHours}` : '会议尚未确定开始时间'}</p>
        <p className="room-line">最多 {info.maxParticipants} 人同时在线（点对点连接）；人数多时请到会场参会，或使用外部会议系统。</p>
        <p className="room-line" data-testid="room-present">
          {info.participants.length ? `正在会议室：${info.participants.map((p) => p.name).join('、')}` : '会议室里还没有人'}
        </p>
        {info.canJoin ? (
          <p className="room-line">{info.countsAttendance ? '您在本次会议的参会名单上，进入会议室即记为出席（远程参会）。' : '您不在参会名单上，以主持或列席身份进入，不记出席。'}</p>
        ) : (
          <Alert type="info" showIcon message={info.reason} className="room-gap" data-testid="room-closed-reason" />
        )}
        <Space wrap>
          <Button type="primary" size="large" icon={<VideoCameraOutlined />} disabled={!info.canJoin} onClick={() => void join()}>
            {state.phase === 'closed' ? '重新进入会议室' : '进入会议室'}
          </Button>
          {info.externalUrl && (
            <Button size="large" icon={<LinkOutlined />} href={info.externalUrl} target="_blank" rel="noopener noreferrer">
              使用外部会议系统
            </Button>
          )}
        </Space>
      </div>
    );
  }

  const peers: RemotePeer[] = state.peers;
  return (
    <div className="room" data-testid="room" data-phase={state.phase}>
      {state.mediaNote && <Alert type="warning" showIcon message={state.mediaNote} className="room-gap" />}
      {state.error && <Alert type="error" showIcon message={state.error} className="room-gap" />}
      {state.phase === 'joined' && state.signedAt && <Alert type="success" showIcon message={`已记为出席（远程参会，${formatDateTime(state.signedAt)}）`} className="room-gap" data-testid="room-attendance" />}
      {state.phase !== 'joined' && <p className="room-line">{state.phase === 'media' ? '正在打开摄像头和麦克风…' : '正在进入会议室…'}</p>}
      <div className={`room-grid room-grid-${Math.min(peers.length + 1, 4)}`}>
        <Tile name={myName} stream={state.local} self audio={state.audio} video={state.video} />
        {peers.map((p) => (
          <Tile key={p.peerId} name={p.name} stream={p.stream} audio={p.audio} video={p.video} state={p.state} />
        ))}
      </div>
      {state.phase === 'joined' && !peers.length && <p className="room-line">其他参会人进入后会显示在这里。</p>}
      <div className="room-bar">
        <Button size="large" shape="round" icon={state.audio ? <AudioOutlined /> : <AudioMutedOutlined />} disabled={!state.local?.getAudioTracks().length} onClick={() => toggle('audio')} aria-pressed={!state.audio}>
          {state.audio ? '静音' : '取消静音'}
        </Button>
        <Button size="large" shape="round" icon={state.video ? <VideoCameraOutlined /> : <VideoCameraAddOutlined />} disabled={!state.local?.getVideoTracks().length} onClick={() => toggle('video')} aria-pressed={!state.video}>
          {state.video ? '关闭摄像头' : '打开摄像头'}
        </Button>
        <Button
          size="large"
          shape="round"
          danger
          type="primary"
          icon={<LogoutOutlined />}
          onClick={() => {
            leave();
            onLeft();
          }}
        >
          离开会议室
        </Button>
      </div>
    </div>
  );
}
