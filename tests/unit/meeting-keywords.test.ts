import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  documentFrequencies,
  extractKeywords,
  highFrequencyWords,
  loadKeywordConfig,
  textRankKeywords,
  tfidfKeywords,
  tokenize,
  type Keyword,
} from '../../src/server/domains/meeting/meeting.keywords';

// Keywords of meeting minutes. The texts below are written for the test; the
// expected keywords are what a reader of each text would name, written by
// hand, not computed with the code under test. The shipped lists only
// (null: $KEYWORDS_EXTRA_DIR of the machine running the tests is not read).
const config = loadKeywordConfig(null);

// 支部党员大会: study of the 20th Congress and the month's 主题党日 (volunteer work)
const BRANCH_MEETING = `会议时间：2025年3月12日下午2:30
会议地点：社区党群服务中心二楼会议室
主持人：王建华（党支部书记）
应到党员23名，实到21名，请假2名。
会议内容：
一、集中学习党的二十大精神。王建华同志领学了党的二十大报告关于全面从严治党和基层治理的论述，结合社区实际，要求全体党员把学习贯彻党的二十大精神同为民办实事结合起来。
二、总结三月份主题党日活动。本月主题党日以“学雷锋志愿服务”为主题，全体党员分成三个志愿服务小组，到辖区老旧小区开展环境整治、为独居老人上门理发、在社区广场开展政策宣讲。组织委员李红梅同志通报，本次志愿服务共服务群众160余人次，收集群众意见建议12条，已全部转交居委会办理。
三、讨论下一步志愿服务安排。党员们一致认为，志愿服务要常态化，建议每月主题党日固定开展一次志愿服务，建立志愿服务积分台账，与党员积分挂钩。
四、收缴党费。宣传委员张伟同志收缴了本季度党费，并公布了党费收缴情况。
会议要求，各党小组要把学习党的二十大精神落实到志愿服务和为民办实事中，下次主题党日继续围绕老旧小区改造开展志愿服务。`;

// 组织生活会 with 批评与自我批评 and 民主评议党员
const LIFE_MEETING = `红星村党支部2024年度组织生活会会议记录
时间：2025年1月18日上午9:00  地点：村党群服务中心
参加人员：全体党员，入党积极分子列席
一、支部书记赵国强代表支委会作对照检查，从政治理论学习、联系服务群众、党风廉政建设三个方面查摆问题，并提出整改措施。
二、开展批评与自我批评。党员逐一发言，先作自我批评，再相互批评。刘明同志批评赵国强同志在乡村振兴产业项目推进中调研不够深入；赵国强同志诚恳接受，表示将在整改清单中列明时限。党员孙丽指出，部分党员参加三会一课不够经常，学习强国积分偏低。老党员周志军提醒大家，批评与自我批评要红脸出汗，不能搞一团和气。
三、民主评议党员。全体党员对照党章规定的义务逐项自评、互评，支委会综合评定，评定优秀党员5名、合格党员18名。
四、通报整改落实情况。支部书记通报上年度组织生活会查摆问题整改落实情况，12项问题已整改10项，2项长期坚持；全年党费按时足额交纳。
会议强调，要以这次组织生活会为契机，严格落实全面从严治党主体责任，坚持中央八项规定精神，把批评与自我批评的成果转化为推动乡村振兴的实际行动。`;

// a speech-to-text transcript: fillers, repetitions, no punctuation discipline
const TRANSCRIPT = `嗯，那个，大家先安静一下啊。今天呢，我们就是把这个主题党日的事情再说一下。嗯，上个月那个，我们去敬老院搞志愿服务，然后大家反映都挺好的，就是那个，老人们都很高兴。然后呢，这个月，那个，街道党工委要求我们，就是，结合两学一做，再搞一次志愿服务，嗯，主要是去帮那个独居老人打扫卫生，然后陪老人聊聊天。那个，小李你那边统计一下，就是看看哪些党员能来。嗯，还有一个事情，就是那个党费，嗯，这个季度的党费大家抓紧交一下，然后那个，流动党员可以用手机交。嗯，对，然后就是三会一课，那个，下个月的党课，我们请社区书记来讲，讲那个，讲基层治理和接诉即办。嗯，大家有没有什么意见？好，没有的话，那个，今天就先这样。`;

