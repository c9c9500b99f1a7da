import { useRef } from 'react';
import { App, Button, DatePicker, Form, Input, InputNumber, Select, Upload, type FormInstance } from 'antd';
import type { UploadFile } from 'antd';
import { CameraOutlined, UploadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { MILESTONE_STATES, RecordProgressBody } from '../../../contracts/project';
import { errorMessage } from '../../shared/api';
import { DATE_FORMAT, dayjs, todayShanghai } from '../../shared/dates';
import { zodRule } from '../../shared/zod-rule';
import { uploadProjectFile, type ProjectDetail } from './api';
import './project.css';

// 登记进展, shared by the console's modal and the phone's sheet: the milestone
// the report is about, its completion, what was done and the evidence
// (photos, documents uploaded to the project as they are picked; the report
// carries their ids).

export type Evidence = UploadFile & { storedId?: string };

export interface ProgressValues {
  milestoneId?: string | null;
  reportedOn?: Dayjs | null;
  percent?: number | null;
  note?: string;
  evidence?: Evidence[];
}

const MAX_EVIDENCE = 10;
export const EVIDENCE_ACCEPT = '.jpg,.jpeg,.png,.pdf,.docx,.xlsx';
export const PHOTO_ACCEPT = 'image/jpeg,image/png';

/** The server's field names for the form's (the evidence list holds the uploads, the body their ids). */
export const PROGRESS_FIELDS = { evidenceIds: 'evidence' };

/** Evidence picked and uploaded at once; the form holds the list (value/onChange, as a Form.Item child). */
export function EvidenceUpload({
  projectId,
  value = [],
  onChange,
  accept = EVIDENCE_ACCEPT,
  label = '上传佐证材料',
  phone = false,
  id,
}: {
  projectId: string;
  value?: Evidence[];
  onChange?: (files: Evidence[]) => void;
  accept?: string;
  label?: string;
  phone?: boolean;
  id?: string;
}) {
  const { message } = App.useApp();
  // uploads finish one after another: each result is applied to the latest list, not the one at its start
  const latest = useRef(value);
  latest.current = value;
  const set = (f: (l: Evidence[]) => Evidence[]) => {
    latest.current = f(latest.current);
    onChange?.(latest.current);
  };
  return (
    <Upload
      accept={accept}
      fileList={value}
      listType={phone ? 'picture' : 'text'}
      multiple={!phone}
      maxCount={MAX_EVIDENCE}
      onRemove={(f) => set((l) => l.filter((x) => x.uid !== f.uid))}
      customRequest={async ({ file, onSuccess, onError }) => {
        const f = file as File & { uid: string };
        set((l) => [...l, { uid: f.uid, name: f.name, status: 'uploading' }]);
        try {
          const r = await uploadProjectFile(projectId, f);
          set((l) => l.map((x) => (x.uid === f.uid ? { ...x, status: 'done', storedId: r.id } : x)));
          onSuccess?.(r);
        } catch (e) {
          set((l) => l.map((x) => (x.uid === f.uid ? { ...x, status: 'error', response: errorMessage(e) } : x)));
          message.error(`上传失败：${errorMessage(e)}`);
          onError?.(e as Error);
        }
      }}
    >
      <Button id={id} icon={phone ? <CameraOutlined /> : <UploadOutlined />} className={phone ? 'm-action' : undefined} disabled={value.length >= MAX_EVIDENCE}>
        {label}
      </Button>
    </Upload>
  );
}

/** The milestones a report may be about: open ones first, each with why it cannot take a report. */
function milestoneOptions(p: ProjectDetail) {
  return p.roadmap.map((m) => ({
    value: m.id,
    label: `${m.seq}. ${m.title}`,
    title: m.title,
    disabled: !m.canRecord,
    extra: m.doneOn ? `${MILESTONE_STATES.done}（${m.doneOn}）` : !m.canRecord ? '非本组织负责' : `当前完成 ${m.percent}%，${m.dueOn} 到期`,
  }));
}

/** The first milestone the caller may report on, or null. */
export function firstRecordable(p: ProjectDetail): string | null {
  return p.roadmap.find((m) => m.canRecord)?.id ?? null;
}

/** The form's starting values for a report on `milestoneId` (or the first open milestone). */
export function progressInitial(p: ProjectDetail, milestoneId?: string | null): ProgressValues {
  const mid = milestoneId ?? firstRecordable(p);
  const m = p.roadmap.find((x) => x.id === mid);
  return { milestoneId: mid, reportedOn: dayjs(todayShanghai()), percent: m ? m.percent : p.roadmap.length ? null : p.actual, note: '', evidence: [] };
}

export function ProgressFields({ form, project, phone = false }: { form: FormInstance<ProgressValues>; project: ProjectDetail; phone?: boolean }) {
  const hasRoadmap = project.roadmap.length > 0;
  const milestoneId = Form.useWatch('milestoneId', form);
  const current = project.roadmap.find((m) => m.id === milestoneId);
  const today = todayShanghai();
  const bigText = phone ? { fontSize: 16 } : undefined;
  return (
    <>
      {hasRoadmap && (
        <Form.Item name="milestoneId" label="节点" rules={[{ required: true, message: '请选择本次进展所属的节点' }]}>
          <Select
            options={milestoneOptions(project)}
            placeholder="选择节点"
            size={phone ? 'large' : undefined}
            optionRender={(o) => (
              <div className="project-option">
                <span className="project-option-title">{o.data.label}</span>
                <span className="project-option-extra">{o.data.extra}</span>
              </div>
            )}
            onChange={(id: string) => {
              const m = project.roadmap.find((x) => x.id === id);
              if (m) form.setFieldValue('percent', m.percent);
            }}
          />
        </Form.Item>
      )}
      <div className={phone ? undefined : 'project-form-row project-form-row-2'}>
        <Form.Item
          name="percent"
          label={hasRoadmap ? '节点完成比例' : '项目完成比例'}
          rules={[{ required: true, message: '请填写完成比例' }]}
          extra={current ? `上次登记 ${current.percent}%；填 100% 即该节点完成` : undefined}
        >
          <InputNumber min={0} max={100} precision={0} suffix="%" style={{ width: '100%', ...bigText }} size={phone ? 'large' : undefined} inputMode="numeric" />
        </Form.Item>
        {phone && (
          <div className="m-pj-quick" role="group" aria-label="快速填写完成比例">
            {[25, 50, 75, 100].map((n) => (
              <Button key={n} onClick={() => form.setFields([{ name: 'percent', value: n, errors: [] }])}>
                {n}%
              </Button>
            ))}
          </div>
        )}
        {!phone && (
          <Form.Item name="reportedOn" label="进展日期" rules={[{ required: true, message: '请选择进展日期' }]}>
            <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.format(DATE_FORMAT) > today || d.format(DATE_FORMAT) < project.startOn} allowClear={false} />
          </Form.Item>
        )}
      </div>
      <Form.Item name="note" label="进展情况" rules={[{ required: true, whitespace: true, message: '请填写进展情况' }, zodRule(RecordProgressBody.shape.note)]}>
        <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={500} showCount placeholder="如：完成土地流转签约120亩，召开专题推进会1次" style={bigText} />
      </Form.Item>
      <Form.Item name="evidence" label={phone ? '现场照片（选填）' : '佐证材料（选填）'} extra={phone ? '可拍照或从相册选择，支持 JPG、PNG' : '照片、会议纪要等，支持 JPG、PNG、PDF、Word（docx）、Excel（xlsx），最多10个'}>
        <EvidenceUpload projectId={project.id} accept={phone ? PHOTO_ACCEPT : EVIDENCE_ACCEPT} label={phone ? '拍照或选择照片' : '上传佐证材料'} phone={phone} />
      </Form.Item>
    </>
  );
}

export const evidenceUploading = (v: ProgressValues) => (v.evidence ?? []).some((f) => f.status === 'uploading');

/** The report as the API takes it. */
export function progressBody(v: ProgressValues) {
  return {
    milestoneId: v.milestoneId ?? null,
    reportedOn: (v.reportedOn ?? dayjs(todayShanghai())).format(DATE_FORMAT),
    percent: v.percent ?? 0,
    note: (v.note ?? '').trim(),
    evidenceIds: (v.evidence ?? []).map((f) => f.storedId).filter((x): x is string => !!x),
  };
}
