import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Jieba } from '@node-rs/jieba';

// Keywords of meeting minutes and transcripts: high-frequency words, TF-IDF
// against a corpus of the platform's own minutes, and TextRank, over jieba's
// Chinese word segmentation. Pure functions apart from reading the shipped word
// lists (and the operator's extra lists) once; no database. The meetings
// service computes the corpus statistics from its stored minutes
// (documentFrequencies over tokenize of each) and passes them in.
//
// Configuration: keywords/stopwords.txt and keywords/party-terms.txt next to
// this file, merged with the same two files in $KEYWORDS_EXTRA_DIR when set.
//
// Cost: the segmenter loads jieba's 350,000-word dictionary (~100–150 ms, once
// per configuration, lazily); the general-language IDF table used when there is no
// usable corpus loads once per process on first use. After that a transcript of
// 15,000 characters takes a few milliseconds (see bench/b12-meetings.ts).

const require = createRequire(import.meta.url);
const SHIPPED_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'keywords');
const STOPWORDS_FILE = 'stopwords.txt';
const PARTY_TERMS_FILE = 'party-terms.txt';

/**
 * Frequency given to a Party term without one in party-terms.txt. jieba keeps
 * the cut whose product of word probabilities is highest (frequency / ~60
 * million); any split of a term into two or more dictionary words has a
 * product below 2e-4 (two of the most frequent words, 是 and 的, give 7e-5),
 * so 20,000 (3.3e-4) keeps every term whole.
 */
export const DEFAULT_TERM_FREQUENCY = 20_000;
/** Below this many documents a corpus says little; the general-language IDF is used instead. */
export const MIN_CORPUS_DOCUMENTS = 5;
/** Entries per list when the caller gives no limit (a list and a word cloud). */
export const DEFAULT_KEYWORD_LIMIT = 50;

export interface KeywordConfig {
  /** the operator's extra directory merged into the shipped lists (absolute), or null */
  readonly extraDir: string | null;
  readonly stopWords: ReadonlySet<string>;
  /** Party-work terms: kept whole by the segmenter, kept even as one character */
  readonly partyTerms: ReadonlySet<string>;
  /** the Party terms as a jieba user dictionary (`term frequency tag` per line) */
  readonly userDictionary: string;
}

/** Document frequencies of a corpus of minutes; plain JSON, cacheable. */
export interface CorpusStats {
  documents: number;
  /** number of documents in which each token occurs */
  df: Record<string, number>;
}

export interface WordCount {
  word: string;
  count: number;
}

export interface Keyword {
  word: string;
  /** relative weight, the first keyword 1 */
  weight: number;
  /** occurrences in the text */
  count: number;
}

export interface TextRankOptions {
  /** tokens within this distance (window − 1 positions) are linked; default 5 */
  window?: number;
  /** PageRank damping factor; default 0.85 */
  damping?: number;
  /** maximum PageRank iterations; default 50 */
  iterations?: number;
  /** stop when no score moves by more than this; default 1e-6 */
  tolerance?: number;
  limit?: number;
}

export interface ExtractKeywordsOptions {
  /** statistics of the platform's minutes; null or fewer than MIN_CORPUS_DOCUMENTS: general-language IDF */
  corpus?: CorpusStats | null;
  limit?: number;
  /** default: loadKeywordConfig() (shipped lists plus $KEYWORDS_EXTRA_DIR) */
  config?: KeywordConfig;
  window?: number;
}

export interface KeywordResult {
  highFrequency: WordCount[];
  tfidf: Keyword[];
  textRank: Keyword[];
  /** content tokens of the text (after stop words) */
  tokenCount: number;
}

// ---------------------------------------------------------------- configuration

function readLines(file: string): string[] {
  return fs.readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function readIfPresent(dir: string, name: string): string[] {
  const file = path.join(dir, name);
  return fs.existsSync(file) ? readLines(file) : [];
}

const configs = new Map<string, KeywordConfig>();

/**
 * The stop words and Party terms: the shipped lists plus those of `extraDir`
 * (either file may be missing there). `undefined` takes $KEYWORDS_EXTRA_DIR,
 * `null` the shipped lists alone. Cached per directory: a file edited later is
 * read by a new process.
 */
export function loadKeywordConfig(extraDir?: string | null): KeywordConfig {
  const given = extraDir === undefined ? process.env.KEYWORDS_EXTRA_DIR : extraDir;
  const dir = given ? path.resolve(given) : null;
  const hit = configs.get(dir ?? '');
  if (hit) return hit;
  if (dir && !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`KEYWORDS_EXTRA_DIR: ${dir} is not a directory (it should hold stopwords.txt and/or party-terms.txt)`);
  }
  const stopLines = [...readLines(path.join(SHIPPED_DIR, STOPWORDS_FILE)), ...(dir ? readIfPresent(dir, STOPWORDS_FILE) : [])];
  const termLines = [...readLines(path.join(SHIPPED_DIR, PARTY_TERMS_FILE)), ...(dir ? readIfPresent(dir, PARTY_TERMS_FILE) : [])];
  const stopWords = new Set(stopLines.map((l) => l.split(/\s+/)[0]));
  // a later line (the operator's) overrides the frequency and tag of an earlier one
  const terms = new Map<string, { frequency: number; tag: string }>();
  for (const line of termLines) {
    const [word, freq, tag] = line.split(/\s+/);
    const frequency = freq && /^\d+$/.test(freq) && Number(freq) > 0 ? Number(freq) : DEFAULT_TERM_FREQUENCY;
    terms.set(word, { frequency, tag: tag || 'nz' });
  }
  const config: KeywordConfig = {
    extraDir: dir,
    stopWords,
    partyTerms: new Set(terms.keys()),
    userDictionary: [...terms].map(([w, t]) => `${w} ${t.frequency} ${t.tag}`).join('\n'),
  };
  configs.set(dir ?? '', config);
  return config;
}

