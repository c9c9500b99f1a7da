import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Collapse, DatePicker, Dropdown, Form, Input, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { DownloadOutlined, PlayCircleOutlined, SaveOutlined, ScheduleOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table/interface';
import { Link, useSearchParams } from 'react-router';
import { REPORT_FORMATS, REPORT_FREQUENCIES, type ReportDelivery, type ReportFormat, type ReportResult, type ReportSpec, type SavedReport } from '../../../contracts/reports';
import { ApiError, errorMessage } from '../../shared/api';
import { usePageOrg } from '../../shared/current-org';
import { dayjs, formatDateTime, fromDayjs } from '../../shared/dates';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { downloadDelivery, exportReport, useDeliveries, useReportSubjects, useRunReport, useSavedReports, useSaveReport, useScheduleReport } from './api';
import { ReportChart } from './ReportChart';

// 自定义报表 (issue 16): pick a subject, rows (and columns), measures,
// filters and a period for the org chosen at the top; preview as a table and
// a chart, each figure opening the list behind it where there is one; save
// (shared within scope), export (Excel, PDF, Word), schedule monthly or
// quarterly into the notification centre; the files delivered.

type Draft = Omit<ReportSpec, 'orgId'>;

/** a form item that shrinks with a phone's width */
const ITEM = { marginBottom: 8, maxWidth: '100%' } as const;

function defaultDraft(subject: string, today: string): Draft {
  return { subject, rows: 'org', measures: [], filters: {}, from: `${today.slice(0, 4)}-01-01`, to: today };
}

function Builder({ initial, onSaved }: { initial: Draft | null; onSaved: () => void }) {
  const { message } = App.useApp();
  const orgId = usePageOrg();
  const subjects = useReportSubjects();
  const run = useRunReport();
  const save = useSaveReport();
  const today = dayjs().format('YYYY-MM-DD');
  const [draft, setDraft] = useState<Draft | null>(initial);
  const [result, setResult] = useState<{ spec: ReportSpec; data: ReportResult } | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [form] = Form.useForm<{ name: string; shared: boolean }>();
  const items = subjects.data?.items ?? [];

  // the first subject until one is chosen; a saved report opened replaces the draft
  useEffect(() => {
    if (initial) setDraft(initial);
  }, [initial]);
  useEffect(() => {
    if (!draft && items.length) setDraft({ ...defaultDraft(items[0].key, today), measures: [items[0].measures[0].key] });
  }, [draft, items, today]);

  const subject = items.find((s) => s.key === draft?.subject);
  if (subjects.isError) return <ErrorState error={subjects.error} onRetry={() => subjects.refetch()} title="报表主题加载失败" />;
  if (subjects.isSuccess && !items.length) return <EmptyState description="您的账号没有可统计的主题" />;
  if (!draft || !subject) return null;

  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const spec: ReportSpec = { ...draft, orgId, columns: draft.columns || undefined };
  const dimOptions = subject.dimensions.map((d) => ({ value: d.key, label: d.label }));
  const filterable = subject.dimensions.filter((d) => d.values && d.key !== draft.rows && d.key !== draft.columns);

  const submit = async () => {
    setFieldErrors({});
    try {
      setResult({ spec, data: await run.mutateAsync(spec) });
    } catch (e) {
      if (e instanceof ApiError && e.issues?.length) setFieldErrors(Object.fromEntries(e.issues.map((i) => [i.field.split('.')[0], i.message])));
      message.error(errorMessage(e));
    }
  };
  const doExport = async (format: ReportFormat) => {
    setExporting(true);
    try {
      await exportReport(spec, format);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setExporting(false);
    }
  };
  const doSave = async () => {
    const v = await form.validateFields();
    try {
      await save.mutateAsync({ name: v.name, shared: v.shared ?? false, spec });
      message.success(`报表“${v.name}”已保存`);
      setSaving(false);
      form.resetFields();
      onSaved();
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  const crossTab = !!result?.spec.columns;
  const columns: ColumnsType<ReportResult['rows'][number]> = result
    ? [
        { title: subject.dimensions.find((d) => d.key === result.spec.rows)?.label ?? '', dataIndex: 'label', key: 'label', fixed: 'left', render: (v: string) => v },
        ...result.data.columns.map((c, j) => ({
          title: crossTab ? c.label : `${c.label}（${c.unit}）`,
          key: c.key,
          align: 'right' as const,
          render: (_: unknown, row: ReportResult['rows'][number]) => {
            const cell = row.cells[j];
            return cell.link ? <Link to={cell.link}>{cell.value}</Link> : cell.value;
          },
        })),
      ]
    : [];

  return (
    <div>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'flex-start' }}>
        <Form.Item label="统计主题" style={ITEM}>
          <Select
            aria-label="统计主题"
            style={{ width: 200, maxWidth: '100%' }}
            value={draft.subject}
            options={items.map((s) => ({ value: s.key, label: s.label }))}
            onChange={(k) => {
              const s = items.find((x) => x.key === k)!;
              setDraft({ ...defaultDraft(k, today), from: draft.from, to: draft.to, measures: [s.measures[0].key] });
              setResult(null);
            }}
          />
        </Form.Item>
        <Form.Item label="行" style={ITEM} validateStatus={fieldErrors.rows ? 'error' : undefined} help={fieldErrors.rows}>
          <Select aria-label="行维度" style={{ width: 150, maxWidth: '100%' }} value={draft.rows} options={dimOptions} onChange={(rows) => set({ rows, filters: { ...draft.filters, [rows]: [] } })} />
        </Form.Item>
        <Form.Item label="列" style={ITEM} validateStatus={fieldErrors.columns ? 'error' : undefined} help={fieldErrors.columns}>
          <Select aria-label="列维度" style={{ width: 150, maxWidth: '100%' }} allowClear placeholder="不分列" value={draft.columns} options={dimOptions} onChange={(columns) => set({ columns: columns || undefined })} />
        </Form.Item>
        <Form.Item label="指标" style={ITEM} validateStatus={fieldErrors.measures ? 'error' : undefined} help={fieldErrors.measures}>
          <Select
            aria-label="统计指标"
            mode="multiple"
            style={{ width: 260, maxWidth: '100%' }}
            value={draft.measures}
            options={subject.measures.map((m) => ({ value: m.key, label: m.label }))}
            onChange={(measures) => set({ measures })}
          />
        </Form.Item>
        <Form.Item label="期间" style={ITEM} validateStatus={fieldErrors.to ? 'error' : undefined} help={fieldErrors.to}>
          <DatePicker.RangePicker
            style={{ maxWidth: '100%' }}
            aria-label="统计期间"
            allowClear={false}
            value={[dayjs(draft.from), dayjs(draft.to)]}
            onChange={(r) => set({ from: fromDayjs(r?.[0]) ?? draft.from, to: fromDayjs(r?.[1]) ?? draft.to })}
          />
        </Form.Item>
      </div>
      {filterable.length > 0 && (
        <Collapse
          ghost
          size="small"
          items={[
            {
              key: 'filters',
              label: `筛选条件${Object.values(draft.filters).filter((v) => v.length).length ? `（已选 ${Object.values(draft.filters).filter((v) => v.length).length} 项）` : ''}`,
              children: (
                <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12 }}>
                  {filterable.map((d) => (
                    <Form.Item key={d.key} label={d.label} style={ITEM}>
                      <Select
                        aria-label={`筛选${d.label}`}
                        mode="multiple"
                        allowClear
                        placeholder="全部"
                        style={{ width: 180, maxWidth: '100%' }}
                        value={draft.filters[d.key] ?? []}
                        options={d.values!.map((v) => ({ value: v.value, label: v.label }))}
                        onChange={(values) => set({ filters: { ...draft.filters, [d.key]: values } })}
                      />
                    </Form.Item>
                  ))}
                </div>
              ),
            },
          ]}
        />
      )}
      <Typography.Paragraph type="secondary">{subject.description}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<PlayCircleOutlined />} onClick={() => void submit()} loading={run.isPending}>
          生成报表
        </Button>
        <Button icon={<SaveOutlined />} onClick={() => setSaving(true)} disabled={!draft.measures.length}>
          保存
        </Button>
        <Dropdown
          disabled={!result}
          menu={{ items: (Object.keys(REPORT_FORMATS) as ReportFormat[]).map((f) => ({ key: f, label: `导出 ${REPORT_FORMATS[f]}` })), onClick: ({ key }) => void doExport(key as ReportFormat) }}
        >
          <Button icon={<DownloadOutlined />} loading={exporting} disabled={!result}>
            导出
          </Button>
        </Dropdown>
      </Space>
      {result && (
        <div data-testid="report-result">
          <Typography.Text strong>{result.data.caption}</Typography.Text>
          <ReportChart result={result.data} crossTab={crossTab} />
          <Table
            rowKey="key"
            size="small"
            bordered
            data-testid="report-table"
            dataSource={result.data.rows}
            columns={columns}
            pagination={false}
            scroll={{ x: 'max-content' }}
            summary={() => (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>
                  <strong>合计</strong>
                </Table.Summary.Cell>
                {result.data.total.map((v, j) => (
                  <Table.Summary.Cell key={j} index={j + 1} align="right">
                    <strong>{v}</strong>
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            )}
          />
        </div>
      )}
      <Modal title="保存报表" open={saving} okText="保存" cancelText="取消" onOk={() => void doSave()} onCancel={() => setSaving(false)} confirmLoading={save.isPending} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ shared: false }}>
          <Form.Item name="name" label="报表名称" rules={[{ required: true, whitespace: true, message: '请填写报表名称' }, { max: 60, message: '报表名称最多60个字' }]}>
            <Input placeholder="如：各支部党员年龄结构" />
          </Form.Item>
          <Form.Item name="shared" valuePropName="checked">
            <Checkbox>共享给管理范围覆盖本组织的人员（各自按自己的管理范围查看）</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}

