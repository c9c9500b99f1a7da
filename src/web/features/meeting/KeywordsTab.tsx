import { Card, Empty, Space, Typography } from 'antd';
import type { MeetingKeywords } from '../../../contracts/meeting';
import { ErrorState, PageLoading } from '../../shared/states';
import { useKeywords, type MeetingDetail } from './api';

// 关键词: what the minutes (and a finished transcript) talk about — the most
// frequent words, TF-IDF keywords against the platform's own minutes, and
// TextRank keywords — with a word cloud of the TF-IDF words.

const PALETTE = ['#c8102e', '#d4380d', '#d48806', '#7c3aed', '#1d39c4', '#08979c', '#531dab', '#a8071a'];

/** A deterministic cloud: heaviest words in the middle, lighter ones alternating outwards, sizes by weight. */
export function WordCloud({ items }: { items: { word: string; weight: number }[] }) {
  if (items.length === 0) return null;
  const sorted = [...items].sort((a, b) => b.weight - a.weight || a.word.localeCompare(b.word, 'zh-CN'));
  const max = sorted[0].weight;
  const min = sorted[sorted.length - 1].weight;
  const size = (w: number) => Math.round(14 + (max > min ? (w - min) / (max - min) : 1) * 26);
  const placed: { word: string; weight: number; rank: number }[] = [];
  sorted.forEach((it, rank) => (rank % 2 === 0 ? placed.push({ ...it, rank }) : placed.unshift({ ...it, rank })));
  return (
    <div className="word-cloud" data-testid="word-cloud" aria-label="关键词词云">
      {placed.map((it) => (
        <span
          key={it.word}
          title={`${it.word}（权重 ${it.weight.toFixed(3)}）`}
          style={{ fontSize: size(it.weight), color: PALETTE[it.rank % PALETTE.length], fontWeight: it.rank < 3 ? 600 : 400 }}
        >
          {it.word}
        </span>
      ))}
    </div>
  );
}

function WordList({ title, hint, rows }: { title: string; hint: string; rows: { word: string; value: string }[] }) {
  return (
    <Card size="small" title={title} className="keyword-card">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {hint}
      </Typography.Paragraph>
      {rows.length === 0 ? (
        <Typography.Text type="secondary">无</Typography.Text>
      ) : (
        <ol className="keyword-list">
          {rows.map((r) => (
            <li key={r.word}>
              <span>{r.word}</span>
              <Typography.Text type="secondary">{r.value}</Typography.Text>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

function sourceText(k: MeetingKeywords) {
  const parts = [k.source.minutes && '会议记录', k.source.transcript && '录音转写稿'].filter(Boolean);
  return `依据${parts.join('和')}（共 ${k.source.characters} 字）提取；TF-IDF 以本平台 ${k.corpusDocuments} 份会议记录为参照。`;
}

export function KeywordsTab({ m }: { m: MeetingDetail }) {
  const q = useKeywords(m.id);
  if (q.isPending) return <PageLoading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="关键词加载失败" />;
  const k = q.data;
  if (k.source.characters === 0 || (!k.source.minutes && !k.source.transcript)) {
    return <Empty description="还没有会议记录或录音转写稿。填写会议记录后，这里显示会议的高频词和关键词。" />;
  }
  const num = (w: number) => w.toFixed(3);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="keywords">
      <Typography.Text type="secondary">{sourceText(k)}</Typography.Text>
      <WordCloud items={k.tfidf.slice(0, 40)} />
      <div className="keyword-grid">
        <WordList title="高频词" hint="出现次数最多的词" rows={k.highFrequency.slice(0, 20).map((x) => ({ word: x.word, value: `${x.count} 次` }))} />
        <WordList title="TF-IDF 关键词" hint="本次会议特有、其他会议少见的词" rows={k.tfidf.slice(0, 20).map((x) => ({ word: x.word, value: num(x.weight) }))} />
        <WordList title="TextRank 关键词" hint="在上下文中处于中心位置的词" rows={k.textRank.slice(0, 20).map((x) => ({ word: x.word, value: num(x.weight) }))} />
      </div>
    </Space>
  );
}