// ---------------------------------------------------------------- segmentation

const segmenters = new WeakMap<KeywordConfig, Jieba>();

/** jieba with its default dictionary and the Party terms, created on first use, one per configuration. */
function segmenter(config: KeywordConfig): Jieba {
  let jieba = segmenters.get(config);
  if (!jieba) {
    // read here rather than through '@node-rs/jieba/dict', which also reads the 6 MB IDF file at import
    jieba = Jieba.withDict(fs.readFileSync(require.resolve('@node-rs/jieba/dict.txt')));
    if (config.userDictionary) jieba.loadDict(Buffer.from(config.userDictionary, 'utf8'));
    segmenters.set(config, jieba);
  }
  return jieba;
}

const HAN_ONLY = /^\p{Script=Han}+$/u;
// 一是, 第三, 十九, 两个, 三次, 三月份, 第二季度 …: counting words, not content
const NUMERAL = /^第?[零〇一二三四五六七八九十百千万亿两几]+(?:[是个条点项次年月日号位名届期批份遍天周]|月份|季度|年度|周年|个月)?$/u;

/**
 * The content tokens of a text in order: jieba's cut (HMM on, so names and
 * other words missing from the dictionary stay together) without stop words,
 * punctuation, whitespace, numbers, counting words (一是, 第三), tokens with
 * Latin letters or digits, and single characters. A Party term is kept whole
 * and always, even as one character, unless the operator lists it as a stop word.
 */
export function tokenize(text: string, config: KeywordConfig = loadKeywordConfig()): string[] {
  if (!text || !text.trim()) return [];
  const out: string[] = [];
  for (const token of segmenter(config).cut(text, true)) {
    if (config.stopWords.has(token)) continue;
    if (config.partyTerms.has(token)) {
      out.push(token);
      continue;
    }
    if (token.length < 2 || (token.length === 2 && token.codePointAt(0)! > 0xffff)) continue;
    if (!HAN_ONLY.test(token) || NUMERAL.test(token)) continue;
    out.push(token);
  }
  return out;
}

// ---------------------------------------------------------------- counting