// 支委会: development of members
const COMMITTEE_MEETING = `支委会会议记录。会议研究党员发展工作。经支委会讨论，同意将入党积极分子陈晓东、刘佳确定为发展对象，报上级党委预审；预备党员吴磊预备期满，本人提交转正申请，入党介绍人介绍了其预备期表现，支委会同意提交支部党员大会讨论其转正。会议还研究了第二季度党费收缴和下季度党课安排，由组织委员负责落实。`;

const words = (list: Array<{ word: string }>) => list.map((k) => k.word);
const top = (list: Array<{ word: string }>, n: number) => words(list).slice(0, n);
// what is never a keyword: meeting boilerplate, pronouns, fillers, function words
const NEVER = ['会议', '同志', '我们', '大家', '这个', '那个', '就是', '然后', '一下', '今天', '进行', '开展', '发言', '表示', '指出', '要求', '的话', '没有'];

function expectClean(tokens: string[]) {
  for (const w of NEVER) expect(tokens, w).not.toContain(w);
  for (const t of tokens) {
    expect([...t].length, t).toBeGreaterThan(1);
    expect(t, t).toMatch(/^\p{Script=Han}+$/u);
  }
}

describe('tokenize', () => {
  it('keeps Party terms whole', () => {
    const tokens = tokenize('我们支部坚持三会一课制度，深入开展两学一做学习教育，按时召开组织生活会，认真开展批评与自我批评。', config);
    for (const w of ['三会一课', '两学一做', '组织生活会', '批评与自我批评']) expect(tokens).toContain(w);
    for (const w of ['三会', '一课', '两学', '一做', '组织', '生活会', '自我批评']) expect(tokens).not.toContain(w);
  });

  it('keeps the long names of the theory whole', () => {
    const tokens = tokenize('深入学习贯彻习近平新时代中国特色社会主义思想，全面贯彻党的二十大精神和二十届三中全会精神，严格落实中央八项规定。', config);
    for (const w of ['习近平新时代中国特色社会主义思想', '党的二十大精神', '二十届三中全会', '中央八项规定']) expect(tokens).toContain(w);
    for (const w of ['习近平', '社会主义', '二十大', '三中全会', '八项']) expect(tokens).not.toContain(w);
  });

  it('drops stop words, fillers, punctuation, numbers, Latin letters and single characters', () => {
    for (const text of [BRANCH_MEETING, LIFE_MEETING, TRANSCRIPT, COMMITTEE_MEETING]) expectClean(tokenize(text, config));
    expect(tokenize('2025年3月12日 14:30, Zoom ID 123456。', config)).toEqual([]);
    expect(tokenize('嗯，那个，就是，然后呢，对吧？好的，谢谢大家！', config)).toEqual([]);
    // counting words of minutes are not content
    const numbered = tokenize('一是提高认识，二是加强学习，第三要抓好落实。', config);
    for (const w of ['一是', '二是', '第三']) expect(numbered).not.toContain(w);
    expect(numbered).toEqual(expect.arrayContaining(['学习', '落实']));
  });

  it('returns nothing for an empty or blank text', () => {
    expect(tokenize('', config)).toEqual([]);
    expect(tokenize('  \n\t ', config)).toEqual([]);
    expect(tokenize('，。！？……', config)).toEqual([]);
  });
});

describe('high-frequency words', () => {
  it('counts and sorts by count, then by word', () => {
    expect(highFrequencyWords(['党费', '学习', '党费', '组织', '学习', '党费', '乙方', '甲方'], 10)).toEqual([
      { word: '党费', count: 3 },
      { word: '学习', count: 2 },
      { word: '乙方', count: 1 }, // code-point order: 乙 U+4E59 before 甲 U+7532 before 组 U+7EC4
      { word: '甲方', count: 1 },
      { word: '组织', count: 1 },
    ]);
    expect(highFrequencyWords(['党费', '学习', '党费'], 1)).toEqual([{ word: '党费', count: 2 }]);
    expect(highFrequencyWords([], 10)).toEqual([]);
  });

  it('puts the subject of a meeting first', () => {
    // 志愿服务 is said nine times in the branch meeting, more than anything else
    expect(highFrequencyWords(tokenize(BRANCH_MEETING, config), 1)[0]).toEqual({ word: '志愿服务', count: 9 });
  });
});

