import { useState } from 'react';
import { Alert, App, Button, Input, Radio, Space, Table, Typography } from 'antd';
import { REVIEW_GRADES, type ReviewGrade, type ReviewList } from '../../../contracts/meeting';
import { errorMessage } from '../../shared/api';
import { ErrorState, PageLoading } from '../../shared/states';
import { useRecordReviews, useReviews, type MeetingDetail } from './api';

// 评议 (民主评议党员): each member's grade for the year — 优秀, 合格, 基本合格,
// 不合格 — recorded after the meeting. Where the rule caps the share of 优秀,
// the cap is shown and the server refuses more.

type Item = ReviewList['items'][number];
const GRADE_OPTIONS = (Object.keys(REVIEW_GRADES) as ReviewGrade[]).map((g) => ({ value: g, label: REVIEW_GRADES[g] }));

function ReviewTable({ m, data }: { m: MeetingDetail; data: ReviewList }) {
  const { message } = App.useApp();
  const save = useRecordReviews(m.id);
  const [items, setItems] = useState<Item[]>(data.items);
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editable = m.me.canManage && m.status === 'held';
  const graded = items.filter((i) => i.grade);
  const excellent = items.filter((i) => i.grade === 'excellent').length;
  const cap = data.excellentShareCap;
  const capCount = cap === null ? null : Math.floor(items.length * cap);
  const set = (personId: string, patch: Partial<Item>) => {
    setDirty(true);
    setItems((l) => l.map((i) => (i.personId === personId ? { ...i, ...patch } : i)));
  };
  const submit = async () => {
    setError(null);
    try {
      await save.mutateAsync({ grades: graded.map((i) => ({ personId: i.personId, grade: i.grade!, note: i.note?.trim() || null })) });
      setDirty(false);
      message.success(`已保存 ${graded.length} 人的评议结果`);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="reviews">
      <Typography.Text>
        {data.year}年度民主评议党员：参评 {items.length} 人，已评定 {graded.length} 人，其中优秀 {excellent} 人
        {capCount !== null && `（优秀不超过参评人数的 ${Math.round(cap! * 100)}%，即 ${capCount} 人）`}。
      </Typography.Text>
      {capCount !== null && excellent > capCount && <Alert type="warning" showIcon title={`评为优秀的已有 ${excellent} 人，超过 ${capCount} 人的上限，保存时会被拒绝。`} />}
      {m.status !== 'held' && <Alert type="info" showIcon title="评议结果在会议召开后登记（保存会议记录或登记出席后即记为已召开）。" />}
      {error && <Alert type="error" showIcon role="alert" title={error} />}
      <Table<Item>
        rowKey="personId"
        size="middle"
        dataSource={items}
        pagination={items.length > 50 ? { pageSize: 50 } : false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: '姓名', dataIndex: 'name', key: 'name', width: 100 },
          {
            title: '评定等次',
            key: 'grade',
            width: 360,
            render: (_: unknown, r) =>
              editable ? (
                <Radio.Group size="small" optionType="button" value={r.grade ?? undefined} options={GRADE_OPTIONS} onChange={(e) => set(r.personId, { grade: e.target.value as ReviewGrade })} aria-label={`${r.name} 的评定等次`} />
              ) : r.grade ? (
                REVIEW_GRADES[r.grade]
              ) : (
                <Typography.Text type="secondary">未评定</Typography.Text>
              ),
          },
          {
            title: '说明',
            key: 'note',
            render: (_: unknown, r) =>
              editable ? <Input size="small" maxLength={200} value={r.note ?? ''} onChange={(e) => set(r.personId, { note: e.target.value })} aria-label={`${r.name} 的说明`} placeholder="可选" /> : (r.note ?? ''),
          },
        ]}
      />
      {editable && (
        <Button type="primary" onClick={() => void submit()} loading={save.isPending} disabled={!dirty || graded.length === 0}>
          保存评议结果
        </Button>
      )}
    </Space>
  );
}

export function ReviewsTab({ m }: { m: MeetingDetail }) {
  const q = useReviews(m.id, true);
  if (q.isPending) return <PageLoading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="评议结果加载失败" />;
  if (q.data.items.length === 0) return <Alert type="info" showIcon title="参会名单尚未生成：发送会议通知或登记出席后，按名单登记评议结果。" />;
  // a refetch with the same grades keeps what is being edited; saved grades start the table afresh
  const saved = q.data.items.map((i) => `${i.personId}:${i.grade ?? ''}:${i.note ?? ''}`).join('|');
  return <ReviewTable key={saved} m={m} data={q.data} />;
}