/** Code-point order: the same on every machine (localeCompare depends on ICU data). */
function compareWords(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function countTokens(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

function limitOf(limit: number | undefined): number {
  return limit === undefined || !Number.isFinite(limit) ? DEFAULT_KEYWORD_LIMIT : Math.max(0, Math.floor(limit));
}

/** Words by number of occurrences, most first; ties by word. */
export function highFrequencyWords(tokens: readonly string[], limit: number = DEFAULT_KEYWORD_LIMIT): WordCount[] {
  return [...countTokens(tokens)]
    .map(([word, count]) => ({ word, count }))
    .sort((a, b) => b.count - a.count || compareWords(a.word, b.word))
    .slice(0, limitOf(limit));
}

/** Sorts by score (most first, ties by word), keeps `limit` and scales the scores so the first is 1. */
function ranked(scores: Map<string, number>, counts: Map<string, number>, limit: number): Keyword[] {
  const top = [...scores].sort((a, b) => b[1] - a[1] || compareWords(a[0], b[0])).slice(0, limitOf(limit));
  const max = top[0]?.[1] ?? 0;
  return top.map(([word, score]) => ({ word, weight: max > 0 ? score / max : 0, count: counts.get(word) ?? 0 }));
}

// ---------------------------------------------------------------- TF-IDF

/** Document frequencies of tokenized documents (each document counts a word once). Keys sorted, so equal corpora serialize equally. */
export function documentFrequencies(docs: ReadonlyArray<readonly string[]>): CorpusStats {
  const df = new Map<string, number>();
  for (const doc of docs) for (const w of new Set(doc)) df.set(w, (df.get(w) ?? 0) + 1);
  const words = [...df.keys()].sort(compareWords);
  return { documents: docs.length, df: Object.fromEntries(words.map((w) => [w, df.get(w)!])) };
}

/**
 * The inverse document frequency used for a corpus.
 *
 * With at least MIN_CORPUS_DOCUMENTS documents: the smoothed idf
 * ln((N + 1) / (df + 1)) + 1 over the platform's minutes, so what every
 * meeting says (会议 boilerplate, 党支部, 学习) weighs 1 and a word no minutes
 * contain ln(N + 1) + 1.
 *
 * Without a usable corpus (a new installation, a test): the general-language
 * idf shipped with jieba (idf.txt, 270,000 words from a large Chinese corpus),
 * as jieba's own extract_tags does. It already favours longer, more specific
 * words (工作 4.2, 学习 5.8, 党员 7.8, 志愿服务 ~10, long compounds ~12–14);
 * a word it does not know (a name found by the HMM, most Party terms) gets its
 * median (~12), as in jieba. A Party term gets at least that median even when
 * the general corpus knows it as a news word (党支部 8.9): in minutes these
 * terms are what a meeting was about.
 */
function idfOf(corpus: CorpusStats | null | undefined, config: KeywordConfig): (word: string) => number {
  if (corpus && corpus.documents >= MIN_CORPUS_DOCUMENTS) {
    const n = corpus.documents;
    return (word) => {
      const df = Object.hasOwn(corpus.df, word) ? Math.min(n, Math.max(0, corpus.df[word] || 0)) : 0;
      return Math.log((n + 1) / (df + 1)) + 1;
    };
  }
  const general = generalIdf();
  return (word) => {
    const v = general.get(word) ?? general.median;
    return config.partyTerms.has(word) ? Math.max(v, general.median) : v;
  };
}

/** Keywords by term frequency × inverse document frequency (see idfOf), weights scaled so the first is 1. */
export function tfidfKeywords(tokens: readonly string[], corpus: CorpusStats | null, limit: number = DEFAULT_KEYWORD_LIMIT, config: KeywordConfig = loadKeywordConfig()): Keyword[] {
  if (!tokens.length) return [];
  const counts = countTokens(tokens);
  const idf = idfOf(corpus, config);
  const scores = new Map<string, number>();
  for (const [word, count] of counts) scores.set(word, (count / tokens.length) * idf(word));
  return ranked(scores, counts, limit);
}

// The general-language idf table: jieba's idf.txt (`word idf` per line, 6 MB)
// kept as its bytes with an open-addressing hash table over them. A Map of its
// 270,000 entries would take ~50 MB of heap and ~150 ms to build; this takes
// ~17 MB outside the heap (the file and typed arrays) and ~55 ms.
interface IdfTable {
  get(word: string): number | undefined;
  readonly median: number;
  readonly size: number;
}

let idfTable: IdfTable | null = null;

function generalIdf(): IdfTable {
  idfTable ??= buildIdfTable(fs.readFileSync(require.resolve('@node-rs/jieba/idf.txt')));
  return idfTable;
}

function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/** A non-negative decimal (`13.900677652`) from ASCII bytes; NaN when it is something else. */
function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  let value = 0;
  let scale = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      if (scale) scale *= 10;
    } else if (c === 46 && !scale) scale = 1;
    else return Number(Buffer.from(bytes.subarray(start, end)).toString('latin1'));
  }
  return end > start ? (scale ? value / scale : value) : NaN;
}

function buildIdfTable(bytes: Buffer): IdfTable {
  let lines = 1;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lines++;
  const keyStart = new Uint32Array(lines);
  const keyLength = new Uint32Array(lines);
  const values = new Float64Array(lines);
  let capacity = 1;
  while (capacity < lines * 2) capacity *= 2;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity); // entry index + 1, 0 empty
  const same = (entry: number, key: Uint8Array, start: number, length: number) => {
    if (keyLength[entry] !== length) return false;
    const at = keyStart[entry];
    for (let i = 0; i < length; i++) if (bytes[at + i] !== key[start + i]) return false;
    return true;
  };
  let size = 0;
  for (let pos = 0; pos < bytes.length;) {
    let end = bytes.indexOf(10, pos);
    if (end === -1) end = bytes.length;
    const lineEnd = end > pos && bytes[end - 1] === 13 ? end - 1 : end;
    const space = bytes.indexOf(32, pos);
    if (space > pos && space < lineEnd) {
      const value = parseDecimal(bytes, space + 1, lineEnd);
      if (Number.isFinite(value)) {
        let slot = fnv1a(bytes, pos, space) & mask;
        while (slots[slot] && !same(slots[slot] - 1, bytes, pos, space - pos)) slot = (slot + 1) & mask;
        if (slots[slot]) values[slots[slot] - 1] = value;
        else {
          keyStart[size] = pos;
          keyLength[size] = space - pos;
          values[size] = value;
          slots[slot] = ++size;
        }
      }
    }
    pos = end + 1;
  }
  const sorted = values.slice(0, size).sort();
  const median = size ? sorted[size >> 1] : 1;
  const encoder = new TextEncoder();
  let scratch = new Uint8Array(256);
  return {
    median,
    size,
    get(word) {
      let encoded = encoder.encodeInto(word, scratch);
      if (encoded.read < word.length) {
        scratch = new Uint8Array(word.length * 3);
        encoded = encoder.encodeInto(word, scratch);
      }
      const written = encoded.written;
      for (let slot = fnv1a(scratch, 0, written) & mask; slots[slot]; slot = (slot + 1) & mask) {
        if (same(slots[slot] - 1, scratch, 0, written)) return values[slots[slot] - 1];
      }
      return undefined;
    },
  };
}

