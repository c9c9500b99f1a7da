import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/server/platform/errors';
import { ConfigError, loadConfig } from '../../src/server/platform/config';
import {
  checkAudioUpload,
  createAsrEngine,
  createAsrEngineFromConfig,
  createToneScriptEngine,
  createUnconfiguredEngine,
  createWhisperEngine,
  decodeToPcm,
  detectAudioType,
  planChunks,
  type TranscriptSegment,
} from '../../src/server/platform/asr';
import { encodeWith, tinyWhisperModel, toneWav, wavFile, type ToneBurst } from '../helpers/audio';

// The speech-to-text pipeline of meeting recordings: content-type check, ffmpeg
// decoding to 16 kHz PCM, and the engines. The tone engine turns each burst of
// sound into one script line, so the timestamps seen here come from the audio.

const SCRIPT = ['同志们，现在开会。', '请大家发言。', '散会。'];
const BURSTS: ToneBurst[] = [
  { startMs: 300, endMs: 1100, freqHz: 440 },
  { startMs: 1600, endMs: 2300, freqHz: 660 },
  { startMs: 2900, endMs: 3700, freqHz: 550 },
];
const TOTAL_MS = 4200;
const WAV = toneWav({ totalMs: TOTAL_MS, bursts: BURSTS });

/** The rejection of `p`, which must be an AppError. */
async function appError(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

function expectScriptSegments(segments: TranscriptSegment[]) {
  expect(segments.map((s) => s.text)).toEqual(SCRIPT);
  segments.forEach((s, i) => {
    expect(Math.abs(s.startMs - BURSTS[i].startMs)).toBeLessThanOrEqual(60);
    expect(Math.abs(s.endMs - BURSTS[i].endMs)).toBeLessThanOrEqual(60);
  });
}

function expectWellFormed(segments: TranscriptSegment[], durationMs: number) {
  expect(Array.isArray(segments)).toBe(true);
  let previous = 0;
  for (const s of segments) {
    expect(Number.isInteger(s.startMs) && Number.isInteger(s.endMs)).toBe(true);
    expect(s.startMs).toBeGreaterThanOrEqual(previous);
    expect(s.endMs).toBeGreaterThanOrEqual(s.startMs);
    expect(s.endMs).toBeLessThanOrEqual(durationMs);
    expect(typeof s.text).toBe('string');
    expect(s.text.trim()).toBe(s.text);
    expect(s.text).not.toBe('');
    previous = s.startMs;
  }
}

describe('decoding uploaded audio', () => {
  it('reads a WAV, carries the real burst times through the tone engine, and reports rising progress to 100', async () => {
    expect(await detectAudioType(WAV)).toEqual({ mime: 'audio/wav', ext: 'wav' });
    const pcm = await decodeToPcm(WAV, { maxSeconds: 60 });
    expect(pcm.sampleRate).toBe(16000);
    expect(Math.abs(pcm.durationMs - TOTAL_MS)).toBeLessThanOrEqual(5);
    expect(pcm.samples.length).toBe(Math.round((pcm.durationMs * 16000) / 1000));

    const progress: number[] = [];
    const segments = await createToneScriptEngine(SCRIPT).transcribe(pcm, { language: 'zh', onProgress: (p) => { progress.push(p); } });
    expectScriptSegments(segments);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(100);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it.each([
    { name: 'MP3', args: ['-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3'], mime: 'audio/mpeg' },
    { name: 'OGG Vorbis', args: ['-c:a', 'libvorbis', '-f', 'ogg'], mime: 'audio/ogg' },
    { name: 'OGG Opus (Firefox recording)', args: ['-c:a', 'libopus', '-f', 'ogg'], mime: 'audio/ogg; codecs=opus' },
    { name: 'WebM Opus (Chrome recording)', args: ['-c:a', 'libopus', '-f', 'webm'], mime: 'video/webm' },
    { name: 'M4A AAC (phone memo)', args: ['-c:a', 'aac', '-f', 'ipod'], mime: 'audio/x-m4a' },
    { name: 'AMR (phone recorder)', args: ['-ar', '8000', '-c:a', 'libopencore_amrnb', '-f', 'amr'], mime: 'audio/amr' },
  ])('reads $name with the same segments', async ({ args, mime }) => {
    const encoded = await encodeWith(args, WAV);
    expect((await detectAudioType(encoded)).mime).toBe(mime);
    const pcm = await decodeToPcm(encoded, { maxSeconds: 60 });
    expect(Math.abs(pcm.durationMs - TOTAL_MS)).toBeLessThanOrEqual(60);
    expectScriptSegments(await createToneScriptEngine(SCRIPT).transcribe(pcm, { language: 'zh' }));
  });

  it('refuses content that is not audio of an accepted type, whatever its name, with 415 and the formats accepted', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b5e1e40000000049454e44ae426082', 'hex');
    for (const data of [png, Buffer.from('会议记录：同志们，现在开会。', 'utf8')]) {
      const e = await appError(detectAudioType(data));
      expect(e.code).toBe('AUDIO_TYPE_NOT_ALLOWED');
      expect(e.status).toBe(415);
      expect(e.message).toMatch(/^不支持的音频格式，请上传 MP3、WAV、M4A.*WebM.*AMR/);
    }
  });

  it('refuses an upload over the size limit with 413 before looking at it', async () => {
    const e = await appError(checkAudioUpload(WAV, { maxBytes: 100 * 1024 }));
    expect(e.code).toBe('AUDIO_TOO_LARGE');
    expect(e.status).toBe(413);
    expect(e.message).toBe('录音文件超过大小限制（最大 0.1 MB），请压缩或分段后上传');
    expect(await checkAudioUpload(WAV, { maxBytes: 1024 * 1024 })).toEqual({ mime: 'audio/wav', ext: 'wav' });
  });

  it('fails a file that passes the type check but holds no sound (a WAV header claiming data it has not) with AUDIO_CORRUPT', async () => {
    const empty = wavFile(new Int16Array(0), 44100, { dataBytes: 88200 });
    expect((await detectAudioType(empty)).mime).toBe('audio/wav');
    const e = await appError(decodeToPcm(empty, { maxSeconds: 60 }));
    expect(e.code).toBe('AUDIO_CORRUPT');
    expect(e.status).toBe(422);
    expect(e.message).toBe('音频文件已损坏或无法解码，请重新上传');
  });

  it('fails a file ffmpeg cannot read (an M4A cut off before its index) with AUDIO_CORRUPT; ffmpeg’s words go to the details, not the message', async () => {
    const m4a = await encodeWith(['-c:a', 'aac', '-f', 'ipod'], WAV);
    const cut = m4a.subarray(0, 1000);
    expect((await detectAudioType(cut)).mime).toBe('audio/x-m4a');
    const e = await appError(decodeToPcm(cut, { maxSeconds: 60 }));
    expect(e.code).toBe('AUDIO_CORRUPT');
    expect(e.message).toBe('音频文件已损坏或无法解码，请重新上传');
    const details = e.details as { ffmpegExitCode: number; ffmpegStderr: string };
    expect(details.ffmpegExitCode).not.toBe(0);
    expect(details.ffmpegStderr).toMatch(/moov atom not found/);
    expect(details.ffmpegStderr).not.toContain(os.tmpdir());
  });

  it('fails a video without a sound track (an accepted MP4) with AUDIO_CORRUPT saying there is no audio', async () => {
    const silentFilm = await encodeWith(['-f', 'lavfi', '-i', 'testsrc=duration=1:size=64x64:rate=10', '-map', '1:v', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'mp4'], WAV);
    expect((await detectAudioType(silentFilm)).mime).toBe('video/mp4');
    const e = await appError(decodeToPcm(silentFilm, { maxSeconds: 60 }));
    expect(e.code).toBe('AUDIO_CORRUPT');
    expect(e.message).toBe('文件中没有可识别的音频内容，请重新上传');
  });

  it('refuses a recording longer than the limit with AUDIO_TOO_LONG', async () => {
    const e = await appError(decodeToPcm(WAV, { maxSeconds: 3 }));
    expect(e.code).toBe('AUDIO_TOO_LONG');
    expect(e.status).toBe(422);
    expect(e.message).toBe('录音时长超过限制（最长 3 秒），请分段上传');
    expect((await decodeToPcm(WAV, { maxSeconds: 5 })).durationMs).toBe(TOTAL_MS);
  });
});

describe('engines', () => {
  it('without a model, says so plainly and refuses to transcribe with ASR_NOT_CONFIGURED', async () => {
    const engine = createUnconfiguredEngine();
    expect(engine.status()).toEqual({ ready: false, engine: 'none', reason: '未配置语音识别模型（ASR_MODEL_PATH），可直接录入文字记录' });
    const e = await appError(engine.transcribe({ samples: new Float32Array(16000), sampleRate: 16000 }, { language: 'zh' }));
    expect(e.code).toBe('ASR_NOT_CONFIGURED');
    expect(e.status).toBe(409);
    expect(e.message).toBe('未配置语音识别模型（ASR_MODEL_PATH），可直接录入文字记录');
  });

  it('whisper with a model path that does not exist is not ready, and says which path', async () => {
    const missing = path.join(os.tmpdir(), 'no-such-dir-asr', 'ggml-small.bin');
    const engine = createWhisperEngine(missing, { threads: 1 });
    expect(engine.status()).toEqual({ ready: false, engine: 'whisper.cpp', reason: `ASR_MODEL_PATH 指向的模型文件不存在：${missing}` });
    const e = await appError(engine.transcribe({ samples: new Float32Array(16000), sampleRate: 16000 }, { language: 'zh' }));
    expect(e.code).toBe('ASR_NOT_CONFIGURED');
  });

  it('the environment chooses the engine: tone-test when named, whisper with a model path, none otherwise', () => {
    expect(createAsrEngine({}).status().ready).toBe(false);
    expect(createAsrEngine({}).name).toBe('none');
    expect(createAsrEngine({ ASR_ENGINE: 'tone-test' }).status()).toEqual({ ready: true, engine: 'tone-test', model: null });
    expect(createAsrEngine({ ASR_MODEL_PATH: '/nonexistent/ggml-small.bin', ASR_THREADS: '2' }).name).toBe('whisper.cpp');
    expect(createAsrEngine({ ASR_ENGINE: 'whisper' }).name).toBe('none');
    expect(() => createAsrEngine({ ASR_ENGINE: 'cloud' })).toThrow(/ASR_ENGINE/);
    expect(() => createAsrEngine({ ASR_MODEL_PATH: '/m.bin', ASR_THREADS: 'many' })).toThrow(/ASR_THREADS/);
  });

  it('the configuration checks the ASR variables at start-up and keeps the tone-test engine out of production', () => {
    expect(() => loadConfig({ ASR_THREADS: '0' })).toThrow(/ASR_THREADS/);
    expect(() => loadConfig({ ASR_ENGINE: 'cloud' })).toThrow(/ASR_ENGINE/);
    const prod = { NODE_ENV: 'production', DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), AUDIT_HMAC_KEY: Buffer.alloc(32, 8).toString('base64') };
    expect(() => loadConfig({ ...prod, ASR_ENGINE: 'tone-test' })).toThrow(ConfigError);
    expect(loadConfig({ ...prod, ASR_MODEL_PATH: '/srv/models/ggml-small.bin', ASR_THREADS: '3' }).asr).toEqual({ modelPath: '/srv/models/ggml-small.bin', engine: undefined, threads: 3 });
    expect(createAsrEngineFromConfig(loadConfig({ ASR_ENGINE: 'tone-test' }).asr).name).toBe('tone-test');
    expect(createAsrEngineFromConfig(loadConfig({}).asr).name).toBe('none');
  });

  it('cuts long audio for whisper at a pause near each 30-second mark', () => {
    const rate = 16000;
    const samples = new Float32Array(70 * rate).map((_, i) => 0.3 * Math.sin(i / 5));
    samples.fill(0, Math.round(27.2 * rate), Math.round(27.5 * rate)); // a pause just before the first mark
    const chunks = planChunks(samples, rate);
    expect(chunks.length).toBe(3);
    expect(chunks[0].start).toBe(0);
    expect(chunks[0].end / rate).toBeGreaterThanOrEqual(27.2);
    expect(chunks[0].end / rate).toBeLessThanOrEqual(27.5);
    expect(chunks[1].start).toBe(chunks[0].end);
    expect(chunks[2].end).toBe(samples.length);
    expect(chunks.every((c) => !c.silent)).toBe(true);
    expect(planChunks(new Float32Array(40 * rate), rate).every((c) => c.silent)).toBe(true);
  });
});

describe('the whisper.cpp engine', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asr-model-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs whisper.cpp in a child process end to end on a generated model: segments with times inside the recording, progress per chunk', async () => {
    const modelPath = path.join(dir, 'ggml-tiny-random.bin');
    fs.writeFileSync(modelPath, tinyWhisperModel());
    const engine = createWhisperEngine(modelPath, { threads: 1 });
    expect(engine.status()).toEqual({ ready: true, engine: 'whisper.cpp', model: 'ggml-tiny-random.bin' });
    // 70 s: three chunks, sound in the first and the second
    const wav = toneWav({ sampleRate: 16000, totalMs: 70_000, bursts: [BURSTS[0], { startMs: 40_000, endMs: 41_500, freqHz: 500 }] });
    const pcm = await decodeToPcm(wav, { maxSeconds: 600 });
    const progress: number[] = [];
    const segments = await engine.transcribe(pcm, { language: 'zh', onProgress: (p) => { progress.push(p); } });
    expectWellFormed(segments, pcm.durationMs);
    // the random model writes something for each chunk with sound; each segment lies within its chunk
    expect(segments.length).toBeGreaterThanOrEqual(1);
    const chunks = planChunks(pcm.samples, 16000).map((c) => [(c.start * 1000) / 16000, (c.end * 1000) / 16000]);
    for (const s of segments) expect(chunks.some(([a, b]) => s.startMs >= a - 1 && s.endMs <= b + 1)).toBe(true);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(100);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('a model file whisper.cpp cannot load fails the transcription with ASR_FAILED and leaves this process running', async () => {
    const broken = path.join(dir, 'ggml-broken.bin');
    // the right magic, then a header whisper.cpp asserts on (it aborts the process it runs in)
    fs.writeFileSync(broken, Buffer.concat([Buffer.from([0x6c, 0x6d, 0x67, 0x67]), Buffer.alloc(2000, 7)]));
    const engine = createWhisperEngine(broken, { threads: 1 });
    expect(engine.status().ready).toBe(true);
    const pcm = await decodeToPcm(WAV, { maxSeconds: 60 });
    const e = await appError(engine.transcribe(pcm, { language: 'zh' }));
    expect(e.code).toBe('ASR_FAILED');
    expect(e.message).toBe('语音识别模型无法加载，请系统管理员检查 ASR_MODEL_PATH 指向的模型文件');
    expect(e.details).toMatchObject({ stage: 'load' });
    // and the engine still works afterwards
    fs.writeFileSync(broken, tinyWhisperModel());
    expectWellFormed(await engine.transcribe(pcm, { language: 'zh' }), pcm.durationMs);
  });

  const modelPath = process.env.ASR_MODEL_PATH;
  const haveModel = !!modelPath && fs.existsSync(modelPath);
  it(haveModel ? `transcribes a recording with the operator's model (${modelPath})` : 'without an operator model (ASR_MODEL_PATH), the configured engine reports not ready with the reason in Chinese', async () => {
    const engine = createAsrEngine({ ASR_MODEL_PATH: modelPath });
    if (!haveModel) {
      const status = engine.status();
      expect(status.ready).toBe(false);
      if (!status.ready) expect(status.reason).toMatch(modelPath ? /^ASR_MODEL_PATH 指向的模型文件不存在：/ : /^未配置语音识别模型（ASR_MODEL_PATH）/);
      return;
    }
    expect(engine.status()).toMatchObject({ ready: true, engine: 'whisper.cpp' });
    const pcm = await decodeToPcm(toneWav({ totalMs: TOTAL_MS, bursts: BURSTS }), { maxSeconds: 60 });
    expectWellFormed(await engine.transcribe(pcm, { language: 'zh' }), pcm.durationMs);
  }, 600_000);
});
