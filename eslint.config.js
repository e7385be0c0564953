import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** Layers point one way: routes → state → services/agents → domain (see README). */
const domainForbidden = ['svelte', 'svelte/*', '$app/*', 'openai', 'openai/*', 'comlink'];

export default ts.config(
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  prettier,
  ...svelte.configs.prettier,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }]
    }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig
      }
    }
  },
  {
    files: ['src/lib/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: domainForbidden,
              message: 'src/lib/domain is pure: no svelte, $app, openai or comlink.'
            }
          ]
        }
      ]
    }
  },
  {
    // Agents (and everything else) talk to a model through the `Llm` port, never `openai`.
    files: ['src/**', 'data/**', 'workers/**'],
    ignores: ['src/lib/llm/openai-adapter.ts', 'src/lib/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['openai', 'openai/*'],
              message:
                'Import the Llm port (src/lib/llm/port.ts); only openai-adapter.ts imports openai.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['workers/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['svelte', 'svelte/*', '$app/*', '$lib/state/*', '$lib/components/*'],
              message: 'Workers import domain and contracts only, never UI.'
            }
          ]
        }
      ]
    }
  },
  {
    // Pages and components reach the workers only through the state classes (src/lib/state):
    // no worker client, worker service or agent import; contracts only for their types and
    // constants (enums), never a call.
    files: ['src/routes/**', 'src/lib/components/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['$lib/services', '$lib/services/*', '**/lib/services/*'],
              message: 'Pages reach the workers only through the state classes ($lib/state).'
            },
            {
              group: [
                '$workers/services/*',
                '$workers/*.worker',
                '**/workers/services/*',
                '**/*.worker'
              ],
              message: 'Pages never import a worker or its services: use the state classes.'
            },
            {
              group: ['**/data/generator/*', '**/data/generator'],
              message: 'The label schema and enums live in src/lib/domain.'
            },
            {
              group: ['$workers/contracts/*'],
              allowTypeImports: true,
              importNames: ['Comlink'],
              message: 'Pages never talk to a worker directly: use the state classes.'
            }
          ]
        }
      ]
    }
  },
  {
    // One definition of the label schema and of the shared enums: in src/lib/domain.
    files: ['src/**', 'workers/**'],
    ignores: ['src/routes/**', 'src/lib/components/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/data/generator/labels', '**/data/generator/labels.ts'],
              message: 'Import the label schema from src/lib/domain/labels.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['tests/bench/**', 'tests/support/**', 'data/**'],
    rules: { 'no-console': 'off' }
  },
  {
    ignores: [
      'build/',
      'build-*/',
      '.svelte-kit/',
      'static/vendor/',
      'node_modules/',
      'test-results/',
      'reports/',
      '.stryker-tmp/',
      'playwright-report/'
    ]
  }
);
