import { useState } from 'react';
import { Badge, Button, Popover, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useMarkRead, useNotifications } from './api';
import { NotificationItems } from './NotificationList';
import { PageLoading, ErrorState, EmptyState } from '../../shared/states';

export function NotificationBell() {
  const [open, setOpen] = useState(false);
  const list = useNotifications({ pageSize: 8, poll: true });
  const markAll = useMarkRead();
  const unread = list.data?.unread ?? 0;
  const content = (
    <div style={{ width: 360, maxHeight: 420, overflowY: 'auto' }}>
      {list.isPending ? (
        <PageLoading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} title="通知加载失败" />
      ) : list.data.items.length === 0 ? (
        <EmptyState description="暂无通知。批量导入等后台任务完成后，会在这里提醒您。" />
      ) : (
        <NotificationItems items={list.data.items} onOpen={() => setOpen(false)} />
      )}
    </div>
  );
  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      placement="bottomRight"
      title={
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <span>通知{unread > 0 ? `（${unread} 条未读）` : ''}</span>
          {unread > 0 && (
            <Button type="link" size="small" loading={markAll.isPending} onClick={() => markAll.mutate(undefined)}>
              全部标为已读
            </Button>
          )}
        </div>
      }
      content={content}
    >
      <Button type="text" aria-label={unread > 0 ? `通知，${unread} 条未读` : '通知'} style={{ height: 40 }}>
        <Badge count={unread} size="small" overflowCount={99}>
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
        <Typography.Text className="header-bell-label" style={{ marginLeft: 6 }}>通知</Typography.Text>
      </Button>
    </Popover>
  );
}
