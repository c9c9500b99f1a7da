import type { ReactNode } from 'react';
import { Button, Empty, Result, Spin } from 'antd';
import { ApiError, errorMessage } from './api';

export function PageLoading({ tip = '正在加载…' }: { tip?: string }) {
  return (
    <div role="status" aria-live="polite" style={{ display: 'flex', flexDirection: 'column', gap: 12, justifyContent: 'center', alignItems: 'center', minHeight: 200, width: '100%' }}>
      <Spin size="large" />
      <span style={{ color: '#8c8c8c' }}>{tip}</span>
    </div>
  );
}

/** An error with what to do next, chosen by the error's kind. */
export function ErrorState({ error, onRetry, title, extra }: { error: unknown; onRetry?: () => void; title?: string; extra?: ReactNode }) {
  const e = error instanceof ApiError ? error : null;
  const retry = onRetry ? (
    <Button type="primary" onClick={() => onRetry()} key="retry">
      重新加载
    </Button>
  ) : null;
  if (e?.status === 403) {
    return <Result status="403" title="没有访问权限" subTitle={`${e.message}。如确需使用，请联系安全管理员为您授予相应角色。`} extra={extra} />;
  }
  if (e?.status === 404) {
    return <Result status="404" title={title ?? '内容不存在'} subTitle={`${e.message}。请返回上一页，或从列表重新进入。`} extra={extra ?? <Button onClick={() => history.back()}>返回上一页</Button>} />;
  }
  if (e?.code === 'NETWORK') {
    return <Result status="warning" title={title ?? '网络连接失败'} subTitle="请检查网络连接后点击“重新加载”。" extra={[retry, extra]} />;
  }
  const rid = e?.requestId ? `（请求编号 ${e.requestId}）` : '';
  return (
    <Result
      status="error"
      title={title ?? '加载失败'}
      subTitle={`${errorMessage(error)}。请点击“重新加载”；如仍然失败，请把问题和请求编号告诉系统管理员${rid}。`}
      extra={[retry, extra]}
    />
  );
}

export function EmptyState({ description, action }: { description: ReactNode; action?: ReactNode }) {
  return (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={description} style={{ margin: '32px 0' }}>
      {action}
    </Empty>
  );
}