function ScheduleModal({ report, onClose }: { report: SavedReport | null; onClose: () => void }) {
  const { message } = App.useApp();
  const schedule = useScheduleReport();
  const [form] = Form.useForm<{ frequency: 'monthly' | 'quarterly' | 'none'; format: ReportFormat }>();
  const submit = async () => {
    const v = await form.validateFields();
    try {
      const r = await schedule.mutateAsync({ id: report!.id, ...v });
      message.success(r.schedule ? `已设置${REPORT_FREQUENCIES[r.schedule.frequency]}发送，下次 ${r.schedule.nextRunOn}` : '已停止定期发送');
      onClose();
    } catch (e) {
      message.error(errorMessage(e));
    }
  };
  return (
    <Modal title={`定期发送：${report?.name ?? ''}`} open={!!report} okText="确定" cancelText="取消" onOk={() => void submit()} onCancel={onClose} confirmLoading={schedule.isPending} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ frequency: report?.schedule?.frequency ?? 'monthly', format: report?.schedule?.format ?? 'xlsx' }}>
        <Form.Item name="frequency" label="发送周期" extra="每期结束后，按上一期（月或季度）生成报表文件，送到您的通知中心。">
          <Select aria-label="发送周期" options={[...Object.entries(REPORT_FREQUENCIES).map(([value, label]) => ({ value, label })), { value: 'none', label: '不发送' }]} />
        </Form.Item>
        <Form.Item name="format" label="文件格式">
          <Select aria-label="文件格式" options={Object.entries(REPORT_FORMATS).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function SavedList({ onOpen }: { onOpen: (r: SavedReport) => void }) {
  const q = useSavedReports();
  const [scheduling, setScheduling] = useState<SavedReport | null>(null);
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="报表列表加载失败" />;
  const columns: ColumnsType<SavedReport> = [
    { title: '名称', dataIndex: 'name', key: 'name' },
    { title: '主题', dataIndex: 'subjectLabel', key: 'subject' },
    { title: '组织', dataIndex: 'orgName', key: 'org' },
    { title: '保存人', key: 'owner', render: (_, r) => (r.mine ? '本人' : r.ownerName) },
    { title: '共享', dataIndex: 'shared', key: 'shared', render: (v: boolean) => (v ? <Tag color="blue">共享</Tag> : '—') },
    { title: '定期发送', key: 'schedule', render: (_, r) => (r.schedule ? `${REPORT_FREQUENCIES[r.schedule.frequency]} · ${REPORT_FORMATS[r.schedule.format]} · 下次 ${r.schedule.nextRunOn}` : '—') },
    { title: '保存时间', dataIndex: 'updatedAt', key: 'updatedAt', render: (v: string) => formatDateTime(v) },
    {
      title: '操作', key: 'actions', render: (_, r) => (
        <Space>
          <Button size="small" onClick={() => onOpen(r)}>
            打开
          </Button>
          {r.mine && (
            <Button size="small" icon={<ScheduleOutlined />} onClick={() => setScheduling(r)}>
              定期发送
            </Button>
          )}
        </Space>
      ),
    },
  ];
  return (
    <>
      <Table<SavedReport> rowKey="id" size="small" data-testid="saved-reports" loading={q.isPending} dataSource={q.data?.items ?? []} columns={columns} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: <EmptyState description="还没有保存的报表" /> }} />
      <ScheduleModal report={scheduling} onClose={() => setScheduling(null)} />
    </>
  );
}

