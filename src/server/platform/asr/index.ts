import { createUnconfiguredEngine, type AsrEngine } from './engine';
import { createToneScriptEngine, TONE_ENGINE_NAME } from './tone-engine';
import { createWhisperEngine } from './whisper';

// Speech to text for meeting recordings: check the upload (checkAudioUpload),
// decode it (decodeToPcm), transcribe it with the configured engine.
//
//   ASR_MODEL_PATH  a whisper.cpp ggml model file (multilingual, e.g. ggml-small.bin): speech recognition on
//   ASR_THREADS     CPU threads for whisper (default: all cores but one)
//   ASR_ENGINE      `whisper` (the default) or `tone-test`: a fake engine for tests and demos that turns
//                   each burst of sound into the next line of a fixed script; never for real meetings
//
// Without a model the engine is `none`: its status tells the page why, and the
// minutes are typed in by hand.

export interface AsrEnv {
  ASR_MODEL_PATH?: string;
  ASR_ENGINE?: string;
  ASR_THREADS?: string;
}

export const ASR_ENGINES = ['whisper', TONE_ENGINE_NAME] as const;

/** What loadConfig() gives as `config.asr`. */
export interface AsrSettings {
  modelPath?: string;
  engine?: (typeof ASR_ENGINES)[number];
  threads?: number;
}

/** The engine the environment names: tone-test when ASR_ENGINE says so, whisper when ASR_MODEL_PATH is set, else none. */
export function createAsrEngine(env: AsrEnv): AsrEngine {
  const engine = env.ASR_ENGINE?.trim() || undefined;
  if (engine !== undefined && !(ASR_ENGINES as readonly string[]).includes(engine)) throw new Error(`ASR_ENGINE must be one of ${ASR_ENGINES.join(', ')}, not ${engine}`);
  const threads = env.ASR_THREADS?.trim() ? Number(env.ASR_THREADS) : undefined;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new Error(`ASR_THREADS must be a positive whole number, not ${env.ASR_THREADS}`);
  return createAsrEngineFromConfig({ modelPath: env.ASR_MODEL_PATH?.trim() || undefined, engine: engine as AsrSettings['engine'], threads });
}

/** The same from the validated configuration (loadConfig's `asr`). */
export function createAsrEngineFromConfig(settings: AsrSettings): AsrEngine {
  if (settings.engine === TONE_ENGINE_NAME) return createToneScriptEngine();
  if (!settings.modelPath) return createUnconfiguredEngine();
  return createWhisperEngine(settings.modelPath, { threads: settings.threads });
}

export { AUDIO_MIME, ASR_SAMPLE_RATE, checkAudioUpload, decodeToPcm, detectAudioType, ffmpegPath, type AudioType, type DecodeOptions, type Pcm } from './audio';
export { createUnconfiguredEngine, NOT_CONFIGURED_REASON, type AsrEngine, type EngineStatus, type TranscribeOptions, type TranscriptSegment } from './engine';
export { createToneScriptEngine, DEMO_SCRIPT, findBursts, TONE_ENGINE_NAME } from './tone-engine';
export { createWhisperEngine, planChunks, WHISPER_ENGINE_NAME, ZH_INITIAL_PROMPT, type WhisperEngineOptions } from './whisper';
