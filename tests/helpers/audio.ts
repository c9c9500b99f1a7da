import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ffmpegPath } from '../../src/server/platform/asr/audio';

// Test audio made here, not shipped: WAV files written byte by byte, and other
// formats encoded from them with the ffmpeg binary the project ships.

export interface ToneBurst {
  startMs: number;
  endMs: number;
  freqHz: number;
}

/** A 16-bit PCM mono WAV: silence with sine bursts (10 ms fades, no clicks) at the given times. */
export function toneWav({ sampleRate = 44100, totalMs, bursts, amplitude = 0.5 }: { sampleRate?: number; totalMs: number; bursts: ToneBurst[]; amplitude?: number }): Buffer {
  const n = Math.round((sampleRate * totalMs) / 1000);
  const pcm = new Int16Array(n);
  const fade = Math.round(sampleRate * 0.01);
  for (const b of bursts) {
    const from = Math.round((sampleRate * b.startMs) / 1000);
    const to = Math.min(n, Math.round((sampleRate * b.endMs) / 1000));
    for (let i = from; i < to; i++) {
      const env = Math.min(1, (i - from) / fade, (to - 1 - i) / fade);
      pcm[i] = Math.round(32767 * amplitude * env * Math.sin((2 * Math.PI * b.freqHz * (i - from)) / sampleRate));
    }
  }
  return wavFile(pcm, sampleRate);
}

/** RIFF/WAVE header + PCM data (16 bit, mono); `dataBytes` overrides the size the header claims. */
export function wavFile(pcm: Int16Array, sampleRate: number, opts: { dataBytes?: number } = {}): Buffer {
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const claimed = opts.dataBytes ?? data.byteLength;
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + claimed, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16); // fmt chunk size
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28); // byte rate
  h.writeUInt16LE(2, 32); // block align
  h.writeUInt16LE(16, 34); // bits per sample
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(claimed, 40);
  return Buffer.concat([h, data]);
}

/**
 * The WAV re-encoded by the shipped ffmpeg: `args` are output options ending
 * with the container, e.g. ['-c:a', 'libmp3lame', '-f', 'mp3'].
 */
export async function encodeWith(args: string[], wav: Buffer): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'asr-test-'));
  try {
    const input = path.join(dir, 'in.wav');
    const output = path.join(dir, 'out');
    await fs.writeFile(input, wav);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(ffmpegPath(), ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', input, ...args, output], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg ${args.join(' ')} exited with ${code}: ${err}`))));
    });
    return await fs.readFile(output);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * A whisper.cpp ggml model of the real layout (multilingual vocabulary, 30 s
 * audio context, one encoder and one decoder layer of width `state`) with
 * small deterministic pseudo-random weights: about 1.3 MB, loads and runs in
 * well under a second, and transcribes anything into nonsense made of the
 * characters below. It exercises the whole whisper engine (child process,
 * native binding, segment callbacks, timestamps) where no real model is at
 * hand; what it writes means nothing.
 */
export function tinyWhisperModel({ state = 8, seed = 1 }: { state?: number; seed?: number } = {}): Buffer {
  const nVocab = 51865; // multilingual: the special tokens (sot, languages, timestamps) follow the 50257 text tokens
  const nAudioCtx = 1500;
  const nTextCtx = 448;
  const nMels = 80;
  const nFft = 201;
  const F32 = 0;
  const F16 = 1;
  let s = seed >>> 0;
  const random = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 0.4;
  };
  const parts: Buffer[] = [];
  const int32 = (...values: number[]) => {
    const b = Buffer.alloc(4 * values.length);
    values.forEach((v, i) => b.writeInt32LE(v, 4 * i));
    parts.push(b);
  };
  parts.push(Buffer.from([0x6c, 0x6d, 0x67, 0x67])); // 0x67676d6c little-endian
  // hparams: n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype (1: f16)
  int32(nVocab, nAudioCtx, state, 2, 1, nTextCtx, state, 2, 1, nMels, F16);
  int32(nMels, nFft);
  const filters = new Float32Array(nMels * nFft).map(() => Math.abs(random()) * 0.1);
  parts.push(Buffer.from(filters.buffer));
  const chars = '同志们现在开会今天学习讨论表决通过散会工作体会';
  int32(50257);
  for (let i = 0; i < 50257; i++) {
    // whisper.cpp looks up the token " " (220 in the real vocabulary) to suppress blanks
    const word = Buffer.from(i === 220 ? ' ' : chars[i % chars.length], 'utf8');
    int32(word.length);
    parts.push(word);
  }
  const tensor = (name: string, ne: number[], fill?: number) => {
    const n = ne.reduce((a, b) => a * b, 1);
    // matrices (and the convolutions) are f16 in an f16 model; vectors, biases and positional embeddings f32
    const type = ne.length >= 2 && name.endsWith('.weight') ? F16 : F32;
    const nameBytes = Buffer.from(name, 'utf8');
    int32(ne.length, nameBytes.length, type, ...ne);
    parts.push(nameBytes);
    if (type === F16) parts.push(Buffer.from(new Uint16Array(n).map(() => toHalf(fill ?? random())).buffer));
    else parts.push(Buffer.from(new Float32Array(n).map(() => fill ?? random()).buffer));
  };
  const block = (prefix: string, cross: boolean) => {
    tensor(`${prefix}.mlp_ln.weight`, [state], 1);
    tensor(`${prefix}.mlp_ln.bias`, [state], 0);
    tensor(`${prefix}.mlp.0.weight`, [state, 4 * state]);
    tensor(`${prefix}.mlp.0.bias`, [4 * state]);
    tensor(`${prefix}.mlp.2.weight`, [4 * state, state]);
    tensor(`${prefix}.mlp.2.bias`, [state]);
    for (const attn of cross ? ['attn', 'cross_attn'] : ['attn']) {
      tensor(`${prefix}.${attn}_ln.weight`, [state], 1);
      tensor(`${prefix}.${attn}_ln.bias`, [state], 0);
      tensor(`${prefix}.${attn}.query.weight`, [state, state]);
      tensor(`${prefix}.${attn}.query.bias`, [state]);
      tensor(`${prefix}.${attn}.key.weight`, [state, state]);
      tensor(`${prefix}.${attn}.value.weight`, [state, state]);
      tensor(`${prefix}.${attn}.value.bias`, [state]);
      tensor(`${prefix}.${attn}.out.weight`, [state, state]);
      tensor(`${prefix}.${attn}.out.bias`, [state]);
    }
  };
  tensor('encoder.positional_embedding', [state, nAudioCtx]);
  tensor('encoder.conv1.weight', [3, nMels, state]);
  tensor('encoder.conv1.bias', [1, state]);
  tensor('encoder.conv2.weight', [3, state, state]);
  tensor('encoder.conv2.bias', [1, state]);
  tensor('encoder.ln_post.weight', [state], 1);
  tensor('encoder.ln_post.bias', [state], 0);
  block('encoder.blocks.0', false);
  tensor('decoder.positional_embedding', [state, nTextCtx]);
  tensor('decoder.token_embedding.weight', [state, nVocab]);
  tensor('decoder.ln.weight', [state], 1);
  tensor('decoder.ln.bias', [state], 0);
  block('decoder.blocks.0', true);
  return Buffer.concat(parts);
}

/** IEEE 754 half precision (truncating; subnormals flushed to zero): enough for random weights. */
function toHalf(x: number): number {
  const u = new Uint32Array(new Float32Array([x]).buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | ((u & 0x7fffff) >>> 13);
}
