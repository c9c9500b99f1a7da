import { Button } from 'antd';
import { ApiError, errorMessage } from '../../shared/api';

/** A phone-sized error card with what to do next (`contact`: whom to ask when retrying does not help). */
export function MobileError({ error, onRetry, title, contact = '支部书记' }: { error: unknown; onRetry?: () => void; title: string; contact?: string }) {
  const notLinked = error instanceof ApiError && error.status === 404;
  return (
    <div className="m-card" role="alert">
      <h2>{title}</h2>
      <p style={{ color: '#595959', margin: '0 0 12px' }}>
        {notLinked ? `${errorMessage(error)}。` : `${errorMessage(error)}。请检查网络后重试；如仍然失败，请联系${contact}。`}
      </p>
      {onRetry && !notLinked && (
        <Button className="m-action" onClick={onRetry}>
          重新加载
        </Button>
      )}
    </div>
  );
}

export function MobileLoading() {
  return (
    <div className="m-card" role="status" aria-live="polite" style={{ color: '#8c8c8c', textAlign: 'center', padding: 32 }}>
      正在加载…
    </div>
  );
}
