import crypto from 'node:crypto';
import { AlignmentType, Document, Packer } from 'docx';
import { docxDate, docxHeading, docxParagraph } from '../../platform/docx';
import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { covers, unscoped } from '../../platform/scope';
import { detectAllowedType, safeFileName } from '../../platform/files';
import { checkAudioUpload, createAsrEngineFromConfig, decodeToPcm, type AsrEngine } from '../../platform/asr';
import { MEETING_TYPES, type MeetingKeywords, type SaveTranscriptBody, type TranscriptView } from '../../../contracts/meeting';
import * as repo from './meeting.repo';
import { attendanceSummary, recordText } from './meeting.policy';
import { documentFrequencies, extractKeywords, tokenize, type CorpusStats } from './meeting.keywords';
import { findReadable, lockForChange } from './meeting.service';

// What a meeting carries besides its minutes: photos and documents (never
// required as proof, RULES §8), recordings transcribed by a background job
// through the speech engine interface, keywords over the minutes and the
// transcript, and the draft meeting report (.docx) the recorder finishes.

let engine: AsrEngine | null = null;
/** The speech engine of this process (from the configuration, made once). */
export function asrEngine(deps: Deps): AsrEngine {
  engine ??= createAsrEngineFromConfig(deps.config.asr);
  return engine;
}

const PHOTO_TYPES = ['image/png', 'image/jpeg'];

async function readUpload(req: { file(opts: { limits: { fileSize: number; files: number } }): Promise<{ filename: string; toBuffer(): Promise<Buffer>; file: { truncated: boolean } } | undefined> }, maxBytes: number, tooLarge: () => AppError) {
  const file = await req.file({ limits: { fileSize: maxBytes, files: 1 } });
  if (!file) throw new AppError('VALIDATION_FAILED', '请选择文件');
  const data = await file.toBuffer();
  if (file.file.truncated) throw tooLarge();
  return { data, name: file.filename };
}

export type UploadRequest = Parameters<typeof readUpload>[0];