function Deliveries({ highlight }: { highlight: string | null }) {
  const { message } = App.useApp();
  const q = useDeliveries();
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="报表文件加载失败" />;
  const columns: ColumnsType<ReportDelivery> = [
    { title: '报表', dataIndex: 'reportName', key: 'name' },
    { title: '期间', key: 'period', render: (_, d) => `${d.from} 至 ${d.to}` },
    { title: '文件', dataIndex: 'fileName', key: 'file' },
    { title: '生成时间', dataIndex: 'createdAt', key: 'createdAt', render: (v: string) => formatDateTime(v) },
    {
      title: '操作', key: 'download', render: (_, d) => (
        <Button size="small" icon={<DownloadOutlined />} onClick={() => downloadDelivery(d).catch((e) => message.error(errorMessage(e)))}>
          下载
        </Button>
      ),
    },
  ];
  return (
    <Table<ReportDelivery>
      rowKey="id"
      size="small"
      data-testid="deliveries"
      loading={q.isPending}
      dataSource={q.data?.items ?? []}
      columns={columns}
      pagination={false}
      scroll={{ x: 'max-content' }}
      rowClassName={(d) => (d.id === highlight ? 'ant-table-row-selected' : '')}
      locale={{ emptyText: <EmptyState description="还没有收到定期报表" /> }}
    />
  );
}

