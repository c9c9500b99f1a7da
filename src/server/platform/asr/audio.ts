import { spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { fileTypeFromBuffer } from 'file-type';
import { AppError } from '../errors';

// Uploaded or browser-recorded audio: its type is checked from the bytes (never
// the name), then the ffmpeg binary shipped in @ffmpeg-installer turns it into
// what the speech engines take: 16 kHz mono 32-bit float PCM.

export const ASR_SAMPLE_RATE = 16000;

/** Accepted audio, by the MIME type that file-type reports for the content, with the name people know the format by. */
export const AUDIO_MIME: Readonly<Record<string, string>> = {
  'audio/mpeg': 'MP3',
  'audio/wav': 'WAV',
  // iPhone voice memos and most phone recorders; Safari's MediaRecorder writes MP4
  'audio/x-m4a': 'M4A',
  'audio/mp4': 'M4A',
  'video/mp4': 'MP4',
  'audio/aac': 'AAC',
  'audio/ogg': 'OGG',
  // Firefox's MediaRecorder
  'audio/ogg; codecs=opus': 'OPUS',
  // Chrome's and Edge's MediaRecorder (file-type names every WebM video/webm)
  'video/webm': 'WebM',
  'audio/amr': 'AMR',
  // Android call and voice recorders
  'video/3gpp': '3GP',
  'audio/flac': 'FLAC',
};

const ACCEPTED_NAMES = [...new Set(Object.values(AUDIO_MIME))].join('、');

export interface AudioType {
  mime: string;
  ext: string;
}

/** The content's audio type, or AUDIO_TYPE_NOT_ALLOWED naming the accepted formats. */
export async function detectAudioType(data: Uint8Array): Promise<AudioType> {
  const t = await fileTypeFromBuffer(data);
  if (!t || !Object.hasOwn(AUDIO_MIME, t.mime)) {
    throw new AppError('AUDIO_TYPE_NOT_ALLOWED', `不支持的音频格式，请上传 ${ACCEPTED_NAMES} 格式的录音文件`, { detected: t?.mime ?? null });
  }
  return { mime: t.mime, ext: t.ext };
}

/** An upload checked before it is stored: at most maxBytes (AUDIO_TOO_LARGE), of an accepted audio type. */
export async function checkAudioUpload(data: Uint8Array, opts: { maxBytes: number }): Promise<AudioType> {
  if (data.byteLength > opts.maxBytes) {
    throw new AppError('AUDIO_TOO_LARGE', `录音文件超过大小限制（最大 ${formatMegabytes(opts.maxBytes)}），请压缩或分段后上传`, { maxBytes: opts.maxBytes, bytes: data.byteLength });
  }
  if (data.byteLength === 0) throw new AppError('AUDIO_CORRUPT', '录音文件是空的，请重新上传');
  return detectAudioType(data);
}

function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

/** The ffmpeg binary shipped in the npm package (no system ffmpeg is needed). */
export function ffmpegPath(): string {
  return ffmpeg.path;
}

export interface Pcm {
  samples: Float32Array;
  sampleRate: typeof ASR_SAMPLE_RATE;
  durationMs: number;
}

export interface DecodeOptions {
  /** longer audio is refused with AUDIO_TOO_LONG (ffmpeg stops reading a second past it) */
  maxSeconds: number;
  /** stops ffmpeg (the promise rejects with an AbortError) */
  signal?: AbortSignal;
}

const STDERR_KEEP = 4000;

/**
 * Decodes any audio ffmpeg reads into 16 kHz mono float samples. The input
 * goes through a private temporary file rather than a pipe: MP4/M4A keep
 * their index (moov) at the end and ffmpeg must seek to read them, and MP3's
 * gapless header is applied only to a seekable input.
 *
 * A file ffmpeg cannot read, or one that decodes to no samples at all, is
 * AUDIO_CORRUPT; ffmpeg's own words go to `details` (for the log), not to the
 * message.
 */
export async function decodeToPcm(input: Uint8Array, opts: DecodeOptions): Promise<Pcm> {
  if (!(opts.maxSeconds > 0)) throw new Error('decodeToPcm: maxSeconds must be positive');
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'asr-'));
  try {
    const file = path.join(dir, 'input');
    await fsp.writeFile(file, input, { mode: 0o600 });
    const args = [
      '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error',
      '-i', file,
      '-vn', '-sn', '-dn',
      '-t', String(Math.ceil(opts.maxSeconds) + 1),
      '-ac', '1', '-ar', String(ASR_SAMPLE_RATE),
      '-f', 'f32le', 'pipe:1',
    ];
    const result = await run(ffmpegPath(), args, opts.signal);
    const { code, stdout, bytes } = result;
    // the temporary path means nothing in a log
    const stderr = result.stderr.replaceAll(file, 'input');
    if (code !== 0) {
      const noAudio = /does not contain any stream|matches no streams|Output file .* does not contain/i.test(stderr);
      throw new AppError('AUDIO_CORRUPT', noAudio ? '文件中没有可识别的音频内容，请重新上传' : undefined, { ffmpegExitCode: code, ffmpegStderr: stderr });
    }
    const count = Math.floor(bytes / 4);
    if (count === 0) throw new AppError('AUDIO_CORRUPT', undefined, { ffmpegExitCode: code, ffmpegStderr: stderr, samples: 0 });
    // the chunks copied straight into one aligned array (an hour is 230 MB: no concatenated copy in between)
    const samples = new Float32Array(count);
    const view = new Uint8Array(samples.buffer);
    let at = 0;
    for (const chunk of stdout) {
      const part = chunk.subarray(0, Math.min(chunk.byteLength, view.byteLength - at));
      view.set(part, at);
      at += part.byteLength;
    }
    const durationMs = Math.round((count * 1000) / ASR_SAMPLE_RATE);
    if (durationMs > opts.maxSeconds * 1000) {
      throw new AppError('AUDIO_TOO_LONG', `录音时长超过限制（最长 ${formatDuration(opts.maxSeconds)}），请分段上传`, { maxSeconds: opts.maxSeconds });
    }
    return { samples, sampleRate: ASR_SAMPLE_RATE, durationMs };
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} 小时`;
  if (seconds % 60 === 0) return `${seconds / 60} 分钟`;
  return `${seconds} 秒`;
}

/** Runs a program with an argument list (never a shell); resolves with its exit code, stdout and the tail of stderr. */
function run(cmd: string, args: string[], signal?: AbortSignal): Promise<{ code: number | null; stdout: Buffer[]; bytes: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], signal, windowsHide: true });
    const out: Buffer[] = [];
    let bytes = 0;
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      out.push(b);
      bytes += b.byteLength;
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      err = (err + s).slice(-STDERR_KEEP);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: out, bytes, stderr: err.trim() }));
  });
}
