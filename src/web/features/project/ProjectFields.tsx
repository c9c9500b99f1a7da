import { DatePicker, Form, Input, Select } from 'antd';
import type { Rule } from 'antd/es/form';
import type { Dayjs } from 'dayjs';
import { CreateProjectBody, type ProjectType } from '../../../contracts/project';
import { DATE_FORMAT } from '../../shared/dates';
import { zodRule } from '../../shared/zod-rule';
import { MemberSearchSelect } from '../member/MemberSearchSelect';
import { typeOptions } from './ui';

// The fields a project is set up with, shared by 立项 and 修改项目: type,
// name, leader, term, rationale and goals (the owner org is fixed once set up).

export interface ProjectValues {
  type?: ProjectType;
  name?: string;
  ownerPersonId?: string;
  startOn?: Dayjs | null;
  endOn?: Dayjs | null;
  rationale?: string;
  goals?: string;
}

const { name: NAME, rationale: RATIONALE, goals: GOALS } = CreateProjectBody.shape;

const endAfterStart: Rule = ({ getFieldValue }) => ({
  validator: async (_: unknown, end: Dayjs | null | undefined) => {
    const start = getFieldValue('startOn') as Dayjs | null | undefined;
    if (end && start && end.isBefore(start, 'day')) throw new Error('结束日期不能早于开始日期');
  },
});

export function ProjectFields({ ownerOrgId, names }: { ownerOrgId: string | null | undefined; names?: Record<string, string> }) {
  return (
    <>
      <div className="project-form-row project-form-row-2">
        <Form.Item name="type" label="项目类型" rules={[{ required: true, message: '请选择项目类型' }]}>
          <Select options={typeOptions} placeholder="书记项目、创新项目或重大工程" />
        </Form.Item>
        <Form.Item name="ownerPersonId" label="项目负责人" rules={[{ required: true, message: '请选择项目负责人' }]} extra="牵头组织（含下级组织）的在册党员">
          <MemberSearchSelect orgId={ownerOrgId ?? undefined} initialNames={names} placeholder={ownerOrgId ? '输入姓名、拼音首字母查找' : '请先选择牵头组织'} />
        </Form.Item>
      </div>
      <Form.Item name="name" label="项目名称" rules={[{ required: true, whitespace: true, message: '请填写项目名称' }, zodRule(NAME)]}>
        <Input maxLength={60} showCount placeholder="如：党建引领乡村振兴产业带建设" />
      </Form.Item>
      <div className="project-form-row project-form-row-2">
        <Form.Item name="startOn" label="开始日期" rules={[{ required: true, message: '请选择开始日期' }]}>
          <DatePicker style={{ width: '100%' }} placeholder="选择日期" />
        </Form.Item>
        <Form.Item name="endOn" label="结束日期" dependencies={['startOn']} rules={[{ required: true, message: '请选择结束日期' }, endAfterStart]}>
          <DatePicker style={{ width: '100%' }} placeholder="选择日期" />
        </Form.Item>
      </div>
      <Form.Item name="rationale" label="立项依据" rules={[{ required: true, whitespace: true, message: '请填写立项依据' }, zodRule(RATIONALE)]}>
        <Input.TextArea rows={3} maxLength={1000} showCount placeholder="如：落实县委关于以党建引领乡村振兴的部署" />
      </Form.Item>
      <Form.Item name="goals" label="项目目标" rules={[{ required: true, whitespace: true, message: '请填写项目目标' }, zodRule(GOALS)]}>
        <Input.TextArea rows={3} maxLength={1000} showCount placeholder="写明可检验的目标，如：建成连片产业带500亩，带动村集体经济年增收10万元以上" />
      </Form.Item>
    </>
  );
}

/** The fields as the API takes them (the owner org and the roadmap are added by the caller). */
export function projectBody(v: ProjectValues) {
  return {
    type: v.type!,
    name: (v.name ?? '').trim(),
    ownerPersonId: v.ownerPersonId!,
    startOn: v.startOn!.format(DATE_FORMAT),
    endOn: v.endOn!.format(DATE_FORMAT),
    rationale: (v.rationale ?? '').trim(),
    goals: (v.goals ?? '').trim(),
  };
}