export function ReportsPage() {
  usePageTitle('自定义报表');
  const [params, setParams] = useSearchParams();
  const tab = ['build', 'saved', 'deliveries'].includes(params.get('tab') ?? '') ? params.get('tab')! : 'build';
  const [opened, setOpened] = useState<Draft | null>(null);
  const goto = (t: string) => setParams(t === 'build' ? {} : { tab: t });
  const open = (r: SavedReport) => {
    const { orgId: _orgId, ...draft } = r.spec;
    void _orgId;
    setOpened({ ...draft });
    goto('build');
  };
  const tabs = [
    { key: 'build', label: '制作报表', children: <Builder initial={opened} onSaved={() => goto('saved')} /> },
    { key: 'saved', label: '已保存的报表', children: <SavedList onOpen={open} /> },
    { key: 'deliveries', label: '收到的定期报表', children: <Deliveries highlight={params.get('delivery')} /> },
  ];
  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0}>
          <Typography.Title level={3}>自定义报表</Typography.Title>
          <Typography.Text type="secondary">按主题、维度和指标即时汇总管理范围内的数据，可保存、共享、导出，并定期送到通知中心。</Typography.Text>
        </Space>
      </div>
      <Alert type="info" showIcon style={{ marginBottom: 12 }} title="报表只统计您管理范围内的组织；点击数字可打开对应的名单（有名单页面的主题）。" />
      <Tabs activeKey={tab} onChange={goto} items={tabs} />
    </Card>
  );
}
