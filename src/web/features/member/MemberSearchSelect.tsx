import { useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import type { z } from 'zod';
import type { MemberPage } from '../../../contracts/member';
import { api } from '../../shared/api';
import { optionWithExtra, useServerSearch } from '../../shared/search-select';

// Picks members of an org subtree by name, pinyin initials or phone tail, as
// the user types (the roster's own search): one member (a dues payer) or
// several (培养联系人, 入党介绍人). Picked members keep their names when the
// search moves on; after a pick the search is empty for the next name.

type Member = z.infer<typeof MemberPage>['items'][number];
type Which = 'current' | 'full';
/** a picked member as the Select holds it (labelInValue): the id and the name shown on its tag */
interface LabeledValue {
  value: string;
  label?: React.ReactNode;
}

const TEXTS: Record<Which, { placeholder: string; none: string; notFound: string }> = {
  current: { placeholder: '输入姓名、拼音首字母查找党员', none: '没有党员', notFound: '没有找到该党员' },
  full: { placeholder: '输入姓名、拼音首字母查找正式党员', none: '本支部没有正式党员', notFound: '没有找到该正式党员' },
};

function useMemberSearch(orgId: string | undefined, q: string, status: Which) {
  return useQuery({
    queryKey: ['members', 'list', { orgId, q, status, pageSize: 20, picker: true }],
    queryFn: () => api.get<z.infer<typeof MemberPage>>('/api/v1/members', { orgId, q: q || undefined, status, pageSize: 20 }),
    placeholderData: keepPreviousData,
  });
}

const describe = (m: Member, status: Which) =>
  [m.orgName, status === 'full' ? (m.joinDate ? `${m.joinDate} 入党` : null) : m.status === 'probationary' ? '预备党员' : null].filter(Boolean).join(' · ');

interface Common {
  orgId: string | undefined;
  /** current members (default) or full members only */
  status?: Which;
  id?: string;
  placeholder?: string;
  style?: React.CSSProperties;
  'aria-label'?: string;
  /** names of members already picked when the select opens (an edit form), so their tags read as names */
  initialNames?: Record<string, string>;
}
type Props =
  | (Common & { multiple?: false; value?: string; onChange?: (id: string | undefined, name?: string) => void })
  | (Common & { multiple: true; value?: string[]; onChange?: (ids: string[]) => void });

export function MemberSearchSelect(props: Props) {
  const { orgId, status = 'current', id, placeholder, style } = props;
  const { term, selectProps, clear } = useServerSearch();
  const q = useMemberSearch(orgId, term, status);
  // names of picked members, so that their tags keep their names when the search moves on
  const [names, setNames] = useState<Record<string, string>>(() => ({ ...props.initialNames }));
  const labeled = (v: string): LabeledValue => ({ value: v, label: names[v] ?? '…' });

  // only what the search found: a picked member is not offered again as the "only option"
  const options = useMemo(() => (q.data?.items ?? []).map((m) => ({ value: m.id, label: m.name, title: m.name, extra: describe(m, status) })), [q.data, status]);

  const remember = (picked: LabeledValue[]) => {
    const next = { ...names };
    for (const p of picked) if (typeof p.label === 'string' && p.label !== '…') next[p.value] = p.label;
    setNames(next);
  };
  const texts = TEXTS[status];
  return (
    <Select<LabeledValue | LabeledValue[]>
      id={id}
      aria-label={props['aria-label']}
      mode={props.multiple ? 'multiple' : undefined}
      labelInValue
      value={props.multiple ? (props.value ?? []).map(labeled) : props.value ? labeled(props.value) : undefined}
      onChange={(v) => {
        if (props.multiple) {
          const picked = (v as LabeledValue[] | undefined) ?? [];
          remember(picked);
          clear(); // the next name is typed into an empty search
          props.onChange?.(picked.map((p) => p.value));
        } else {
          const one = v as LabeledValue | undefined;
          if (one) remember([one]);
          props.onChange?.(one?.value, typeof one?.label === 'string' ? one.label : undefined);
        }
      }}
      allowClear={!props.multiple}
      {...selectProps(q.isFetching)}
      options={options}
      optionRender={optionWithExtra}
      loading={q.isFetching}
      placeholder={placeholder ?? texts.placeholder}
      notFoundContent={q.isFetching ? '正在查找…' : term ? texts.notFound : texts.none}
      style={style ?? { width: '100%' }}
    />
  );
}
