import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App, AutoComplete, Button, Card, DatePicker, Form, Input, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { DeleteOutlined, ImportOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router';
import {
  WEEKDAY_NAMES, WORK_CALENDAR_KINDS, WORK_CALENDAR_MAX_YEAR, WORK_CALENDAR_MIN_YEAR, weekdayOf, workCalendarProblems, type WorkCalendarKind,
} from '../../../contracts/calendar';
import { ApiError, errorMessage } from '../../shared/api';
import type { Dayjs } from 'dayjs';
import { dayjs, formatDateTime, fromDayjs, todayShanghai } from '../../shared/dates';
import { applyServerErrors } from '../../shared/form-errors';
import { EmptyState, ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import {
  useDeleteWorkCalendarYear, useSaveWorkCalendarYear, useWorkCalendarYear, useWorkCalendarYears, type WorkCalendarDay, type WorkCalendarSummary, type WorkCalendarYear,
} from './calendar-api';

const KIND_COLORS: Record<WorkCalendarKind, string> = { holiday: 'red', workday: 'blue' };
const HOLIDAY_NAMES = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节', '国庆节、中秋节'];

const isWeekend = (day: string) => [0, 6].includes(weekdayOf(day));

/** Every date from `from` to `to`, both included. */
function datesBetween(from: Dayjs, to: Dayjs): string[] {
  const out: string[] = [];
  for (let d = from.startOf('day'); !d.isAfter(to, 'day'); d = d.add(1, 'day')) out.push(fromDayjs(d)!);
  return out;
}

interface AddValues {
  kind: WorkCalendarKind;
  range?: [Dayjs, Dayjs];
  day?: Dayjs;
  name?: string;
}

/** The row adder: a holiday period (a range) or one 调休 working day (a Saturday or Sunday). */
function AddDays({ year, onAdd }: { year: number; onAdd: (days: WorkCalendarDay[]) => void }) {
  const [form] = Form.useForm<AddValues>();
  const kind = Form.useWatch('kind', form) ?? 'holiday';
  const outsideYear = (d: Dayjs) => d.year() !== year;
  const nameOptions = HOLIDAY_NAMES.map((n) => (kind === 'workday' ? `${n}调休上班` : n)).map((value) => ({ value }));
  const pickerValue = dayjs(`${year}-01-01`);
  const add = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the fields show what to fix
    const name = (v.name ?? '').trim();
    const days = v.kind === 'holiday' ? datesBetween(v.range![0], v.range![1]) : [fromDayjs(v.day)!];
    onAdd(days.map((day) => ({ day, kind: v.kind, name })));
    form.setFieldsValue({ range: undefined, day: undefined });
  };
  return (
    <Form form={form} layout="inline" initialValues={{ kind: 'holiday' }} style={{ rowGap: 8, marginBottom: 12 }} aria-label="添加日期">
      <Form.Item name="kind" label="类型">
        <Select
          style={{ width: 120 }}
          options={(Object.keys(WORK_CALENDAR_KINDS) as WorkCalendarKind[]).map((k) => ({ value: k, label: WORK_CALENDAR_KINDS[k] }))}
          onChange={() => form.setFieldsValue({ range: undefined, day: undefined, name: undefined })}
        />
      </Form.Item>
      {kind === 'holiday' ? (
        <Form.Item name="range" label="日期" rules={[{ required: true, message: '请选择放假的起止日期（单日请起止选同一天）' }]}>
          <DatePicker.RangePicker disabledDate={outsideYear} defaultPickerValue={[pickerValue, pickerValue]} placeholder={['开始日期', '结束日期']} style={{ width: 250 }} />
        </Form.Item>
      ) : (
        <Form.Item name="day" label="日期" rules={[{ required: true, message: '请选择调休上班的日期' }]} tooltip="调休上班日只能是周六或周日">
          <DatePicker disabledDate={(d) => outsideYear(d) || ![0, 6].includes(d.day())} defaultPickerValue={pickerValue} placeholder="周六或周日" style={{ width: 160 }} />
        </Form.Item>
      )}
      <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true, message: '请填写名称（如“春节”）' }, { max: 50, message: '名称不能超过50个字' }]}>
        <AutoComplete options={nameOptions} style={{ width: 180 }} placeholder={kind === 'workday' ? '如：春节调休上班' : '如：春节'} />
      </Form.Item>
      <Form.Item>
        <Button icon={<PlusOutlined />} onClick={add}>
          添加
        </Button>
      </Form.Item>
    </Form>
  );
}

