import { useState } from 'react';
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Radio, Row, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router';
import { BASE_COMPONENT_KINDS, BASED_CATEGORIES, DUES_CATEGORIES, type DuesCategory } from '../../../contracts/dues';
import { enterConfirmsField } from '../../shared/long-form';
import { errorMessage } from '../../shared/api';
import { dayjs, formatDateTime } from '../../shared/dates';
import { applyServerErrors } from '../../shared/form-errors';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { useBaseStatus, useBases, useDuesRules, useQuote, useSetBase, type BaseStatusFilters, type BaseView } from './api';
import { currentMonth, nextMonth, useDuesOrg, yuan, yuanRule, yuanToFen } from './ui';
import { MemberSearchSelect } from '../member/MemberSearchSelect';

// 基数设置: a member's dues category and base history, and a new base from a
// month on — typed as one amount or as the salary items it is made of (计入,
// 不计入, 扣除), with the monthly amount quoted live by the server's rule.

type Kind = keyof typeof BASE_COMPONENT_KINDS;
const KIND_SHORT: Record<Kind, string> = { include: '计入', exclude: '不计入', deduct: '扣除' };

interface ComponentRow {
  item?: string;
  kind?: Kind;
  amountYuan?: string;
}
interface BaseForm {
  category?: DuesCategory;
  mode: 'amount' | 'components';
  baseYuan?: string;
  components?: ComponentRow[];
  effectiveMonth?: dayjs.Dayjs;
  note?: string;
}

const isBased = (c: DuesCategory | undefined) => !!c && BASED_CATEGORIES.includes(c);

/** Base from component rows as the client can know it: 计入 items (扣除 is a local rule, applied by the server). */
function componentTotals(rows: ComponentRow[] | undefined) {
  let include = 0;
  let deduct = 0;
  let valid = true;
  for (const r of rows ?? []) {
    const fen = yuanToFen(r?.amountYuan);
    if (fen === null) {
      valid = false;
      continue;
    }
    if (r.kind === 'include') include += fen;
    if (r.kind === 'deduct') deduct += fen;
  }
  return { include, deduct, valid };
}

function BaseHistory({ personId }: { personId: string }) {
  const q = useBases(personId);
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="基数历史加载失败" />;
  return (
    <Table<BaseView>
      rowKey="id"
      size="small"
      loading={q.isFetching}
      dataSource={q.data?.items ?? []}
      pagination={(q.data?.items.length ?? 0) > 10 ? { pageSize: 10 } : false}
      scroll={{ x: 580 }}
      data-testid="base-history"
      locale={{ emptyText: q.isPending ? ' ' : <EmptyState description="该党员还没有设置党费基数。" /> }}
      columns={[
        {
          title: '执行月份 / 类别',
          key: 'month',
          width: 150,
          render: (_: unknown, r) => (
            <Space orientation="vertical" size={0}>
              <strong>自 {r.effectiveMonth} 起</strong>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {DUES_CATEGORIES[r.category]}
              </Typography.Text>
            </Space>
          ),
        },
        {
          title: '基数（元）',
          key: 'base',
          width: 200,
          render: (_: unknown, r) => (
            <Space orientation="vertical" size={0}>
              <span>{r.baseFen === null ? '—' : yuan(r.baseFen)}</span>
              {r.components.map((c, i) => (
                <Typography.Text key={i} type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                  {c.item} · {KIND_SHORT[c.kind]} {yuan(c.amountFen)}
                </Typography.Text>
              ))}
            </Space>
          ),
        },
        {
          title: '每月应交（元）',
          key: 'quote',
          render: (_: unknown, r) => (
            <Space orientation="vertical" size={0}>
              <strong>{yuan(r.quote.amount)}</strong>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {r.quote.explanation}
              </Typography.Text>
            </Space>
          ),
        },
        {
          title: '登记',
          key: 'recorded',
          width: 140,
          render: (_: unknown, r) => (
            <Space orientation="vertical" size={0}>
              <span>{r.recordedBy ?? '—'}</span>
              <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                {formatDateTime(r.recordedAt)}
              </Typography.Text>
              {r.note && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {r.note}
                </Typography.Text>
              )}
            </Space>
          ),
        },
      ]}
    />
  );
}

/**
 * A new base. A member's first base starts this month (a new member: this
 * month's bill is created at once if the month was already generated); a
 * change starts next month unless chosen otherwise.
 */
