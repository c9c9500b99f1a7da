import { spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ffmpegPath } from '../../platform/asr/audio';

// The video work of a post, with the ffmpeg binary shipped in the npm package
// @ffmpeg-installer/ffmpeg: read the duration, transcode to H.264/AAC mp4 at
// most 720p (1280 wide for landscape, 720 wide for portrait) with the index at
// the front (playback starts before the whole file arrives), and take a JPEG
// thumbnail from the transcoded file. Inputs go through a private temporary
// directory (mp4/mov keep their index at the end: ffmpeg must seek).

export class VideoError extends Error {
  constructor(readonly userMessage: string, readonly detail: string) {
    super(userMessage);
  }
}

export interface Transcoded {
  video: Buffer;
  thumbnail: Buffer;
  durationMs: number;
}

const STDERR_KEEP = 4000;

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), ['-hide_banner', '-nostdin', '-nostats', ...args], { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      err = (err + s).slice(-STDERR_KEEP);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr: err }));
  });
}

/** The duration ffmpeg reports for a file it reads ("Duration: 00:00:02.04"), in milliseconds; null when none. */
export function durationFromLog(stderr: string): number | null {
  const m = /Duration: (\d+):(\d{2}):(\d{2})(?:\.(\d+))?/.exec(stderr);
  if (!m) return null;
  const frac = m[4] ? Number(`0.${m[4]}`) : 0;
  return Math.round(((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3]) + frac) * 1000);
}

/** Transcodes an uploaded video; a video longer than `maxSeconds`, or one ffmpeg cannot read, is a VideoError with a Chinese message. */
export async function transcodeVideo(input: Buffer, opts: { maxSeconds: number }): Promise<Transcoded> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'post-'));
  try {
    const src = path.join(dir, 'input');
    const out = path.join(dir, 'video.mp4');
    const thumb = path.join(dir, 'thumb.jpg');
    await fsp.writeFile(src, input, { mode: 0o600 });
    // reading the input alone prints its duration (and fails on what is not a video)
    const probe = await run(['-i', src]);
    const inputMs = durationFromLog(probe.stderr);
    if (!/Stream #\d+:\d+.*: Video:/.test(probe.stderr)) throw new VideoError('文件中没有可播放的视频画面，请重新上传', probe.stderr.replaceAll(src, 'input'));
    if (inputMs !== null && inputMs > opts.maxSeconds * 1000 + 500) throw new VideoError(`视频时长超过限制（最长 ${opts.maxSeconds} 秒），请剪辑后重新上传`, `duration ${inputMs} ms`);
    const enc = await run([
      '-loglevel', 'error', '-i', src, '-map', '0:v:0', '-map', '0:a:0?', '-t', String(opts.maxSeconds + 1),
      '-vf', "scale='min(iw,if(gte(iw,ih),1280,720))':-2,format=yuv420p",
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-profile:v', 'main',
      '-c:a', 'aac', '-b:a', '96k', '-ac', '2', '-movflags', '+faststart', '-y', out,
    ]);
    if (enc.code !== 0) throw new VideoError('视频无法解码，可能已损坏，请重新上传', enc.stderr.replaceAll(src, 'input'));
    // the thumbnail from the transcoded file, a second in (or the first frame of a shorter one); this read also gives the output's duration
    const outMs = durationFromLog((await run(['-i', out])).stderr) ?? inputMs ?? 0;
    const at = outMs > 2000 ? 1 : 0;
    const t = await run(['-loglevel', 'info', '-ss', String(at), '-i', out, '-frames:v', '1', '-vf', 'scale=480:-2', '-q:v', '4', '-y', thumb]);
    if (t.code !== 0) throw new VideoError('视频封面截取失败，请重新上传', t.stderr);
    return { video: await fsp.readFile(out), thumbnail: await fsp.readFile(thumb), durationMs: outMs };
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
