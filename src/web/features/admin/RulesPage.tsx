import { Card, Descriptions, Table, Tag, Typography } from 'antd';
import { describeRule } from '../../../contracts/rule-labels';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { useRules, type RuleVersion } from './api';


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
                  <div>{describeRule(r.domain, r.key, r.body).name}</div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    版本 {r.effectiveFrom}
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
            {
              title: '内容',
              render: (_: unknown, r) => {
                const d = describeRule(r.domain, r.key, r.body);
                return (
                  <Descriptions size="small" column={1} colon={false} styles={{ label: { color: '#595959', minWidth: 200 } }}>
                    {d.rows.map((row) => (
                      <Descriptions.Item key={row.field} label={row.label}>
                        {row.value}
                      </Descriptions.Item>
                    ))}
                    {d.unlabelled.length > 0 && <Descriptions.Item label="其他设置">{d.unlabelled.length} 项（请联系系统管理员补充说明）</Descriptions.Item>}
                  </Descriptions>
                );
              },
            },
          ]}
        />
      )}
    </Card>
  );
}