function BaseFormCard({ personId, name, first, initial, onSaved }: { personId: string; name: string; first: boolean; initial: Pick<BaseForm, 'category' | 'mode'>; onSaved: (kept: Pick<BaseForm, 'category' | 'mode'>) => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<BaseForm>();
  const save = useSetBase();
  const [error, setError] = useState<string | null>(null);
  const category = Form.useWatch('category', form);
  const mode = Form.useWatch('mode', form) ?? 'amount';
  const baseYuan = Form.useWatch('baseYuan', form);
  const rows = Form.useWatch('components', form);
  const month = Form.useWatch('effectiveMonth', form)?.format('YYYY-MM');
  const based = isBased(category);
  const totals = componentTotals(rows);
  const hasRows = (rows ?? []).some((r) => r?.kind === 'include');
  // whether deductions come off the base is a [local] rule of the version in force that month
  const deducts = useDuesRules(useDuesOrg(), month).data?.deductSocialInsurance;
  const componentBase = Math.max(0, totals.include - (deducts ? totals.deduct : 0));
  const baseFen = !based ? null : mode === 'amount' ? yuanToFen(baseYuan) : totals.valid && hasRows ? componentBase : null;
  const quote = useQuote(category, baseFen, month, based);

  const submit = async (v: BaseForm) => {
    setError(null);
    const components =
      based && v.mode === 'components'
        ? (v.components ?? []).map((r) => ({ item: (r.item ?? '').trim(), kind: r.kind ?? 'include', amountFen: yuanToFen(r.amountYuan) ?? 0 }))
        : [];
    try {
      const r = await save.mutateAsync({
        personId,
        body: {
          category: v.category!,
          baseFen: based && v.mode === 'amount' ? yuanToFen(v.baseYuan) : null,
          components,
          effectiveMonth: v.effectiveMonth!.format('YYYY-MM'),
          note: v.note?.trim() || null,
        },
      });
      message.success(`已为${name}设置党费基数：自 ${v.effectiveMonth!.format('YYYY-MM')} 起每月应交 ${yuan(r.amountFen)} 元${r.currentBill ? (first ? '；本月账单已生成' : '；本月未交账单已按新基数更正') : ''}`);
      // the form starts again (remounted), keeping the category and the way of typing
      onSaved({ category: v.category, mode: v.mode });
    } catch (e) {
      setError(applyServerErrors(form, e, { baseFen: v.mode === 'amount' ? 'baseYuan' : 'components', effectiveMonth: 'effectiveMonth' }));
    }
  };

  return (
    <Card title={`设置新的党费基数 · ${name}`} size="small">
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} closable onClose={() => setError(null)} />}
      <Form<BaseForm>
        form={form}
        layout="vertical"
        name="dues-base"
        initialValues={{ ...initial, effectiveMonth: dayjs(`${first ? currentMonth() : nextMonth()}-01`), components: [{ kind: 'include' }] }}
        onFinish={submit}
        validateTrigger={['onChange', 'onBlur']}
        // a base is append-only: Enter in a field (the month picker) must not save it; the button does
        onKeyDown={enterConfirmsField}
      >
        <Form.Item name="category" label="党费类别" rules={[{ required: true, message: '请选择党费类别' }]}>
          <Select options={(Object.keys(DUES_CATEGORIES) as DuesCategory[]).map((k) => ({ value: k, label: DUES_CATEGORIES[k] }))} placeholder="请选择" aria-label="党费类别" />
        </Form.Item>
        {based && (
          <>
            <Form.Item name="mode" label="基数填写方式">
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'amount', label: '直接填写基数' },
                  { value: 'components', label: '按工资构成计算' },
                ]}
              />
            </Form.Item>
            {mode === 'amount' ? (
              <Form.Item name="baseYuan" label="计算基数（元/月）" rules={[yuanRule({ required: '请填写计算基数' })]} extra={category === 'retired' ? '离退休费总额' : '税后的月工资收入'}>
                <Input inputMode="decimal" placeholder="如 4850.00" suffix="元" aria-label="计算基数" maxLength={13} />
              </Form.Item>
            ) : (
              <Form.Item label="工资构成" required>
                <Form.List
                  name="components"
                  rules={[
                    {
                      validator: async (_r, list: ComponentRow[] | undefined) => {
                        if (!list?.some((r) => r?.kind === 'include')) throw new Error('请至少填写一项计入基数的项目');
                      },
                    },
                  ]}
                >
                  {(fields, { add, remove }, { errors }) => (
                    <>
                      {fields.map((f, i) => (
                        <Space key={f.key} align="start" size={6} style={{ display: 'flex', marginBottom: 4 }}>
                          <Form.Item name={[f.name, 'item']} rules={[{ required: true, whitespace: true, message: '请填写项目名称' }, { max: 50, message: '不超过50个字' }]} style={{ marginBottom: 8 }}>
                            <Input placeholder="项目，如 基本工资" aria-label={`第${i + 1}项名称`} style={{ width: 150 }} />
                          </Form.Item>
                          <Form.Item name={[f.name, 'kind']} rules={[{ required: true, message: '请选择' }]} style={{ marginBottom: 8 }}>
                            <Select aria-label={`第${i + 1}项计入方式`} style={{ width: 96 }} options={(Object.keys(KIND_SHORT) as Kind[]).map((k) => ({ value: k, label: KIND_SHORT[k], title: BASE_COMPONENT_KINDS[k] }))} />
                          </Form.Item>
                          <Form.Item name={[f.name, 'amountYuan']} rules={[yuanRule({ required: '请填写金额' })]} style={{ marginBottom: 8 }}>
                            <Input inputMode="decimal" placeholder="金额" suffix="元" aria-label={`第${i + 1}项金额`} style={{ width: 130 }} maxLength={13} />
                          </Form.Item>
                          <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={`删除第${i + 1}项`} disabled={fields.length === 1} />
                        </Space>
                      ))}
                      <Button icon={<PlusOutlined />} onClick={() => add({ kind: 'include' })} size="small">
                        添加项目
                      </Button>
                      <Form.ErrorList errors={errors} />
                      <div style={{ marginTop: 8 }} data-testid="component-total">
                        计入基数合计 <strong>{yuan(componentBase)}</strong> 元
                        {totals.deduct > 0 && deducts !== undefined && (
                          <Typography.Text type="secondary">
                            {deducts ? `（已减去扣除项 ${yuan(totals.deduct)} 元：本地规则从基数中扣除个人缴纳的社会保险和住房公积金）` : `（扣除项 ${yuan(totals.deduct)} 元不减：本地规则不从基数中扣除）`}
                          </Typography.Text>
                        )}
                      </div>
                    </>
                  )}
                </Form.List>
              </Form.Item>
            )}
          </>
        )}
        <Form.Item name="effectiveMonth" label="自何月起执行" rules={[{ required: true, message: '请选择执行月份' }]}
          extra={first ? '首次设置：自本月起执行，本月账单随即生成' : '新基数自新工资首次发放的当月起执行'}
        >
          <DatePicker picker="month" format="YYYY-MM" allowClear={false} aria-label="执行月份" style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="note" label="备注" rules={[{ max: 500, message: '不超过500个字' }]}>
          <Input.TextArea rows={2} maxLength={500} aria-label="备注" placeholder="如 2026年调资" />
        </Form.Item>
        {category && (
          <Alert
            type={quote.isError ? 'warning' : 'info'}
            showIcon
            data-testid="live-quote"
            style={{ marginBottom: 16 }}
            title={
              quote.isError
                ? errorMessage(quote.error)
                : quote.data && (!based || baseFen !== null)
                  ? `每月应交 ${yuan(quote.data.amount)} 元：${quote.data.explanation}`
                  : '填写基数后显示每月应交金额'
            }
            description={quote.data && !quote.isError && (!based || baseFen !== null) ? `依据：${quote.data.ruleVersion.source}（${quote.data.ruleVersion.effectiveFrom} 起施行）` : undefined}
          />
        )}
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          保存基数
        </Button>
      </Form>
    </Card>
  );
}