/** One year's editor; remounted whenever the saved year changes (the key carries updatedAt). */
function YearEditor({ data, onDirtyChange }: { data: WorkCalendarYear; onDirtyChange: (dirty: boolean) => void }) {
  const { year } = data;
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<{ source: string }>();
  const [rows, setRows] = useState<WorkCalendarDay[]>(data.days);
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = useSaveWorkCalendarYear();
  const remove = useDeleteWorkCalendarYear();

  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  const problems = useMemo(() => {
    const byRow = new Map<number, string>();
    for (const p of workCalendarProblems(year, rows)) byRow.set(Number(p.field.split('.')[1]), p.message);
    return byRow;
  }, [year, rows]);
  const holidays = rows.filter((r) => r.kind === 'holiday').length;
  const workdays = rows.length - holidays;

  const change = (next: WorkCalendarDay[]) => {
    setRows([...next].sort((a, b) => a.day.localeCompare(b.day)));
    setDirty(true);
    setError(null);
  };

  const add = (days: WorkCalendarDay[]) => {
    const added = new Set(days.map((d) => d.day));
    const replaced = rows.filter((r) => added.has(r.day)).length;
    change([...rows.filter((r) => !added.has(r.day)), ...days]);
    message.success(replaced ? `已添加 ${days.length - replaced} 天，更新 ${replaced} 天已有的记录` : `已添加 ${days.length} 天`);
  };

  const [skipped, setSkipped] = useState<string[]>([]);
  /** A year from a file (JSON or .ics): shown in the list for review, saved only with 保存. */
  const importFile = async (file: File) => {
    setError(null);
    setSkipped([]);
    const { parseCalendarFile, CalendarImportError } = await import('./calendar-import');
    try {
      const r = parseCalendarFile(file.name, await file.text(), year);
      if (!r.days.length) {
        setError(`文件中没有 ${year} 年的放假或调休上班日期`);
        setSkipped(r.skipped);
        return;
      }
      const added = new Set(r.days.map((d) => d.day));
      change([...rows.filter((x) => !added.has(x.day)), ...r.days]);
      if (r.source && !String(form.getFieldValue('source') ?? '').trim()) form.setFieldsValue({ source: r.source });
      setSkipped(r.skipped);
      message.success(`已从文件读入 ${r.days.length} 天，请核对后保存`);
    } catch (e) {
      setError(e instanceof CalendarImportError ? `${file.name}：${e.message}` : errorMessage(e));
    }
  };

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the field shows what to fix
    if (problems.size) {
      setError('列表中有标红的日期，请先修改或删除');
      return;
    }
    modal.confirm({
      title: `保存 ${year} 年工作日历？`,
      content: rows.length
        ? `放假 ${holidays} 天、调休上班 ${workdays} 天。保存后，涉及 ${year} 年的工作日计算按此日历进行，不再标注“暂定”。`
        : `列表为空：${year} 年将按周一至周五计算，且不再标注“暂定”。请确认该年确实没有放假和调休安排。`,
      okText: '保存',
      onOk: async () => {
        setError(null);
        try {
          await save.mutateAsync({ year, body: { source: v.source.trim(), days: rows.map(({ day, kind, name }) => ({ day, kind, name })) } });
          setDirty(false);
          message.success(`${year} 年工作日历已保存`);
        } catch (e) {
          setError(applyServerErrors(form, e));
        }
      },
    });
  };

  const deleteYear = () =>
    modal.confirm({
      title: `删除 ${year} 年工作日历？`,
      content: `删除后，${year} 年按周一至周五计算工作日，涉及该年的期限标注为“暂定”。操作会记入审计日志。`,
      okText: '删除',
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await remove.mutateAsync(year);
          setDirty(false);
          message.success(`已删除 ${year} 年工作日历`);
        } catch (e) {
          setError(e instanceof ApiError ? e.message : errorMessage(e));
        }
      },
    });

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        {data.configured ? <Tag color="green">已配置</Tag> : <Tag color="orange">未配置 · 按周一至周五暂定计算</Tag>}
        {data.configured && <Typography.Text type="secondary">更新于 {formatDateTime(data.updatedAt)}</Typography.Text>}
        <Typography.Text>
          放假 {holidays} 天 · 调休上班 {workdays} 天
        </Typography.Text>
        {dirty && <Tag color="gold">有未保存的修改</Tag>}
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ source: data.source ?? '' }} onValuesChange={() => setDirty(true)}>
        <Form.Item
          label="来源"
          name="source"
          rules={[{ required: true, whitespace: true, message: '请填写来源（所依据的放假安排通知）' }, { max: 500, message: '来源不能超过500个字' }]}
          extra="所依据的通知，如：国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕…号）"
        >
          <Input.TextArea autoSize={{ minRows: 1, maxRows: 3 }} maxLength={500} showCount placeholder="国务院办公厅关于某年部分节假日安排的通知" />
        </Form.Item>
      </Form>
      <Space align="start" wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <AddDays year={year} onAdd={add} />
        <Upload
          accept=".json,.ics,application/json,text/calendar"
          showUploadList={false}
          beforeUpload={(file) => {
            void importFile(file);
            return false;
          }}
        >
          <Button icon={<ImportOutlined />}>从文件导入（JSON / .ics）</Button>
        </Upload>
      </Space>
      {skipped.length > 0 && (
        <Alert
          type="info"
          showIcon
          closable
          onClose={() => setSkipped([])}
          style={{ marginBottom: 12 }}
          title={`文件中有 ${skipped.length} 项未读入`}
          description={<ul style={{ margin: 0, paddingLeft: 18 }}>{skipped.slice(0, 20).map((x) => <li key={x}>{x}</li>)}</ul>}
        />
      )}
      <Table<WorkCalendarDay>
        rowKey="day"
        size="small"
        dataSource={rows}
        pagination={false}
        scroll={{ y: 420 }}
        locale={{ emptyText: <EmptyState description={`还没有 ${year} 年的放假或调休上班日期。请按通知逐项添加。`} /> }}
        columns={[
          {
            title: '日期',
            dataIndex: 'day',
            width: 200,
            render: (day: string, _r, i) =>
              problems.has(i) ? (
                <>
                  <Typography.Text type="danger">{day}</Typography.Text>
                  <div>
                    <Typography.Text type="danger" style={{ fontSize: 12 }}>
                      {problems.get(i)}
                    </Typography.Text>
                  </div>
                </>
              ) : (
                day
              ),
          },
          { title: '星期', dataIndex: 'day', key: 'weekday', width: 80, render: (day: string) => <Typography.Text type={isWeekend(day) ? 'secondary' : undefined}>{WEEKDAY_NAMES[weekdayOf(day)]}</Typography.Text> },
          { title: '类型', dataIndex: 'kind', width: 100, render: (k: WorkCalendarKind) => <Tag color={KIND_COLORS[k]}>{WORK_CALENDAR_KINDS[k]}</Tag> },
          { title: '名称', dataIndex: 'name' },
          {
            title: '操作',
            width: 70,
            render: (_: unknown, r) => (
              <Button type="link" size="small" danger onClick={() => change(rows.filter((x) => x.day !== r.day))} aria-label={`移除 ${r.day}`}>
                移除
              </Button>
            ),
          },
        ]}
      />
      <Space style={{ marginTop: 16 }} wrap>
        <Button type="primary" icon={<SaveOutlined />} onClick={submit} loading={save.isPending}>
          保存
        </Button>
        {data.configured && (
          <Button danger icon={<DeleteOutlined />} onClick={deleteYear} loading={remove.isPending}>
            删除该年日历
          </Button>
        )}
      </Space>
    </>
  );
}

