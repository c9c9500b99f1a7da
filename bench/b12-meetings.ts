import { buildApp } from '../src/server/app';
import { sql } from '../src/server/platform/sql';
import { meetingRollupDifferences } from '../src/server/domains/meeting';
import { generateMeetings } from '../src/server/seed/meetings';
import { Rng } from '../src/server/seed/random';
import type { Benchmark, BenchContext } from './lib/context';
import { loginInject, timeInjectedGets } from './lib/http';
import { LATENCY_HEADER, latencyRow, ms, num, printTable, summarize, verdict } from './lib/stats';

// B12 (meetings). For now only its keywords part: the keywords of a one-hour
// meeting transcript (15,000 characters) — high-frequency words, TF-IDF and
// TextRank over jieba's segmentation — as the meetings service computes them
// (extractKeywords), without and with a corpus of 500 minutes. The transcript
// and the corpus are built from a fixed set of spoken sentences in a seeded
// order (the same text every run), with remarks on words drawn from a
// vocabulary standing for other subjects, for a realistic variety. Pure computation: no database (the tier
// database is not opened). Cold start (module, configuration, jieba's
// dictionary, the general-language IDF table) is timed once, then a warm-up,
// then N timed runs.
//
// Then on the tier database: getMeetingCompliance of the root for a quarter
// and a year through the API (read from the rollups), N sequential requests
// after a warm-up; and the year plan for the whole tree (generateMeetingPlan
// for next year, one transaction), timed once and removed again so that
// reruns measure the same work. A tier database made before the meetings
// module gets its year of meeting history first (timed, printed).

const SENTENCES = [
  '嗯，那个，大家先安静一下，我们今天的支部党员大会现在开始。',
  '首先呢，我们一起学习党的二十大精神，重点是关于全面从严治党和基层治理的那一部分。',
  '然后就是，上个月的主题党日，我们组织党员到敬老院开展志愿服务，老人们反映都挺好的。',
  '这个月的主题党日，街道党工委要求我们结合两学一做，再搞一次志愿服务活动。',
  '那个，党费的事情说一下，这个季度的党费请大家抓紧交，流动党员可以用手机交纳党费。',
  '三会一课要坚持，下个月的党课我们请社区书记来讲，讲接诉即办和为民办实事。',
  '我觉得啊，我们支部在联系服务群众这方面，还是有差距的，特别是老旧小区改造的问题。',
  '就是说，群众反映的停车难、加装电梯这些问题，我们党员要带头去做工作，去入户听意见。',
  '组织生活会的时候，大家要真正开展批评与自我批评，不要搞一团和气，要红脸出汗。',
  '民主评议党员这项工作，下个月要完成，对照党章规定的义务，逐项自评互评。',
  '入党积极分子小王和小刘，培养考察一年多了，支委会研究后准备把他们列为发展对象。',
  '预备党员老张预备期满了，他本人提交了转正申请，入党介绍人也写了意见。',
  '还有就是，中央八项规定精神要落实，过节期间不能收礼，不能公款吃喝。',
  '党风廉政建设方面，我们要学习警示教育的案例，守住底线，不碰红线。',
  '嗯，乡村振兴这块，我们和结对的村党支部一起，帮他们销售农产品，效果不错。',
  '学习强国的学习积分，有些同志偏低，希望大家每天抽点时间，坚持学习。',
  '对，然后网格员那边反映，在职党员双报到以后，社区的网格化管理好做多了。',
  '那个，主题教育的整改清单，我们还有两项没有完成，要抓紧整改落实。',
  '学习贯彻习近平新时代中国特色社会主义思想，要跟我们的实际工作结合起来。',
  '二十届三中全会提出的改革任务，我们也要组织学习，谈谈体会。',
  '好，接下来请组织委员通报一下本季度党员积分的情况，大家有什么意见可以提。',
  '宣传委员那边，党员活动日的照片和简报要及时整理，报街道党工委。',
  '嗯，我补充一点，独居老人的走访慰问，每个党小组包一栋楼，每周至少去一次。',
  '那个，就是，党群服务中心的便民服务，周末也要有党员值班，方便群众办事。',
  '最后再强调一下，大家要把学习党的二十大精神落实到为民办实事的具体行动中。',
  '对吧，我们就是要让群众感受到，党员就在身边，有事找党员，党员帮着办。',
  '关于换届选举的准备工作，支委会下周开会研究，到时候再向大家通报。',
  '然后呢，红色教育基地的参观，定在下个月第二个周六，请大家提前安排好时间。',
  '嗯，好，今天的会就先开到这儿，大家有没有其他的事情？没有的话就散会。',
  '谈心谈话要做实，支部委员每人联系几名党员，了解思想动态和实际困难。',
];