describe('TF-IDF without a corpus', () => {
  it('finds the subjects of the branch meeting: the 主题党日, the volunteer work, the 20th Congress', () => {
    const kw = tfidfKeywords(tokenize(BRANCH_MEETING, config), null, 10, config);
    expect(kw).toHaveLength(10);
    expect(top(kw, 10)).toEqual(expect.arrayContaining(['志愿服务', '主题党日', '党的二十大精神', '为民办实事']));
    expect(top(kw, 2)).toContain('志愿服务');
    expect(kw[0].weight).toBe(1);
    expectClean(words(kw));
  });

  it('finds the subjects of the 组织生活会: criticism and self-criticism, the rectification, rural revitalisation', () => {
    const kw = tfidfKeywords(tokenize(LIFE_MEETING, config), null, 10, config);
    expect(top(kw, 10)).toEqual(expect.arrayContaining(['批评与自我批评', '组织生活会', '乡村振兴']));
    expect(top(kw, 3)).toContain('批评与自我批评');
    expect(top(kw, 15)).toEqual(expect.arrayContaining(['查摆问题', '整改落实']));
    expectClean(words(kw));
  });

  it('finds the subjects of a spoken transcript and none of its fillers', () => {
    const kw = tfidfKeywords(tokenize(TRANSCRIPT, config), null, 10, config);
    expect(top(kw, 10)).toEqual(expect.arrayContaining(['志愿服务', '党费', '主题党日', '三会一课']));
    expectClean(words(kw));
  });

  it('weights decrease from 1', () => {
    const kw = tfidfKeywords(tokenize(LIFE_MEETING, config), null, 30, config);
    expect(kw[0].weight).toBe(1);
    for (let i = 1; i < kw.length; i++) expect(kw[i].weight).toBeLessThanOrEqual(kw[i - 1].weight);
    for (const k of kw) expect(k.weight).toBeGreaterThan(0);
  });
});

describe('TF-IDF with a corpus of minutes', () => {
  // every document of this corpus deals with dues (党费)
  const DUES = [
    '党小组会议记录。学习党章关于党费的规定，党员按月交纳党费，党小组长收缴党费后交支部。',
    '支委会会议记录。研究党费使用情况，决定用党费慰问困难党员和老党员。',
  ];
  const corpusTexts = [BRANCH_MEETING, LIFE_MEETING, COMMITTEE_MEETING, ...DUES, TRANSCRIPT];
  const corpus = documentFrequencies(corpusTexts.map((t) => tokenize(t, config)));

  it('counts each word once per document', () => {
    expect(corpus.documents).toBe(6);
    // 党费 is in all six texts, 批评与自我批评 only in the 组织生活会
    expect(corpus.df['党费']).toBe(6);
    expect(corpus.df['批评与自我批评']).toBe(1);
    expect(JSON.parse(JSON.stringify(corpus))).toEqual(corpus);
    expect(documentFrequencies([['甲方', '甲方', '乙方'], ['甲方']])).toEqual({ documents: 2, df: { 乙方: 1, 甲方: 2 } });
  });

  it('ranks a word every meeting has lower than without the corpus', () => {
    const tokens = tokenize(TRANSCRIPT, config);
    const rank = (kw: Keyword[]) => {
      const i = words(kw).indexOf('党费');
      return i === -1 ? Infinity : i;
    };
    const without = tfidfKeywords(tokens, null, 50, config);
    const withCorpus = tfidfKeywords(tokens, corpus, 50, config);
    // said twice in a short transcript, a Party term: near the top on its own
    expect(rank(without)).toBeLessThan(5);
    expect(rank(withCorpus)).toBeGreaterThan(rank(without));
    // what this meeting says most stays on top
    expect(top(withCorpus, 5)).toContain('志愿服务');
  });

  it('falls back to the general-language weights for a corpus too small to tell', () => {
    const tokens = tokenize(TRANSCRIPT, config);
    const tiny = documentFrequencies([tokens, tokenize(DUES[0], config)]);
    expect(tfidfKeywords(tokens, tiny, 20, config)).toEqual(tfidfKeywords(tokens, null, 20, config));
  });
});

