import { useState } from 'react';
import { Alert, App, Button, Form, Input, Tag } from 'antd';
import { EVALUATION_GRADES, REPORT_STATUSES } from '../../../contracts/community-report';
import { ApiError } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { formatDate, formatDateTime } from '../../shared/dates';
import { usePageTitle } from '../../shared/use-title';
import { REPORT_STATUS_COLORS, useMyCommunityReport, useReportMyself, type CommunityReportDetail } from '../community-report/api';
import type { CommunityOption } from '../resident/api';
import { CommunitySelect, GridSelect } from '../resident/CommunityFields';
import { MobileError, MobileLoading } from './MobileStates';
import './volunteer.css';

// 双报到 on the phone, for in-service members: report to the community where
// they live (community, grid, address), then follow the report — its status,
// the 服务岗位 and tasks the community assigned, the services recorded and the
// yearly evaluations (which reach their branch without being typed again).

interface ReportValues {
  communityOrgId?: string;
  gridId?: string;
  address: string;
  note: string;
}

function ReportForm() {
  const { message } = App.useApp();
  const [form] = Form.useForm<ReportValues>();
  const report = useReportMyself();
  const [community, setCommunity] = useState<CommunityOption | null>(null);
  const [error, setError] = useState<string | null>(null);
  const onFinish = async (v: ReportValues) => {
    setError(null);
    try {
      await report.mutateAsync({ communityOrgId: v.communityOrgId!, gridId: v.gridId ?? null, address: v.address, note: v.note ?? '' });
      void message.success('已报到，请等待村（社区）接收');
      form.resetFields();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setError(e.message);
      else setError(applyServerErrors(form, e));
    }
  };
  return (
    <section className="m-card" aria-labelledby="m-cr-form">
      <h2 id="m-cr-form" className="m-vl-title">
        向居住地村（社区）报到
      </h2>
      <Form<ReportValues> form={form} layout="vertical" size="large" requiredMark={false} name="community-report" onFinish={onFinish}>
        {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
        <Form.Item name="communityOrgId" label="居住地村（社区）" rules={[{ required: true, message: '请选择居住地所在的村（社区）' }]}>
          <CommunitySelect
            onPicked={(c) => {
              if (c?.id !== community?.id) form.setFieldValue('gridId', undefined);
              setCommunity(c);
            }}
          />
        </Form.Item>
        <Form.Item name="gridId" label="网格">
          <GridSelect community={community} />
        </Form.Item>
        <Form.Item name="address" label="居住地址" rules={[{ required: true, message: '请填写居住地址' }]}>
          <Input maxLength={100} placeholder="小区、楼栋、门牌号" />
        </Form.Item>
        <Form.Item name="note" label="说明（可选）">
          <Input.TextArea maxLength={300} rows={3} placeholder="特长、可服务时间等" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={report.isPending} data-testid="m-cr-submit">
          报到
        </Button>
      </Form>
    </section>
  );
}

function ReportCard({ d }: { d: CommunityReportDetail }) {
  const r = d.report;
  return (
    <section className="m-card" data-testid="m-cr-report">
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'center' }}>
        <h2 className="m-vl-title" style={{ margin: 0 }}>
          {r.gridName ? `${r.communityName} · ${r.gridName}` : r.communityName}
        </h2>
        <Tag color={REPORT_STATUS_COLORS[r.status]} style={{ marginInlineEnd: 0 }} data-testid="m-cr-status">
          {REPORT_STATUSES[r.status]}
        </Tag>
      </div>
      <div className="m-vl-line">报到时间：{formatDateTime(r.reportedAt)}</div>
      {r.address && <div className="m-vl-line">居住地址：{r.address}</div>}
      {r.role && <div className="m-vl-line">服务岗位：{r.role}</div>}
      {r.tasks && <div className="m-vl-line">认领任务：{r.tasks}</div>}
      {r.declineReason && <div className="m-vl-line">退回原因：{r.declineReason}</div>}
      {r.status === 'accepted' && (
        <div className="m-vl-figures" style={{ marginTop: 12 }}>
          <div>
            <strong>{r.serviceCount}</strong>
            <span>服务次数</span>
          </div>
          <div>
            <strong>
              {r.serviceHours}
              <small> 小时</small>
            </strong>
            <span>服务时长</span>
          </div>
        </div>
      )}
      {d.services.length > 0 && (
        <>
          <h3 className="m-vl-h2">服务记录</h3>
          <ul className="m-vl-list">
            {d.services.map((s) => (
              <li key={s.id} className="m-vl-line">
                {formatDate(s.servedOn)} · {s.hours} 小时 · {s.content}
              </li>
            ))}
          </ul>
        </>
      )}
      {d.evaluations.length > 0 && (
        <>
          <h3 className="m-vl-h2">年度评价</h3>
          <ul className="m-vl-list">
            {d.evaluations.map((e) => (
              <li key={e.id} className="m-vl-line" data-testid="m-cr-evaluation">
                {e.year}年度：<Tag color={e.grade === 'excellent' || e.grade === 'good' ? 'success' : 'default'}>{EVALUATION_GRADES[e.grade]}</Tag>
                {e.comment}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function MobileCommunityReportPage() {
  usePageTitle('双报到');
  const q = useMyCommunityReport();
  if (q.isPending) return <MobileLoading />;
  if (q.isError) return <MobileError error={q.error} onRetry={() => void q.refetch()} title="双报到加载失败" />;
  const live = q.data.items.some((d) => d.report.status === 'pending' || d.report.status === 'accepted');
  return (
    <>
      <p className="m-vl-empty" style={{ margin: '0 4px 12px' }}>
        在职党员向居住地村（社区）报到，接受村（社区）分配的服务岗位和任务。村（社区）每年的评价会自动推送到您所在的党支部。
      </p>
      {!live && <ReportForm />}
      {q.data.items.map((d) => (
        <ReportCard key={d.report.id} d={d} />
      ))}
    </>
  );
}
