import { useState } from 'react';
import { Alert, Breadcrumb, Button, Card, Col, Descriptions, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { ApartmentOutlined, DeleteOutlined, EditOutlined, PlusOutlined, SwapOutlined, TeamOutlined, UsergroupAddOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { BRANCH_TYPES, COMMITTEE_POSTS, ORG_TYPES, UNIT_KINDS } from '../../../contracts/dict';
import { formatDate } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState, PageLoading } from '../../shared/states';
import { childrenQuery, useOrg, type OrgDetail } from './api';
import { DissolveOrgModal, ElectCommitteeModal, MoveOrgModal, OrgFormModal } from './OrgModals';
import { MemberStatsPanel } from './MemberStatsPanel';

type Dialog = 'edit' | 'create' | 'move' | 'dissolve' | 'elect' | null;

function Warnings({ org }: { org: OrgDetail }) {
  if (org.isDissolved) return <Alert type="info" showIcon title={`该组织已于 ${formatDate(org.dissolvedOn)} 撤销`} description={org.dissolveReason ? `撤销原因：${org.dissolveReason}` : undefined} />;
  if (org.warnings.length === 0) return <Alert type="success" showIcon title="设置检查未发现问题" description="党员人数、支部委员会设置和任期均符合规定。" />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {org.warnings.map((w) => (
        <Alert
          key={w.code}
          type={w.level === 'error' ? 'error' : 'warning'}
          showIcon
          title={w.message}
          description={
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              依据：{w.source}
            </Typography.Text>
          }
        />
      ))}
    </Space>
  );
}

function Committee({ org, onElect, linkMembers }: { org: OrgDetail; onElect?: () => void; linkMembers: boolean }) {
  const c = org.committee;
  if (!c) {
    return (
      <EmptyState
        description={onElect ? '尚未登记班子。换届选举后，请点击“换届登记”录入班子成员和任期。' : '尚未登记班子。'}
        action={
          onElect && (
            <Button type="primary" onClick={onElect}>
              换届登记
            </Button>
          )
        }
      />
    );
  }
  return (
    <>
      <Descriptions size="small" column={3} style={{ marginBottom: 12 }}>
        <Descriptions.Item label="本届选举日期">{c.electedOn}</Descriptions.Item>
        <Descriptions.Item label="任期">{c.termYears} 年</Descriptions.Item>
        <Descriptions.Item label="届满日期（换届）">{c.termEndsOn}</Descriptions.Item>
      </Descriptions>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={c.posts}
        columns={[
          { title: '职务', dataIndex: 'post', render: (p: keyof typeof COMMITTEE_POSTS) => COMMITTEE_POSTS[p] },
          { title: '姓名', dataIndex: 'holderName', render: (n: string, r) => (r.personId && linkMembers ? <Link to={`/admin/members/${r.personId}`}>{n}</Link> : n) },
          { title: '批准日期', dataIndex: 'approvedOn', render: (d: string | null) => formatDate(d) },
        ]}
        locale={{ emptyText: '本届班子未登记成员' }}
      />
    </>
  );
}