const HAS_LABELS = { all: '全部', without: '未设置基数', with: '已设置' } as const;

/** The members of the chosen organisation with the base in force this month; those without one first. */
function BaseStatusList({ orgId, onPick }: { orgId: string | undefined; onPick: (personId: string, name: string) => void }) {
  const [f, setF] = useState<BaseStatusFilters>({ has: 'all', page: 1, pageSize: 20 });
  const list = useBaseStatus({ ...f, orgId });
  const d = list.data;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} title="党员基数情况加载失败" />;
  const count = (k: BaseStatusFilters['has']) => (!d ? '' : k === 'all' ? d.withBase + d.withoutBase : k === 'with' ? d.withBase : d.withoutBase);
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {d && d.withoutBase > 0 && (
        <Alert type="warning" showIcon title={`${d.withoutBase} 名党员 ${d.month} 没有执行中的党费基数，不会生成账单。请逐一设置，或用“批量导入”。`} />
      )}
      <Space wrap>
        <Segmented<BaseStatusFilters['has']>
          value={f.has}
          onChange={(has) => setF((x) => ({ ...x, has, page: 1 }))}
          options={(['all', 'without', 'with'] as const).map((k) => ({ value: k, label: `${HAS_LABELS[k]} ${count(k)}` }))}
        />
        <Input.Search allowClear placeholder="姓名或拼音首字母" style={{ width: 220 }} onSearch={(q) => setF((x) => ({ ...x, q: q.trim() || undefined, page: 1 }))} aria-label="查找党员" />
      </Space>
      <Table
        rowKey="personId"
        size="middle"
        loading={list.isFetching}
        dataSource={d?.items ?? []}
        scroll={{ x: 760 }}
        locale={{ emptyText: list.isPending ? ' ' : <EmptyState description={f.has === 'without' ? '所有党员都已设置党费基数。' : '没有符合条件的党员。'} /> }}
        pagination={{ current: f.page, pageSize: f.pageSize, total: d?.total ?? 0, showTotal: (t) => `共 ${t} 名`, onChange: (page, pageSize) => setF((x) => ({ ...x, page, pageSize })) }}
        columns={[
          { title: '姓名', dataIndex: 'name', width: 110, render: (n: string, r) => <Typography.Link onClick={() => onPick(r.personId, n)}>{n}</Typography.Link> },
          { title: '所在党组织', dataIndex: 'orgName', ellipsis: true },
          { title: '党费类别', dataIndex: 'category', width: 170, render: (c: DuesCategory | null) => (c ? DUES_CATEGORIES[c] : <Tag color="orange">未设置</Tag>) },
          { title: '基数（元）', dataIndex: 'baseFen', width: 110, align: 'right', render: (b: number | null, r) => (r.category === null ? '—' : b === null ? '固定金额' : yuan(b)) },
          { title: '每月应交（元）', dataIndex: 'amountFen', width: 120, align: 'right', render: (a: number | null) => (a === null ? '—' : yuan(a)) },
          { title: '执行起始', dataIndex: 'effectiveMonth', width: 100, render: (m: string | null) => m ?? '—' },
          { title: '操作', key: 'op', width: 90, render: (_: unknown, r) => <Button size="small" type="link" onClick={() => onPick(r.personId, r.name)}>{r.category ? '调整' : '设置基数'}</Button> },
        ]}
      />
    </Space>
  );
}

