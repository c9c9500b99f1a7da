import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Col, DatePicker, Divider, Form, Input, Row, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { BRANCH_TYPES } from '../../../contracts/dict';
import { CreateDevelopmentCandidateBody } from '../../../contracts/development';
import { enterConfirmsField } from '../../shared/long-form';
import { ApiError } from '../../shared/api';
import { afterToday, DATE_FORMAT, dayjs, fromDayjs, todayShanghai } from '../../shared/dates';
import { applyServerErrors } from '../../shared/form-errors';
import { useMe } from '../../shared/session';
import { usePageTitle } from '../../shared/use-title';
import { zodRule } from '../../shared/zod-rule';
import { EducationItem, EthnicityItem, IdNumberItem, OccupationItem, SexItem, useIdNumberInfo } from '../member/PersonFields';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { useCreateCandidate } from './api';
import { ruleRefusal, RuleAlert, type RuleRefusal } from './ui';

// 受理入党申请 (step 1): the applicant's person record and the file. The ID
// number is checked as you type (GB 11643) and so is the age on the
// application date; the server checks both again with the rule version in force.

const shape = CreateDevelopmentCandidateBody.shape;
const RULE_TEXT = '《中国共产党发展党员工作细则》';
const MIN_AGE = 18;

interface Values {
  orgId?: string;
  appliedOn?: Dayjs;
  name: string;
  sex?: 'male' | 'female';
  ethnicity: string;
  idNumber?: string;
  phone?: string;
  education?: string;
  occupation?: string;
  unitName?: string;
  address?: string;
  leavesUnitOn?: Dayjs | null;
}

const addYears = (date: string, years: number) => `${String(Number(date.slice(0, 4)) + years).padStart(4, '0')}${date.slice(4)}`;

/** The day one turns `years` old (29 Feb birthdays: 1 Mar in common years, as the server's addYears does). */
function birthdayAt(birthDate: string, years: number) {
  const s = addYears(birthDate, years);
  return dayjs(s, DATE_FORMAT, true).isValid() ? s : `${s.slice(0, 4)}-03-01`;
}

/** Which field a rule refusal belongs to, where it belongs to one. */
const RULE_FIELDS: Record<string, keyof Values> = { applicant_under_age: 'appliedOn', resubmit_too_soon: 'appliedOn', date_in_future: 'appliedOn' };

