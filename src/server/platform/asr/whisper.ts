import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors';
import { progressReporter, type AsrEngine, type EngineStatus, type TranscribeOptions, type TranscriptSegment } from './engine';

// whisper.cpp through @napi-rs/whisper, with a ggml model file the operator
// downloads and names in ASR_MODEL_PATH (a multilingual one: ggml-small.bin,
// ggml-medium.bin, ggml-large-v3-turbo.bin; the *.en models know no Chinese).
//
// whisper's full() is synchronous CPU work of minutes, so it runs in a child
// process (whisper.worker.ts), one per transcription, ended afterwards (the
// model's memory goes with it; a crash of whisper.cpp ends only the child).
// The audio goes through in chunks of about 30 seconds cut at the quietest
// moment near each boundary: the binding delivers whisper's own progress and
// segment callbacks only once full() returns, so progress is reported chunk by
// chunk.

export const WHISPER_ENGINE_NAME = 'whisper.cpp';

/** Nudges the model towards Simplified Chinese and meeting vocabulary (whisper otherwise often writes Traditional characters). */
export const ZH_INITIAL_PROMPT = '以下是普通话的党支部会议记录。';

const SAMPLE_RATE = 16000;
const CHUNK_SECONDS = 30;
const CUT_SEARCH_SECONDS = 5;
/** whisper.cpp returns nothing for less than a second of audio: shorter chunks are padded with silence */
const MIN_CHUNK_SAMPLES = Math.ceil(SAMPLE_RATE * 1.05);
/** a chunk whose loudest 20 ms is quieter than this (-80 dBFS) is digital silence and is not transcribed */
const SILENT_RMS = 1e-4;
/** while a chunk is being transcribed, the last progress is repeated this often (the job runner takes a job with no heartbeat for 5 minutes as dead) */
const HEARTBEAT_MS = 60_000;
/** ggml model files begin with the magic 0x67676d6c, written little-endian */
const GGML_MAGIC = Buffer.from([0x6c, 0x6d, 0x67, 0x67]);

export interface WhisperEngineOptions {
  /** CPU threads for whisper; default: all cores but one (at least 1, at most 8) */
  threads?: number;
}

export interface AudioChunk {
  start: number;
  end: number;
  silent: boolean;
}

/** What the child process is sent to do. */
export interface WhisperJob {
  modelPath: string;
  threads: number;
  language: string;
  initialPrompt: string;
  /** the 16 kHz samples as raw little-endian float32 */
  samplesPath: string;
  chunks: AudioChunk[];
  minChunkSamples: number;
}

/** Messages from the child process. */
export type WhisperWorkerMessage =
  | { type: 'started' }
  | { type: 'loaded' }
  | { type: 'chunk'; index: number; segments: TranscriptSegment[] }
  | { type: 'done' }
  | { type: 'failed'; stage: 'load' | 'transcribe'; message: string };

export function defaultThreads(): number {
  return Math.max(1, Math.min(8, os.availableParallelism() - 1));
}

/**
 * Splits the samples into chunks of about `chunkSeconds`, each cut at the
 * quietest 20 ms within the last `searchSeconds` before its nominal end (a
 * pause between words rather than the middle of one; the latest of equally
 * quiet ones); a tail shorter than a second joins the chunk before it.
 */
export function planChunks(samples: Float32Array, sampleRate: number, opts: { chunkSeconds?: number; searchSeconds?: number } = {}): AudioChunk[] {
  const chunkLen = Math.round((opts.chunkSeconds ?? CHUNK_SECONDS) * sampleRate);
  const searchLen = Math.round((opts.searchSeconds ?? CUT_SEARCH_SECONDS) * sampleRate);
  const frame = Math.max(1, Math.round(sampleRate * 0.02));
  const total = samples.length;
  const energy = (from: number, to: number) => {
    let sum = 0;
    for (let i = from; i < to; i++) sum += samples[i] * samples[i];
    return sum;
  };
  const chunks: AudioChunk[] = [];
  let start = 0;
  while (start < total) {
    let end = start + chunkLen;
    if (end >= total - sampleRate) {
      end = total;
    } else {
      let best = end;
      let bestEnergy = Infinity;
      for (let at = Math.max(start + frame, end - searchLen); at + frame <= end; at += frame) {
        const e = energy(at, at + frame);
        if (e <= bestEnergy) {
          bestEnergy = e;
          best = at + Math.floor(frame / 2);
        }
      }
      end = best;
    }
    let peak = 0;
    for (let at = start; at < end; at += frame) peak = Math.max(peak, energy(at, Math.min(end, at + frame)) / Math.min(frame, end - at));
    chunks.push({ start, end, silent: Math.sqrt(peak) < SILENT_RMS });
    start = end;
  }
  return chunks;
}