/** mulberry32: a small seeded generator, so the transcript is the same every run. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Words standing for the vocabulary of other meetings (2 to 4 characters drawn
 * from a fixed set, the first more often than the last): the corpus of minutes
 * of an installation has tens of thousands of distinct words, not only the
 * few hundred of the sentences above.
 */
function otherWords(count: number, seed: number): string[] {
  const chars = '党建学习服务群众组织生活会议纪律作风廉政村社区街道企业学校医院农业产业项目资金环境卫生安全教育文化体育养老就业扶贫帮困调研宣传培训考核监督整改落实规划建设改造维修';
  const next = seeded(seed);
  return Array.from({ length: count }, () => {
    let w = '';
    for (let k = 2 + Math.floor(next() * 3); k > 0; k--) w += chars[Math.floor(next() * chars.length)];
    return w;
  });
}

/**
 * Sentences drawn in a seeded order until `chars` characters, cut there; every
 * other one followed by a remark on two words of `vocabulary`, so that the
 * text has the variety of a real meeting (a thousand distinct words or so, not
 * the few hundred of the sentences).
 */
function transcript(chars: number, seed: number, vocabulary: string[]): string {
  const next = seeded(seed);
  let text = '';
  while (text.length < chars) {
    text += SENTENCES[Math.floor(next() * SENTENCES.length)];
    if (next() < 0.5) text += `还有${vocabulary[Math.floor(next() ** 2 * vocabulary.length)]}和${vocabulary[Math.floor(next() ** 2 * vocabulary.length)]}的情况。`;
  }
  return text.slice(0, chars);
}

const TRANSCRIPT_CHARS = 15_000;
const OTHER_WORDS = 30_000;
const CORPUS_DOCUMENTS = 500;
const CORPUS_DOCUMENT_CHARS = 1_500;
const WARMUP = 20;

export const b12Meetings: Benchmark = {
  name: 'b12',
  title: 'meetings: keywords of a 15,000-character transcript; compliance of the root from the rollups; the year plan of the whole tree',
  target: 'keywords of a 15,000-character transcript ≤ 50 ms; compliance p95 ≤ 20 ms; plan generation (county) ≤ 5 s',
  usesTierDb: true,
  async run(ctx) {
    const keywords = await keywordsPart(ctx);
    const database = await databasePart(ctx);
    return { keywords, database };
  },
};

