// The offline API explorer served for a browser's GET /graphql: GraphiQL bundled from npm,
// queries over HTTP POST and subscriptions over graphql-ws, both at /graphql.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createRoot } from 'react-dom/client';

const origin = window.location.origin;
const fetcher = createGraphiQLFetcher({
  url: `${origin}/graphql`,
  subscriptionUrl: `${origin.replace(/^http/, 'ws')}/graphql`,
});

createRoot(document.getElementById('explorer')!).render(
  <GraphiQL fetcher={fetcher} defaultQuery={'query {\n  me {\n    handle\n  }\n}\n'} />,
);
