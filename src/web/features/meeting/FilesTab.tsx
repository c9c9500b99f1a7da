import { useState } from 'react';
import { Alert, App, Button, Space, Table, Tag, Typography, Upload } from 'antd';
import { DownloadOutlined, FileOutlined, PictureOutlined } from '@ant-design/icons';
import type { MeetingFileView } from '../../../contracts/meeting';
import { api, errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/dates';
import { formatBytes } from '../../shared/format';
import { EmptyState } from '../../shared/states';
import { meetingFileUrl, useUploadMeetingFile, type MeetingDetail } from './api';

// 附件: photos and documents kept with the meeting, for those who want them.
// Nothing requires them: a meeting is recorded by its minutes and attendance,
// never proven by pictures (RULES §8, 指尖上的形式主义).

const KIND = { photo: '照片', document: '文档', audio: '录音' } as const;

export function FilesTab({ m }: { m: MeetingDetail }) {
  const { message } = App.useApp();
  const upload = useUploadMeetingFile(m.id);
  const [busy, setBusy] = useState<'photo' | 'document' | null>(null);
  const canUpload = m.me.canManage && m.status !== 'cancelled';

  const send = async (file: File, kind: 'photo' | 'document') => {
    setBusy(kind);
    try {
      await upload.mutateAsync({ file, kind });
      message.success(`已上传：${file.name}`);
    } catch (e) {
      message.error(`上传失败：${errorMessage(e)}`);
    } finally {
      setBusy(null);
    }
  };
  const download = async (f: MeetingFileView) => {
    try {
      await api.download(meetingFileUrl(m.id, f.id), undefined, f.fileName);
    } catch (e) {
      message.error(`下载失败：${errorMessage(e)}`);
    }
  };
  const picker = (kind: 'photo' | 'document', accept: string, label: string, icon: React.ReactNode) => (
    <Upload
      accept={accept}
      showUploadList={false}
      disabled={!canUpload || !!busy}
      beforeUpload={(file) => {
        void send(file, kind);
        return false;
      }}
    >
      <Button icon={icon} loading={busy === kind} disabled={!canUpload || (!!busy && busy !== kind)}>
        {label}
      </Button>
    </Upload>
  );

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Alert
        type="info"
        showIcon
        title="照片和文件是可选的"
        description="需要时可留存会场照片、学习材料等。会议以会议记录和出席登记为准，不要求拍照或上传材料作为召开的证明。"
      />
      {canUpload && (
        <Space wrap>
          {picker('photo', '.jpg,.jpeg,.png', '上传照片', <PictureOutlined />)}
          {picker('document', '.pdf,.docx,.xlsx', '上传文档', <FileOutlined />)}
          <Typography.Text type="secondary">照片支持 JPG、PNG；文档支持 PDF、Word（docx）、Excel（xlsx）。</Typography.Text>
        </Space>
      )}
      <Table<MeetingFileView>
        rowKey="id"
        size="middle"
        dataSource={m.files}
        pagination={false}
        scroll={{ x: 'max-content' }}
        data-testid="meeting-files"
        locale={{ emptyText: <EmptyState description="没有附件。" /> }}
        columns={[
          {
            title: '文件',
            dataIndex: 'fileName',
            key: 'fileName',
            render: (n: string, f) => (
              <a href={meetingFileUrl(m.id, f.id)} onClick={(e) => {
                e.preventDefault();
                void download(f);
              }}>
                {n}
              </a>
            ),
          },
          { title: '类别', dataIndex: 'kind', key: 'kind', width: 80, render: (k: MeetingFileView['kind']) => <Tag>{KIND[k]}</Tag> },
          { title: '大小', dataIndex: 'sizeBytes', key: 'sizeBytes', width: 100, align: 'right', render: (n: number) => formatBytes(n) },
          { title: '上传时间', dataIndex: 'createdAt', key: 'createdAt', width: 150, render: (t: string) => formatDateTime(t) },
          {
            title: '操作',
            key: 'actions',
            width: 80,
            render: (_: unknown, f) => (
              <Button type="link" size="small" icon={<DownloadOutlined />} onClick={() => void download(f)} aria-label={`下载 ${f.fileName}`}>
                下载
              </Button>
            ),
          },
        ]}
      />
    </Space>
  );
}