async function storeFile(deps: Deps, ctx: ActorContext, meetingId: string, data: Buffer, name: string, mime: string, kind: 'photo' | 'document' | 'audio') {
  const key = await deps.files.put(data);
  try {
    return await deps.db.tx(async (t) => {
      const m = await lockForChange(t, ctx, meetingId);
      if (m.status === 'cancelled') throw new AppError('MEETING_STATE', '会议已取消');
      const row = await repo.insertStoredFile(t, { ownerId: meetingId, orgId: m.org_id, fileName: name, mime, sizeBytes: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex'), storageKey: key, createdBy: ctx.actor.accountId });
      await repo.insertMeetingFile(t, meetingId, row.id, kind);
      await auditInTx(t, ctx, { action: 'meeting.file_upload', objectType: 'meeting', objectId: meetingId, orgId: m.org_id, detail: { fileId: row.id, kind, size: data.length, mime } });
      return { fileId: row.id, meeting: m };
    });
  } catch (e) {
    await deps.files.remove(key);
    throw e;
  }
}

/** A photo or a document attached to the meeting. */
export async function uploadMeetingFile(deps: Deps, ctx: ActorContext, meetingId: string, kind: 'photo' | 'document', req: UploadRequest): Promise<string> {
  await lockForChangeCheck(deps, ctx, meetingId);
  const { data, name } = await readUpload(req, deps.config.fileMaxBytes, () => new AppError('FILE_TOO_LARGE', `文件不能超过 ${Math.round(deps.config.fileMaxBytes / 1024 / 1024)} MB`));
  const mime = await detectAllowedType(data, kind === 'photo' ? PHOTO_TYPES : undefined);
  return (await storeFile(deps, ctx, meetingId, data, safeFileName(name, kind === 'photo' ? 'photo' : 'file'), mime, kind)).fileId;
}

/** Fails early (before reading the upload) when the caller may not change the meeting. */
async function lockForChangeCheck(deps: Deps, ctx: ActorContext, meetingId: string) {
  await deps.db.tx((t) => lockForChange(t, ctx, meetingId));
}

/** A file of a meeting, for whoever may read the meeting (its attendees included). */
export async function meetingFile(deps: Deps, ctx: ActorContext, meetingId: string, fileId: string) {
  await findReadable(deps.db, ctx, meetingId);
  const f = await repo.findMeetingFile(deps.db, meetingId, fileId);
  if (!f) throw notFound();
  return { fileName: f.file_name, mime: f.mime, data: await deps.files.get(f.storage_key) };
}

/** A recording: stored, and a transcription job queued. The job's progress is the transcript's. */
export async function uploadMeetingAudio(deps: Deps, ctx: ActorContext, meetingId: string, req: UploadRequest): Promise<string> {
  await lockForChangeCheck(deps, ctx, meetingId);
  const status = asrEngine(deps).status();
  if (!status.ready) throw new AppError('ASR_NOT_CONFIGURED', status.reason);
  const max = deps.config.meetingAudio.maxBytes;
  const { data, name } = await readUpload(req, max, () => new AppError('AUDIO_TOO_LARGE', `录音文件超过大小限制（最大 ${Math.round(max / 1024 / 1024)} MB），请压缩或分段后上传`));
  const type = await checkAudioUpload(data, { maxBytes: max });
  const { fileId, meeting } = await storeFile(deps, ctx, meetingId, data, safeFileName(name, `recording.${type.ext}`), type.mime, 'audio');
  const transcriptId = await deps.db.tx(async (t) => {
    const id = await repo.insertTranscript(t, meetingId, fileId, status.engine, ctx.actor.accountId);
    const jobId = await deps.jobs.enqueue('meeting.transcribe', { transcriptId: id }, { createdBy: ctx.actor.accountId, orgId: meeting.org_id, maxAttempts: 1 });
    await repo.setTranscriptJob(t, id, jobId);
    return id;
  });
  return transcriptId;
}

/**
 * The job: decode with ffmpeg, transcribe, store the segments. A recording
 * that cannot be decoded fails the transcript with its code and Chinese
 * message; the meeting and its minutes are untouched.
 */
export async function runTranscription(deps: Deps, transcriptId: string, progress: (done: number, total?: number | null, message?: string | null) => Promise<void>) {
  const row = await repo.findTranscript(deps.db, transcriptId);
  if (!row || row.status === 'done') return { skipped: true };
  await repo.transcriptRunning(deps.db, transcriptId);
  try {
    const data = await deps.files.get(row.storage_key);
    const pcm = await decodeToPcm(data, { maxSeconds: deps.config.meetingAudio.maxSeconds });
    let last = -1;
    const segments = await asrEngine(deps).transcribe(pcm, {
      language: 'zh',
      onProgress: async (p) => {
        const pct = Math.max(0, Math.min(99, Math.floor(p)));
        if (pct === last) return;
        last = pct;
        await repo.transcriptProgress(deps.db, transcriptId, pct);
        await progress(pct, 100, '语音转写中');
      },
    });
    await repo.transcriptDone(deps.db, transcriptId, pcm.durationMs, segments.map((s) => ({ startMs: Math.round(s.startMs), endMs: Math.round(s.endMs), text: s.text.trim() })).filter((s) => s.text));
    return { segments: segments.length, durationMs: pcm.durationMs };
  } catch (e) {
    const code = e instanceof AppError ? e.code : 'ASR_FAILED';
    const message = e instanceof AppError ? e.message : '语音识别失败，请稍后重新上传；如持续出现请联系系统管理员';
    await repo.transcriptFailed(deps.db, transcriptId, code, message);
    return { failed: code };
  }
}

export async function getMeetingTranscript(deps: Deps, ctx: ActorContext, meetingId: string): Promise<TranscriptView> {
  const m = await findReadable(deps.db, ctx, meetingId);
  const s = asrEngine(deps).status();
  const engineView = s.ready ? { ready: true, name: s.engine, reason: null } : { ready: false, name: s.engine, reason: s.reason };
  const t = covers(ctx.actor, 'meeting.read', { id: m.org_id, path: m.org_path }) ? await repo.latestTranscript(deps.db, meetingId) : null;
  return {
    engine: engineView,
    transcript: t ? {
      id: t.id, status: t.status, progress: t.progress, durationMs: t.duration_ms, segments: t.segments, errorCode: t.error_code, errorMessage: t.error_message,
      fileName: t.file_name, editedAt: t.edited_at, createdAt: t.created_at, version: t.version,
    } : null,
  };
}

export async function saveMeetingTranscript(deps: Deps, ctx: ActorContext, meetingId: string, body: SaveTranscriptBody) {
  await deps.db.tx(async (t) => {
    const m = await lockForChange(t, ctx, meetingId);
    const tr = await repo.latestTranscript(t, meetingId);
    if (!tr || tr.status !== 'done') throw new AppError('MEETING_STATE', '转写尚未完成，不能编辑');
    if (tr.version !== body.version) throw new AppError('CONFLICT', '转写稿已被他人修改，请刷新后重试');
    if (body.segments.some((s) => s.endMs < s.startMs)) throw new AppError('VALIDATION_FAILED', '每段的结束时间须不早于开始时间', { issues: [{ field: 'segments', message: '时间不正确' }] });
    await repo.saveTranscript(t, tr.id, body.segments, ctx.actor.accountId);
    await auditInTx(t, ctx, { action: 'meeting.transcript_edit', objectType: 'meeting', objectId: meetingId, orgId: m.org_id, detail: { segments: body.segments.length } });
  });
}

// ---------------------------------------------------------------- keywords

const CORPUS_TTL_MS = 6 * 3600_000;
const CORPUS_DOCUMENTS = 500;
let corpus: { stats: CorpusStats; at: number } | null = null;

/** Document frequencies over the installation's latest minutes, rebuilt every few hours (statistics only: no text leaves this function). */
async function corpusStats(deps: Deps): Promise<CorpusStats> {
  const now = Date.now();
  if (corpus && now - corpus.at < CORPUS_TTL_MS) return corpus.stats;
  const records = await repo.latestRecords(deps.db, unscoped('document frequencies of the installation\'s minutes: counts of words, no text is returned'), CORPUS_DOCUMENTS);
  const stats = documentFrequencies(records.map((r) => tokenize(`${r.agenda}\n${recordText(r.record)}`)));
  corpus = { stats, at: now };
  return stats;
}

/** The text keywords are drawn from: the minutes (agenda, resolutions, record) and the latest finished transcript. */
async function meetingText(deps: Deps, meetingId: string) {
  const [minutes, tr] = await Promise.all([repo.findMinutes(deps.db, meetingId), repo.latestTranscript(deps.db, meetingId)]);
  const parts: string[] = [];
  if (minutes) parts.push(minutes.agenda, ...minutes.resolutions, recordText(minutes.record));
  const transcript = tr?.status === 'done' ? tr.segments.map((s) => s.text).join('\n') : '';
  return { minutes: !!minutes && parts.some((p) => p.trim()), transcript: !!transcript, text: [...parts, transcript].filter(Boolean).join('\n') };
}

export async function getMeetingKeywords(deps: Deps, ctx: ActorContext, meetingId: string): Promise<MeetingKeywords> {
  await findReadable(deps.db, ctx, meetingId);
  const src = await meetingText(deps, meetingId);
  const stats = await corpusStats(deps);
  const k = extractKeywords(src.text, { corpus: stats, limit: 40 });
  return {
    source: { minutes: src.minutes, transcript: src.transcript, characters: src.text.length },
    highFrequency: k.highFrequency, tfidf: k.tfidf, textRank: k.textRank, corpusDocuments: stats.documents,
  };
}

// ---------------------------------------------------------------- the report

const p = docxParagraph;
const h = docxHeading;

/** The draft meeting report: facts, attendance, keywords and resolutions filled in; the recorder finishes it. */
export async function renderMeetingReport(deps: Deps, ctx: ActorContext, meetingId: string): Promise<{ fileName: string; data: Buffer }> {
  const m = await findReadable(deps.db, ctx, meetingId);
  if (!covers(ctx.actor, 'meeting.read', { id: m.org_id, path: m.org_path })) throw notFound();
  if (m.status !== 'held') throw new AppError('MEETING_STATE', '会议召开后才能生成会议报告');
  const [att, minutes, corr] = await Promise.all([repo.attendees(deps.db, meetingId), repo.findMinutes(deps.db, meetingId), repo.corrections(deps.db, meetingId)]);
  const sum = attendanceSummary(att.map((a) => ({ attendance: a.attendance, leaveStatus: a.leave_status, canVote: a.can_vote })));
  const kw = await getMeetingKeywords(deps, ctx, meetingId);
  const names = (f: (a: repo.AttendeeRow) => boolean) => att.filter(f).map((a) => a.person_name).join('、') || '无';
  const onLeave = (a: repo.AttendeeRow) => a.leave_status === 'approved' && a.attendance !== 'present';
  const time = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }) : null);
  const when = [m.held_on, time(m.starts_at) && `${time(m.starts_at)}${m.ends_at ? `—${time(m.ends_at)}` : ''}`].filter(Boolean).join(' ');
  const doc = new Document({
    creator: 'dangjian-cloud',
    title: `${m.title}会议报告`,
    sections: [{
      children: [
        p(`${m.org_name}${MEETING_TYPES[m.type]}情况报告`, { bold: true, size: 36, align: AlignmentType.CENTER }),
        p('（草稿：由系统根据会议记录生成，请记录人核对完善）', { size: 21, align: AlignmentType.CENTER }),
        h('一、会议基本情况'),
        p(`会议名称：${m.title}`),
        p(`会议时间：${when}`),
        p(`会议地点：${m.location ?? '（未填写）'}`),
        p(`主持人：${m.host_name ?? '（未填写）'}\u3000\u3000记录人：${m.recorder_name ?? '（未填写）'}`),
        ...(m.type === 'party_lecture' ? [p(`授课人：${m.lecturer ?? '（未填写）'}\u3000\u3000党课主题：${m.topic ?? '（未填写）'}`)] : []),
        h('二、出席情况'),
        p(`应到${sum.expected}人，请假${sum.onLeave}人，实到${sum.present}人，缺席${sum.absent}人${sum.rate === null ? '' : `，出席率${(sum.rate * 100).toFixed(1)}%（按扣除请假人数计）`}；有表决权的到会党员${sum.votingPresent}人。`),
        p(`出席：${names((a) => a.attendance === 'present')}`),
        p(`请假：${names(onLeave)}`),
        p(`缺席：${names((a) => a.attendance !== 'present' && !onLeave(a))}`),
        h('三、会议议程'),
        ...(minutes?.agenda ? minutes.agenda.split(/\n+/).map((line) => p(line)) : [p('（未填写）')]),
        h('四、会议主要内容'),
        p(`本次会议的高频词与关键词：${kw.tfidf.slice(0, 10).map((k) => k.word).join('、') || '（会议记录尚无内容）'}。`),
        ...(minutes ? recordText(minutes.record).split(/\n+/).filter((l) => l.trim()).map((line) => p(line)) : []),
        h('五、会议决议'),
        ...(minutes?.resolutions.length ? minutes.resolutions.map((r, i) => p(`${i + 1}. ${r}`)) : [p('本次会议未形成决议。')]),
        ...(corr.length ? [h('六、更正说明'), ...corr.map((c) => p(`${c.recorded_at.slice(0, 10)} ${c.actor_name}：${c.body}`))] : []),
        p(''),
        p(`${m.org_name}`, { align: AlignmentType.RIGHT }),
        p(docxDate(deps.clock.today()), { align: AlignmentType.RIGHT }),
      ],
    }],
  });
  return { fileName: `${m.org_name}${m.title}会议报告.docx`, data: await Packer.toBuffer(doc) };
}
