import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Col, DatePicker, Divider, Form, Input, InputNumber, Radio, Row, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { BRANCH_TYPES, MEMBER_EVENT_REASONS } from '../../../contracts/dict';
import { MemberFields } from '../../../contracts/member';
import { enterConfirmsField } from '../../shared/long-form';
import { ApiError } from '../../shared/api';
import { afterToday, DATE_FORMAT, fromDayjs, todayShanghai, toDayjs } from '../../shared/dates';
import { applyServerErrors } from '../../shared/form-errors';
import { useMe } from '../../shared/session';
import { ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { zodRule } from '../../shared/zod-rule';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { useCreateMember, useMember, useUpdateMember, type MemberDetail } from './api';
import { useRegisterIncomingLetter } from '../transfer/incoming';
import { EducationItem, EthnicityItem, IdNumberItem, OccupationItem, SexItem, useIdNumberInfo } from './PersonFields';

const shape = MemberFields.shape;
const CREATE_REASONS = ['registered', 'recruited', 'transfer_in', 'restored'] as const;

interface Values {
  orgId?: string;
  reason?: (typeof CREATE_REASONS)[number];
  name: string;
  idNumber?: string;
  sex?: 'male' | 'female';
  ethnicity: string;
  education?: string;
  occupation?: string;
  status?: 'probationary' | 'full';
  joinDate?: Dayjs;
  conversionDate?: Dayjs | null;
  phone?: string;
  unitName?: string;
  address?: string;
  monthlyIncomeYuan?: number | null;
  // 转入 with a paper letter from an organisation outside this installation
  withLetter?: boolean;
  externalOrgName?: string;
  externalLetterNo?: string;
  letterScope?: 'province' | 'national';
  letterIssuedOn?: Dayjs;
  letterValidDays?: number;
  acceptedOn?: Dayjs;
  duesPaidTo?: Dayjs | null;
  letterReason?: string;
}

const addYears = (date: string, years: number) => `${String(Number(date.slice(0, 4)) + years).padStart(4, '0')}${date.slice(4)}`;

export function MemberFormPage() {
  const { id } = useParams();
  return id ? <EditMember id={id} /> : <MemberForm />;
}

function EditMember({ id }: { id: string }) {
  const q = useMember(id);
  if (q.isPending) return <PageLoading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="党员档案加载失败" />;
  if (!q.data.abilities.update) {
    return (
      <Card>
        <Alert
          type="warning"
          showIcon
          title="该党员档案不能编辑"
          description="已不在册的党员，或不在您管理范围内的党员，档案不能修改。"
          action={<Link to={`/admin/members/${id}`}>返回档案</Link>}
        />
      </Card>
    );
  }
  return <MemberForm member={q.data} />;
}

function MemberForm({ member }: { member?: MemberDetail }) {
  usePageTitle(member ? `编辑党员：${member.name}` : '新增党员');
  const [form] = Form.useForm<Values>();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [params] = useSearchParams();
  const me = useMe().data!;
  const create = useCreateMember();
  const update = useUpdateMember();
  const [formError, setFormError] = useState<string | null>(null);
  const status = Form.useWatch('status', form) ?? (member?.status as Values['status']);
  const reason = Form.useWatch('reason', form);
  const withLetter = Form.useWatch('withLetter', form) ?? true;
  const registerIncoming = useRegisterIncomingLetter();
  const info = useIdNumberInfo(form);

  const branchRoot = me.scopeRoots.find((r) => BRANCH_TYPES.includes(r.type as (typeof BRANCH_TYPES)[number]));
  const initialValues: Partial<Values> = member
    ? {
        name: member.name,
        sex: member.sex,
        ethnicity: member.ethnicity,
        education: member.education,
        occupation: member.occupation,
        joinDate: toDayjs(member.joinDate),
        conversionDate: toDayjs(member.conversionDate) ?? null,
        unitName: member.unitName ?? undefined,
        address: member.address ?? undefined,
      }
    : {
        orgId: params.get('orgId') ?? (me.scopeRoots.length === 1 ? branchRoot?.id : undefined),
        reason: params.get('reason') === 'transfer_in' ? 'transfer_in' : 'registered',
        ethnicity: '汉族',
        status: 'full',
        withLetter: true,
        letterScope: 'province',
        letterValidDays: 30,
      };

  // the ID number fixes sex (and birth date): fill sex in as soon as the number is valid
  useEffect(() => {
    if (info && form.getFieldValue('sex') !== info.sex) form.setFieldValue('sex', info.sex);
    if (info) void form.validateFields(['sex', 'joinDate']).catch(() => undefined);
  }, [info, form]);

  useEffect(() => {
    if (status === 'probationary' && form.getFieldValue('conversionDate')) form.setFieldValue('conversionDate', null);
    if (form.isFieldTouched('conversionDate') || status === 'probationary') void form.validateFields(['conversionDate']).catch(() => undefined);
  }, [status, form]);

  const birthDate = info?.birthDate ?? member?.birthDate;

  const onFinish = async (v: Values) => {
    setFormError(null);
    const text = (s: string | undefined) => (s && s.trim() ? s.trim() : null);
    const common = {
      name: v.name.trim(),
      sex: v.sex!,
      ethnicity: v.ethnicity,
      education: v.education as MemberDetail['education'],
      occupation: v.occupation as MemberDetail['occupation'],
      unitName: text(v.unitName),
      address: text(v.address),
      joinDate: fromDayjs(v.joinDate)!,
      conversionDate: fromDayjs(v.conversionDate),
    };
    const fen = v.monthlyIncomeYuan === null || v.monthlyIncomeYuan === undefined ? null : Math.round(v.monthlyIncomeYuan * 100);
    try {
      if (member) {
        await update.mutateAsync({
          id: member.id,
          body: {
            ...common,
            version: member.version,
            ...(v.idNumber?.trim() ? { idNumber: v.idNumber.trim().toUpperCase() } : {}),
            ...(v.phone?.trim() ? { phone: v.phone.trim() } : {}),
            ...(fen !== null ? { monthlyIncomeFen: fen } : {}),
          },
        });
        message.success('党员信息已保存');
        navigate(`/admin/members/${member.id}`);
      } else if (v.reason === 'transfer_in' && v.withLetter !== false) {
        // 外来介绍信: the letter and the member are registered together (the member reports in today or on the day given)
        const r = await registerIncoming.mutateAsync({
          ...common,
          orgId: v.orgId!,
          status: v.status!,
          idNumber: v.idNumber!.trim().toUpperCase(),
          phone: text(v.phone),
          monthlyIncomeFen: fen,
          externalOrgName: v.externalOrgName!.trim(),
          externalLetterNo: v.externalLetterNo!.trim(),
          scope: v.letterScope!,
          issuedOn: fromDayjs(v.letterIssuedOn)!,
          validDays: v.letterValidDays!,
          acceptedOn: fromDayjs(v.acceptedOn)!,
          duesPaidTo: v.duesPaidTo ? v.duesPaidTo.format('YYYY-MM') : null,
          reason: v.letterReason!.trim(),
        });
        message.success(`已登记外来介绍信并转入党员：${common.name}`);
        navigate(`/admin/transfers/${r.id}`);
      } else {
        const r = await create.mutateAsync({
          ...common,
          orgId: v.orgId!,
          reason: v.reason,
          status: v.status!,
          idNumber: v.idNumber!.trim().toUpperCase(),
          phone: text(v.phone),
          monthlyIncomeFen: fen,
        });
        message.success(`已新增党员：${common.name}`);
        navigate(`/admin/members/${r.id}`);
      }
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CONFLICT') {
        setFormError('该党员档案刚被他人修改。请刷新页面，核对最新信息后再保存。');
        return;
      }
      if (e instanceof ApiError && e.code === 'TRANSFER_EXPIRED') {
        form.setFields([{ name: 'acceptedOn', errors: [e.message] }]);
        form.scrollToField('acceptedOn');
        return;
      }
      if (e instanceof ApiError && e.code === 'DUPLICATE_ID_NUMBER') {
        form.setFields([{ name: 'idNumber', errors: [e.message] }]);
        form.scrollToField('idNumber');
        return;
      }
      setFormError(applyServerErrors(form, e, { monthlyIncomeFen: 'monthlyIncomeYuan' }));
    }
  };

  const today = todayShanghai();
  return (
    <Card>
      <div className="page-header">
        <Typography.Title level={3}>{member ? `编辑党员：${member.name}` : '新增党员'}</Typography.Title>
        <Link to={member ? `/admin/members/${member.id}` : '/admin/members'}>
          <Button>返回</Button>
        </Link>
      </div>
      {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} role="alert" />}
      <Form<Values>
        onKeyDown={enterConfirmsField}
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onFinish={onFinish}
        onFinishFailed={({ errorFields }) => errorFields[0] && form.scrollToField(errorFields[0].name)}
        scrollToFirstError
        style={{ maxWidth: 1080 }}
      >
        {!member && (
          <>
            <Divider titlePlacement="start" style={{ marginTop: 0 }}>
              组织关系
            </Divider>
            <Row gutter={24}>
              <Col span={12}>
                <Form.Item label="所在党支部" name="orgId" rules={[{ required: true, message: '请选择所在党支部' }]} extra="党员的组织关系须在党支部（含联合党支部、临时党支部）">
                  <OrgTreeSelect branchOnly style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item label="增加方式" name="reason" rules={[{ required: true, message: '请选择增加方式' }]}>
                  <Select options={CREATE_REASONS.map((r) => ({ value: r, label: MEMBER_EVENT_REASONS[r].label }))} />
                </Form.Item>
              </Col>
            </Row>
          </>
        )}
        {!member && reason === 'transfer_in' && (
          <>
            <Divider titlePlacement="start">外来介绍信</Divider>
            <Form.Item name="withLetter" valuePropName="checked" style={{ marginBottom: 8 }}>
              <Checkbox>凭本系统以外党组织开具的介绍信转入（登记介绍信，党员报到即转入）</Checkbox>
            </Form.Item>
            {withLetter ? (
              <Row gutter={24}>
                <Col span={12}>
                  <Form.Item label="开具介绍信的党组织" name="externalOrgName" rules={[{ required: true, whitespace: true, message: '请填写开具介绍信的党组织' }, { max: 100, message: '不超过100字' }]}>
                    <Input maxLength={100} placeholder="按介绍信落款填写" />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item label="介绍信编号" name="externalLetterNo" rules={[{ required: true, whitespace: true, message: '请填写介绍信编号' }, { max: 50, message: '不超过50字' }]}>
                    <Input maxLength={50} placeholder="如 第0087号" />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item label="转接范围" name="letterScope" rules={[{ required: true, message: '请选择转接范围' }]}>
                    <Radio.Group optionType="button" options={[{ value: 'province', label: '省内' }, { value: 'national', label: '跨省' }]} />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item label="开具日期" name="letterIssuedOn" rules={[{ required: true, message: '请选择开具日期' }]}>
                    <DatePicker style={{ width: '100%' }} disabledDate={afterToday} placeholder="YYYY-MM-DD" />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item label="有效期（天）" name="letterValidDays" rules={[{ required: true, message: '请填写有效期' }]}>
                    <InputNumber min={1} max={366} precision={0} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item
                    label="报到日期"
                    name="acceptedOn"
                    dependencies={['letterIssuedOn']}
                    extra="组织关系自报到之日起转入本支部"
                    rules={[
                      { required: true, message: '请选择报到日期' },
                      {
                        validator: async (_r, v: Dayjs | undefined) => {
                          const issued = fromDayjs(form.getFieldValue('letterIssuedOn'));
                          if (v && issued && v.format(DATE_FORMAT) < issued) throw new Error('报到日期不能早于开具日期');
                        },
                      },
                    ]}
                  >
                    <DatePicker style={{ width: '100%' }} disabledDate={afterToday} placeholder="YYYY-MM-DD" />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item label="党费交到" name="duesPaidTo">
                    <DatePicker picker="month" style={{ width: '100%' }} placeholder="按介绍信填写，选填" />
                  </Form.Item>
                </Col>
                <Col span={24}>
                  <Form.Item label="转接原因" name="letterReason" rules={[{ required: true, whitespace: true, message: '请填写转接原因' }, { max: 200, message: '不超过200字' }]}>
                    <Input maxLength={200} placeholder="如 工作调动、随迁" />
                  </Form.Item>
                </Col>
              </Row>
            ) : (
              <Alert type="info" showIcon title="不登记介绍信时，仅建立档案并记“转入”变动（用于补录系统启用前已转入的党员）；本系统内的转接请由原支部开具介绍信。" style={{ marginBottom: 16 }} />
            )}
          </>
        )}
        <Divider titlePlacement="start" style={member ? { marginTop: 0 } : undefined}>
          基本信息
        </Divider>
        <Row gutter={24}>
          <Col span={8}>
            <Form.Item label="姓名" name="name" rules={[{ required: true, whitespace: true, message: '请填写姓名' }, zodRule(shape.name)]}>
              <Input maxLength={30} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <IdNumberItem info={info} currentMasked={member?.idNumberMasked} />
          </Col>
          <Col span={8}>
            <SexItem info={info} />
          </Col>
          <Col span={8}>
            <EthnicityItem />
          </Col>
          <Col span={8}>
            <EducationItem />
          </Col>
          <Col span={8}>
            <OccupationItem label="人员类别" />
          </Col>
        </Row>

        <Divider titlePlacement="start">党籍信息</Divider>
        <Row gutter={24}>
          <Col span={8}>
            {member ? (
              <Form.Item label="党员类别" extra="转正、出党等变动请在档案页“登记变动”中办理">
                <Input value={member.status === 'full' ? '正式党员' : '预备党员'} disabled />
              </Form.Item>
            ) : (
              <Form.Item label="党员类别" name="status" rules={[{ required: true, message: '请选择党员类别' }]}>
                <Radio.Group
                  optionType="button"
                  options={[
                    { value: 'full', label: '正式党员' },
                    { value: 'probationary', label: '预备党员' },
                  ]}
                />
              </Form.Item>
            )}
          </Col>
          <Col span={8}>
            <Form.Item
              label="入党日期"
              name="joinDate"
              dependencies={['idNumber']}
              rules={[
                { required: true, message: '请选择入党日期' },
                {
                  validator: async (_r, v: Dayjs | undefined) => {
                    if (!v) return;
                    const d = v.format(DATE_FORMAT);
                    if (d > today) throw new Error('入党日期不能晚于今天');
                    if (birthDate && d < addYears(birthDate, 18)) throw new Error('入党时须年满18岁，请核对入党日期和身份证号');
                  },
                },
              ]}
            >
              <DatePicker style={{ width: '100%' }} disabledDate={afterToday} placeholder="YYYY-MM-DD" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              label="转正日期"
              name="conversionDate"
              required={status === 'full'}
              dependencies={['joinDate', 'status']}
              extra={status === 'probationary' ? '预备党员不填转正日期' : undefined}
              rules={[
                {
                  validator: async (_r, v: Dayjs | null | undefined) => {
                    if (status === 'full' && !v) throw new Error('正式党员须填写转正日期');
                    if (!v) return;
                    const d = v.format(DATE_FORMAT);
                    const join = fromDayjs(form.getFieldValue('joinDate'));
                    if (join && d < join) throw new Error('转正日期不能早于入党日期');
                    if (d > today) throw new Error('转正日期不能晚于今天');
                  },
                },
              ]}
            >
              <DatePicker style={{ width: '100%' }} disabledDate={afterToday} disabled={status === 'probationary'} placeholder="YYYY-MM-DD" />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">联系方式与其他</Divider>
        <Row gutter={24}>
          <Col span={8}>
            <Form.Item label="手机号码" name="phone" rules={[zodRule(shape.phone)]} extra={member?.phoneMasked ? `当前：${member.phoneMasked}。不修改请留空` : undefined}>
              <Input maxLength={11} inputMode="numeric" autoComplete="off" placeholder={member?.phoneMasked ? '不修改请留空' : '11位手机号码，选填'} />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item label="工作单位" name="unitName" rules={[zodRule(shape.unitName)]}>
              <Input maxLength={100} placeholder="选填" />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item label="家庭住址" name="address" rules={[zodRule(shape.address)]}>
              <Input maxLength={200} placeholder="选填" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label="月收入（元）" name="monthlyIncomeYuan" extra={member?.hasIncome ? '已登记（加密保存）。不修改请留空' : '用于核定党费基数，选填，加密保存'}>
              <InputNumber min={0} max={100_000_000} precision={2} style={{ width: '100%' }} placeholder={member?.hasIncome ? '不修改请留空' : '选填'} />
            </Form.Item>
          </Col>
        </Row>
        <Space>
          <Button type="primary" htmlType="submit" loading={create.isPending || update.isPending || registerIncoming.isPending}>
            保存
          </Button>
          <Button onClick={() => navigate(member ? `/admin/members/${member.id}` : '/admin/members')}>取消</Button>
        </Space>
      </Form>
    </Card>
  );
}