async function keywordsPart(ctx: BenchContext) {
  {
    const n = Math.max(20, Math.min(ctx.options.queries, 200));

    const t0 = performance.now();
    const kw = await import('../src/server/domains/meeting/meeting.keywords');
    const importMs = performance.now() - t0;
    const c0 = performance.now();
    const config = kw.loadKeywordConfig(null);
    const configMs = performance.now() - c0;
    const j0 = performance.now();
    kw.tokenize('支部党员大会学习三会一课制度。', config);
    const jiebaMs = performance.now() - j0;
    const i0 = performance.now();
    kw.tfidfKeywords(['志愿服务'], null, 1, config);
    const idfMs = performance.now() - i0;
    console.log(`Cold start: module ${ms(importMs)} ms, word lists ${ms(configMs)} ms (${num(config.stopWords.size)} stop words, ${num(config.partyTerms.size)} Party terms), jieba with its dictionary ${ms(jiebaMs)} ms, general-language IDF table ${ms(idfMs)} ms`);

    const vocabulary = otherWords(OTHER_WORDS, 7);
    const text = transcript(TRANSCRIPT_CHARS, 12, vocabulary);
    const p0 = performance.now();
    const corpus = kw.documentFrequencies(Array.from({ length: CORPUS_DOCUMENTS }, (_, i) => kw.tokenize(transcript(CORPUS_DOCUMENT_CHARS, 1000 + i, vocabulary), config)));
    const corpusMs = performance.now() - p0;
    console.log(`Corpus: ${num(CORPUS_DOCUMENTS)} minutes of ${num(CORPUS_DOCUMENT_CHARS)} characters (same sentences, other seeds) tokenized and counted in ${ms(corpusMs)} ms (${num(Object.keys(corpus.df).length)} distinct words, ${num(JSON.stringify(corpus).length)} bytes as JSON)`);

    const time = (f: () => unknown) => {
      for (let i = 0; i < WARMUP; i++) f();
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const s = performance.now();
        f();
        times.push(performance.now() - s);
      }
      return summarize(times);
    };
    const tokens = kw.tokenize(text, config);
    const withCorpus = time(() => kw.extractKeywords(text, { corpus, config }));
    const without = time(() => kw.extractKeywords(text, { corpus: null, config }));
    const tokenize = time(() => kw.tokenize(text, config));
    const tfidf = time(() => kw.tfidfKeywords(tokens, corpus, kw.DEFAULT_KEYWORD_LIMIT, config));
    const textRank = time(() => kw.textRankKeywords(tokens));

    const sample = kw.extractKeywords(text, { corpus: null, config, limit: 10 });
    printTable(`Keywords of a ${num(text.length)}-character transcript (${num(tokens.length)} content tokens, ${num(new Set(tokens).size)} distinct; ${num(n)} runs after ${WARMUP} warm-up)`, LATENCY_HEADER, [
      latencyRow('extractKeywords, corpus of 500 minutes', withCorpus),
      latencyRow('extractKeywords, no corpus (general IDF)', without),
      latencyRow('  tokenize (jieba + filters)', tokenize),
      latencyRow('  tfidfKeywords (corpus)', tfidf),
      latencyRow('  textRankKeywords', textRank),
    ]);
    console.log(`\nTop TF-IDF (no corpus; in this corpus, built from the same sentences, every sentence's words are common): ${sample.tfidf.map((k) => `${k.word} ${k.weight.toFixed(2)}`).join(', ')}`);
    console.log(`Top TextRank: ${sample.textRank.map((k) => `${k.word} ${k.weight.toFixed(2)}`).join(', ')}`);
    console.log(`B12 keywords (15,000 characters): p50 ${ms(withCorpus.p50)} ms, p95 ${ms(withCorpus.p95)} ms, max ${ms(withCorpus.max)} ms with a corpus; p95 ${ms(without.p95)} ms without (target ≤ 50 ms: ${verdict(Math.max(withCorpus.p95, without.p95) <= 50)}); jieba cold start ${ms(jiebaMs)} ms`);
    return {
      part: 'keywords',
      chars: text.length,
      tokens: tokens.length,
      cold: { importMs, configMs, jiebaMs, idfMs },
      corpus: { documents: CORPUS_DOCUMENTS, words: Object.keys(corpus.df).length, buildMs: corpusMs },
      extractWithCorpus: withCorpus,
      extractWithoutCorpus: without,
      tokenize,
      tfidf,
      textRank,
    };
  }
}

