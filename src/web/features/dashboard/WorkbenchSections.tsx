import { useEffect } from 'react';
import { Badge, Card, Col, Collapse, Row, Space, Statistic, Tag, Typography } from 'antd';
import { Link, useNavigate } from 'react-router';
import type { WorkbenchGroup, WorkbenchItem, WorkbenchLevel, WorkbenchSection } from '../../../contracts/workbench';
import { ApiError } from '../../shared/api';
import { setCurrentOrg, useCurrentOrg } from '../../shared/current-org';
import { formatDateTime } from '../../shared/dates';
import { useMe } from '../../shared/session';
import { EmptyState, ErrorState, PageLoading } from '../../shared/states';
import { useMarkReadFromWorkbench, useWorkbench } from './api';

// The 工作台's sections from getWorkbench: per section a few numbers and its
// warnings grouped by kind — one collapsible group per kind with its count,
// the rule it rests on once, and the first items, each linking to its page.

const LEVEL_TAG: Record<WorkbenchLevel, { color: string; text: string }> = {
  error: { color: 'error', text: '须处理' },
  warning: { color: 'warning', text: '提醒' },
  info: { color: 'blue', text: '待办' },
};
const BADGE_COLOR: Record<WorkbenchLevel, string> = { error: '#c8102e', warning: '#d48806', info: '#1677ff' };

function ItemRow({ item, sectionKey }: { item: WorkbenchItem; sectionKey: string }) {
  const navigate = useNavigate();
  const markRead = useMarkReadFromWorkbench();
  const isNotification = sectionKey === 'notifications';
  const title = item.link && item.link.startsWith('/') ? (
    <Link
      to={item.link}
      onClick={(e) => {
        if (!isNotification || !item.id) return;
        e.preventDefault();
        markRead.mutate([item.id]);
        navigate(item.link!);
      }}
    >
      {item.title}
    </Link>
  ) : (
    <Typography.Text strong>{item.title}</Typography.Text>
  );
  return (
    <li>
      <div className="wb-item-head">
        <Space size={6} wrap style={{ minWidth: 0 }}>
          {title}
          {item.orgName && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {item.orgName}
            </Typography.Text>
          )}
        </Space>
        {item.date && (
          <Typography.Text type={item.level === 'error' ? 'danger' : 'secondary'} style={{ fontSize: 12, flex: 'none' }}>
            {isNotification ? formatDateTime(item.date) : item.date}
          </Typography.Text>
        )}
      </div>
      {item.detail && <div className={item.level === 'error' ? 'wb-item-detail wb-item-error' : 'wb-item-detail'}>{item.detail}</div>}
    </li>
  );
}

function GroupLabel({ g, plain }: { g: WorkbenchGroup; plain: boolean }) {
  return (
    <div className="wb-group-label" data-testid={`wb-group-${g.kind}`}>
      {!plain && (
        <Tag color={LEVEL_TAG[g.level].color} style={{ marginInlineEnd: 0 }}>
          {LEVEL_TAG[g.level].text}
        </Tag>
      )}
      <span className="wb-group-title">{g.label}</span>
      <Badge count={g.count} overflowCount={9999} showZero color={BADGE_COLOR[g.level]} />
    </div>
  );
}

function GroupBody({ g, sectionKey }: { g: WorkbenchGroup; sectionKey: string }) {
  return (
    <>
      {g.source && (
        <Typography.Paragraph type="secondary" className="wb-source" data-testid="wb-source">
          依据：{g.source}
        </Typography.Paragraph>
      )}
      <ul className="plain-list">
        {g.items.map((it, i) => (
          <ItemRow key={it.id ?? `${it.link}-${i}`} item={it} sectionKey={sectionKey} />
        ))}
      </ul>
      {g.count > g.items.length && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          共 {g.count} 项，以上列出前 {g.items.length} 项
          {g.link && (
            <>
              ，<Link to={g.link}>查看全部</Link>
            </>
          )}
          。
        </Typography.Text>
      )}
    </>
  );
}

function SectionCard({ s }: { s: WorkbenchSection }) {
  // groups needing action open at first; otherwise the first group
  const open = s.groups.filter((g) => g.level === 'error').map((g) => g.kind);
  return (
    <Card className="wb-section" title={s.title} extra={s.link ? <Link to={s.link}>进入</Link> : null} data-testid={`wb-section-${s.key}`} style={{ height: '100%' }}>
      {s.stats.length > 0 && (
        <div className="wb-stats">
          {s.stats.map((st) => (
            <Statistic
              key={st.label}
              title={st.link ? <Link to={st.link}>{st.label}</Link> : st.label}
              value={st.value}
              precision={st.unit === '元' ? 2 : 0}
              suffix={st.unit}
            />
          ))}
        </div>
      )}
      {s.groups.length === 0 ? (
        <EmptyState description={s.empty} />
      ) : (
        <Collapse
          size="small"
          defaultActiveKey={open.length ? open : [s.groups[0].kind]}
          items={s.groups.map((g) => ({
            key: g.kind,
            label: <GroupLabel g={g} plain={s.key === 'notifications'} />, // a notification is news, not a task level
            children: <GroupBody g={g} sectionKey={s.key} />,
          }))}
        />
      )}
    </Card>
  );
}

/** Every section of the caller's 工作台, two to a row on a wide screen, one on a phone. */
export function WorkbenchSections() {
  const me = useMe().data!;
  const current = useCurrentOrg(me.username);
  const q = useWorkbench(current);
  const isGone = q.isError && q.error instanceof ApiError && q.error.code === 'NOT_FOUND';
  useEffect(() => {
    if (isGone && current) setCurrentOrg(me.username, null); // the remembered org left the user's scope
  }, [isGone, current, me.username]);
  if (q.isPending) return <PageLoading tip="正在汇总待办与预警…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="工作台加载失败" />;
  return (
    <Row gutter={[16, 16]}>
      {q.data.sections.map((s) => (
        <Col xs={24} xl={12} key={s.key}>
          <SectionCard s={s} />
        </Col>
      ))}
    </Row>
  );
}
