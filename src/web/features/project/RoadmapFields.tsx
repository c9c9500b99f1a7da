import { Button, DatePicker, Form, Input, InputNumber, Tooltip, Typography, type FormInstance } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { MilestoneInput } from '../../../contracts/project';
import { DATE_FORMAT } from '../../shared/dates';
import { zodRule } from '../../shared/zod-rule';
import { MemberSearchSelect } from '../member/MemberSearchSelect';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import type { MilestoneView } from './api';

// The roadmap (路线图, 时间表) as a list of rows, for 立项 and 调整路线图: each
// milestone's title, planned date, weight, responsible org and person. The
// server checks the dates against the term and the orgs against the owner's
// subtree; its answer lands on the row's field.

export interface MilestoneValues {
  id?: string;
  title?: string;
  dueOn?: Dayjs | null;
  weight?: number | null;
  responsibleOrgId?: string | null;
  responsiblePersonId?: string | null;
}

export const MAX_MILESTONES = 30;

/** The rows as the API takes them. */
export function milestonesBody(rows: MilestoneValues[] | undefined): MilestoneInput[] {
  return (rows ?? []).map((m) => ({
    ...(m.id ? { id: m.id } : {}),
    title: (m.title ?? '').trim(),
    dueOn: m.dueOn ? m.dueOn.format(DATE_FORMAT) : '',
    weight: m.weight ?? 0,
    responsibleOrgId: m.responsibleOrgId ?? '',
    responsiblePersonId: m.responsiblePersonId ?? null,
  }));
}

/** A row's share of the whole project, from the weights typed so far. */
function share(rows: MilestoneValues[] | undefined, index: number): string | null {
  const total = (rows ?? []).reduce((s, r) => s + (Number(r?.weight) > 0 ? Number(r?.weight) : 0), 0);
  const w = Number(rows?.[index]?.weight);
  if (!total || !(w > 0)) return null;
  return `占项目 ${Math.round((w / total) * 1000) / 10}%`;
}

interface RowProps {
  form: FormInstance;
  name: number;
  index: number;
  term: { start?: string; end?: string };
  names: Record<string, string>;
  /** why this row may not be removed (it has progress reports), or null */
  locked: string | null;
  onRemove: () => void;
}

function MilestoneRow({ form, name, index, term, names, locked, onRemove }: RowProps) {
  const orgId = Form.useWatch(['milestones', name, 'responsibleOrgId'], form) as string | undefined;
  const rows = Form.useWatch('milestones', form) as MilestoneValues[] | undefined;
  const portion = share(rows, index);
  const outside = (d: Dayjs) => {
    const s = d.format(DATE_FORMAT);
    return (!!term.start && s < term.start) || (!!term.end && s > term.end);
  };
  return (
    <fieldset className="project-milestone" data-testid={`milestone-row-${index}`} aria-label={`节点 ${index + 1}`}>
      <div className="project-milestone-head">
        <span className="project-milestone-no">节点 {index + 1}</span>
        {portion && <Typography.Text type="secondary">{portion}</Typography.Text>}
        <Tooltip title={locked ?? undefined}>
          <Button type="text" danger size="small" icon={<DeleteOutlined />} onClick={onRemove} disabled={!!locked} aria-label={`删除节点 ${index + 1}`}>
            删除
          </Button>
        </Tooltip>
      </div>
      <Form.Item name={[name, 'id']} hidden>
        <Input />
      </Form.Item>
      <div className="project-form-row project-milestone-grid">
        <Form.Item name={[name, 'title']} label="节点名称" className="project-milestone-title" rules={[{ required: true, whitespace: true, message: '请填写节点名称' }, zodRule(MilestoneInput.shape.title)]}>
          <Input maxLength={100} placeholder="如：摸底调研与方案制定" />
        </Form.Item>
        <Form.Item name={[name, 'dueOn']} label="计划完成日期" rules={[{ required: true, message: '请选择计划完成日期' }]}>
          <DatePicker style={{ width: '100%' }} disabledDate={outside} placeholder="选择日期" />
        </Form.Item>
        <Form.Item name={[name, 'weight']} label="权重" rules={[{ required: true, message: '请填写权重' }]} tooltip="各节点权重之比即其在项目中的占比（每个 1–100）">
          <InputNumber min={1} max={100} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name={[name, 'responsibleOrgId']} label="责任组织" rules={[{ required: true, message: '请选择责任组织' }]}>
          <OrgTreeSelect
            style={{ width: '100%', minWidth: 0 }}
            placeholder="牵头组织或其下级组织"
            onChange={() => form.setFieldValue(['milestones', name, 'responsiblePersonId'], undefined)}
          />
        </Form.Item>
        <Form.Item name={[name, 'responsiblePersonId']} label="责任人">
          <MemberSearchSelect orgId={orgId ?? undefined} initialNames={names} placeholder={orgId ? '输入姓名（选填）' : '先选责任组织'} />
        </Form.Item>
      </div>
    </fieldset>
  );
}

