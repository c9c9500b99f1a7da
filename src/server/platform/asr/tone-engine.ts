import type { AsrEngine, TranscribeOptions, TranscriptSegment } from './engine';
import { progressReporter } from './engine';

// A deterministic engine for tests and demos (ASR_ENGINE=tone-test; never a
// real transcription): each burst of sound between silences becomes one
// segment with the burst's real start and end, and the next line of a script
// as its text. Tests thus see the pipeline carry true timestamps from the
// uploaded file to the stored transcript.

export const TONE_ENGINE_NAME = 'tone-test';

const FRAME_MS = 20;
/** RMS of a 20 ms frame above which it counts as sound (about -40 dBFS) */
const SOUND_RMS = 0.01;
/** silences shorter than this do not end a burst */
const MIN_GAP_MS = 200;
/** bursts shorter than this are clicks, not speech */
const MIN_BURST_MS = 40;

export const DEMO_SCRIPT = [
  '同志们，现在开会。',
  '今天的议题是学习党的二十大精神。',
  '请大家结合工作实际谈谈体会。',
  '下面进行表决。',
  '散会。',
];

/** Bursts of sound in the samples, as [startMs, endMs] at 20 ms resolution. */
export function findBursts(samples: Float32Array, sampleRate: number): Array<[number, number]> {
  const frame = Math.max(1, Math.round((sampleRate * FRAME_MS) / 1000));
  const frames = Math.ceil(samples.length / frame);
  const bursts: Array<[number, number]> = [];
  let start = -1;
  let lastSound = -1;
  for (let f = 0; f < frames; f++) {
    const from = f * frame;
    const to = Math.min(samples.length, from + frame);
    let sum = 0;
    for (let i = from; i < to; i++) sum += samples[i] * samples[i];
    const loud = Math.sqrt(sum / (to - from)) >= SOUND_RMS;
    if (!loud) continue;
    if (start >= 0 && (f - lastSound - 1) * FRAME_MS >= MIN_GAP_MS) {
      bursts.push([start, lastSound + 1]);
      start = -1;
    }
    if (start < 0) start = f;
    lastSound = f;
  }
  if (start >= 0) bursts.push([start, lastSound + 1]);
  const msOf = (f: number) => Math.min(Math.round((f * frame * 1000) / sampleRate), Math.round((samples.length * 1000) / sampleRate));
  return bursts.map(([a, b]): [number, number] => [msOf(a), msOf(b)]).filter(([a, b]) => b - a >= MIN_BURST_MS);
}

/** The test engine: one segment per burst, texts from `lines` in order (starting over when they run out). */
export function createToneScriptEngine(lines: readonly string[] = DEMO_SCRIPT): AsrEngine {
  if (!lines.length) throw new Error('createToneScriptEngine: the script needs at least one line');
  const script = [...lines];
  return {
    name: TONE_ENGINE_NAME,
    status: () => ({ ready: true, engine: TONE_ENGINE_NAME, model: null }),
    async transcribe(pcm, opts: TranscribeOptions): Promise<TranscriptSegment[]> {
      const progress = progressReporter(opts.onProgress);
      opts.signal?.throwIfAborted();
      progress.report(0);
      const bursts = findBursts(pcm.samples, pcm.sampleRate);
      const segments: TranscriptSegment[] = [];
      for (const [i, [startMs, endMs]] of bursts.entries()) {
        opts.signal?.throwIfAborted();
        segments.push({ startMs, endMs, text: script[i % script.length] });
        progress.report(((i + 1) / bursts.length) * 100);
        await progress.settle();
      }
      progress.report(100);
      await progress.settle();
      return segments;
    },
  };
}
