import { useQuery } from 'urql';
import { Feed } from '../../cards/Feed';
import { LiveNowDocument } from '../../generated/graphql';
import { ErrorText } from '../../ui/errors';

export function LiveNow() {
  const [{ data, fetching, error }] = useQuery({
    query: LiveNowDocument,
    requestPolicy: 'cache-and-network',
  });
  return (
    <>
      <h1>Live now</h1>
      <ErrorText error={error} />
      <Feed
        label="Live now"
        items={data?.liveNow.edges.map((edge) => edge.node) ?? []}
        busy={fetching}
      />
    </>
  );
}
