import { useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import type { ReceivingOrgList } from '../../../contracts/transfer';
import { api } from '../../shared/api';
import { optionWithExtra, useServerSearch } from '../../shared/search-select';

// The receiving branch of a letter: any branch of the installation, found by
// name as the user types (searchReceivingOrgs returns organisation names only),
// shown with its committee so two branches of the same name can be told apart.

interface Props {
  value?: string;
  onChange?: (id: string | undefined) => void;
  id?: string;
  'aria-label'?: string;
  /** the name of a branch given as the first value (a prefilled form), shown until another is picked */
  initialLabel?: string;
}

export function ReceivingBranchSelect({ value, onChange, id, initialLabel, ...rest }: Props) {
  const { term, selectProps } = useServerSearch();
  const q = useQuery({
    queryKey: ['transfer-receiving-orgs', term],
    queryFn: () => api.get<ReceivingOrgList>('/api/v1/transfers/receiving-orgs', { q: term }),
    enabled: term.length > 0,
    placeholderData: keepPreviousData,
  });
  const [names, setNames] = useState<Record<string, string>>(() => (value && initialLabel ? { [value]: initialLabel } : {}));
  const options = useMemo(
    () => (term ? (q.data?.items ?? []) : []).map((o) => ({ value: o.id, label: o.name, title: o.name, extra: [o.committeeName, o.parentName !== o.committeeName ? o.parentName : null].filter(Boolean).join(' · ') })),
    [q.data, term],
  );
  return (
    <Select<{ value: string; label?: React.ReactNode }>
      id={id}
      aria-label={rest['aria-label']}
      labelInValue
      value={value ? { value, label: names[value] ?? '…' } : undefined}
      onChange={(v) => {
        if (v && typeof v.label === 'string') setNames((n) => ({ ...n, [v.value]: v.label as string }));
        onChange?.(v?.value);
      }}
      allowClear
      {...selectProps(q.isFetching)}
      options={options}
      optionRender={optionWithExtra}
      loading={q.isFetching}
      placeholder="输入名称查找本系统内任一党支部"
      notFoundContent={q.isFetching ? '正在查找…' : term ? '没有找到该党支部' : '请输入党支部名称'}
      style={{ width: '100%' }}
    />
  );
}