async function databasePart(ctx: BenchContext) {
  const db = await ctx.tierDb();
  const { deps, accounts } = db;
  const root = accounts.orgs.root;
  const have = await deps.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM meeting`);
  let historyMs: number | null = null;
  if (have.n === 0) {
    const rootPath = (await deps.db.one<{ path: string }>(sql`SELECT path::text AS path FROM org WHERE id = ${root.id}`)).path;
    const t0 = performance.now();
    const made = await generateMeetings(deps.db, new Rng(12), { rootPath, today: deps.clock.today(), years: 1, planAhead: true });
    historyMs = performance.now() - t0;
    console.log(`Meeting history added to the tier database: ${num(made.meetings)} meetings, ${num(made.attendees)} attendees in ${ms(historyMs)} ms`);
  }
  const counts = await deps.db.one<{ meetings: number; attendees: number; rollups: number; orgs: number }>(sql`SELECT (SELECT count(*)::int FROM meeting) AS meetings,
    (SELECT count(*)::int FROM meeting_attendee) AS attendees, (SELECT count(*)::int FROM meeting_rollup) AS rollups,
    (SELECT count(*)::int FROM org WHERE type IN ('general_branch', 'branch', 'joint_branch', 'temporary_branch', 'party_group') AND dissolved_on IS NULL) AS orgs`);
  const app = await buildApp(deps);
  try {
    const cookie = await loginInject(app, accounts.admin);
    const today = deps.clock.today();
    const quarter = `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
    const n = Math.max(20, Math.min(ctx.options.queries, 500));
    const timeGet = (url: string) => timeInjectedGets(app, cookie, url, n);
    const q = await timeGet(`/api/v1/meetings/compliance?orgId=${root.id}&period=${quarter}`);
    const y = await timeGet(`/api/v1/meetings/compliance?orgId=${root.id}&period=${today.slice(0, 4)}`);
    printTable(`getMeetingCompliance of the root (${num(counts.orgs)} orgs bound, ${num(counts.meetings)} meetings, ${num(counts.rollups)} rollup rows; ${num(n)} sequential app.inject)`, LATENCY_HEADER, [
      latencyRow(`quarter ${quarter}`, q),
      latencyRow(`year ${today.slice(0, 4)}`, y),
    ]);

    const year = Number(today.slice(0, 4)) + 1;
    await deps.db.exec(sql`DELETE FROM meeting WHERE from_plan AND status = 'planned' AND planned_date >= ${`${year}-01-01`}::date AND NOT EXISTS (SELECT 1 FROM meeting_attendee a WHERE a.meeting_id = meeting.id)`);
    await deps.db.exec(sql`CHECKPOINT`);
    const p0 = performance.now();
    const res = await app.inject({ method: 'POST', url: '/api/v1/meetings/plan', headers: { cookie, 'content-type': 'application/json' }, payload: JSON.stringify({ orgId: root.id, year }) });
    const planMs = performance.now() - p0;
    if (res.statusCode !== 200) throw new Error(`plan → ${res.statusCode} ${res.body}`);
    const plan = res.json() as { created: number; orgs: number };
    await deps.db.exec(sql`DELETE FROM meeting WHERE from_plan AND status = 'planned' AND planned_date >= ${`${year}-01-01`}::date AND NOT EXISTS (SELECT 1 FROM meeting_attendee a WHERE a.meeting_id = meeting.id)`);
    const diff = await meetingRollupDifferences(deps);
    console.log(`B12 compliance p95: quarter ${ms(q.p95)} ms, year ${ms(y.p95)} ms (target ≤ 20 ms: ${verdict(Math.max(q.p95, y.p95) <= 20)})`);
    console.log(`B12 plan generation for ${year}: ${num(plan.created)} meetings for ${num(plan.orgs)} orgs in ${ms(planMs)} ms (target ≤ 5 s: ${verdict(planMs <= 5000)}); rollups verify: ${diff.rollup.length + diff.compliance.length === 0 ? 'clean' : `${diff.rollup.length + diff.compliance.length} differences`}`);
    return { historyMs, counts, complianceQuarter: q, complianceYear: y, plan: { ...plan, ms: planMs }, rollupDifferences: diff.rollup.length + diff.compliance.length };
  } finally {
    await app.close();
  }
}
