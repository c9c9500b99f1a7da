import { useState } from 'react';
import { Alert, App, AutoComplete, Button, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';
import { BRANCH_TYPES, COMMITTEE_POSTS, ORG_TYPES, UNIT_KINDS, type CommitteePost, type OrgType, type UnitKind } from '../../../contracts/dict';
import { CreateOrgBody } from '../../../contracts/org';
import type { z } from 'zod';
import type { MemberPage } from '../../../contracts/member';
import { api, ApiError } from '../../shared/api';
import { afterToday, dayjs, fromDayjs, toDayjs } from '../../shared/dates';
import { applyServerErrors } from '../../shared/form-errors';
import { can, useMe } from '../../shared/session';
import { zodRule } from '../../shared/zod-rule';
import { CHILD_TYPES, useCreateOrg, useDissolveOrg, useElectCommittee, useMoveOrg, useUpdateOrg, type OrgDetail } from './api';
import { OrgTreeSelect } from './OrgTreeSelect';

const shape = CreateOrgBody.shape;
const typeOptions = (types: OrgType[]) => types.map((t) => ({ value: t, label: ORG_TYPES[t] }));
const unitKindOptions = (Object.keys(UNIT_KINDS) as UnitKind[]).map((k) => ({ value: k, label: UNIT_KINDS[k] }));

/** Turns a failed save into field errors or a message; a version conflict reloads the data. */
function useSaveErrors() {
  const { message } = App.useApp();
  const [formError, setFormError] = useState<string | null>(null);
  const handle = (form: Parameters<typeof applyServerErrors>[0], e: unknown, onConflict?: () => void) => {
    if (e instanceof ApiError && e.code === 'CONFLICT') {
      message.warning('该组织刚被他人修改，已为您刷新，请核对后重新提交。');
      onConflict?.();
      return;
    }
    if (e instanceof ApiError && e.code === 'DUPLICATE_ORG_CODE') {
      form.setFields([{ name: 'code', errors: [e.message] }]);
      return;
    }
    setFormError(applyServerErrors(form, e));
  };
  return { formError, setFormError, handle };
}

interface OrgFormValues {
  type?: OrgType;
  name: string;
  code?: string;
  unitName?: string;
  unitKind: UnitKind;
  address?: string;
  setupDate?: Dayjs;
  lng?: number | null;
  lat?: number | null;
}

export function OrgFormModal({ mode, org, onClose, onCreated }: { mode: 'create' | 'edit'; org: OrgDetail; onClose: () => void; onCreated?: (id: string) => void }) {
  const [form] = Form.useForm<OrgFormValues>();
  const { message } = App.useApp();
  const create = useCreateOrg();
  const update = useUpdateOrg();
  const { formError, setFormError, handle } = useSaveErrors();
  const childTypes = CHILD_TYPES[org.type];
  const initial: Partial<OrgFormValues> =
    mode === 'edit'
      ? { name: org.name, code: org.code ?? undefined, unitName: org.unitName ?? undefined, unitKind: org.unitKind, address: org.address ?? undefined, setupDate: toDayjs(org.setupDate), lng: org.lng, lat: org.lat }
      : { type: childTypes.includes('branch') ? 'branch' : childTypes[0], unitKind: org.unitKind, setupDate: dayjs() };

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the fields show what to fix
    setFormError(null);
    const common = {
      name: v.name.trim(),
      code: v.code?.trim() || null,
      unitName: v.unitName?.trim() || null,
      unitKind: v.unitKind,
      address: v.address?.trim() || null,
      setupDate: fromDayjs(v.setupDate),
      lng: v.lng ?? null,
      lat: v.lat ?? null,
    };
    try {
      if (mode === 'edit') {
        await update.mutateAsync({ id: org.id, body: { ...common, version: org.version } });
        message.success('组织信息已保存');
      } else {
        const r = await create.mutateAsync({ ...common, parentId: org.id, type: v.type! });
        message.success(`已新建“${common.name}”`);
        onCreated?.(r.id);
      }
      onClose();
    } catch (e) {
      handle(form, e, onClose);
    }
  };

  return (
    <Modal
      open
      title={mode === 'edit' ? `编辑组织：${org.name}` : `在“${org.name}”下新建组织`}
      onCancel={onClose}
      onOk={submit}
      okText="保存"
      confirmLoading={create.isPending || update.isPending}
      width={640}
      destroyOnHidden
    >
      {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" initialValues={initial} requiredMark>
        {mode === 'create' && (
          <Form.Item label="组织类型" name="type" rules={[{ required: true, message: '请选择组织类型' }]} extra={`${ORG_TYPES[org.type]}下可设：${childTypes.map((t) => ORG_TYPES[t]).join('、')}`}>
            <Select options={typeOptions(childTypes)} />
          </Form.Item>
        )}
        <Form.Item label="组织名称" name="name" rules={[{ required: true, whitespace: true, message: '请填写组织名称' }, zodRule(shape.name)]}>
          <Input placeholder="如：中共××村委员会、××社区党支部" maxLength={100} showCount />
        </Form.Item>
        <Space.Compact block>
          <Form.Item label="组织代码" name="code" rules={[zodRule(shape.code)]} style={{ flex: 1, marginRight: 12 }}>
            <Input placeholder="选填，字母和数字" maxLength={32} />
          </Form.Item>
          <Form.Item label="成立日期" name="setupDate" style={{ flex: 1 }}>
            <DatePicker style={{ width: '100%' }} disabledDate={afterToday} />
          </Form.Item>
        </Space.Compact>
        <Space.Compact block>
          <Form.Item label="单位名称" name="unitName" rules={[zodRule(shape.unitName)]} style={{ flex: 2, marginRight: 12 }}>
            <Input placeholder="党组织所在单位" />
          </Form.Item>
          <Form.Item label="单位类别" name="unitKind" rules={[{ required: true, message: '请选择单位类别' }]} style={{ flex: 1 }}>
            <Select options={unitKindOptions} />
          </Form.Item>
        </Space.Compact>
        <Form.Item label="地址" name="address" rules={[zodRule(shape.address)]}>
          <Input placeholder="办公地点" />
        </Form.Item>
        <Space.Compact block>
          <Form.Item label="经度" name="lng" style={{ flex: 1, marginRight: 12 }}>
            <InputNumber min={-180} max={180} step={0.000001} style={{ width: '100%' }} placeholder="选填，如 113.816536" />
          </Form.Item>
          <Form.Item label="纬度" name="lat" style={{ flex: 1 }}>
            <InputNumber min={-90} max={90} step={0.000001} style={{ width: '100%' }} placeholder="选填，如 28.029447" />
          </Form.Item>
        </Space.Compact>
      </Form>
    </Modal>
  );
}

export function MoveOrgModal({ org, onClose }: { org: OrgDetail; onClose: () => void }) {
  const [form] = Form.useForm<{ newParentId: string }>();
  const { message } = App.useApp();
  const move = useMoveOrg();
  const { formError, setFormError, handle } = useSaveErrors();
  const parentName = org.ancestors.at(-1)?.name;
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the fields show what to fix
    setFormError(null);
    try {
      await move.mutateAsync({ id: org.id, newParentId: v.newParentId, version: org.version });
      message.success('隶属关系已调整，下级组织和党员随之移动');
      onClose();
    } catch (e) {
      handle(form, e, onClose);
    }
  };
  return (
    <Modal open title={`调整隶属关系：${org.name}`} onCancel={onClose} onOk={submit} okText="确认调整" confirmLoading={move.isPending} destroyOnHidden>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title="调整后，该组织的全部下级组织和党员随之移动到新的上级组织之下。" />
      {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical">
        <Form.Item label="当前上级组织">
          <Typography.Text>{parentName ?? '（顶层组织或不在您的管理范围内）'}</Typography.Text>
        </Form.Item>
        <Form.Item label="新的上级组织" name="newParentId" rules={[{ required: true, message: '请选择新的上级组织' }]} extra={`${ORG_TYPES[org.type]}只能设在规定类型的组织之下，不能移到它自己或它的下级组织之下。`}>
          <OrgTreeSelect excludeId={org.id} allowClear={false} style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function DissolveOrgModal({ org, onClose }: { org: OrgDetail; onClose: () => void }) {
  const [form] = Form.useForm<{ dissolvedOn: Dayjs; reason: string }>();
  const { message } = App.useApp();
  const dissolve = useDissolveOrg();
  const { formError, setFormError, handle } = useSaveErrors();
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the fields show what to fix
    setFormError(null);
    try {
      await dissolve.mutateAsync({ id: org.id, dissolvedOn: fromDayjs(v.dissolvedOn)!, reason: v.reason.trim(), version: org.version });
      message.success(`“${org.name}”已撤销`);
      onClose();
    } catch (e) {
      handle(form, e, onClose);
    }
  };
  return (
    <Modal open title={`撤销组织：${org.name}`} onCancel={onClose} onOk={submit} okText="确认撤销" okButtonProps={{ danger: true }} confirmLoading={dissolve.isPending} destroyOnHidden>
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 16 }}
        title="撤销前须先转出全部党员、调整全部下级组织。撤销后组织不会删除，历史记录保留，可在组织树中打开“含已撤销”查看。"
      />
      {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" initialValues={{ dissolvedOn: dayjs() }}>
        <Form.Item label="撤销日期" name="dissolvedOn" rules={[{ required: true, message: '请选择撤销日期' }]}>
          <DatePicker disabledDate={afterToday} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item
          label="撤销原因"
          name="reason"
          rules={[
            { required: true, whitespace: true, message: '请填写撤销原因' },
            { min: 2, message: '请填写撤销原因' },
            { max: 500, message: '撤销原因不能超过500个字' },
          ]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount placeholder="如：所在村合并，党员全部转入××村党支部" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface PostRow {
  post?: CommitteePost;
  holderName?: string;
  personId?: string | null;
  approvedOn?: Dayjs | null;
}

const postOptions = (Object.keys(COMMITTEE_POSTS) as CommitteePost[]).map((p) => ({ value: p, label: COMMITTEE_POSTS[p] }));

export function ElectCommitteeModal({ org, onClose }: { org: OrgDetail; onClose: () => void }) {
  const [form] = Form.useForm<{ electedOn: Dayjs; termYears?: number | null; posts: PostRow[] }>();
  const { message } = App.useApp();
  const elect = useElectCommittee();
  const me = useMe().data;
  const { formError, setFormError, handle } = useSaveErrors();
  const isBranch = BRANCH_TYPES.includes(org.type);
  const members = useQuery({
    queryKey: ['members', 'of-org', org.id],
    queryFn: () => api.get<z.infer<typeof MemberPage>>('/api/v1/members', { orgId: org.id, pageSize: 100, status: 'current' }).then((r) => r.items),
    enabled: can(me, 'member.read'),
  });
  const memberOptions = (members.data ?? []).filter((m) => m.orgId === org.id).map((m) => ({ value: m.name, label: `${m.name}（${m.status === 'full' ? '正式党员' : '预备党员'}）`, personId: m.id }));

  const initialPosts: PostRow[] = org.committee?.posts.length
    ? org.committee.posts.map((p) => ({ post: p.post, holderName: p.holderName, personId: p.personId, approvedOn: toDayjs(p.approvedOn) ?? null }))
    : [{ post: 'secretary' }, { post: 'organisation' }, { post: 'propaganda' }];

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the fields show what to fix
    setFormError(null);
    try {
      await elect.mutateAsync({
        id: org.id,
        body: {
          electedOn: fromDayjs(v.electedOn)!,
          termYears: v.termYears ?? undefined,
          posts: v.posts.map((p) => ({ post: p.post!, holderName: p.holderName!.trim(), personId: p.personId ?? null, approvedOn: fromDayjs(p.approvedOn) })),
        },
      });
      message.success('换届登记已保存，新一届班子开始计算任期');
      onClose();
    } catch (e) {
      handle(form, e, onClose);
    }
  };

  return (
    <Modal open title={`换届登记：${org.name}`} onCancel={onClose} onOk={submit} okText="保存" confirmLoading={elect.isPending} width={760} destroyOnHidden>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="登记换届选举产生的新一届班子。保存后上一届自动结束，任期从选举日期起算。"
        description={isBranch ? '班子成员一般从本支部正式党员中产生，可在姓名栏输入后从本支部党员中选择。' : undefined}
      />
      {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" initialValues={{ electedOn: dayjs(), posts: initialPosts }}>
        <Space size={16} align="start">
          <Form.Item label="选举日期" name="electedOn" rules={[{ required: true, message: '请选择选举日期' }]}>
            <DatePicker disabledDate={afterToday} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item label="任期（年）" name="termYears" extra="不填则按规定：村、社区党组织每届5年，其他每届3年">
            <InputNumber min={1} max={10} precision={0} style={{ width: 200 }} placeholder="按规定自动确定" />
          </Form.Item>
        </Space>
        <div style={{ fontWeight: 600, marginBottom: 4 }}>班子成员</div>
        <Form.List
          name="posts"
          rules={[
            {
              validator: async (_r, rows: PostRow[]) => {
                if (!rows || rows.length < 1) throw new Error('至少填写一名班子成员');
                if (rows.length > 9) throw new Error('班子成员最多9人');
                if (rows.filter((r) => r.post === 'secretary').length > 1) throw new Error('书记只能有一名');
              },
            },
          ]}
        >
          {(fields, { add, remove }, { errors }) => (
            <div style={{ marginTop: 8 }}>
              {fields.map((f) => (
                <Space key={f.key} align="start" style={{ display: 'flex' }}>
                  <Form.Item name={[f.name, 'post']} rules={[{ required: true, message: '请选择职务' }]}>
                    <Select options={postOptions} style={{ width: 130 }} placeholder="职务" aria-label="职务" />
                  </Form.Item>
                  <Form.Item name={[f.name, 'holderName']} rules={[{ required: true, whitespace: true, message: '请填写任职人姓名' }, { max: 50, message: '姓名不能超过50个字' }]}>
                    <AutoComplete
                      options={memberOptions}
                      style={{ width: 220 }}
                      placeholder="姓名（可从本支部党员中选）"
                      aria-label="姓名"
                      filterOption={(input, opt) => !!opt && String(opt.value).includes(input.trim())}
                      onChange={(name: string) => {
                        // link the post to a member only when the name picks exactly one member of this org
                        const matches = memberOptions.filter((o) => o.value === name.trim());
                        form.setFieldValue(['posts', f.name, 'personId'], matches.length === 1 ? matches[0].personId : null);
                      }}
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'personId']} hidden>
                    <Input />
                  </Form.Item>
                  <Form.Item name={[f.name, 'approvedOn']}>
                    <DatePicker placeholder="上级批准日期（选填）" disabledDate={afterToday} style={{ width: 200 }} />
                  </Form.Item>
                  <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label="删除此行" />
                </Space>
              ))}
              <Form.ErrorList errors={errors} />
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ post: 'member' })} disabled={fields.length >= 9}>
                添加班子成员
              </Button>
            </div>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}
