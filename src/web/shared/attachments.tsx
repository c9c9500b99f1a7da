import { useState } from 'react';
import { App, Button, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import type { z } from 'zod';
import type { FileView } from '../../contracts/admin';
import { api, errorMessage } from './api';

// Attachments uploaded to a member's file while a form is open (a step's
// records, the evidence of a 少交/免交 request): the form sends the stored ids.

type StoredFile = z.infer<typeof FileView>;
export type Attachment = UploadFile & { storedId?: string };

export const ATTACHMENT_ACCEPT = '.pdf,.png,.jpg,.jpeg,.docx,.xlsx';

export function useAttachments() {
  const [files, setFiles] = useState<Attachment[]>([]);
  return {
    files,
    setFiles,
    uploading: files.some((f) => f.status === 'uploading'),
    storedIds: files.map((f) => f.storedId).filter((x): x is string => !!x),
  };
}

export function AttachmentUpload({ personId, state, label = '选择文件' }: { personId: string | undefined; state: ReturnType<typeof useAttachments>; label?: string }) {
  const { message } = App.useApp();
  const { files, setFiles } = state;
  return (
    <Upload
      accept={ATTACHMENT_ACCEPT}
      fileList={files}
      disabled={!personId}
      onRemove={(f) => setFiles((l) => l.filter((x) => x.uid !== f.uid))}
      customRequest={async ({ file, onSuccess, onError }) => {
        const f = file as File & { uid: string };
        setFiles((l) => [...l, { uid: f.uid, name: f.name, status: 'uploading' }]);
        try {
          const r = await api.upload<StoredFile>('/api/v1/files', f, f.name, { ownerType: 'person', ownerId: personId });
          setFiles((l) => l.map((x) => (x.uid === f.uid ? { ...x, status: 'done', storedId: r.id } : x)));
          onSuccess?.(r);
        } catch (e) {
          setFiles((l) => l.map((x) => (x.uid === f.uid ? { ...x, status: 'error', response: errorMessage(e) } : x)));
          message.error(`上传失败：${errorMessage(e)}`);
          onError?.(e as Error);
        }
      }}
    >
      <Button icon={<UploadOutlined />} disabled={!personId}>
        {label}
      </Button>
    </Upload>
  );
}
