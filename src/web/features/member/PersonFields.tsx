import { useMemo } from 'react';
import { Form, Input, Radio, Select } from 'antd';
import type { FormInstance } from 'antd';
import { ETHNICITIES, SEXES } from '../../../contracts/dict';
import { ID_PROBLEM_MESSAGES, parseIdNumber, type IdNumberInfo } from '../../../contracts/idcard';
import { todayShanghai } from '../../shared/dates';
import { educationOptions, occupationOptions } from './labels';

// The person fields every form about a person shares (the member record, the
// applicant's file): the ID number with what it tells, sex checked against it,
// ethnicity, education and occupation. Callers place them in their own grid.

/** What a well-formed ID number tells (birth date, sex), as the user types it. */
export function useIdNumberInfo(form: FormInstance): IdNumberInfo | null {
  const raw = Form.useWatch('idNumber', form) as string | undefined;
  return useMemo(() => {
    if (!raw) return null;
    const r = parseIdNumber(raw, todayShanghai());
    return r.ok ? r.info : null;
  }, [raw]);
}

/** 身份证号: required unless the record already has one (then `currentMasked` is shown and blank keeps it). */
export function IdNumberItem({ info, currentMasked }: { info: IdNumberInfo | null; currentMasked?: string }) {
  return (
    <Form.Item
      label="身份证号"
      name="idNumber"
      validateFirst
      rules={[
        ...(currentMasked ? [] : [{ required: true, whitespace: true, message: '请填写身份证号' }]),
        {
          validator: async (_r, v: string | undefined) => {
            if (!v || !v.trim()) return;
            const r = parseIdNumber(v, todayShanghai());
            if (!r.ok) throw new Error(ID_PROBLEM_MESSAGES[r.problem]);
          },
        },
      ]}
      extra={
        info ? (
          <span style={{ color: '#389e0d' }}>
            出生日期 {info.birthDate}，性别 {SEXES[info.sex]}（已按身份证号识别）
          </span>
        ) : currentMasked ? (
          `当前：${currentMasked}。不修改请留空`
        ) : (
          '18位，最后一位可以是X；性别和出生日期按身份证号自动识别'
        )
      }
    >
      <Input maxLength={18} autoComplete="off" placeholder={currentMasked ? '不修改请留空' : '请输入18位身份证号'} style={{ fontFamily: 'monospace' }} />
    </Form.Item>
  );
}

export function SexItem({ info }: { info: IdNumberInfo | null }) {
  return (
    <Form.Item
      label="性别"
      name="sex"
      dependencies={['idNumber']}
      rules={[
        { required: true, message: '请选择性别' },
        {
          validator: async (_r, v: string | undefined) => {
            if (v && info && v !== info.sex) throw new Error('性别与身份证号不一致（身份证号第17位奇数为男、偶数为女）');
          },
        },
      ]}
    >
      <Radio.Group
        options={[
          { value: 'male', label: '男' },
          { value: 'female', label: '女' },
        ]}
      />
    </Form.Item>
  );
}

export function EthnicityItem() {
  return (
    <Form.Item label="民族" name="ethnicity" rules={[{ required: true, message: '请选择民族' }]}>
      <Select showSearch options={ETHNICITIES.map((e) => ({ value: e, label: e }))} aria-label="民族" />
    </Form.Item>
  );
}

export function EducationItem() {
  return (
    <Form.Item label="学历" name="education" rules={[{ required: true, message: '请选择学历' }]}>
      <Select options={educationOptions} placeholder="请选择" aria-label="学历" />
    </Form.Item>
  );
}

export function OccupationItem({ label }: { label: string }) {
  return (
    <Form.Item label={label} name="occupation" rules={[{ required: true, message: '请选择职业/人员类别' }]}>
      <Select options={occupationOptions} placeholder="请选择" aria-label={label} />
    </Form.Item>
  );
}
