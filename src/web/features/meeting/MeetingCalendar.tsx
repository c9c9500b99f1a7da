import { Alert, Button, Calendar, Grid, Space, Spin, Typography } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { Link } from 'react-router';
import { MEETING_TYPES } from '../../../contracts/meeting';
import { dayjs, todayShanghai } from '../../shared/dates';
import { ErrorState } from '../../shared/states';
import { useMeetingsInRange, type MeetingFilters, type MeetingListItem } from './api';
import { MeetingStatusTag, MeetingTypeTag, timeOf, timeRange, TYPE_COLORS } from './ui';

// The meetings as a month (antd Calendar) or as a week of seven columns. The
// visible days are the date range; the other filters (org, type, status,
// search) apply as on the table.

export type CalendarMode = 'month' | 'week';
type Filters = Omit<MeetingFilters, 'page' | 'pageSize' | 'from' | 'to'>;

const dayOf = (m: MeetingListItem) => m.heldOn ?? m.plannedDate;
const byTime = (a: MeetingListItem, b: MeetingListItem) => (a.startsAt ?? '').localeCompare(b.startsAt ?? '') || a.title.localeCompare(b.title, 'zh-CN');

function groupByDay(items: MeetingListItem[]) {
  const m = new Map<string, MeetingListItem[]>();
  for (const it of items) m.set(dayOf(it), [...(m.get(dayOf(it)) ?? []), it]);
  for (const list of m.values()) list.sort(byTime);
  return m;
}

/** The visible days of a mode around an anchor day: the month's weeks (Monday first), or the anchor's week. */
export function visibleRange(mode: CalendarMode, anchor: Dayjs): [Dayjs, Dayjs] {
  if (mode === 'week') return [anchor.startOf('week'), anchor.endOf('week')];
  return [anchor.startOf('month').startOf('week'), anchor.endOf('month').endOf('week')];
}

function CalendarEntry({ m }: { m: MeetingListItem }) {
  const t = timeOf(m.startsAt);
  return (
    <Link
      to={`/admin/meetings/${m.id}`}
      className={`meeting-cal-entry${m.status === 'cancelled' ? ' meeting-cal-cancelled' : ''}`}
      title={`${MEETING_TYPES[m.type]} · ${m.title} · ${m.orgName}`}
      onClick={(e) => e.stopPropagation()}
    >
      <i className={`meeting-dot meeting-dot-${TYPE_COLORS[m.type]}`} aria-hidden />
      {t && <span className="meeting-cal-time">{t}</span>}
      <span className="meeting-cal-title">{m.title}</span>
    </Link>
  );
}

export function MeetingCalendar({ mode, anchor, filters, onAnchor, onWeek }: { mode: CalendarMode; anchor: Dayjs; filters: Filters; onAnchor: (d: Dayjs) => void; onWeek: (d: Dayjs) => void }) {
  const [from, to] = visibleRange(mode, anchor);
  const q = useMeetingsInRange({ ...filters, from: from.format('YYYY-MM-DD'), to: to.format('YYYY-MM-DD') }, true);
  const days = groupByDay(q.items);
  const screens = Grid.useBreakpoint();
  const wide = screens.md !== false;
  const today = todayShanghai();

  if (q.isError && q.items.length === 0) return <ErrorState error={q.error} onRetry={q.refetch} title="会议加载失败" />;
  return (
    <Spin spinning={q.isFetching} delay={200}>
      {q.capped && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={`所选范围内共 ${q.total} 次会议，日历显示前 500 次。请选择组织或会议类型缩小范围。`} />}
      {mode === 'month' ? (
        <div data-testid="meeting-month">
          <Calendar
            fullscreen={wide}
            value={anchor}
            onPanelChange={(d) => onAnchor(d)}
            onSelect={(d, info) => {
              if (info.source === 'date' && !d.isSame(anchor, 'month')) onAnchor(d);
            }}
            cellRender={(d, info) => {
              if (info.type !== 'date') return info.originNode;
              const list = days.get(d.format('YYYY-MM-DD')) ?? [];
              if (list.length === 0) return null;
              if (!wide) return <span className="meeting-cal-count" aria-label={`${list.length} 次会议`}>{list.length}</span>;
              return (
                <div className="meeting-cal-list">
                  {list.slice(0, 3).map((m) => (
                    <CalendarEntry key={m.id} m={m} />
                  ))}
                  {list.length > 3 && (
                    <Button type="link" size="small" className="meeting-cal-more" onClick={(e) => {
                        e.stopPropagation();
                        onWeek(d);
                      }}
                    >
                      另有 {list.length - 3} 次
                    </Button>
                  )}
                </div>
              );
            }}
          />
        </div>
      ) : (
        <div data-testid="meeting-week">
          <Space wrap style={{ marginBottom: 12 }}>
            <Button icon={<LeftOutlined />} onClick={() => onAnchor(anchor.subtract(1, 'week'))} aria-label="上一周" />
            <Button onClick={() => onAnchor(dayjs(today))}>本周</Button>
            <Button icon={<RightOutlined />} onClick={() => onAnchor(anchor.add(1, 'week'))} aria-label="下一周" />
            <Typography.Text strong>
              {from.format('YYYY年M月D日')} – {to.format(from.isSame(to, 'month') ? 'D日' : 'M月D日')}
            </Typography.Text>
          </Space>
          <div className="meeting-week-scroll">
            <div className="meeting-week">
              {Array.from({ length: 7 }, (_, i) => {
                const d = from.add(i, 'day');
                const key = d.format('YYYY-MM-DD');
                const list = days.get(key) ?? [];
                return (
                  <section key={key} className={`meeting-week-day${key === today ? ' meeting-week-today' : ''}`} aria-label={d.format('M月D日 dddd')}>
                    <header>
                      <span>{d.format('dd')}</span>
                      <strong>{d.format('M/D')}</strong>
                    </header>
                    {list.length === 0 ? (
                      <div className="meeting-week-empty">无会议</div>
                    ) : (
                      list.map((m) => (
                        <Link key={m.id} to={`/admin/meetings/${m.id}`} className={`meeting-week-item${m.status === 'cancelled' ? ' meeting-cal-cancelled' : ''}`}>
                          <div className="meeting-week-time">{timeRange(m.startsAt, m.endsAt) || '时间待定'}</div>
                          <div className="meeting-week-title">{m.title}</div>
                          <div className="meeting-week-org">{m.orgName}</div>
                          <Space size={4} wrap>
                            <MeetingTypeTag type={m.type} />
                            <MeetingStatusTag status={m.status} />
                          </Space>
                        </Link>
                      ))
                    )}
                  </section>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </Spin>
  );
}
