import { useState } from 'react';
import { App, Button, Tooltip, Typography } from 'antd';
import { FileWordOutlined, LoadingOutlined } from '@ant-design/icons';
import { DOCUMENT_KIND_LABELS } from '../../../contracts/development';
import { EmptyState } from '../../shared/states';
import { downloadDocument, type CandidateDetail, type DocumentKind } from './api';
import { errorMessage } from './ui';

// The six documents of a file (.docx filled in from the recorded facts).

export const DOCUMENT_HINTS: Record<DocumentKind, string> = {
  public_notice: '支部委员会审查后，对发展对象进行公示的公示文本（含公示起止日期）',
  filing_report: '确定发展对象后，报上级党委备案的报告',
  talk_record: '收到入党申请书后，党组织派人与申请人谈话的记录',
  political_review: '对发展对象进行政治审查后，报上级党委的政治审查报告（含审查结论）',
  admission_resolution: '支部大会讨论接收预备党员的决议，含表决情况；须先登记支部大会表决',
  conversion_resolution: '支部大会讨论预备党员转正的决议；须先登记转正表决',
};

/** Why a document cannot be made yet, or null. */
export function documentBlocker(detail: Pick<CandidateDetail, 'votes'>, kind: DocumentKind): string | null {
  if (kind === 'admission_resolution' && !detail.votes.some((v) => v.kind === 'admission')) return '尚未登记支部大会接收预备党员的表决，不能生成决议';
  if (kind === 'conversion_resolution' && !detail.votes.some((v) => v.kind === 'conversion')) return '尚未登记支部大会讨论转正的表决，不能生成决议';
  return null;
}

export function DocumentButtons({ detail }: { detail: Pick<CandidateDetail, 'id' | 'name' | 'votes' | 'abilities'> }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState<DocumentKind | null>(null);
  if (!detail.abilities.documents) return <EmptyState description="您没有生成该发展对象文书的权限（须为本支部或上级党委的办理人员）。" />;
  const kinds = Object.keys(DOCUMENT_KIND_LABELS) as DocumentKind[];
  const download = async (kind: DocumentKind) => {
    setBusy(kind);
    try {
      const name = await downloadDocument(detail.id, kind, `${detail.name}-${DOCUMENT_KIND_LABELS[kind]}.docx`);
      message.success(`已生成：${name}`);
    } catch (e) {
      message.error(`生成失败：${errorMessage(e)}`);
    } finally {
      setBusy(null);
    }
  };
  return (
    <ul className="plain-list">
      {kinds.map((k) => {
        const blocker = documentBlocker(detail, k);
        const button = (
          <Button icon={busy === k ? <LoadingOutlined /> : <FileWordOutlined />} disabled={!!blocker || busy === k} onClick={() => download(k)} style={{ minWidth: 200 }} aria-label={`下载${DOCUMENT_KIND_LABELS[k]}`}>
            {DOCUMENT_KIND_LABELS[k]}
          </Button>
        );
        return (
          <li key={k} style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
            {blocker ? (
              <Tooltip title={blocker}>
                <span>{button}</span>
              </Tooltip>
            ) : (
              button
            )}
            <Typography.Text type="secondary">{DOCUMENT_HINTS[k]}</Typography.Text>
          </li>
        );
      })}
    </ul>
  );
}

