import { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';

/**
 * Every answer is `cache-control: no-store`: each one is the viewer's own. Apollo's default
 * cache-control plugin would send the same header, but it computes hints by wrapping every field
 * resolver, which costs each item of a page and buys nothing, as seeit sets no hints.
 */
export function uncacheableResponses(): ApolloServerPlugin[] {
  return [
    ApolloServerPluginCacheControlDisabled(),
    {
      requestDidStart: () =>
        Promise.resolve({
          willSendResponse: ({ response }) => {
            response.http.headers.set('cache-control', 'no-store');
            return Promise.resolve();
          },
        }),
    },
  ];
}
