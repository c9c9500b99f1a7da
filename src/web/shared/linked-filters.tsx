import { Alert, Button } from 'antd';

// The filters a list was opened with from elsewhere (a figure of a report)
// that the page has no control for: said in words, with one button to drop
// them (in the text, so that a phone's narrow alert wraps it with the words).

export function LinkedFilters({ items, onClear }: { items: string[]; onClear: () => void }) {
  if (!items.length) return null;
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 12 }}
      message={
        <>
          仅显示：{items.join('，')}
          <Button type="link" size="small" onClick={onClear} style={{ paddingInline: 4 }}>
            显示全部
          </Button>
        </>
      }
      data-testid="linked-filters"
    />
  );
}