/**
 * The roadmap's rows inside a Form (field `milestones`). `term` bounds the
 * date pickers; `lockedIds` are milestones with reports (kept, not removed);
 * `ownerOrgId` is the responsible org of a new row.
 */
export function RoadmapFields({
  form,
  term,
  ownerOrgId,
  names = {},
  lockedIds = new Set<string>(),
  required = false,
}: {
  form: FormInstance;
  term: { start?: string; end?: string };
  ownerOrgId?: string | null;
  names?: Record<string, string>;
  lockedIds?: ReadonlySet<string>;
  required?: boolean;
}) {
  return (
    <Form.List
      name="milestones"
      rules={[
        {
          validator: async (_r, rows: MilestoneValues[] | undefined) => {
            if (required && (!rows || rows.length < 1)) throw new Error('路线图至少需要1个节点');
            if (rows && rows.length > MAX_MILESTONES) throw new Error(`路线图最多${MAX_MILESTONES}个节点`);
          },
        },
      ]}
    >
      {(fields, { add, remove }, { errors }) => (
        <div className="project-roadmap-fields" data-testid="roadmap-fields">
          {fields.length === 0 && <Typography.Paragraph type="secondary">还没有节点。可按时间顺序添加节点，写明计划完成日期、权重和责任组织；也可以立项后再制定路线图。</Typography.Paragraph>}
          {fields.map((f, i) => {
            const id = form.getFieldValue(['milestones', f.name, 'id']) as string | undefined;
            return (
              <MilestoneRow
                key={f.key}
                form={form}
                name={f.name}
                index={i}
                term={term}
                names={names}
                locked={id && lockedIds.has(id) ? '该节点已有进展记录，不能删除；可修改其名称、日期或责任组织' : null}
                onRemove={() => remove(f.name)}
              />
            );
          })}
          <Form.ErrorList errors={errors} />
          <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add({ weight: 1, responsibleOrgId: ownerOrgId ?? undefined })} disabled={fields.length >= MAX_MILESTONES}>
            添加节点
          </Button>
        </div>
      )}
    </Form.List>
  );
}

/** The roadmap as the form holds it, from the project's milestones. */
export function milestoneValues(roadmap: MilestoneView[], toDay: (s: string) => Dayjs): MilestoneValues[] {
  return roadmap.map((m) => ({ id: m.id, title: m.title, dueOn: toDay(m.dueOn), weight: m.weight, responsibleOrgId: m.responsibleOrgId, responsiblePersonId: m.responsiblePersonId }));
}

/** Names of the people already on the roadmap, so that their pickers read as names. */
export function milestoneNames(roadmap: MilestoneView[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const m of roadmap) if (m.responsiblePersonId && m.responsiblePersonName) names[m.responsiblePersonId] = m.responsiblePersonName;
  return names;
}
