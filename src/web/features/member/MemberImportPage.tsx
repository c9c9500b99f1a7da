import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Result, Space, Statistic, Steps, Typography, Upload } from 'antd';
import { DownloadOutlined, InboxOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { z } from 'zod';
import type { MemberImportAnswer } from '../../../contracts/member';
import { api, errorMessage } from '../../shared/api';
import { PageLoading, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { isActive, useJob } from '../jobs/api';
import { ImportErrors, JobProgress, JobResult, type ImportReport } from '../jobs/JobResult';

const XLSX_NAME = /\.xlsx$/i;

export function MemberImportPage() {
  usePageTitle('批量导入党员');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [checking, setChecking] = useState(false);
  const [checkError, setCheckError] = useState<string | null>(null);
  const [committing, setCommitting] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);
  const job = useJob(jobId);

  const step = jobId ? 3 : report ? 2 : file ? 1 : 0;
  const errorRows = report ? new Set(report.errors.map((e) => e.row)).size : 0;

  const downloadTemplate = async () => {
    setDownloading(true);
    try {
      await api.download('/api/v1/members/import/template', undefined, '党员信息导入模板.xlsx');
    } catch (e) {
      message.error(`模板下载失败：${errorMessage(e)}`);
    } finally {
      setDownloading(false);
    }
  };

  const check = async (f: File) => {
    setFile(f);
    setReport(null);
    setCheckError(null);
    if (!XLSX_NAME.test(f.name)) {
      setCheckError('请选择 .xlsx 格式的 Excel 文件（可先下载模板，按模板填写）。');
      return;
    }
    setChecking(true);
    try {
      const r = await api.upload<z.infer<typeof MemberImportAnswer>>('/api/v1/members/import', f, f.name, { dryRun: 'true' });
      if (r.dryRun) setReport(r.report);
    } catch (e) {
      setCheckError(`${errorMessage(e)}。请检查文件后重新选择。`);
    } finally {
      setChecking(false);
    }
  };

  const commit = async () => {
    if (!file) return;
    setCommitting(true);
    try {
      const r = await api.upload<z.infer<typeof MemberImportAnswer>>('/api/v1/members/import', file, file.name, { dryRun: 'false' });
      if (!r.dryRun) setJobId(r.jobId);
      void qc.invalidateQueries({ queryKey: ['jobs'] });
    } catch (e) {
      message.error(`导入未能开始：${errorMessage(e)}`);
    } finally {
      setCommitting(false);
    }
  };

  const restart = () => {
    setFile(null);
    setReport(null);
    setCheckError(null);
    setJobId(null);
  };

  const finished = !!job.data && !isActive(job.data);
  useEffect(() => {
    if (finished) void qc.invalidateQueries({ queryKey: ['members'] });
  }, [finished, qc]);

  return (
    <Card>
      <div className="page-header">
        <Typography.Title level={3}>批量导入党员</Typography.Title>
        <Link to="/admin/members">
          <Button>返回党员名册</Button>
        </Link>
      </div>
      <Steps
        current={step}
        style={{ marginBottom: 24 }}
        items={[{ title: '下载模板' }, { title: '上传文件' }, { title: '核对校验结果' }, { title: '导入' }]}
      />

      {step < 3 && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Alert
            type="info"
            showIcon
            title="按模板填写后上传。系统先逐行校验、不写入任何数据；您核对校验结果后，再确认导入。"
            description="身份证号按国家标准校验；“所在党支部”填写党支部的全称或组织代码，须在您的管理范围内；已在本支部在册的党员会自动跳过。"
            action={
              <Button icon={<DownloadOutlined />} onClick={downloadTemplate} loading={downloading}>
                下载模板
              </Button>
            }
          />
          <Upload.Dragger
            accept=".xlsx"
            multiple={false}
            showUploadList={false}
            beforeUpload={(f) => {
              void check(f);
              return false;
            }}
            disabled={checking || committing}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{file ? `已选择：${file.name}（点击或拖入可更换）` : '点击选择或把 Excel 文件拖到这里'}</p>
            <p className="ant-upload-hint">仅支持按模板填写的 .xlsx 文件</p>
          </Upload.Dragger>
          {checking && <PageLoading tip="正在逐行校验…" />}
          {checkError && <Alert type="error" showIcon title={checkError} role="alert" />}
          {report && (
            <Card type="inner" title="校验结果" data-testid="import-report">
              <Space size={48} wrap style={{ marginBottom: 16 }}>
                <Statistic title="文件行数" value={report.total} />
                <Statistic title="可导入" value={report.valid} styles={{ content: { color: '#389e0d' } }} />
                <Statistic title="已在册，将跳过" value={report.skipped} />
                <Statistic title="有错误的行" value={errorRows} styles={{ content: errorRows ? { color: '#cf1322' } : undefined }} />
              </Space>
              {report.total === 0 ? (
                <Alert type="warning" showIcon title="文件中没有数据行。请在模板的第二行起填写党员信息后重新上传。" />
              ) : report.errors.length > 0 ? (
                <>
                  <Alert
                    type="warning"
                    showIcon
                    style={{ marginBottom: 12 }}
                    title={`有 ${errorRows} 行存在错误，确认导入时这些行不会导入。可按下表修改文件后重新上传。`}
                  />
                  <ImportErrors errors={report.errors} />
                </>
              ) : (
                <Alert type="success" showIcon title="全部数据行校验通过。" />
              )}
              <Space style={{ marginTop: 16 }}>
                <Button type="primary" onClick={commit} loading={committing} disabled={report.valid === 0}>
                  确认导入{report.valid > 0 ? `（${report.valid} 人）` : ''}
                </Button>
                <Button icon={<ReloadOutlined />} onClick={restart}>
                  重新选择文件
                </Button>
              </Space>
            </Card>
          )}
        </Space>
      )}

      {step === 3 &&
        (job.isPending ? (
          <PageLoading tip="正在提交导入任务…" />
        ) : job.isError ? (
          <ErrorState error={job.error} onRetry={() => job.refetch()} title="无法获取导入进度" extra={<Link to="/admin/jobs">到任务记录查看</Link>} />
        ) : isActive(job.data) ? (
          <Card type="inner" title="正在导入">
            <JobProgress job={job.data} />
            <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
              导入在后台进行，离开本页不会中断；完成后会在右上角“通知”中提醒您，也可在“任务记录”中查看结果。
            </Typography.Paragraph>
          </Card>
        ) : (
          <Result
            status={job.data.status === 'succeeded' ? 'success' : 'error'}
            title={job.data.status === 'succeeded' ? '导入完成' : '导入失败'}
            extra={[
              <Link to="/admin/members" key="list">
                <Button type="primary">查看党员名册</Button>
              </Link>,
              <Button key="again" onClick={restart}>
                继续导入
              </Button>,
            ]}
          >
            <JobResult job={job.data} />
          </Result>
        ))}
    </Card>
  );
}