export function OrgDetailPane({ id, onSelect }: { id: string; onSelect: (id: string) => void }) {
  const me = useMe().data;
  const q = useOrg(id);
  const children = useQuery({ ...childrenQuery(id), enabled: !!q.data?.hasChildren });
  const [dialog, setDialog] = useState<Dialog>(null);

  if (q.isPending) return <Card><PageLoading /></Card>;
  if (q.isError) return <Card><ErrorState error={q.error} onRetry={() => q.refetch()} title="组织详情加载失败" /></Card>;
  const org = q.data;
  const a = org.abilities;
  const isBranch = BRANCH_TYPES.includes(org.type) || org.type === 'party_group';
  const close = () => setDialog(null);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        {org.ancestors.length > 0 && (
          <Breadcrumb
            style={{ marginBottom: 8 }}
            items={[...org.ancestors.map((x) => ({ key: x.id, title: <a onClick={() => onSelect(x.id)}>{x.name}</a> })), { key: org.id, title: org.name }]}
          />
        )}
        <div className="page-header" style={{ marginBottom: 8 }}>
          <Space size={8} wrap>
            <ApartmentOutlined style={{ fontSize: 20, color: '#c8102e' }} />
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="org-name">
              {org.name}
            </Typography.Title>
            <Tag color="red">{ORG_TYPES[org.type]}</Tag>
            {org.isDissolved ? <Tag>已撤销</Tag> : <Tag color="green">正常</Tag>}
          </Space>
          <Space wrap>
            {can(me, 'member.read') && !org.isDissolved && (
              <Link to={`/admin/members?orgId=${org.id}`}>
                <Button icon={<TeamOutlined />}>查看党员</Button>
              </Link>
            )}
            {a.update && (
              <Button icon={<EditOutlined />} onClick={() => setDialog('edit')}>
                编辑
              </Button>
            )}
            {a.createChild && (
              <Button icon={<PlusOutlined />} onClick={() => setDialog('create')}>
                新建下级组织
              </Button>
            )}
            {a.move && (
              <Button icon={<SwapOutlined />} onClick={() => setDialog('move')}>
                调整隶属关系
              </Button>
            )}
            {a.manageCommittee && (
              <Button icon={<UsergroupAddOutlined />} onClick={() => setDialog('elect')}>
                换届登记
              </Button>
            )}
            {a.dissolve && (
              <Button danger icon={<DeleteOutlined />} onClick={() => setDialog('dissolve')}>
                撤销
              </Button>
            )}
          </Space>
        </div>
        <Descriptions size="small" column={3}>
          <Descriptions.Item label="组织代码">{org.code ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="单位名称">{org.unitName ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="单位类别">{UNIT_KINDS[org.unitKind]}</Descriptions.Item>
          <Descriptions.Item label="成立日期">{formatDate(org.setupDate)}</Descriptions.Item>
          <Descriptions.Item label="地址" span={2}>
            {org.address ?? '—'}
          </Descriptions.Item>
        </Descriptions>
        <Row gutter={16} style={{ marginTop: 8 }}>
          {(isBranch || org.stats.fullMembers + org.stats.probationaryMembers > 0) && (
            <>
              <Col span={6}>
                <Statistic title="正式党员（本级）" value={org.stats.fullMembers} suffix="名" />
              </Col>
              <Col span={6}>
                <Statistic title="预备党员（本级）" value={org.stats.probationaryMembers} suffix="名" />
              </Col>
            </>
          )}
          <Col span={6}>
            <Statistic title="本级及下级党员" value={org.stats.subtreeMembers} suffix="名" />
          </Col>
          <Col span={6}>
            <Statistic title="下级组织" value={org.hasChildren ? (children.data?.length ?? '…') : 0} suffix="个" />
          </Col>
        </Row>
      </Card>

      {can(me, 'member.read') && <MemberStatsPanel orgId={org.id} />}

      <Card title="设置检查" size="small">
        <Warnings org={org} />
      </Card>

      <Card title="班子与换届" size="small">
        <Committee org={org} onElect={a.manageCommittee ? () => setDialog('elect') : undefined} linkMembers={can(me, 'member.read')} />
      </Card>

      {org.hasChildren && (
        <Card title="下级组织" size="small">
          {children.isPending ? (
            <PageLoading />
          ) : children.isError ? (
            <ErrorState error={children.error} onRetry={() => children.refetch()} />
          ) : (
            <Table
              size="small"
              rowKey="id"
              dataSource={children.data}
              pagination={children.data.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
              columns={[
                { title: '名称', dataIndex: 'name', render: (n: string, r) => <a onClick={() => onSelect(r.id)}>{n}</a> },
                { title: '类型', dataIndex: 'type', render: (t: keyof typeof ORG_TYPES) => ORG_TYPES[t], width: 120 },
                { title: '本级党员', dataIndex: 'memberCount', width: 100, align: 'right' },
              ]}
              locale={{ emptyText: '没有下级组织' }}
            />
          )}
        </Card>
      )}

      {dialog === 'edit' && <OrgFormModal mode="edit" org={org} onClose={close} />}
      {dialog === 'create' && <OrgFormModal mode="create" org={org} onClose={close} onCreated={onSelect} />}
      {dialog === 'move' && <MoveOrgModal org={org} onClose={close} />}
      {dialog === 'dissolve' && <DissolveOrgModal org={org} onClose={close} />}
      {dialog === 'elect' && <ElectCommitteeModal org={org} onClose={close} />}
    </Space>
  );
}