function modelStatus(modelPath: string): EngineStatus {
  const engine = WHISPER_ENGINE_NAME;
  let fd: number | null = null;
  try {
    const st = fs.statSync(modelPath);
    if (!st.isFile()) return { ready: false, engine, reason: `ASR_MODEL_PATH 指向的不是模型文件：${modelPath}` };
    fd = fs.openSync(modelPath, 'r');
    const head = Buffer.alloc(4);
    fs.readSync(fd, head, 0, 4, 0);
    if (!head.equals(GGML_MAGIC)) return { ready: false, engine, reason: `ASR_MODEL_PATH 指向的文件不是 whisper.cpp 的 ggml 模型：${modelPath}` };
    return { ready: true, engine, model: path.basename(modelPath) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ready: false, engine, reason: `ASR_MODEL_PATH 指向的模型文件不存在：${modelPath}` };
    return { ready: false, engine, reason: `ASR_MODEL_PATH 指向的模型文件无法读取：${modelPath}` };
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/** Variables the child process gets: enough to run Node, none of the server's secrets. */
const CHILD_ENV_KEYS = ['PATH', 'HOME', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LC_ALL', 'LD_LIBRARY_PATH', 'SYSTEMROOT'];

/**
 * The child process that runs whisper. A process, not a worker thread: a model
 * file that is truncated or of another kind can make whisper.cpp abort
 * (GGML_ASSERT), which ends the whole process it runs in. Under tsx (how this
 * project runs) the child loads tsx's loader to import the .ts file.
 */
function startChild(): ChildProcess {
  const url = new URL('./whisper.worker.ts', import.meta.url);
  const execArgv = url.pathname.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  const env = Object.fromEntries(CHILD_ENV_KEYS.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
  return fork(fileURLToPath(url), [], { execArgv, env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
}

/** The whisper.cpp engine; the model is read only when a transcription starts, in its child process. */
export function createWhisperEngine(modelPath: string, opts: WhisperEngineOptions = {}): AsrEngine {
  const resolved = path.resolve(modelPath);
  const threads = opts.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`createWhisperEngine: threads must be a positive integer, not ${threads}`);
  // one transcription at a time: each holds the model in memory and uses the cores given to it
  let queue: Promise<unknown> = Promise.resolve();

  const status = () => modelStatus(resolved);

  async function run(pcm: { samples: Float32Array; sampleRate: number }, o: TranscribeOptions): Promise<TranscriptSegment[]> {
    o.signal?.throwIfAborted();
    const st = status();
    if (!st.ready) throw new AppError('ASR_NOT_CONFIGURED', st.reason);
    if (pcm.sampleRate !== SAMPLE_RATE) throw new Error(`whisper needs ${SAMPLE_RATE} Hz samples, got ${pcm.sampleRate} Hz (decode with decodeToPcm)`);
    let stop: (err: unknown) => void = () => undefined;
    const progress = progressReporter(o.onProgress, (e) => stop(e));
    progress.report(0);
    const chunks = planChunks(pcm.samples, SAMPLE_RATE);
    if (!chunks.some((c) => !c.silent)) {
      progress.report(100);
      await progress.settle();
      return [];
    }
    const total = pcm.samples.length;
    const byChunk: TranscriptSegment[][] = [];
    // the samples go to the child through a private temporary file (an hour is 230 MB)
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'asr-'));
    let child: ChildProcess | null = null;
    const heartbeat = setInterval(() => progress.repeat(), HEARTBEAT_MS);
    heartbeat.unref();
    try {
      const samplesPath = path.join(dir, 'samples.f32');
      await fsp.writeFile(samplesPath, new Uint8Array(pcm.samples.buffer, pcm.samples.byteOffset, pcm.samples.byteLength), { mode: 0o600 });
      const job: WhisperJob = {
        modelPath: resolved,
        threads,
        language: o.language,
        initialPrompt: o.language === 'zh' ? ZH_INITIAL_PROMPT : '',
        samplesPath,
        chunks,
        minChunkSamples: MIN_CHUNK_SAMPLES,
      };
      const proc = (child = startChild());
      let stderr = '';
      proc.stderr?.setEncoding('utf8').on('data', (t: string) => {
        stderr = (stderr + t).slice(-4000);
      });
      await new Promise<void>((resolve, reject) => {
        let settled = false;
        let stage: 'start' | 'load' | 'transcribe' = 'start';
        const finish = (err?: unknown) => {
          if (settled) return;
          settled = true;
          o.signal?.removeEventListener('abort', onAbort);
          if (err === undefined) resolve();
          else reject(err);
        };
        const onAbort = () => finish(o.signal?.reason ?? new Error('aborted'));
        o.signal?.addEventListener('abort', onAbort, { once: true });
        stop = finish;
        const loadFailed = (detail: Record<string, unknown>) =>
          new AppError('ASR_FAILED', '语音识别模型无法加载，请系统管理员检查 ASR_MODEL_PATH 指向的模型文件', { stage: 'load', modelPath: resolved, ...detail });
        proc.on('message', (m: WhisperWorkerMessage) => {
          if (m.type === 'started') {
            stage = 'load';
          } else if (m.type === 'loaded') {
            stage = 'transcribe';
          } else if (m.type === 'chunk') {
            byChunk[m.index] = m.segments;
            progress.report((chunks[m.index].end / total) * 100);
          } else if (m.type === 'done') {
            finish();
          } else if (m.type === 'failed') {
            finish(m.stage === 'load' ? loadFailed({ cause: m.message }) : new AppError('ASR_FAILED', undefined, { stage: m.stage, cause: m.message }));
          }
        });
        proc.once('error', (e) => finish(new AppError('ASR_FAILED', undefined, { stage: 'start', cause: e.message })));
        // 'close' comes after the last message and the last of stderr
        proc.once('close', (code, signal) => {
          const detail = { exitCode: code, signal, stderr };
          finish(stage === 'load' ? loadFailed(detail) : new AppError('ASR_FAILED', undefined, { stage, ...detail }));
        });
        proc.send(job);
      });
    } finally {
      clearInterval(heartbeat);
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await fsp.rm(dir, { recursive: true, force: true });
    }
    progress.report(100);
    await progress.settle();
    return byChunk.flat().sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  }

  return {
    name: WHISPER_ENGINE_NAME,
    status,
    transcribe(pcm, o) {
      const next = queue.then(() => run(pcm, o));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