export function CandidateFormPage() {
  usePageTitle('受理入党申请');
  const [form] = Form.useForm<Values>();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [params] = useSearchParams();
  const me = useMe().data!;
  const create = useCreateCandidate();
  const [refusal, setRefusal] = useState<RuleRefusal | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const info = useIdNumberInfo(form);

  const branchRoot = me.scopeRoots.find((r) => BRANCH_TYPES.includes(r.type as (typeof BRANCH_TYPES)[number]));
  const initialValues: Partial<Values> = {
    orgId: params.get('orgId') ?? (me.scopeRoots.length === 1 ? branchRoot?.id : undefined),
    appliedOn: dayjs(todayShanghai()),
    ethnicity: '汉族',
  };

  // the ID number fixes sex and birth date: fill sex in, recheck the age
  useEffect(() => {
    if (info && form.getFieldValue('sex') !== info.sex) form.setFieldValue('sex', info.sex);
    if (info) void form.validateFields(['sex', 'appliedOn']).catch(() => undefined);
  }, [info, form]);

  const onFinish = async (v: Values) => {
    setRefusal(null);
    setFormError(null);
    const text = (s: string | undefined) => (s && s.trim() ? s.trim() : null);
    try {
      const r = await create.mutateAsync({
        orgId: v.orgId!,
        appliedOn: fromDayjs(v.appliedOn)!,
        name: v.name.trim(),
        sex: v.sex!,
        ethnicity: v.ethnicity,
        idNumber: v.idNumber!.trim().toUpperCase(),
        phone: text(v.phone),
        education: v.education as CreateDevelopmentCandidateBody['education'],
        occupation: v.occupation as CreateDevelopmentCandidateBody['occupation'],
        unitName: text(v.unitName),
        address: text(v.address),
        leavesUnitOn: fromDayjs(v.leavesUnitOn),
      });
      message.success(`已受理 ${v.name.trim()} 的入党申请，发展档案已建立`);
      navigate(`/admin/development/candidates/${r.id}`);
    } catch (e) {
      const rule = ruleRefusal(e);
      if (rule) {
        setRefusal(rule);
        const field = rule.rule ? RULE_FIELDS[rule.rule] : undefined;
        if (field) form.setFields([{ name: field, errors: [rule.messages[0]] }]);
        window.scrollTo({ top: 0, behavior: 'smooth' });
        return;
      }
      if (e instanceof ApiError && e.code === 'DUPLICATE_ID_NUMBER') {
        form.setFields([{ name: 'idNumber', errors: [e.message] }]);
        form.scrollToField('idNumber');
        return;
      }
      setFormError(applyServerErrors(form, e));
    }
  };

  const today = todayShanghai();
  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0}>
          <Typography.Title level={3}>受理入党申请</Typography.Title>
          <Typography.Text type="secondary">登记第1步“递交入党申请书”，建立发展档案。入党申请应向工作、学习所在单位党组织提出，没有工作、学习单位的向居住地党组织提出。</Typography.Text>
        </Space>
        <Link to="/admin/development/candidates">
          <Button>返回</Button>
        </Link>
      </div>
      {refusal && <RuleAlert refusal={refusal} onClose={() => setRefusal(null)} />}
      {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} role="alert" />}
      <Form<Values>
        onKeyDown={enterConfirmsField}
        form={form}
        name="candidate"
        layout="vertical"
        initialValues={initialValues}
        onFinish={onFinish}
        onValuesChange={() => setFormError(null)}
        scrollToFirstError
        style={{ maxWidth: 1080 }}
      >
        <Divider titlePlacement="start" style={{ marginTop: 0 }}>
          受理
        </Divider>
        <Row gutter={24}>
          <Col xs={24} md={12}>
            <Form.Item label="受理的党支部" name="orgId" rules={[{ required: true, message: '请选择受理入党申请的党支部' }]} extra="入党申请由党支部受理">
              <OrgTreeSelect branchOnly style={{ width: '100%' }} aria-label="受理的党支部" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              label="递交入党申请书日期"
              name="appliedOn"
              dependencies={['idNumber']}
              rules={[
                { required: true, message: '请选择递交入党申请书的日期' },
                {
                  validator: async (_r, v: Dayjs | undefined) => {
                    if (!v) return;
                    const d = v.format(DATE_FORMAT);
                    if (d > today) throw new Error('递交入党申请书的日期不能晚于今天');
                    if (info) {
                      const adult = birthdayAt(info.birthDate, MIN_AGE);
                      if (d < adult) throw new Error(`申请人须年满${MIN_AGE}周岁才能递交入党申请书（${adult} 年满${MIN_AGE}周岁）。依据${RULE_TEXT}`);
                    }
                  },
                },
              ]}
            >
              <DatePicker style={{ width: '100%' }} disabledDate={afterToday} placeholder="YYYY-MM-DD" />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">申请人</Divider>
        <Row gutter={24}>
          <Col xs={24} md={8}>
            <Form.Item label="姓名" name="name" rules={[{ required: true, whitespace: true, message: '请填写姓名' }, zodRule(shape.name)]}>
              <Input maxLength={50} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <IdNumberItem info={info} />
          </Col>
          <Col xs={24} md={8}>
            <SexItem info={info} />
          </Col>
          <Col xs={24} md={8}>
            <EthnicityItem />
          </Col>
          <Col xs={24} md={8}>
            <EducationItem />
          </Col>
          <Col xs={24} md={8}>
            <OccupationItem label="职业" />
          </Col>
        </Row>

        <Divider titlePlacement="start">联系方式与单位</Divider>
        <Row gutter={24}>
          <Col xs={24} md={8}>
            <Form.Item label="手机" name="phone" rules={[zodRule(shape.phone)]}>
              <Input maxLength={11} inputMode="numeric" autoComplete="off" placeholder="11位手机号码，选填" />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item label="工作单位" name="unitName" rules={[zodRule(shape.unitName)]}>
              <Input maxLength={100} placeholder="工作或学习单位，选填" />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item label="住址" name="address" rules={[zodRule(shape.address)]}>
              <Input maxLength={200} placeholder="选填" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item
              label="预计离开工作学习单位日期"
              name="leavesUnitOn"
              extra="选填。预计3个月内离开工作、学习单位的，一般不办理接收预备党员手续"
            >
              <DatePicker style={{ width: '100%' }} placeholder="YYYY-MM-DD" />
            </Form.Item>
          </Col>
        </Row>
        <Space>
          {/* disabled rather than loading: antd's button can stay in its loading state when a refusal returns within a frame */}
          <Button type="primary" htmlType="submit" disabled={create.isPending}>
            {create.isPending ? '正在受理…' : '受理并建立档案'}
          </Button>
          <Button onClick={() => navigate('/admin/development/candidates')}>取消</Button>
        </Space>
      </Form>
    </Card>
  );
}
