import { useEffect, useRef, useState } from 'react';
import { Alert, App, Button, Input, Progress, Space, Typography, Upload } from 'antd';
import { AudioOutlined, BorderOutlined, UploadOutlined } from '@ant-design/icons';
import type { TranscriptSegment } from '../../../contracts/meeting';
import { errorMessage } from '../../shared/api';
import { formatDateTime, todayShanghai } from '../../shared/dates';
import { ErrorState, PageLoading } from '../../shared/states';
import { useSaveTranscript, useTranscript, useUploadAudio, type MeetingDetail, type TranscriptView } from './api';
import { ConflictAlert, isConflict } from './MeetingModals';
import { clockText } from './ui';

// 录音转写: a recording (uploaded, or made here in the browser) transcribed in
// the background by the installation's speech engine, then corrected by hand.
// The transcript helps whoever writes the minutes; a typed record needs none.

type Transcript = NonNullable<TranscriptView['transcript']>;

const canRecord = () => typeof window !== 'undefined' && typeof window.MediaRecorder !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;

/** Records from the microphone into a webm blob. */
function useRecorder(onDone: (blob: Blob) => void) {
  const rec = useRef<MediaRecorder | null>(null);
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [now, setNow] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (startedAt === null) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [startedAt]);
  useEffect(() => () => rec.current?.stream.getTracks().forEach((t) => t.stop()), []);

  const start = async () => {
    setError(null);
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const type = MediaRecorder.isTypeSupported('audio/webm;codecs=opus') ? 'audio/webm;codecs=opus' : 'audio/webm';
      const r = new MediaRecorder(stream, { mimeType: type });
      const chunks: Blob[] = [];
      r.ondataavailable = (e) => e.data.size > 0 && chunks.push(e.data);
      r.onstop = () => {
        stream.getTracks().forEach((t) => t.stop());
        setStartedAt(null);
        onDone(new Blob(chunks, { type: 'audio/webm' }));
      };
      r.start(1000);
      rec.current = r;
      setStartedAt(Date.now());
      setNow(Date.now());
    } catch (e) {
      setError(e instanceof DOMException && e.name === 'NotAllowedError' ? '浏览器没有获得麦克风权限，请在浏览器设置中允许使用麦克风，或上传录音文件。' : `无法开始录音：${errorMessage(e)}`);
    }
  };
  const stop = () => rec.current?.state === 'recording' && rec.current.stop();
  return { recording: startedAt !== null, elapsedMs: startedAt === null ? 0 : now - startedAt, start, stop, error };
}

function SegmentEditor({ m, t, editable }: { m: MeetingDetail; t: Transcript; editable: boolean }) {
  const { message } = App.useApp();
  const save = useSaveTranscript(m.id);
  const [segments, setSegments] = useState<TranscriptSegment[]>(t.segments);
  const [dirty, setDirty] = useState(false);
  const [conflict, setConflict] = useState(false);
  const submit = async () => {
    setConflict(false);
    try {
      await save.mutateAsync({ version: t.version, segments: segments.map((s) => ({ ...s, text: s.text.trim() })) });
      setDirty(false);
      message.success('已保存转写稿');
    } catch (e) {
      if (isConflict(e)) setConflict(true);
      else message.error(errorMessage(e));
    }
  };
  if (t.segments.length === 0) return <Alert type="info" showIcon title="录音中没有识别出语音。" />;
  return (
    <div data-testid="transcript-segments">
      {conflict && <ConflictAlert id={m.id} what="转写稿" />}
      <ol className="transcript-list">
        {segments.map((s, i) => (
          <li key={i} className="transcript-row">
            <span className="transcript-time">
              {clockText(s.startMs)}–{clockText(s.endMs)}
            </span>
            {editable ? (
              <Input.TextArea
                autoSize={{ minRows: 1, maxRows: 6 }}
                maxLength={2000}
                value={s.text}
                aria-label={`第${i + 1}段 ${clockText(s.startMs)}`}
                onChange={(e) => {
                  setDirty(true);
                  setSegments((list) => list.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)));
                }}
              />
            ) : (
              <span>{s.text}</span>
            )}
          </li>
        ))}
      </ol>
      {editable && (
        <Space>
          <Button type="primary" onClick={() => void submit()} loading={save.isPending} disabled={!dirty}>
            保存转写稿
          </Button>
          {t.editedAt && <Typography.Text type="secondary">上次修改 {formatDateTime(t.editedAt)}</Typography.Text>}
        </Space>
      )}
    </div>
  );
}