export function BasesPage() {
  usePageTitle('党费基数设置');
  const me = useMe().data;
  const orgId = useDuesOrg();
  const [params, setParams] = useSearchParams();
  const personId = params.get('personId') ?? undefined;
  const [name, setName] = useState<string | undefined>(params.get('name') ?? undefined);
  // each saved base starts a fresh form (new key), keeping the category and the way of typing
  const [round, setRound] = useState<{ n: number; kept: Pick<BaseForm, 'category' | 'mode'> }>({ n: 0, kept: { mode: 'amount' } });
  // the form waits for the history: a first base defaults to this month, a change to next month
  const history = useBases(personId);

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0}>
          <Typography.Title level={3}>基数设置</Typography.Title>
          <Typography.Text type="secondary">党员的党费类别与计算基数，自某月起执行；历史记录不可修改，调整时新增一条</Typography.Text>
        </Space>
      </div>
      <Space wrap style={{ display: 'flex', marginBottom: 16 }}>
        <span>党员</span>
        <MemberSearchSelect
          orgId={orgId}
          value={personId}
          onChange={(id, n) => {
            setName(n);
            setRound({ n: 0, kept: { mode: 'amount' } });
            setParams(id ? { personId: id, ...(n ? { name: n } : {}) } : {});
          }}
          style={{ width: 320 }}
          aria-label="选择党员"
        />
        {personId && name && <Tag color="red">{name}</Tag>}
        {personId && (
          <Button type="link" onClick={() => setParams({})}>
            返回党员基数列表
          </Button>
        )}
      </Space>
      {!personId ? (
        <BaseStatusList
          orgId={orgId}
          onPick={(id, n) => {
            setName(n);
            setRound({ n: 0, kept: { mode: 'amount' } });
            setParams({ personId: id, name: n });
          }}
        />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={can(me, 'dues.manage') ? 14 : 24}>
            <Card title="基数历史" size="small">
              <BaseHistory personId={personId} />
            </Card>
          </Col>
          {can(me, 'dues.manage') && history.data && (
            <Col xs={24} xl={10}>
              <BaseFormCard
                key={`${personId}-${round.n}`}
                personId={personId}
                name={name ?? '该党员'}
                first={history.data.items.length === 0}
                initial={round.kept}
                onSaved={(kept) => setRound((r) => ({ n: r.n + 1, kept }))}
              />
            </Col>
          )}
        </Row>
      )}
    </Card>
  );
}
