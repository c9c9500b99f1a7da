import { Alert } from 'antd';
import type { EarlierRecordView } from '../../../contracts/member';

/**
 * A person's earlier record in another organisation: where, what and when —
 * the record itself stays with that organisation (issue 9, C1).
 */
export function EarlierRecordNote({ record }: { record: EarlierRecordView | null }) {
  if (!record) return null;
  // the reason says it best (出党（退党）, 死亡, 入党申请未获通过…); the status where none was recorded
  const what = record.reasonLabel ?? record.statusLabel;
  return (
    <Alert
      type="info"
      showIcon
      data-testid="earlier-record"
      style={{ marginBottom: 12 }}
      title={`此人曾有档案：${record.orgName ?? '原组织'}，${what}${record.endedOn ? `，${record.endedOn}` : ''}`}
      description="原档案及其变动记录保留在原组织，本档案与之关联；如需了解详情，请与原组织联系。"
    />
  );
}
