import { AppError } from '../errors';

// Speech-to-text behind one interface: whisper.cpp when the operator has
// configured a model, a deterministic tone engine for tests and demos, and an
// unconfigured engine that says so (the page then offers typing the minutes).

/** One stretch of the recording and what was said in it; times from the start of the audio. */
export interface TranscriptSegment {
  startMs: number;
  endMs: number;
  text: string;
}

export type EngineStatus =
  | { ready: true; engine: string; model: string | null }
  | { ready: false; engine: string; reason: string /* Chinese, shown on the page */ };

export interface TranscribeOptions {
  /** ISO 639-1 code of the spoken language, e.g. 'zh' */
  language: string;
  /** 0–100, rising; awaited in order. A rejection stops the transcription with that error. */
  onProgress?: (percent: number) => void | Promise<void>;
  /** stops the transcription; the promise rejects with signal.reason */
  signal?: AbortSignal;
}

export interface AsrEngine {
  readonly name: string;
  status(): EngineStatus;
  /** 16 kHz mono float samples (decodeToPcm) in, segments in time order out. */
  transcribe(pcm: { samples: Float32Array; sampleRate: number }, opts: TranscribeOptions): Promise<TranscriptSegment[]>;
}

export const NOT_CONFIGURED_REASON = '未配置语音识别模型（ASR_MODEL_PATH），可直接录入文字记录';

/** No speech recognition: the status says so plainly, and transcribe refuses with ASR_NOT_CONFIGURED. */
export function createUnconfiguredEngine(reason: string = NOT_CONFIGURED_REASON): AsrEngine {
  return {
    name: 'none',
    status: () => ({ ready: false, engine: 'none', reason }),
    transcribe: () => Promise.reject(new AppError('ASR_NOT_CONFIGURED', reason)),
  };
}

/**
 * Calls onProgress with whole, rising percentages, one call at a time; `report`
 * never throws (the first failure goes to `onError` and is kept for `settle`,
 * and no further calls are made), `settle` waits for the calls made so far and
 * rethrows that failure.
 */
export function progressReporter(onProgress: TranscribeOptions['onProgress'], onError?: (error: unknown) => void) {
  let last = -1;
  let chain: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | null = null;
  const call = (percent: number) => {
    chain = chain.then(async () => {
      if (failure || !onProgress) return;
      try {
        await onProgress(percent);
      } catch (error) {
        failure = { error };
        onError?.(error);
      }
    });
  };
  return {
    report(percent: number) {
      const p = Math.max(0, Math.min(100, Math.floor(percent)));
      if (p <= last) return;
      last = p;
      call(p);
    },
    /** the last percentage again (a heartbeat for the job that runs a long transcription) */
    repeat() {
      if (last >= 0) call(last);
    },
    async settle() {
      await chain;
      if (failure) throw failure.error;
    },
  };
}
