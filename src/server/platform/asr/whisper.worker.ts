import fs from 'node:fs/promises';
import type { TranscriptSegment } from './engine';
import type { WhisperJob, WhisperWorkerMessage } from './whisper';

// The child process of the whisper engine (whisper.ts forks it and sends the
// job): loads the model, transcribes the chunks one by one and sends each
// chunk's segments. whisper's full() blocks this process's thread; the binding
// queues its segment callbacks to the event loop, so they arrive after full()
// returns. The parent ends the process when it has the last message.

const post = (m: WhisperWorkerMessage) => process.send!(m);
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Segment times from whisper are in centiseconds (whisper.cpp's t0/t1), from the start of the samples given to full(). */
const CS = 10;
const RATE = 16000;
/** Turns of the event loop to wait for the queued segment callbacks. */
const MAX_DRAIN_TURNS = 1000;

const squeeze = (s: string) => s.replace(/\s+/g, '');
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function main(job: WhisperJob) {
  const raw = await fs.readFile(job.samplesPath);
  const all = raw.byteOffset % 4 === 0 ? new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength >> 2) : new Float32Array(new Uint8Array(raw).buffer);
  let whisperMod: typeof import('@napi-rs/whisper');
  let whisper: InstanceType<typeof whisperMod.Whisper>;
  try {
    whisperMod = await import('@napi-rs/whisper');
    whisper = new whisperMod.Whisper(job.modelPath, { useGpu: false });
  } catch (e) {
    post({ type: 'failed', stage: 'load', message: errorText(e) });
    return;
  }
  post({ type: 'loaded' });
  const { WhisperFullParams, WhisperSamplingStrategy } = whisperMod;

  for (const [index, chunk] of job.chunks.entries()) {
    if (chunk.silent) {
      post({ type: 'chunk', index, segments: [] });
      continue;
    }
    let samples = all.subarray(chunk.start, chunk.end);
    if (samples.length < job.minChunkSamples) {
      const padded = new Float32Array(job.minChunkSamples);
      padded.set(samples);
      samples = padded;
    }
    const offsetMs = Math.round((chunk.start * 1000) / RATE);
    const lengthMs = Math.round(((chunk.end - chunk.start) * 1000) / RATE);
    // parameters of their own for each chunk: a late callback can only land in its own chunk's list
    const got: Array<{ text: string; start: number; end: number }> = [];
    const params = new WhisperFullParams(WhisperSamplingStrategy.Greedy);
    params.nThreads = job.threads;
    params.language = job.language;
    params.translate = false;
    params.noTimestamps = false;
    params.singleSegment = false;
    params.printProgress = false;
    params.printRealtime = false;
    params.printTimestamps = false;
    params.printSpecial = false;
    if (job.initialPrompt) params.initialPrompt = job.initialPrompt;
    params.onNewSegment = (s) => got.push({ text: s.text, start: s.start, end: s.end });

    let text: string;
    try {
      text = whisper.full(params, samples);
    } catch (e) {
      post({ type: 'failed', stage: 'transcribe', message: errorText(e) });
      return;
    }
    // wait until the callbacks queued during full() have all run: their texts then add up to full()'s text
    const complete = () => squeeze(got.map((s) => s.text).join('')) === squeeze(text);
    for (let turn = 0; turn < MAX_DRAIN_TURNS && !complete(); turn++) await nextTurn();

    let segments: TranscriptSegment[];
    if (complete()) {
      segments = got
        .map((s) => {
          const startMs = offsetMs + Math.min(s.start * CS, lengthMs);
          const endMs = offsetMs + Math.min(Math.max(s.end, s.start) * CS, lengthMs);
          return { startMs, endMs, text: s.text.trim() };
        })
        .filter((s) => s.text !== '');
    } else {
      // never lose words: the chunk's text as one segment over the chunk
      segments = text.trim() ? [{ startMs: offsetMs, endMs: offsetMs + lengthMs, text: text.trim() }] : [];
    }
    post({ type: 'chunk', index, segments });
  }
  post({ type: 'done' });
}

process.once('message', (job: WhisperJob) => {
  post({ type: 'started' });
  main(job).catch((e) => post({ type: 'failed', stage: 'transcribe', message: errorText(e) }));
});
// the server went away: nobody wants the rest (noticed between chunks, full() cannot be interrupted)
process.once('disconnect', () => process.exit(0));