// ---------------------------------------------------------------- TextRank

function clampInt(v: number | undefined, fallback: number, min: number, max: number): number {
  return v === undefined || !Number.isFinite(v) ? fallback : Math.min(max, Math.max(min, Math.floor(v)));
}

/**
 * TextRank: an undirected graph of the tokens, linked when they occur within
 * `window` positions of each other in the content tokens (edge weight: number
 * of such co-occurrences), ranked by weighted PageRank
 * (score = (1 − d) + d · Σ w(m, n) / out(m) · score(m)) iterated until no score
 * moves by more than `tolerance` or `iterations` are done. Weights scaled so the first is 1.
 */
export function textRankKeywords(tokens: readonly string[], opts: TextRankOptions = {}): Keyword[] {
  if (!tokens.length) return [];
  const window = clampInt(opts.window, 5, 2, 50);
  const damping = opts.damping !== undefined && Number.isFinite(opts.damping) ? Math.min(1, Math.max(0, opts.damping)) : 0.85;
  const iterations = clampInt(opts.iterations, 50, 1, 1000);
  const tolerance = opts.tolerance ?? 1e-6;

  // words in order of first occurrence; the graph as a Map of neighbour → weight per word
  const index = new Map<string, number>();
  const ids = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    let id = index.get(tokens[i]);
    if (id === undefined) index.set(tokens[i], (id = index.size));
    ids[i] = id;
  }
  const n = index.size;
  const graph: Array<Map<number, number>> = Array.from({ length: n }, () => new Map());
  for (let i = 0; i < ids.length; i++) {
    const a = ids[i];
    for (let j = i + 1; j < ids.length && j < i + window; j++) {
      const b = ids[j];
      if (a === b) continue;
      graph[a].set(b, (graph[a].get(b) ?? 0) + 1);
      graph[b].set(a, (graph[b].get(a) ?? 0) + 1);
    }
  }
  // flattened (CSR) for the iterations
  const offsets = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) offsets[v + 1] = offsets[v] + graph[v].size;
  const neighbours = new Int32Array(offsets[n]);
  const weights = new Float64Array(offsets[n]);
  const outSum = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    let e = offsets[v];
    for (const [u, w] of graph[v]) {
      neighbours[e] = u;
      weights[e++] = w;
      outSum[v] += w;
    }
  }
  let score = new Float64Array(n).fill(1 / n);
  let next = new Float64Array(n);
  const share = new Float64Array(n);
  for (let it = 0; it < iterations; it++) {
    for (let v = 0; v < n; v++) share[v] = outSum[v] > 0 ? score[v] / outSum[v] : 0;
    let delta = 0;
    for (let v = 0; v < n; v++) {
      let s = 0;
      for (let e = offsets[v]; e < offsets[v + 1]; e++) s += weights[e] * share[neighbours[e]];
      next[v] = 1 - damping + damping * s;
      delta = Math.max(delta, Math.abs(next[v] - score[v]));
    }
    [score, next] = [next, score];
    if (delta < tolerance) break;
  }
  const counts = countTokens(tokens);
  const scores = new Map<string, number>();
  for (const [word, id] of index) scores.set(word, score[id]);
  return ranked(scores, counts, opts.limit ?? DEFAULT_KEYWORD_LIMIT);
}

// ---------------------------------------------------------------- all at once

/** The three keyword lists of one text, as the meetings service shows them. Deterministic for a given text, corpus and configuration. */
export function extractKeywords(text: string, opts: ExtractKeywordsOptions = {}): KeywordResult {
  const config = opts.config ?? loadKeywordConfig();
  const limit = limitOf(opts.limit);
  const tokens = tokenize(text, config);
  return {
    highFrequency: highFrequencyWords(tokens, limit),
    tfidf: tfidfKeywords(tokens, opts.corpus ?? null, limit, config),
    textRank: textRankKeywords(tokens, { window: opts.window, limit }),
    tokenCount: tokens.length,
  };
}
