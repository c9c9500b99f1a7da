import { Card, Table, Tag, Typography } from 'antd';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { useRules, type RuleVersion } from './api';

const RULE_NAMES: Record<string, string> = { 'org.setup': '党组织设置与换届', 'development.intervals': '发展党员时限与条件' };

export function RulesPage() {
  usePageTitle('规则版本');
  const rules = useRules();
  return (
    <Card>
      <div className="page-header">
        <Typography.Title level={3}>规则版本</Typography.Title>
        <Typography.Text type="secondary">业务规则按生效日期分版本保存；每次检查按业务发生日期使用当时有效的版本</Typography.Text>
      </div>
      {rules.isError ? (
        <ErrorState error={rules.error} onRetry={() => rules.refetch()} title="规则版本加载失败" />
      ) : (
        <Table<RuleVersion>
          rowKey="id"
          loading={rules.isPending}
          dataSource={rules.data ?? []}
          pagination={false}
          locale={{ emptyText: rules.isPending ? ' ' : <EmptyState description="还没有规则版本。规则随数据库迁移写入，请确认系统已完成初始化。" /> }}
          columns={[
            {
              title: '规则',
              width: 180,
              render: (_: unknown, r) => (
                <>
                  <div>{RULE_NAMES[`${r.domain}.${r.key}`] ?? `${r.domain}.${r.key}`}</div>
                  <Typography.Text type="secondary" code style={{ fontSize: 12 }}>
                    {r.domain}.{r.key}
                  </Typography.Text>
                </>
              ),
            },
            { title: '适用范围', width: 110, render: (_: unknown, r) => (r.scopeOrgId ? '指定组织' : '全系统') },
            {
              title: '生效日期',
              width: 200,
              render: (_: unknown, r) => (
                <>
                  {r.effectiveFrom} 至 {r.effectiveTo ?? '今'} {!r.effectiveTo && <Tag color="green">现行</Tag>}
                </>
              ),
            },
            { title: '来源', dataIndex: 'source', width: 320 },
            { title: '内容', dataIndex: 'body', render: (b: unknown) => <pre className="json-block">{JSON.stringify(b, null, 2)}</pre> },
          ]}
        />
      )}
    </Card>
  );
}