export function TranscriptTab({ m }: { m: MeetingDetail }) {
  const { message } = App.useApp();
  const q = useTranscript(m.id);
  const upload = useUploadAudio(m.id);
  const send = async (file: Blob, fileName: string) => {
    try {
      await upload.mutateAsync({ file, fileName });
      message.success('录音已上传，正在排队转写');
    } catch (e) {
      message.error(`上传失败：${errorMessage(e)}`);
    }
  };
  const recorder = useRecorder((blob) => void send(blob, `会议录音-${todayShanghai()}.webm`));

  if (q.isPending) return <PageLoading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="转写情况加载失败" />;
  const { engine, transcript: t } = q.data;
  const busy = !!t && (t.status === 'queued' || t.status === 'running');
  const canUpload = m.me.canManage && m.status !== 'cancelled' && engine.ready && !busy;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {!engine.ready ? (
        <Alert
          type="warning"
          showIcon
          data-testid="asr-not-ready"
          title="本系统暂不能转写录音"
          description={
            <>
              <div>{engine.reason}</div>
              <div>会议记录可以直接在“会议记录”中录入，不需要录音。</div>
            </>
          }
        />
      ) : (
        <Typography.Text type="secondary">上传会议录音（或在浏览器中直接录音），系统在后台转写为带时间的文字，转写稿可以修改，也可作为填写会议记录的参考。录音不是必须的。</Typography.Text>
      )}
      {m.me.canManage && m.status !== 'cancelled' && engine.ready && (
        <Space wrap>
          <Upload
            accept="audio/*,.wav,.mp3,.m4a,.aac,.ogg,.webm,.amr"
            showUploadList={false}
            disabled={!canUpload || upload.isPending || recorder.recording}
            beforeUpload={(file) => {
              void send(file, file.name);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} loading={upload.isPending} disabled={!canUpload || recorder.recording}>
              上传录音
            </Button>
          </Upload>
          {canRecord() &&
            (recorder.recording ? (
              <Button danger icon={<BorderOutlined />} onClick={recorder.stop}>
                停止录音（{clockText(recorder.elapsedMs)}）
              </Button>
            ) : (
              <Button icon={<AudioOutlined />} onClick={() => void recorder.start()} disabled={!canUpload || upload.isPending}>
                在浏览器中录音
              </Button>
            ))}
          {busy && <Typography.Text type="secondary">当前录音转写完成后可再上传。</Typography.Text>}
        </Space>
      )}
      {recorder.error && <Alert type="error" showIcon role="alert" title={recorder.error} />}
      {!t ? (
        <Typography.Paragraph type="secondary">还没有录音转写。</Typography.Paragraph>
      ) : (
        <div data-testid="transcript">
          <Typography.Paragraph>
            录音：{t.fileName}
            {t.durationMs !== null && `（时长 ${clockText(t.durationMs)}）`}
            <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
              上传于 {formatDateTime(t.createdAt)}
            </Typography.Text>
          </Typography.Paragraph>
          {busy ? (
            <div data-testid="transcript-progress">
              <Typography.Text>{t.status === 'queued' ? '排队等待转写…' : '正在转写…'}</Typography.Text>
              <Progress percent={t.progress} status="active" />
            </div>
          ) : t.status === 'failed' ? (
            <Alert type="error" showIcon role="alert" title="转写失败" description={`${t.errorMessage ?? '语音识别失败'}。会议和会议记录不受影响；可以重新上传录音。`} />
          ) : (
            <SegmentEditor key={`${t.id}:${t.version}`} m={m} t={t} editable={m.me.canManage} />
          )}
        </div>
      )}
    </Space>
  );
}