export function WorkCalendarPage() {
  usePageTitle('工作日历');
  const { modal } = App.useApp();
  const [params, setParams] = useSearchParams();
  const asked = Number(params.get('year'));
  const year = Number.isInteger(asked) && asked >= WORK_CALENDAR_MIN_YEAR && asked <= WORK_CALENDAR_MAX_YEAR ? asked : Number(todayShanghai().slice(0, 4));
  const years = useWorkCalendarYears();
  const current = useWorkCalendarYear(year);
  const dirty = useRef(false);
  const onDirtyChange = useCallback((d: boolean) => {
    dirty.current = d;
  }, []);

  const choose = (y: number) => {
    if (y === year) return;
    const go = () => {
      dirty.current = false;
      setParams({ year: String(y) });
    };
    if (!dirty.current) return go();
    modal.confirm({ title: `${year} 年有未保存的修改，确定切换到 ${y} 年？`, content: '切换后未保存的修改将丢失。', okText: '切换', onOk: go });
  };

  return (
    <Card>
      <div className="page-header">
        <div>
          <Typography.Title level={3}>工作日历</Typography.Title>
          <Typography.Text type="secondary">按年录入法定节假日放假和调休上班日期，用于计算公示期等以工作日计的期限</Typography.Text>
        </div>
      </div>
      {years.data?.missingNextYear && (
        <Alert
          type="warning"
          showIcon
          data-testid="calendar-missing-next-year"
          style={{ marginBottom: 16 }}
          title={`${years.data.missingNextYear} 年工作日历尚未配置`}
          description={`请按国务院办公厅关于${years.data.missingNextYear}年部分节假日安排的通知录入（可从 .ics 或 JSON 文件导入后核对保存）；未配置前，涉及${years.data.missingNextYear}年的期限按周一至周五暂定计算。`}
          action={years.data.missingNextYear !== year ? <Button size="small" onClick={() => choose(years.data!.missingNextYear!)}>去录入</Button> : undefined}
        />
      )}
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="未配置工作日历的年份，按周一至周五计算工作日，据此算出的日期标注为“暂定”。"
        description="国务院办公厅每年发布下一年部分节假日安排的通知后，请在此录入该年的放假日期和调休上班日期，并注明通知名称和文号。"
      />
      <div style={{ display: 'grid', gridTemplateColumns: 'minmax(300px, 400px) minmax(0, 1fr)', gap: 16, alignItems: 'start' }}>
        <Card size="small" title="已配置的年份">
          {years.isError ? (
            <ErrorState error={years.error} onRetry={() => years.refetch()} title="已配置的年份加载失败" />
          ) : (
            <Table<WorkCalendarSummary>
              rowKey="year"
              size="small"
              loading={years.isPending}
              dataSource={years.data?.items ?? []}
              pagination={false}
              onRow={(r) => ({ onClick: () => choose(r.year), style: { cursor: 'pointer' } })}
              locale={{ emptyText: years.isPending ? ' ' : <EmptyState description="还没有配置任何年份，所有日期均按周一至周五暂定计算。" /> }}
              columns={[
                {
                  title: '年份',
                  dataIndex: 'year',
                  width: 72,
                  render: (y: number) =>
                    y === year ? (
                      <Typography.Text strong style={{ color: '#c8102e' }} aria-current="true" title="正在查看">
                        {y}
                      </Typography.Text>
                    ) : (
                      <Typography.Link>{y}</Typography.Link>
                    ),
                },
                { title: '放假', dataIndex: 'holidays', width: 64, render: (n: number) => `${n} 天` },
                { title: '调休上班', dataIndex: 'workdays', width: 80, render: (n: number) => `${n} 天` },
                { title: '更新时间', dataIndex: 'updatedAt', render: (s: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(s)}</span> },
              ]}
            />
          )}
        </Card>
        <Card
          size="small"
          title={`${year} 年`}
          extra={
            <DatePicker
              picker="year"
              allowClear={false}
              value={dayjs(`${year}-01-01`)}
              disabledDate={(d) => d.year() < WORK_CALENDAR_MIN_YEAR || d.year() > WORK_CALENDAR_MAX_YEAR}
              onChange={(d) => d && choose(d.year())}
              aria-label="选择年份"
              style={{ width: 120 }}
            />
          }
        >
          {current.isError ? (
            <ErrorState error={current.error} onRetry={() => current.refetch()} title={`${year} 年工作日历加载失败`} />
          ) : !current.data ? (
            <PageLoading />
          ) : (
            <YearEditor key={`${year}:${current.data.updatedAt ?? '-'}`} data={current.data} onDirtyChange={onDirtyChange} />
          )}
        </Card>
      </div>
    </Card>
  );
}
