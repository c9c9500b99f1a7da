import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Architecture rules (docs/ARCHITECTURE.md): only repositories and the
// platform touch the database driver; domains reach each other only through
// index.ts; the web imports only contracts from the server side.
// SQL text is written only in repositories (and src/server/platform): services, routes, jobs,
// imports and exports call named repository functions. Type imports (Sql fragments built by
// platform/scope) stay allowed.
const SQL_TEXT = { group: ['**/platform/sql'], importNames: ['sql', 'raw'], message: 'Write SQL in the domain\'s *.repo.ts and call it from here (repositories are the only door to the database).' };

// business "today" comes from deps.clock (tests set it; CI runs the suite 400 days ahead)
const NO_WALL_CLOCK_TODAY = {
  selector: "CallExpression[callee.name='businessToday'][arguments.length=0]",
  message: 'Take the business date from deps.clock.today() (or pass the Date you mean): the wall clock is not the business day in tests.',
};
// An answer's shape is named once in src/contracts: the route declares it, the web infers its type from it.
const NAMED_RESPONSE = {
  selector: "Property[key.name='response'] > ObjectExpression > Property > CallExpression[callee.object.name='z']",
  message: 'Name the response schema in src/contracts/ (the web infers its type from the same schema) instead of writing it inline.',
};
const NO_HAND_WRITTEN_ANSWER = {
  selector: "CallExpression[callee.object.name='api'] > TSTypeParameterInstantiation > :matches(TSTypeLiteral, TSIntersectionType, TSUnionType)",
  message: 'Type an API answer as z.infer<typeof Schema> of the response schema in src/contracts/, not by hand.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', NO_WALL_CLOCK_TODAY] },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', NO_WALL_CLOCK_TODAY, NAMED_RESPONSE] },
  },
  {
    files: ['src/web/**/*.{ts,tsx}'],
    rules: { 'no-restricted-syntax': ['error', NO_HAND_WRITTEN_ANSWER] },
  },
  {
    files: ['src/server/domains/**/*.ts'],
    ignores: ['src/server/domains/**/*.repo.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'pg', message: 'Only repositories and platform/db touch the database driver.' }],
        patterns: [
          // any file of another domain but its index (a split domain's use-case files included)
          { group: ['../[a-z]*/*', '!../[a-z]*/index'], message: 'Reach another domain only through its index.ts.' },
          SQL_TEXT,
        ],
      }],
    },
  },
  {
    // the operator CLI reaches the database through the domains' index.ts, like the routes
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'pg', message: 'The CLI reaches the database through the domains.' }], patterns: [SQL_TEXT] }] },
  },
  {
    files: ['src/server/domains/**/*.repo.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../[a-z]*/*'], message: 'A repository uses only the platform and contracts, never another domain.' }] }],
    },
  },
  {
    files: ['src/web/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**', 'pg', 'fastify'], message: 'The web imports only contracts from the server side.' }] }],
    },
  },
  {
    files: ['src/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**', '**/web/**', 'pg'], message: 'contracts import only zod.' }] }],
    },
  },
);
