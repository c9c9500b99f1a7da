import { Card, Select, Space, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { ErrorState, EmptyState, PageLoading } from '../../shared/states';
import { useServerSearch } from '../../shared/search-select';
import { usePageTitle } from '../../shared/use-title';
import { useCandidate, useCandidates } from './api';
import { DocumentButtons } from './documents';
import { StateTag, StatusTag } from './ui';

// 文书: pick a candidate (any state) and download any of the five documents,
// each filled in from the facts recorded on the file.

export function DocumentsPage() {
  usePageTitle('文书');
  const [params, setParams] = useSearchParams();
  const id = params.get('id') ?? undefined;
  const { term, selectProps } = useServerSearch();
  const list = useCandidates({ q: term || undefined, state: 'all', sort: 'name', order: 'asc', page: 1, pageSize: 20 });
  const detail = useCandidate(id);
  const options = (list.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.name}（${c.orgName}）`, title: c.name, item: c }));
  if (id && detail.data && !options.some((o) => o.value === id)) options.unshift({ value: id, label: `${detail.data.name}（${detail.data.orgName}）`, title: detail.data.name, item: detail.data });

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0}>
          <Typography.Title level={3}>文书</Typography.Title>
          <Typography.Text type="secondary">文书按发展档案中已登记的信息自动生成（Word 格式），不需重复填写。</Typography.Text>
        </Space>
      </div>
      <Space wrap style={{ marginBottom: 16 }}>
        <span>发展对象</span>
        <Select
          value={id}
          onChange={(v) => setParams(v ? { id: v } : {})}
          allowClear
          {...selectProps(list.isFetching)}
          options={options}
          optionRender={(o) => (
            <Space size={6}>
              <span>{o.data.item.name}</span>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {o.data.item.orgName}
              </Typography.Text>
              <StatusTag status={o.data.item.status} />
            </Space>
          )}
          loading={list.isFetching}
          notFoundContent={list.isFetching ? '正在查找…' : term ? '没有找到该发展对象' : '还没有发展档案'}
          placeholder="输入姓名或拼音首字母查找"
          style={{ width: 360, maxWidth: '100%' }}
          aria-label="选择发展对象"
          popupMatchSelectWidth={false}
        />
      </Space>
      {!id ? (
        <EmptyState description="请先选择发展对象，再生成文书。" />
      ) : detail.isPending ? (
        <PageLoading />
      ) : detail.isError ? (
        <ErrorState error={detail.error} onRetry={() => detail.refetch()} title="发展档案加载失败" />
      ) : (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Space size={8} wrap>
            <Link to={`/admin/development/candidates/${detail.data.id}`}>
              <Typography.Text strong>{detail.data.name}</Typography.Text>
            </Link>
            <StatusTag status={detail.data.status} />
            <StateTag state={detail.data.state} />
            <Typography.Text type="secondary">
              {detail.data.orgName} · 已完成到第{detail.data.lastStep}步
            </Typography.Text>
          </Space>
          <DocumentButtons detail={detail.data} />
        </Space>
      )}
    </Card>
  );
}