describe('TextRank', () => {
  it('ranks the connected subjects of a meeting high', () => {
    const kw = textRankKeywords(tokenize(BRANCH_MEETING, config), { limit: 10 });
    expect(top(kw, 10)).toEqual(expect.arrayContaining(['志愿服务', '主题党日']));
    expect(kw[0].weight).toBe(1);
    expectClean(words(kw));
  });

  it('links words within the window only', () => {
    // a chain 甲方 乙方 丙方 丁方: with a window of 2 the ends have one neighbour, the middle two
    const kw = textRankKeywords(['甲方', '乙方', '丙方', '丁方'], { window: 2 });
    expect(top(kw, 2).sort()).toEqual(['丙方', '乙方'].sort());
    expect(kw[2].weight).toBeLessThan(1);
    expect(kw[2].weight).toBe(kw[3].weight);
    // one word only: nothing to link, still a keyword
    expect(textRankKeywords(['党费', '党费'])).toEqual([{ word: '党费', weight: 1, count: 2 }]);
  });
});

describe('extractKeywords', () => {
  it('returns the three lists and the token count', () => {
    const r = extractKeywords(LIFE_MEETING, { config, limit: 15 });
    expect(r.tokenCount).toBe(tokenize(LIFE_MEETING, config).length);
    expect(r.tokenCount).toBeGreaterThan(50);
    expect(r.highFrequency).toHaveLength(15);
    expect(r.tfidf).toHaveLength(15);
    expect(r.textRank).toHaveLength(15);
    expect(words(r.highFrequency).slice(0, 5)).toContain('批评与自我批评');
    for (const list of [r.highFrequency, r.tfidf, r.textRank]) expectClean(words(list));
  });

  it('is deterministic', () => {
    const corpus = documentFrequencies([BRANCH_MEETING, LIFE_MEETING, TRANSCRIPT, COMMITTEE_MEETING, BRANCH_MEETING].map((t) => tokenize(t, config)));
    for (const text of [BRANCH_MEETING, TRANSCRIPT]) {
      expect(extractKeywords(text, { config, limit: 30 })).toEqual(extractKeywords(text, { config, limit: 30 }));
      expect(extractKeywords(text, { config, corpus, limit: 30 })).toEqual(extractKeywords(text, { config, corpus, limit: 30 }));
    }
  });

  it('gives empty lists for an empty text', () => {
    const empty = { highFrequency: [], tfidf: [], textRank: [], tokenCount: 0 };
    expect(extractKeywords('', { config })).toEqual(empty);
    expect(extractKeywords(' \n ', { config })).toEqual(empty);
    expect(extractKeywords('嗯，那个，就是……', { config })).toEqual(empty);
  });
});

describe('operator configuration ($KEYWORDS_EXTRA_DIR)', () => {
  const dirs: string[] = [];
  const extraDir = (files: Record<string, string>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dj-keywords-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
  };
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  const TEXT = '社区党委推进红色物业建设，红色物业让物业服务更贴近居民，社区党委每月听取红色物业工作汇报。';

  it('adds Party terms and stop words to the shipped ones', () => {
    expect(tokenize(TEXT, config)).not.toContain('红色物业');
    const extra = loadKeywordConfig(extraDir({ 'party-terms.txt': '# 本地词\n红色物业\n', 'stopwords.txt': '社区\n' }));
    expect(extra.partyTerms.has('红色物业')).toBe(true);
    expect(extra.partyTerms.has('三会一课')).toBe(true);
    expect(extra.stopWords.has('社区')).toBe(true);
    expect(extra.stopWords.has('那个')).toBe(true);
    const tokens = tokenize(TEXT, extra);
    expect(tokens).toContain('红色物业');
    expect(tokens).not.toContain('社区');
    expect(extractKeywords(TEXT, { config: extra }).highFrequency[0]).toEqual({ word: '红色物业', count: 3 });
  });

  it('reads the directory named by the environment variable', () => {
    const dir = extraDir({ 'party-terms.txt': '红色物业 30000 nz\n' });
    const before = process.env.KEYWORDS_EXTRA_DIR;
    process.env.KEYWORDS_EXTRA_DIR = dir;
    try {
      expect(loadKeywordConfig().extraDir).toBe(path.resolve(dir));
      expect(loadKeywordConfig()).toBe(loadKeywordConfig(dir));
      expect(words(extractKeywords(TEXT).tfidf)).toContain('红色物业');
    } finally {
      if (before === undefined) delete process.env.KEYWORDS_EXTRA_DIR;
      else process.env.KEYWORDS_EXTRA_DIR = before;
    }
    expect(loadKeywordConfig(null).partyTerms.has('红色物业')).toBe(false);
  });

  it('refuses a directory that does not exist', () => {
    expect(() => loadKeywordConfig(path.join(os.tmpdir(), 'dj-keywords-missing-dir'))).toThrow(/not a directory/);
  });
});
