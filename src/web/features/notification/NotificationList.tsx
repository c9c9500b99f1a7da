import { Button, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { formatDateTime } from '../../shared/dates';
import type { Notification } from './api';
import { useMarkRead } from './api';

/** A compact list of notifications; opening one marks it read and follows its link. */
export function NotificationItems({ items, onOpen, large = false }: { items: Notification[]; onOpen?: () => void; large?: boolean }) {
  const navigate = useNavigate();
  const markRead = useMarkRead();
  return (
    <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {items.map((n) => (
        <li key={n.id} style={{ padding: large ? '14px 0' : '10px 0', borderBottom: '1px solid #f0f0f0' }}>
          <div style={{ display: 'flex', gap: 8, alignItems: 'flex-start' }}>
            <span
              aria-hidden
              style={{ width: 8, height: 8, borderRadius: 4, marginTop: large ? 9 : 7, flex: 'none', background: n.readAt ? 'transparent' : '#c8102e' }}
            />
            <div style={{ flex: 1, minWidth: 0 }}>
              <Typography.Text strong style={{ fontSize: large ? 16 : 14 }}>
                {n.title}
              </Typography.Text>
              <div style={{ color: '#595959', fontSize: large ? 15 : 13, wordBreak: 'break-word' }}>{n.body}</div>
              <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginTop: 4 }}>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatDateTime(n.createdAt)}
                </Typography.Text>
                <span>
                  {!n.readAt && (
                    <Button type="link" size="small" onClick={() => markRead.mutate([n.id])}>
                      标为已读
                    </Button>
                  )}
                  {n.link && n.link.startsWith('/') && (
                    <Button
                      type="link"
                      size="small"
                      onClick={() => {
                        if (!n.readAt) markRead.mutate([n.id]);
                        onOpen?.();
                        navigate(n.link!);
                      }}
                    >
                      查看
                    </Button>
                  )}
                </span>
              </div>
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}
