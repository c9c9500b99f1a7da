import { EDUCATIONS, MEMBER_STATUSES, OCCUPATIONS, SEXES, type MemberStatus } from '../../../contracts/dict';

export const options = <T extends Record<string, string>>(o: T) => (Object.keys(o) as (keyof T & string)[]).map((k) => ({ value: k, label: o[k] }));

export const sexOptions = options(SEXES);
export const educationOptions = options(EDUCATIONS);
export const occupationOptions = options(OCCUPATIONS);

export const STATUS_COLORS: Record<MemberStatus, string> = { full: 'red', probationary: 'orange', left: 'default', suspended: 'default', deceased: 'default' };

export const label = <T extends Record<string, string>>(dict: T, key: string | null | undefined) => (key && key in dict ? dict[key as keyof T] : (key ?? '—'));

export { EDUCATIONS, MEMBER_STATUSES, OCCUPATIONS, SEXES };
